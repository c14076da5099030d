/**
 * Rows both backends read the same way: a message's columns into a StoredMessage and a
 * move task's into a MoveTask. Each backend's own row types extend these.
 */
import type { MoveTask, StoredMessage } from "../services/queues/store.js";

export interface StoredMessageRow {
  seq: number;
  message_id: string;
  body: string;
  attrs: string | null;
  sys_attrs: string | null;
  md5_body: string;
  md5_attrs: string | null;
  md5_sys: string | null;
  sender_id: string;
  sent_at: number;
  receive_count: number;
  first_receive_at: number | null;
  group_id: string | null;
  dedup_id: string | null;
  source_arn: string | null;
}

export function messageFromRow(r: StoredMessageRow): StoredMessage {
  return {
    seq: r.seq,
    messageId: r.message_id,
    body: r.body,
    attrs: r.attrs,
    sysAttrs: r.sys_attrs,
    md5Body: r.md5_body,
    md5Attrs: r.md5_attrs,
    md5Sys: r.md5_sys,
    senderId: r.sender_id,
    sentAt: r.sent_at,
    receiveCount: r.receive_count,
    firstReceiveAt: r.first_receive_at,
    groupId: r.group_id,
    dedupId: r.dedup_id,
    sourceArn: r.source_arn,
  };
}

export interface TaskRow {
  handle: string;
  source_queue_id: number;
  source_arn: string;
  destination_arn: string | null;
  rate: number | null;
  status: MoveTask["status"];
  to_move: number;
  moved: number;
  max_seq: number;
  started_at: number;
  failure_reason: string | null;
}

export function taskFromRow(r: TaskRow): MoveTask {
  return {
    handle: r.handle,
    sourceQueueId: r.source_queue_id,
    sourceArn: r.source_arn,
    destinationArn: r.destination_arn,
    rate: r.rate,
    status: r.status,
    toMove: r.to_move,
    moved: r.moved,
    startedAt: r.started_at,
    failureReason: r.failure_reason,
  };
}
