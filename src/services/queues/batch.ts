/** Checks shared by the three batch actions, and the shape of a failed entry. */
import { ServiceError } from "../../core/errors.js";
import { missing } from "../../core/validate.js";
import {
  BatchEntryIdsNotDistinct,
  EmptyBatchRequest,
  InvalidBatchEntryId,
  TooManyEntriesInBatchRequest,
} from "./errors.js";
import type { BatchResultErrorEntry } from "./types.js";

export const MAX_BATCH_ENTRIES = 10;
const ENTRY_ID = /^[A-Za-z0-9_-]{1,80}$/;

/** Validates a batch's entries as a whole; `entryName` is the request entry type's name. */
export function checkEntries<T extends { Id: string }>(entries: unknown, entryName: string): T[] {
  if (entries === undefined || entries === null) throw missing("Entries");
  if (!Array.isArray(entries) || entries.length === 0) {
    throw new EmptyBatchRequest(`There should be at least one ${entryName} in the request.`);
  }
  if (entries.length > MAX_BATCH_ENTRIES) {
    throw new TooManyEntriesInBatchRequest(
      `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}. You have sent ${entries.length}.`,
    );
  }
  const seen = new Set<string>();
  for (const e of entries as unknown[]) {
    const id = (e as { Id?: unknown } | null)?.Id;
    if (typeof id !== "string" || !ENTRY_ID.test(id)) {
      throw new InvalidBatchEntryId(
        "A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.",
      );
    }
    if (seen.has(id)) throw new BatchEntryIdsNotDistinct(`Id ${id} repeated.`);
    seen.add(id);
  }
  return entries as T[];
}

/** A failed batch entry from the error that failed it; unexpected errors are the service's fault. */
export function failure(id: string, err: unknown): BatchResultErrorEntry {
  if (err instanceof ServiceError) {
    return { Id: id, SenderFault: err.fault === "Sender", Code: err.code, Message: err.message };
  }
  return { Id: id, SenderFault: false, Code: "InternalError", Message: "We encountered an internal error. Please try again." };
}
