/**
 * Runs one SQS mapping: lanes (up to MaximumConcurrency, default 5) each collect a batch
 * (BatchSize messages, or what arrived within the batching window, or the 6 MB payload
 * cap), delete records the filter rejects, invoke the function synchronously, and delete
 * what succeeded. Failed messages are left alone: they return after the queue's
 * visibility timeout and reach its dead-letter queue after maxReceiveCount.
 */
import type { Clock } from "../../core/clock.js";
import type { Logger } from "../../core/logger.js";
import type { Counter } from "../../core/metrics.js";
import { TooManyRequestsException } from "../functions/errors.js";
import type { FunctionService } from "../functions/service.js";
import { JsonText } from "../functions/types.js";
import type { QueueService } from "../queues/service.js";
import type { CallContext, Message } from "../queues/types.js";
import { compileFilterCriteria, recordView, type CompiledFilter } from "./filter.js";
import { failedItems, sqsRecord, type SqsRecord } from "./sqs-event.js";
import type { MappingRecord } from "./store.js";

/** The synchronous invocation payload limit a batch must fit in. */
const PAYLOAD_CAP = 6_291_456;
/** Concurrent batches of a mapping without ScalingConfig.MaximumConcurrency. @default 5 */
export const DEFAULT_LANES = 5;

export interface PollerDeps {
  readonly queues: QueueService;
  readonly functions: FunctionService;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly invocations: Counter;
}

export class SqsPoller {
  private readonly ac = new AbortController();
  private readonly filter: CompiledFilter;
  private readonly ctx: CallContext;
  private readonly queueUrl: string;
  private lanes: Promise<void>[] = [];

  constructor(
    private readonly m: MappingRecord,
    private readonly d: PollerDeps,
  ) {
    this.filter = compileFilterCriteria(m.settings.FilterCriteria);
    const [, , , , account, name] = m.sourceArn.split(":");
    this.queueUrl = `/${account ?? ""}/${name ?? ""}`;
    this.ctx = { ...d.queues.defaultContext, accountId: m.account, region: m.region };
  }

  start(): void {
    const n = this.m.settings.ScalingConfig?.MaximumConcurrency ?? DEFAULT_LANES;
    this.lanes = Array.from({ length: n }, () => this.lane().catch((err: unknown) => this.d.logger.error({ err, mapping: this.m.uuid }, "mapping poller stopped")));
  }

  async stop(): Promise<void> {
    this.ac.abort();
    await Promise.all(this.lanes);
  }

  private async lane(): Promise<void> {
    while (!this.ac.signal.aborted) {
      const batch = await this.collect();
      if (batch.length) await this.process(batch);
    }
  }

  private async receive(max: number, waitSeconds: number): Promise<Message[]> {
    try {
      const { Messages = [] } = await this.d.queues.receiveMessage(
        { QueueUrl: this.queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: waitSeconds, MessageSystemAttributeNames: ["All"], MessageAttributeNames: ["All"] },
        this.ctx,
        this.ac.signal,
      );
      return Messages;
    } catch (err) {
      // The queue may have been deleted; wait before looking again.
      this.d.logger.warn({ err, mapping: this.m.uuid }, "mapping cannot receive from its queue");
      await this.d.clock.sleep(5_000, this.ac.signal);
      return [];
    }
  }

  private async collect(): Promise<Message[]> {
    const { BatchSize, MaximumBatchingWindowInSeconds: window } = this.m.settings;
    const batch: Message[] = [];
    let bytes = 0;
    let deadline = 0;
    while (batch.length < BatchSize && !this.ac.signal.aborted) {
      const now = this.d.clock.now();
      if (batch.length && (window === 0 || now >= deadline)) break;
      const wait = batch.length ? Math.min(20, Math.ceil((deadline - now) / 1000)) : 20;
      const got = await this.receive(Math.min(10, BatchSize - batch.length), wait);
      if (got.length && !batch.length) deadline = this.d.clock.now() + window * 1000;
      for (const m of got) {
        const size = Buffer.byteLength(m.Body) + 1024;
        if (bytes + size > PAYLOAD_CAP && batch.length) {
          // Over the payload cap: let the message go for the next batch.
          await this.d.queues.changeMessageVisibility({ QueueUrl: this.queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }, this.ctx).catch(() => undefined);
          continue;
        }
        bytes += size;
        batch.push(m);
      }
    }
    return batch;
  }

  private async remove(records: readonly SqsRecord[]): Promise<void> {
    for (let i = 0; i < records.length; i += 10) {
      const Entries = records.slice(i, i + 10).map((r, k) => ({ Id: `r${k}`, ReceiptHandle: r.receiptHandle }));
      await this.d.queues.deleteMessageBatch({ QueueUrl: this.queueUrl, Entries }, this.ctx);
    }
  }

  private async process(batch: Message[]): Promise<void> {
    const records = batch.map((m) => sqsRecord(m, this.m.sourceArn));
    // Without filters there is nothing to match, so bodies are not parsed.
    const keep = this.filter.filterCount === 0 ? records : records.filter((r) => this.filter.matches(recordView("sqs", r)));
    if (keep.length < records.length) await this.remove(records.filter((r) => !keep.includes(r)));
    if (!keep.length) return;
    let out;
    try {
      out = await this.d.functions.invoke({ FunctionName: this.m.functionArn, Payload: new JsonText(JSON.stringify({ Records: keep })) }, this.ctx);
    } catch (err) {
      this.d.invocations.inc({ mapping: this.m.uuid, outcome: err instanceof TooManyRequestsException ? "throttled" : "error" });
      if (!(err instanceof TooManyRequestsException)) this.d.logger.error({ err, mapping: this.m.uuid }, "mapping could not invoke its function");
      await this.d.clock.sleep(1_000, this.ac.signal);
      return;
    }
    if (out.FunctionError) {
      this.d.invocations.inc({ mapping: this.m.uuid, outcome: "failed" });
      return;
    }
    let done = keep;
    if (this.m.settings.FunctionResponseTypes.includes("ReportBatchItemFailures")) {
      const failed = failedItems(out.Payload, new Set(keep.map((r) => r.messageId)));
      done = failed === "all" ? [] : keep.filter((r) => !failed.has(r.messageId));
    }
    this.d.invocations.inc({ mapping: this.m.uuid, outcome: done.length === keep.length ? "ok" : "partial" });
    await this.remove(done);
  }
}
