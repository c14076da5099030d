/**
 * The CSV ingestion pipeline of "How Did I Process Half a Million Transactions in AWS
 * Lambda Within Minutes?" as a Sluice app:
 *
 *   uploads (bucket) ──S3 event──▶ uploads (queue) ──▶ clean ──▶ rows ──▶ store ──▶ csv-rows (table)
 *   csv-rows stream (INSERT only) ──▶ fan ──▶ process ──▶ process ──▶ finished ──▶ update ──▶ csv-rows
 *
 * Failures at every stage land in a dead-letter queue with their reason: cleaning
 * rejects go to clean-rejects.fifo; a row the table refuses or the processor cannot
 * process is set aside in a FIFO retry queue and, after 3 tries, in store-dlq.fifo or
 * process-dlq.fifo; whole messages that keep failing (3 receives) move to rows-dlq,
 * process-queue-dlq, finished-dlq or uploads-dlq; stream batches given up on are
 * recorded in stream-failures. See README.md for why it is built this way.
 */
import { defineApp } from "sluice";

const env = {
  ROWS_QUEUE: "rows",
  STORE_RETRY_QUEUE: "store-retry.fifo",
  PROCESS_QUEUE: "process",
  PROCESS_RETRY_QUEUE: "process-retry.fifo",
  FINISHED_QUEUE: "finished",
  REJECTS_QUEUE: "clean-rejects.fifo",
  ROWS_TABLE: "csv-rows",
  STATE_TABLE: "csv-ingest-state",
};

/** A FIFO queue whose messages get 3 receives (a short visibility timeout between) before its DLQ. */
const retryQueue = (dlq: string) => ({ fifo: true, attributes: { VisibilityTimeout: "2" }, deadLetter: { queue: dlq, maxReceiveCount: 3 } });
const fifo = { fifo: true, attributes: { MessageRetentionPeriod: "1209600" } };
const dlq = { attributes: { MessageRetentionPeriod: "1209600" } };

// Concurrency is kept low on purpose: every concurrent invocation is a worker thread
// with its own AWS SDK, and on 2 cores the table writes, not the handlers, set the pace.
export default defineApp({
  queues: {
    "uploads-dlq": dlq,
    uploads: { attributes: { VisibilityTimeout: "30" }, deadLetter: { queue: "uploads-dlq", maxReceiveCount: 3 } },
    "clean-rejects.fifo": fifo,
    "rows-dlq": dlq,
    rows: { attributes: { VisibilityTimeout: "30" }, deadLetter: { queue: "rows-dlq", maxReceiveCount: 3 } },
    "store-dlq.fifo": fifo,
    "store-retry.fifo": retryQueue("store-dlq.fifo"),
    "stream-failures": dlq,
    "process-queue-dlq": dlq,
    process: { attributes: { VisibilityTimeout: "30" }, deadLetter: { queue: "process-queue-dlq", maxReceiveCount: 3 } },
    "process-dlq.fifo": fifo,
    "process-retry.fifo": retryQueue("process-dlq.fifo"),
    "finished-dlq": dlq,
    finished: { attributes: { VisibilityTimeout: "30" }, deadLetter: { queue: "finished-dlq", maxReceiveCount: 3 } },
  },
  functions: {
    clean: { code: "./handlers", handler: "clean.handler", timeout: 900, memory: 1024, environment: env },
    store: { code: "./handlers", handler: "store.handler", timeout: 30, memory: 512, environment: env },
    fan: { code: "./handlers", handler: "fan.handler", timeout: 30, memory: 512, environment: env },
    process: { code: "./handlers", handler: "process.handler", timeout: 30, memory: 512, environment: env },
    update: { code: "./handlers", handler: "update.handler", timeout: 30, memory: 512, environment: env },
  },
  tables: {
    "csv-rows": { partitionKey: { name: "id", type: "S" }, stream: "NEW_IMAGE" },
    "csv-ingest-state": { partitionKey: { name: "id", type: "S" } },
  },
  buckets: {
    uploads: { notifications: [{ events: ["s3:ObjectCreated:*"], queue: "uploads", suffix: ".csv" }] },
  },
  mappings: [
    { queue: "uploads", function: "clean", batchSize: 1 },
    { queue: "rows", function: "store", batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 3 },
    { queue: "store-retry.fifo", function: "store", batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 2 },
    {
      table: "csv-rows",
      function: "fan",
      startingPosition: "TRIM_HORIZON",
      batchSize: 1000,
      batchWindowSeconds: 0,
      parallelizationFactor: 1,
      filters: [{ eventName: ["INSERT"] }],
      bisectOnError: true,
      maxRetries: 3,
      onFailure: "stream-failures",
    },
    { queue: "process", function: "process", batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 2 },
    { queue: "process-retry.fifo", function: "process", batchSize: 10, reportBatchItemFailures: true, maxConcurrency: 2 },
    { queue: "finished", function: "update", batchSize: 10, maxConcurrency: 3 },
  ],
});
