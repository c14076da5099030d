/**
 * Decoding Query-protocol parameters (`Attribute.1.Name=…&Attribute.1.Value=…`) into
 * the action's input shape, with the member and wire names of SQS's service model.
 *
 * Decoding never validates what the service validates: integers stay numeric strings
 * (the service parses them), missing members stay missing, and a map entry without a
 * key gets the key "" so the service names the problem. Hostile input is contained:
 * - a parameter given twice: the first one counts (as in most form decoders);
 * - `.N` lists are read in index order and gaps are skipped, so `Tag.7` alone is one
 *   tag; an index must be a decimal number from 1 without leading zeros (other keys are
 *   ignored like unknown parameters); a huge index costs nothing;
 * - a map key given twice: the later entry wins (as a JSON object would);
 * - every map is a null-prototype object, so a key such as `__proto__` is plain data;
 * - parameters no member of the action reads are ignored (Version, signature fields…),
 *   and so are keys deeper than any member goes, so the tree costs a bounded amount per
 *   parameter.
 */
import { invalidValue } from "../../core/validate.js";

/** How one member of an input shape travels in the Query protocol. */
export type Field =
  /** A scalar under the member's own name. Integers too: the service accepts numeric strings. */
  | { readonly kind: "text" }
  /** A flattened list: `<wire>.N`. */
  | { readonly kind: "list"; readonly wire: string }
  /** A flattened map of strings: `<wire>.N.<key>` and `<wire>.N.<value>`. */
  | { readonly kind: "map"; readonly wire: string; readonly key: string; readonly value: string }
  /** Message (system) attributes: `<wire>.N.Name` and `<wire>.N.Value.DataType|StringValue|BinaryValue|…`. */
  | { readonly kind: "attributes"; readonly wire: string }
  /** A flattened list of structures: `<wire>.N.<member>`. */
  | { readonly kind: "entries"; readonly wire: string; readonly shape: Shape };

export type Shape = Readonly<Record<string, Field>>;

const text: Field = { kind: "text" };
const list = (wire: string): Field => ({ kind: "list", wire });
const attributeMap: Field = { kind: "map", wire: "Attribute", key: "Name", value: "Value" };
const tagMap: Field = { kind: "map", wire: "Tag", key: "Key", value: "Value" };

const MESSAGE: Shape = {
  MessageBody: text,
  DelaySeconds: text,
  MessageAttributes: { kind: "attributes", wire: "MessageAttribute" },
  MessageSystemAttributes: { kind: "attributes", wire: "MessageSystemAttribute" },
  MessageDeduplicationId: text,
  MessageGroupId: text,
};

/** Every action's input shape (SQS 2012-11-05). `QueueUrl` may also come from the request path. */
export const INPUT_SHAPES: Readonly<Record<string, Shape>> = {
  CreateQueue: { QueueName: text, Attributes: attributeMap, tags: tagMap },
  DeleteQueue: { QueueUrl: text },
  GetQueueUrl: { QueueName: text, QueueOwnerAWSAccountId: text },
  ListQueues: { QueueNamePrefix: text, NextToken: text, MaxResults: text },
  GetQueueAttributes: { QueueUrl: text, AttributeNames: list("AttributeName") },
  SetQueueAttributes: { QueueUrl: text, Attributes: attributeMap },
  ListDeadLetterSourceQueues: { QueueUrl: text, NextToken: text, MaxResults: text },
  TagQueue: { QueueUrl: text, Tags: tagMap },
  UntagQueue: { QueueUrl: text, TagKeys: list("TagKey") },
  ListQueueTags: { QueueUrl: text },
  AddPermission: { QueueUrl: text, Label: text, AWSAccountIds: list("AWSAccountId"), Actions: list("ActionName") },
  RemovePermission: { QueueUrl: text, Label: text },
  SendMessage: { QueueUrl: text, ...MESSAGE },
  SendMessageBatch: {
    QueueUrl: text,
    Entries: { kind: "entries", wire: "SendMessageBatchRequestEntry", shape: { Id: text, ...MESSAGE } },
  },
  ReceiveMessage: {
    QueueUrl: text,
    // The model gives both members the wire name AttributeName; the service merges them.
    AttributeNames: list("AttributeName"),
    MessageSystemAttributeNames: list("AttributeName"),
    MessageAttributeNames: list("MessageAttributeName"),
    MaxNumberOfMessages: text,
    VisibilityTimeout: text,
    WaitTimeSeconds: text,
    ReceiveRequestAttemptId: text,
  },
  DeleteMessage: { QueueUrl: text, ReceiptHandle: text },
  DeleteMessageBatch: {
    QueueUrl: text,
    Entries: { kind: "entries", wire: "DeleteMessageBatchRequestEntry", shape: { Id: text, ReceiptHandle: text } },
  },
  ChangeMessageVisibility: { QueueUrl: text, ReceiptHandle: text, VisibilityTimeout: text },
  ChangeMessageVisibilityBatch: {
    QueueUrl: text,
    Entries: {
      kind: "entries",
      wire: "ChangeMessageVisibilityBatchRequestEntry",
      shape: { Id: text, ReceiptHandle: text, VisibilityTimeout: text },
    },
  },
  PurgeQueue: { QueueUrl: text },
  StartMessageMoveTask: { SourceArn: text, DestinationArn: text, MaxNumberOfMessagesPerSecond: text },
  ListMessageMoveTasks: { SourceArn: text, MaxResults: text },
  CancelMessageMoveTask: { TaskHandle: text },
};

/** Parameters as a tree: `A.1.B=v` is A → 1 → B holding v. */
interface Node {
  value?: string;
  kids?: Map<string, Node>;
}

type Decoded = Record<string, unknown>;

const INDEX = /^[1-9]\d*$/;
/** The deepest key any shape reads: SendMessageBatchRequestEntry.N.MessageAttribute.N.Value.BinaryListValue.N. */
const MAX_DEPTH = 7;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function wireRoot(member: string, field: Field): string {
  return field.kind === "text" ? member : field.wire;
}

function buildTree(params: readonly (readonly [string, string])[], roots: ReadonlySet<string>): Node {
  const root: Node = {};
  for (const [key, value] of params) {
    const parts = key.split(".", MAX_DEPTH + 1);
    if (parts.length > MAX_DEPTH || !roots.has(parts[0] ?? "")) continue;
    let node = root;
    for (const part of parts) {
      node.kids ??= new Map();
      let next = node.kids.get(part);
      if (!next) node.kids.set(part, (next = {}));
      node = next;
    }
    node.value ??= value;
  }
  return root;
}

function child(node: Node | undefined, name: string): Node | undefined {
  return node?.kids?.get(name);
}

/** The `.N` children of a node in index order (compared as decimal numbers of any size). */
function items(node: Node | undefined): [string, Node][] {
  if (!node?.kids) return [];
  return [...node.kids]
    .filter(([k]) => INDEX.test(k))
    .sort(([a], [b]) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0));
}

function nullMap<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

function blob(value: string, param: string): Buffer {
  if (!BASE64.test(value)) throw invalidValue(param, value, "Must be a base64-encoded binary value.");
  return Buffer.from(value, "base64");
}

function textList(node: Node | undefined): string[] | undefined {
  const out = items(node).flatMap(([, n]) => (n.value === undefined ? [] : [n.value]));
  return out.length ? out : undefined;
}

function attributeValue(node: Node | undefined, param: string): Decoded | undefined {
  if (!node) return undefined;
  const out: Decoded = {};
  const put = (name: string, value: unknown): void => {
    if (value !== undefined) out[name] = value;
  };
  put("DataType", child(node, "DataType")?.value);
  put("StringValue", child(node, "StringValue")?.value);
  const binary = child(node, "BinaryValue")?.value;
  put("BinaryValue", binary === undefined ? undefined : blob(binary, `${param}.BinaryValue`));
  put("StringListValues", textList(child(node, "StringListValue")));
  const binaries = items(child(node, "BinaryListValue")).flatMap(([i, n]) =>
    n.value === undefined ? [] : [blob(n.value, `${param}.BinaryListValue.${i}`)],
  );
  put("BinaryListValues", binaries.length ? binaries : undefined);
  return out;
}

function decodeField(node: Node | undefined, member: string, field: Field, prefix: string): unknown {
  switch (field.kind) {
    case "text":
      return child(node, member)?.value;
    case "list":
      return textList(child(node, field.wire));
    case "map": {
      const entries = items(child(node, field.wire));
      if (!entries.length) return undefined;
      const out = nullMap<string | undefined>();
      for (const [, n] of entries) out[child(n, field.key)?.value ?? ""] = child(n, field.value)?.value;
      return out;
    }
    case "attributes": {
      const entries = items(child(node, field.wire));
      if (!entries.length) return undefined;
      const out = nullMap<Decoded | undefined>();
      for (const [i, n] of entries) {
        out[child(n, "Name")?.value ?? ""] = attributeValue(child(n, "Value"), `${prefix}${field.wire}.${i}.Value`);
      }
      return out;
    }
    case "entries": {
      const entries = items(child(node, field.wire));
      if (!entries.length) return undefined;
      return entries.map(([i, n]) => decodeStruct(n, field.shape, `${prefix}${field.wire}.${i}.`));
    }
  }
}

function decodeStruct(node: Node | undefined, shape: Shape, prefix: string): Decoded {
  const out: Decoded = {};
  for (const [member, field] of Object.entries(shape)) {
    const value = decodeField(node, member, field, prefix);
    if (value !== undefined) out[member] = value;
  }
  return out;
}

/**
 * The input of `action` from its parameters; `pathQueueUrl` stands in for a missing
 * QueueUrl. Returns undefined for an action with no known shape.
 */
export function decodeQueryInput(
  action: string,
  params: readonly (readonly [string, string])[],
  pathQueueUrl?: string,
): Decoded | undefined {
  const shape = Object.hasOwn(INPUT_SHAPES, action) ? INPUT_SHAPES[action] : undefined;
  if (!shape) return undefined;
  const roots = new Set(Object.entries(shape).map(([member, field]) => wireRoot(member, field)));
  const input = decodeStruct(buildTree(params, roots), shape, "");
  if ("QueueUrl" in shape && input["QueueUrl"] === undefined && pathQueueUrl !== undefined) input["QueueUrl"] = pathQueueUrl;
  return input;
}
