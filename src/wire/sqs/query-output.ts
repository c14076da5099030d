/**
 * Writing Query-protocol responses: `<ActionResponse xmlns="…"><ActionResult>…</ActionResult>
 * <ResponseMetadata><RequestId>…</RequestId></ResponseMetadata></ActionResponse>`, with the
 * element names and flattened lists of SQS's service model (repeated `<QueueUrl>`,
 * `<Attribute><Name/><Value/></Attribute>`, `<Tag><Key/><Value/></Tag>`, batch result
 * entries…). Binary values are base64; actions without output have no Result element.
 */
import type { QueueService } from "../../services/queues/service.js";
import type {
  BatchResultErrorEntry,
  Message,
  MessageAttributeMap,
  MessageAttributeValue,
  MessageMoveTaskEntry,
  SendMessageOutput,
} from "../../services/queues/types.js";
import { XML_DECLARATION, xmlElement, xmlText } from "../xml.js";

export const SQS_XML_NAMESPACE = "http://queue.amazonaws.com/doc/2012-11-05/";

/** What the service method behind an action resolves to. */
type Out<K extends keyof QueueService> = QueueService[K] extends (...args: never[]) => Promise<infer R> ? R : never;

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("base64");
}

function nameValues(tag: string, map: Readonly<Record<string, string>> | undefined, key = "Name", value = "Value"): string {
  if (!map) return "";
  return Object.entries(map)
    .map(([k, v]) => xmlElement(tag, xmlText(key, k) + xmlText(value, v)))
    .join("");
}

function repeated(tag: string, values: readonly string[] | undefined): string {
  return (values ?? []).map((v) => xmlText(tag, v)).join("");
}

function attributeValue(v: MessageAttributeValue): string {
  return (
    xmlText("StringValue", v.StringValue) +
    (v.BinaryValue === undefined ? "" : xmlText("BinaryValue", base64(v.BinaryValue))) +
    repeated("StringListValue", v.StringListValues) +
    repeated("BinaryListValue", v.BinaryListValues?.map(base64)) +
    xmlText("DataType", v.DataType)
  );
}

function messageAttributes(attrs: MessageAttributeMap | undefined): string {
  if (!attrs) return "";
  return Object.entries(attrs)
    .map(([name, v]) => xmlElement("MessageAttribute", xmlText("Name", name) + xmlElement("Value", attributeValue(v))))
    .join("");
}

function message(m: Message): string {
  return xmlElement(
    "Message",
    xmlText("MessageId", m.MessageId) +
      xmlText("ReceiptHandle", m.ReceiptHandle) +
      xmlText("MD5OfBody", m.MD5OfBody) +
      xmlText("Body", m.Body) +
      nameValues("Attribute", m.Attributes) +
      xmlText("MD5OfMessageAttributes", m.MD5OfMessageAttributes) +
      messageAttributes(m.MessageAttributes),
  );
}

function sendResult(o: SendMessageOutput): string {
  return (
    xmlText("MD5OfMessageBody", o.MD5OfMessageBody) +
    xmlText("MD5OfMessageAttributes", o.MD5OfMessageAttributes) +
    xmlText("MD5OfMessageSystemAttributes", o.MD5OfMessageSystemAttributes) +
    xmlText("MessageId", o.MessageId) +
    xmlText("SequenceNumber", o.SequenceNumber)
  );
}

function failed(entries: readonly BatchResultErrorEntry[]): string {
  return entries
    .map((e) =>
      xmlElement(
        "BatchResultErrorEntry",
        xmlText("Id", e.Id) + xmlText("SenderFault", e.SenderFault) + xmlText("Code", e.Code) + xmlText("Message", e.Message),
      ),
    )
    .join("");
}

function idResults(tag: string, o: Out<"deleteMessageBatch">): string {
  return o.Successful.map((e) => xmlElement(tag, xmlText("Id", e.Id))).join("") + failed(o.Failed);
}

function moveTask(t: MessageMoveTaskEntry): string {
  return xmlElement(
    "ListMessageMoveTasksResultEntry",
    xmlText("TaskHandle", t.TaskHandle) +
      xmlText("Status", t.Status) +
      xmlText("SourceArn", t.SourceArn) +
      xmlText("DestinationArn", t.DestinationArn) +
      xmlText("MaxNumberOfMessagesPerSecond", t.MaxNumberOfMessagesPerSecond) +
      xmlText("ApproximateNumberOfMessagesMoved", t.ApproximateNumberOfMessagesMoved) +
      xmlText("ApproximateNumberOfMessagesToMove", t.ApproximateNumberOfMessagesToMove) +
      xmlText("FailureReason", t.FailureReason) +
      xmlText("StartedTimestamp", t.StartedTimestamp),
  );
}

// Each writer gets what the action's service method resolved to; `null`: no output.
// The parameter types are checked against the service's methods; the table's own type
// is loose because SQS_ACTIONS hands results over as `unknown`.
type Writer = ((out: never) => string) | null;

const RESULTS: Readonly<Record<string, Writer>> = {
  CreateQueue: (o: Out<"createQueue">) => xmlText("QueueUrl", o.QueueUrl),
  DeleteQueue: null,
  GetQueueUrl: (o: Out<"getQueueUrl">) => xmlText("QueueUrl", o.QueueUrl),
  ListQueues: (o: Out<"listQueues">) => repeated("QueueUrl", o.QueueUrls) + xmlText("NextToken", o.NextToken),
  GetQueueAttributes: (o: Out<"getQueueAttributes">) => nameValues("Attribute", o.Attributes),
  SetQueueAttributes: null,
  ListDeadLetterSourceQueues: (o: Out<"listDeadLetterSourceQueues">) =>
    repeated("QueueUrl", o.queueUrls) + xmlText("NextToken", o.NextToken),
  TagQueue: null,
  UntagQueue: null,
  ListQueueTags: (o: Out<"listQueueTags">) => nameValues("Tag", o.Tags, "Key", "Value"),
  AddPermission: null,
  RemovePermission: null,
  SendMessage: (o: Out<"sendMessage">) => sendResult(o),
  SendMessageBatch: (o: Out<"sendMessageBatch">) =>
    o.Successful.map((e) => xmlElement("SendMessageBatchResultEntry", xmlText("Id", e.Id) + sendResult(e))).join("") +
    failed(o.Failed),
  ReceiveMessage: (o: Out<"receiveMessage">) => (o.Messages ?? []).map(message).join(""),
  DeleteMessage: null,
  DeleteMessageBatch: (o: Out<"deleteMessageBatch">) => idResults("DeleteMessageBatchResultEntry", o),
  ChangeMessageVisibility: null,
  ChangeMessageVisibilityBatch: (o: Out<"changeMessageVisibilityBatch">) =>
    idResults("ChangeMessageVisibilityBatchResultEntry", o),
  PurgeQueue: null,
  StartMessageMoveTask: (o: Out<"startMessageMoveTask">) => xmlText("TaskHandle", o.TaskHandle),
  ListMessageMoveTasks: (o: Out<"listMessageMoveTasks">) => o.Results.map(moveTask).join(""),
  CancelMessageMoveTask: (o: Out<"cancelMessageMoveTask">) =>
    xmlText("ApproximateNumberOfMessagesMoved", o.ApproximateNumberOfMessagesMoved),
};

/** Whether the protocol knows how to write `action`'s result. */
export function hasQueryOutput(action: string): boolean {
  return Object.hasOwn(RESULTS, action);
}

function metadata(requestId: string): string {
  return xmlElement("ResponseMetadata", xmlText("RequestId", requestId));
}

/** The whole response document for `action`, given what its service call resolved to. */
export function encodeQueryResponse(action: string, output: unknown, requestId: string): string {
  const writer = Object.hasOwn(RESULTS, action) ? RESULTS[action] : undefined;
  if (writer === undefined) throw new Error(`no Query-protocol writer for ${action}`);
  const result = writer === null ? "" : xmlElement(`${action}Result`, writer(output as never));
  return `${XML_DECLARATION}<${action}Response xmlns="${SQS_XML_NAMESPACE}">${result}${metadata(requestId)}</${action}Response>`;
}

/** An ErrorResponse document. */
export function encodeQueryError(type: string, code: string, message: string, requestId: string): string {
  const error = xmlElement("Error", xmlText("Type", type) + xmlText("Code", code) + xmlText("Message", message) + "<Detail/>");
  return `${XML_DECLARATION}<ErrorResponse xmlns="${SQS_XML_NAMESPACE}">${error}${xmlText("RequestId", requestId)}</ErrorResponse>`;
}

