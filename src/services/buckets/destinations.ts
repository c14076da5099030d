/**
 * Notification destinations over the platform's own services: a queue ARN gets
 * SendMessage in the queue's account, a function ARN an Event invocation (Lambda's
 * asynchronous retries and destinations apply).
 */
import { ServiceError } from "../../core/errors.js";
import type { FunctionService } from "../functions/service.js";
import { parseQueueArn, queueUrl } from "../queues/names.js";
import type { QueueService } from "../queues/service.js";
import type { Destinations } from "./delivery.js";
import { TargetKind } from "./types.js";

const GONE = new Set(["QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", "ResourceNotFoundException"]);

function functionContext(functions: FunctionService, arn: string) {
  const [, , , region, account] = arn.split(":");
  const base = functions.defaultContext;
  return { ...base, region: region || base.region, accountId: account || base.accountId };
}

export function platformDestinations(queues: QueueService, functions: FunctionService): Destinations {
  async function deliver(kind: TargetKind, arn: string, body: string): Promise<"ok" | "gone"> {
    try {
      if (kind === TargetKind.Queue) {
        const ref = parseQueueArn(arn);
        if (!ref) return "gone";
        const ctx = { ...queues.defaultContext, accountId: ref.account, region: ref.region };
        await queues.sendMessage({ QueueUrl: queueUrl(ctx, ref), MessageBody: body }, ctx);
      } else {
        await functions.invoke({ FunctionName: arn, InvocationType: "Event", Payload: body }, functionContext(functions, arn));
      }
      return "ok";
    } catch (err) {
      if (err instanceof ServiceError && GONE.has(err.code)) return "gone";
      throw err;
    }
  }
  return {
    async exists(kind, arn) {
      try {
        if (kind === TargetKind.Queue) {
          const ref = parseQueueArn(arn);
          if (!ref) return false;
          const ctx = { ...queues.defaultContext, accountId: ref.account, region: ref.region };
          await queues.getQueueAttributes({ QueueUrl: queueUrl(ctx, ref), AttributeNames: ["QueueArn"] }, ctx);
        } else {
          await functions.getFunction({ FunctionName: arn }, functionContext(functions, arn));
        }
        return true;
      } catch (err) {
        if (err instanceof ServiceError) return false;
        throw err;
      }
    },
    deliver,
  };
}
