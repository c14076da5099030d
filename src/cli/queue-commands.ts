/**
 * Queue commands for people: `sluice queues`, `send`, `receive` and `redrive`. Each
 * opens the same store the server uses and calls the queue API directly.
 */
import { createPlatform, type Platform } from "../platform.js";
import { parseQueueArn } from "../services/queues/names.js";
import { intOption, UsageError, type Args } from "./args.js";
import { bar, Progress } from "./progress.js";

type Out = NodeJS.WriteStream;

async function withPlatform<T>(args: Args, run: (p: Platform) => Promise<T>): Promise<T> {
  const store = args.options.get("store");
  const p = await createPlatform({ dataDir: args.options.get("data") ?? "./.sluice", ...(store ? { store } : {}) });
  try {
    return await run(p);
  } finally {
    await p.stop();
  }
}

function queueArg(args: Args, what: string): string {
  const name = args.positionals[0];
  if (!name) throw new UsageError(`which queue? usage: sluice ${what} <queue> …`);
  return name;
}

async function counts(p: Platform, url: string): Promise<Record<string, string>> {
  const { Attributes = {} } = await p.queues.getQueueAttributes({ QueueUrl: url, AttributeNames: ["All"] });
  return Attributes;
}

export async function listQueuesCommand(args: Args, out: Out): Promise<void> {
  await withPlatform(args, async (p) => {
    const { QueueUrls = [] } = await p.queues.listQueues({ QueueNamePrefix: args.options.get("prefix") ?? "" });
    const rows = [];
    for (const url of QueueUrls) {
      const a = await counts(p, url);
      rows.push({
        name: url.split("/").at(-1) ?? url,
        url,
        visible: Number(a["ApproximateNumberOfMessages"] ?? 0),
        inFlight: Number(a["ApproximateNumberOfMessagesNotVisible"] ?? 0),
        delayed: Number(a["ApproximateNumberOfMessagesDelayed"] ?? 0),
        deadLetterTarget: a["RedrivePolicy"] ? (JSON.parse(a["RedrivePolicy"]) as { deadLetterTargetArn: string }).deadLetterTargetArn : null,
      });
    }
    if (args.flags.has("json")) return void out.write(`${JSON.stringify(rows, null, 2)}\n`);
    if (!rows.length) return void out.write("no queues\n");
    const width = Math.max(5, ...rows.map((r) => r.name.length));
    out.write(`${"QUEUE".padEnd(width)}  ${"VISIBLE".padStart(9)}  ${"IN FLIGHT".padStart(9)}  ${"DELAYED".padStart(9)}\n`);
    for (const r of rows) {
      out.write(`${r.name.padEnd(width)}  ${String(r.visible).padStart(9)}  ${String(r.inFlight).padStart(9)}  ${String(r.delayed).padStart(9)}\n`);
    }
  });
}

export async function sendCommand(args: Args, out: Out): Promise<void> {
  const queue = queueArg(args, "send");
  const body = args.positionals[1];
  if (body === undefined) throw new UsageError("what to send? usage: sluice send <queue> <body>");
  await withPlatform(args, async (p) => {
    const { QueueUrl } = await p.queues.getQueueUrl({ QueueName: queue });
    const group = args.options.get("group");
    const dedup = args.options.get("dedup");
    const delay = args.options.get("delay");
    const r = await p.queues.sendMessage({
      QueueUrl,
      MessageBody: body,
      ...(group ? { MessageGroupId: group } : {}),
      ...(dedup ? { MessageDeduplicationId: dedup } : {}),
      ...(delay ? { DelaySeconds: intOption(args, "delay", 0, 0, 900) } : {}),
    });
    out.write(args.flags.has("json") ? `${JSON.stringify(r)}\n` : `sent ${r.MessageId}\n`);
  });
}

export async function receiveCommand(args: Args, out: Out): Promise<void> {
  const queue = queueArg(args, "receive");
  await withPlatform(args, async (p) => {
    const { QueueUrl } = await p.queues.getQueueUrl({ QueueName: queue });
    const { Messages = [] } = await p.queues.receiveMessage({
      QueueUrl,
      MaxNumberOfMessages: intOption(args, "max", 1, 1, 10),
      WaitTimeSeconds: intOption(args, "wait", 0, 0, 20),
      MessageSystemAttributeNames: ["All"],
      MessageAttributeNames: ["All"],
    });
    if (args.flags.has("delete") && Messages.length) {
      await p.queues.deleteMessageBatch({ QueueUrl, Entries: Messages.map((m, i) => ({ Id: `m${i}`, ReceiptHandle: m.ReceiptHandle })) });
    }
    if (args.flags.has("json")) return void out.write(`${JSON.stringify(Messages, null, 2)}\n`);
    if (!Messages.length) return void out.write("no messages\n");
    for (const m of Messages) out.write(`${m.MessageId}  ${m.Body}\n`);
  });
}

export async function redriveCommand(args: Args, out: Out): Promise<void> {
  const dlq = queueArg(args, "redrive");
  await withPlatform(args, async (p) => {
    const arnOf = async (name: string): Promise<string> => {
      const { QueueUrl } = await p.queues.getQueueUrl({ QueueName: name });
      return (await counts(p, QueueUrl))["QueueArn"] ?? "";
    };
    const SourceArn = await arnOf(dlq);
    const to = args.options.get("to");
    const rate = args.options.get("rate");
    await p.queues.startMessageMoveTask({
      SourceArn,
      ...(to ? { DestinationArn: parseQueueArn(to) ? to : await arnOf(to) } : {}),
      ...(rate ? { MaxNumberOfMessagesPerSecond: intOption(args, "rate", 1, 1, 500) } : {}),
    });
    const progress = new Progress(out);
    for (;;) {
      await p.queues.stepMoveTasks();
      const [task] = (await p.queues.listMessageMoveTasks({ SourceArn })).Results;
      if (!task) break;
      const summary = `${bar(task.ApproximateNumberOfMessagesMoved, task.ApproximateNumberOfMessagesToMove)} moved ${task.ApproximateNumberOfMessagesMoved}/${task.ApproximateNumberOfMessagesToMove} (${task.Status})`;
      progress.update(summary);
      if (task.Status !== "RUNNING") {
        progress.done();
        if (args.flags.has("json")) out.write(`${JSON.stringify(task)}\n`);
        break;
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  });
}
