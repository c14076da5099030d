/**
 * A message row of the embedded store as SQLite returns it, and helpers that keep the
 * hot message paths cheap: raw-mode rows and SQL texts built once per parameter count.
 */

import type { StoredMessageRow } from "../rows.js";

/** The shared message columns, plus the two the embedded store's hot paths read. */
export interface MessageRow extends StoredMessageRow {
  enqueued_at: number;
  visible_at: number;
}

export const COLS = `seq, message_id, body, attrs, sys_attrs, md5_body, md5_attrs, md5_sys, sender_id, sent_at,
  enqueued_at, visible_at, receive_count, first_receive_at, group_id, dedup_id, source_arn`;

/**
 * A row fetched in raw mode (values in COLS order). better-sqlite3 builds plain arrays
 * much faster than keyed objects, and a literal here gets one hidden class.
 */
export function rowFromValues(v: unknown[]): MessageRow {
  return {
    seq: v[0] as number, message_id: v[1] as string, body: v[2] as string, attrs: v[3] as string | null,
    sys_attrs: v[4] as string | null, md5_body: v[5] as string, md5_attrs: v[6] as string | null,
    md5_sys: v[7] as string | null, sender_id: v[8] as string, sent_at: v[9] as number, enqueued_at: v[10] as number,
    visible_at: v[11] as number, receive_count: v[12] as number, first_receive_at: v[13] as number | null,
    group_id: v[14] as string | null, dedup_id: v[15] as string | null, source_arn: v[16] as string | null,
  };
}

/**
 * SQL texts that vary only with a count, each built once: rebuilding one per call, and
 * hashing the fresh string to find its statement, showed up in profiles of hot paths.
 */
export function perCount(build: (n: number) => string): (n: number) => string {
  const texts = new Map<number, string>();
  return (n) => {
    let text = texts.get(n);
    if (text === undefined) {
      text = build(n);
      texts.set(n, text);
    }
    return text;
  };
}
