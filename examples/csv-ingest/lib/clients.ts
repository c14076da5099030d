/** AWS SDK clients for the runner, pointed at a Sluice endpoint, and the pipeline's resource names. */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { S3Client } from "@aws-sdk/client-s3";
import { SQSClient } from "@aws-sdk/client-sqs";

export interface Clients {
  readonly url: string;
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly dynamo: DynamoDBClient;
  destroy(): void;
}

export interface Keys {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

export function clients(url: string, credentials: Keys): Clients {
  const common = { endpoint: url, region: "us-east-1", credentials, maxAttempts: 2 };
  const s3 = new S3Client({ ...common, forcePathStyle: true });
  const sqs = new SQSClient(common);
  const dynamo = new DynamoDBClient(common);
  return {
    url,
    s3,
    sqs,
    dynamo,
    destroy() {
      s3.destroy();
      sqs.destroy();
      dynamo.destroy();
    },
  };
}

export const BUCKET = "uploads";
export const ROWS_TABLE = "csv-rows";
export const STATE_TABLE = "csv-ingest-state";
/** Queues a row passes through on its way (empty when the run is over). */
export const PIPELINE_QUEUES = ["uploads", "rows", "store-retry.fifo", "process", "process-retry.fifo", "finished"];
/** Dead-letter queues: where each stage's failures end, with the stage they belong to. */
export const DLQS: { queue: string; stage: string; perRow: boolean }[] = [
  { queue: "clean-rejects.fifo", stage: "clean", perRow: true },
  { queue: "store-dlq.fifo", stage: "store", perRow: true },
  { queue: "process-dlq.fifo", stage: "process", perRow: true },
  { queue: "rows-dlq", stage: "store", perRow: false },
  { queue: "process-queue-dlq", stage: "process", perRow: false },
  { queue: "finished-dlq", stage: "update", perRow: false },
  { queue: "uploads-dlq", stage: "clean", perRow: false },
  { queue: "stream-failures", stage: "stream", perRow: false },
];
