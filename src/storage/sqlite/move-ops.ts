/**
 * Message move tasks on the embedded store (StartMessageMoveTask and friends). A task
 * moves the messages that were in its source queue when it started (seq <= max_seq),
 * oldest first, to its destination or, without one, back to each message's source.
 */
import { randomUUID } from "node:crypto";
import { MoveTaskStatus, type MoveStepArgs, type MoveTask, type StartMoveArgs } from "../../services/queues/store.js";
import { stmt, type Db } from "./database.js";
import { queueExists, queueFifo, queueIdByName, refreshGroup, touchGroup } from "./queue-ops.js";
import { taskFromRow, type TaskRow } from "../rows.js";


function taskByHandle(db: Db, handle: string): TaskRow | undefined {
  return stmt(db, "SELECT * FROM move_tasks WHERE handle = ?").get(handle) as TaskRow | undefined;
}

function startMoveTask(db: Db, a: StartMoveArgs): MoveTask | "alreadyRunning" | null {
  if (!queueExists(db, a.sourceQueueId)) return null;
  const running = stmt(
    db,
    "SELECT 1 FROM move_tasks WHERE source_queue_id = ? AND status IN ('RUNNING', 'CANCELLING')",
  ).get(a.sourceQueueId);
  if (running) return "alreadyRunning";
  const { n, maxSeq } = stmt(
    db,
    "SELECT COUNT(*) AS n, COALESCE(MAX(seq), 0) AS maxSeq FROM messages WHERE queue_id = ?",
  ).get(a.sourceQueueId) as { n: number; maxSeq: number };
  stmt(
    db,
    `INSERT INTO move_tasks (handle, source_queue_id, source_arn, destination_arn, rate, status, to_move, moved, max_seq, started_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, 0, ?, ?)`,
  ).run(a.handle, a.sourceQueueId, a.sourceArn, a.destinationArn, a.rate, MoveTaskStatus.Running, n, maxSeq, a.now);
  const row = taskByHandle(db, a.handle);
  return row ? taskFromRow(row) : null;
}

/** The queue an ARN names, by its account and name (arn:aws:sqs:region:account:name). */
function queueIdByArn(db: Db, arn: string): number | null {
  const parts = arn.split(":");
  const account = parts[4];
  const name = parts[5];
  if (parts.length !== 6 || !account || !name) return null;
  return queueIdByName(db, account, name);
}

interface MovableRow {
  seq: number;
  source_arn: string | null;
  group_id: string | null;
}

function finish(db: Db, handle: string, status: MoveTask["status"], reason: string | null): void {
  stmt(db, "UPDATE move_tasks SET status = ?, failure_reason = ? WHERE handle = ?").run(status, reason, handle);
}

/**
 * Re-enqueues one message in `destId`. AWS treats redriven messages as new: a new
 * MessageId and enqueue time, never received.
 */
function moveOne(db: Db, row: MovableRow, destId: number, now: number): void {
  const info = stmt(
    db,
    `INSERT INTO messages (queue_id, message_id, body, attrs, sys_attrs, md5_body, md5_attrs, md5_sys, sender_id,
       sent_at, enqueued_at, visible_at, receive_count, group_id, dedup_id)
     SELECT ?, ?, body, attrs, sys_attrs, md5_body, md5_attrs, md5_sys, sender_id, sent_at, ?, ?, 0,
       group_id, dedup_id FROM messages WHERE seq = ?`,
  ).run(destId, randomUUID(), now, now, row.seq);
  stmt(db, "DELETE FROM messages WHERE seq = ?").run(row.seq);
  if (row.group_id !== null && queueFifo(db, destId)) touchGroup(db, destId, row.group_id, Number(info.lastInsertRowid));
}

function stepMoveTask(db: Db, a: MoveStepArgs): MoveTask | null {
  const task = taskByHandle(db, a.handle);
  if (!task) return null;
  if (task.status !== MoveTaskStatus.Running) return taskFromRow(task);
  if (!queueExists(db, task.source_queue_id)) {
    finish(db, a.handle, MoveTaskStatus.Failed, "AWS.SimpleQueueService.NonExistentQueue");
    return taskFromRow(taskByHandle(db, a.handle) ?? task);
  }
  // A rate caps the total moved by time t at rate × elapsed seconds, however often steps run.
  const budget = task.rate === null ? a.limit : Math.min(a.limit, Math.floor((task.rate * (a.now - task.started_at)) / 1000) - task.moved);
  if (budget <= 0) return taskFromRow(task);
  // In-flight messages stay where they are until a consumer lets them go.
  const rows = stmt(
    db,
    `SELECT seq, source_arn, group_id FROM messages WHERE queue_id = ? AND seq <= ? AND visible_at <= ?
     ORDER BY seq LIMIT ?`,
  ).all(task.source_queue_id, task.max_seq, a.now, budget) as MovableRow[];
  let moved = 0;
  const groups = new Set<string>();
  for (const row of rows) {
    const arn = task.destination_arn ?? row.source_arn;
    const destId = arn === null ? null : queueIdByArn(db, arn);
    if (destId === null) {
      finish(db, a.handle, MoveTaskStatus.Failed, arn === null ? "CouldNotDetermineMessageSource" : "AWS.SimpleQueueService.NonExistentQueue");
      break;
    }
    moveOne(db, row, destId, a.now);
    if (row.group_id !== null) groups.add(row.group_id);
    moved++;
  }
  if (queueFifo(db, task.source_queue_id)) for (const g of groups) refreshGroup(db, task.source_queue_id, g);
  stmt(db, "UPDATE move_tasks SET moved = moved + ? WHERE handle = ?").run(moved, a.handle);
  const after = taskByHandle(db, a.handle) ?? task;
  if (after.status === MoveTaskStatus.Running && (rows.length < budget || after.moved >= after.to_move)) {
    finish(db, a.handle, MoveTaskStatus.Completed, null);
  }
  return taskFromRow(taskByHandle(db, a.handle) ?? after);
}

function cancelMoveTask(db: Db, a: { handle: string }): MoveTask | null {
  const task = taskByHandle(db, a.handle);
  if (!task) return null;
  if (task.status === MoveTaskStatus.Running) finish(db, a.handle, MoveTaskStatus.Cancelled, null);
  return taskFromRow(taskByHandle(db, a.handle) ?? task);
}

function listMoveTasks(db: Db, a: { sourceQueueId: number; limit: number }): MoveTask[] {
  const rows = stmt(
    db,
    "SELECT * FROM move_tasks WHERE source_queue_id = ? ORDER BY started_at DESC, rowid DESC LIMIT ?",
  ).all(a.sourceQueueId, a.limit) as TaskRow[];
  return rows.map(taskFromRow);
}

function runningMoveTasks(db: Db): MoveTask[] {
  const rows = stmt(db, "SELECT * FROM move_tasks WHERE status = 'RUNNING'").all() as TaskRow[];
  return rows.map(taskFromRow);
}

export const moveOps = {
  "moves.start": startMoveTask,
  "moves.step": stepMoveTask,
  "moves.cancel": cancelMoveTask,
  "moves.list": listMoveTasks,
  "moves.running": runningMoveTasks,
} as const;
