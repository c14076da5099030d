/**
 * The lean signed client (lean-aws.ts) speaking SQS' JSON protocol, for load generation
 * against SQS endpoints without the AWS SDK's per-request CPU.
 */
import { LeanAwsJson, SQS_JSON, type LeanOptions } from "./lean-aws.js";

export type { LeanOptions } from "./lean-aws.js";

export class LeanSqs extends LeanAwsJson {
  constructor(o: LeanOptions) {
    super(o, SQS_JSON);
  }
}
