/** Message rows as PostgreSQL returns them (BIGINTs already numbers) and their store shape. */
import { messageFromRow } from "../rows.js";

export interface MessageRow {
  seq: number;
  queue_id: number;
  message_id: string;
  body: string;
  attrs: string | null;
  sys_attrs: string | null;
  md5_body: string;
  md5_attrs: string | null;
  md5_sys: string | null;
  sender_id: string;
  sent_at: number;
  enqueued_at: number;
  visible_at: number;
  receive_count: number;
  first_receive_at: number | null;
  received_at: number | null;
  group_id: string | null;
  dedup_id: string | null;
  source_arn: string | null;
}

export const toMessage = messageFromRow;

/** Wake-ups an operation asks for: queue ids whose listeners should look again (0 = every queue). */
export type Wake = Set<number>;
