/**
 * Message move tasks on PostgreSQL (StartMessageMoveTask and friends). A task moves
 * the messages that were in its source queue when it started (seq <= max_seq), oldest
 * first, to its destination or, without one, back to each message's source. Every
 * process runs a task runner, so a step locks the task's row: steps of one task run
 * one at a time and the rate budget holds across processes. A partial unique index
 * allows one active task per source queue even when two processes start one at once.
 */
import { randomUUID } from "node:crypto";
import { MoveTaskStatus, type MoveStepArgs, type MoveTask, type StartMoveArgs } from "../../services/queues/store.js";
import type { Conn, Tx } from "./database.js";
import { groupsOf, lockGroupForSend, lockGroups, refreshGroups } from "./groups.js";
import { lockQueue, lockQueueByArn } from "./queue-ops.js";
import type { MessageRow, Wake } from "./rows.js";
import { copyValues, insertMessage } from "./send-ops.js";
import { taskFromRow, type TaskRow } from "../rows.js";


const NON_EXISTENT = "AWS.SimpleQueueService.NonExistentQueue";
/** A message sent straight to a dead-letter queue has no source to go back to. */
const NO_SOURCE = "CouldNotDetermineMessageSource";

export async function startMoveTask(tx: Tx, a: StartMoveArgs): Promise<MoveTask | "alreadyRunning" | null> {
  if ((await lockQueue(tx, a.sourceQueueId)) === null) return null;
  const [stats] = await tx<{ n: number; max_seq: number }[]>`
    SELECT count(*) AS n, COALESCE(max(seq), 0) AS max_seq FROM messages WHERE queue_id = ${a.sourceQueueId}`;
  const [row] = await tx<TaskRow[]>`
    INSERT INTO move_tasks (handle, source_queue_id, source_arn, destination_arn, rate, status, to_move, max_seq, started_at)
    VALUES (${a.handle}, ${a.sourceQueueId}, ${a.sourceArn}, ${a.destinationArn}, ${a.rate}, ${MoveTaskStatus.Running},
      ${stats?.n ?? 0}, ${stats?.max_seq ?? 0}, ${a.now})
    ON CONFLICT DO NOTHING
    RETURNING *`;
  return row ? taskFromRow(row) : "alreadyRunning";
}

async function finish(tx: Tx, handle: string, status: MoveTask["status"], reason: string | null): Promise<TaskRow> {
  const [row] = await tx<TaskRow[]>`
    UPDATE move_tasks SET status = ${status}, failure_reason = ${reason} WHERE handle = ${handle} RETURNING *`;
  if (!row) throw new Error("move task vanished while locked");
  return row;
}

/**
 * The messages a step may move now, locked (a FIFO source's groups first), and whether
 * that was all of them: fewer candidates than the budget means the task is done.
 */
async function movable(tx: Tx, task: TaskRow, fifo: boolean, now: number, budget: number): Promise<{ rows: MessageRow[]; last: boolean }> {
  if (!fifo) {
    const rows = await tx<MessageRow[]>`
      SELECT * FROM messages WHERE queue_id = ${task.source_queue_id} AND seq <= ${task.max_seq} AND visible_at <= ${now}
      ORDER BY seq LIMIT ${budget} FOR UPDATE SKIP LOCKED`;
    return { rows, last: rows.length < budget };
  }
  const seen = await tx<MessageRow[]>`
    SELECT seq, group_id FROM messages WHERE queue_id = ${task.source_queue_id} AND seq <= ${task.max_seq}
      AND visible_at <= ${now} ORDER BY seq LIMIT ${budget}`;
  await lockGroups(tx, task.source_queue_id, groupsOf(seen));
  // In-flight messages stay where they are until a consumer lets them go.
  const rows = await tx<MessageRow[]>`
    SELECT * FROM messages WHERE seq = ANY(${seen.map((r) => r.seq)}::bigint[]) AND visible_at <= ${now}
    ORDER BY seq FOR UPDATE`;
  return { rows, last: seen.length < budget };
}

/**
 * Re-enqueues one message in `dest`. AWS treats redriven messages as new: a new
 * MessageId and enqueue time, never received.
 */
async function moveOne(tx: Tx, row: MessageRow, dest: { id: number; fifo: boolean }, now: number): Promise<void> {
  const grouped = dest.fifo && row.group_id !== null;
  if (grouped && row.group_id !== null) await lockGroupForSend(tx, dest.id, row.group_id);
  await insertMessage(tx, dest.id, {
    ...copyValues(row),
    message_id: randomUUID(),
    enqueued_at: now,
    visible_at: now,
    receive_count: 0,
    first_receive_at: null,
    source_arn: null,
  }, grouped, null);
  await tx`DELETE FROM messages WHERE seq = ${row.seq}`;
}

/** Moves `rows` in order; stops (failing the task) at the first whose destination is gone. */
async function moveRows(tx: Tx, task: TaskRow, rows: MessageRow[], now: number, wake: Wake): Promise<number> {
  const dests = new Map<string, { id: number; fifo: boolean } | null>();
  let moved = 0;
  for (const row of rows) {
    const arn = task.destination_arn ?? row.source_arn;
    if (arn !== null && !dests.has(arn)) dests.set(arn, await lockQueueByArn(tx, arn));
    const dest = arn === null ? null : (dests.get(arn) ?? null);
    if (!dest) {
      await finish(tx, task.handle, MoveTaskStatus.Failed, arn === null ? NO_SOURCE : NON_EXISTENT);
      break;
    }
    await moveOne(tx, row, dest, now);
    wake.add(dest.id);
    moved++;
  }
  return moved;
}

export async function stepMoveTask(tx: Tx, a: MoveStepArgs, wake: Wake): Promise<MoveTask | null> {
  const [task] = await tx<TaskRow[]>`SELECT * FROM move_tasks WHERE handle = ${a.handle} FOR UPDATE`;
  if (!task) return null;
  if (task.status !== MoveTaskStatus.Running) return taskFromRow(task);
  const fifo = await lockQueue(tx, task.source_queue_id);
  if (fifo === null) return taskFromRow(await finish(tx, a.handle, MoveTaskStatus.Failed, NON_EXISTENT));
  // A rate caps the total moved by time t at rate × elapsed seconds, however often steps run.
  const budget =
    task.rate === null ? a.limit : Math.min(a.limit, Math.floor((task.rate * (a.now - task.started_at)) / 1000) - task.moved);
  if (budget <= 0) return taskFromRow(task);
  const { rows, last } = await movable(tx, task, fifo, a.now, budget);
  const moved = await moveRows(tx, task, rows, a.now, wake);
  if (fifo) await refreshGroups(tx, task.source_queue_id, groupsOf(rows.slice(0, moved)));
  const [after] = await tx<TaskRow[]>`
    UPDATE move_tasks SET moved = moved + ${moved} WHERE handle = ${a.handle} RETURNING *`;
  if (!after) throw new Error("move task vanished while locked");
  if (after.status === MoveTaskStatus.Running && (last || after.moved >= after.to_move)) {
    return taskFromRow(await finish(tx, a.handle, MoveTaskStatus.Completed, null));
  }
  return taskFromRow(after);
}

export async function cancelMoveTask(tx: Tx, handle: string): Promise<MoveTask | null> {
  await tx`UPDATE move_tasks SET status = ${MoveTaskStatus.Cancelled} WHERE handle = ${handle} AND status = ${MoveTaskStatus.Running}`;
  const [row] = await tx<TaskRow[]>`SELECT * FROM move_tasks WHERE handle = ${handle}`;
  return row ? taskFromRow(row) : null;
}

export async function listMoveTasks(db: Conn, sourceQueueId: number, limit: number): Promise<MoveTask[]> {
  const rows = await db<TaskRow[]>`
    SELECT * FROM move_tasks WHERE source_queue_id = ${sourceQueueId} ORDER BY started_at DESC, ord DESC LIMIT ${limit}`;
  return rows.map(taskFromRow);
}

export async function runningMoveTasks(db: Conn): Promise<MoveTask[]> {
  const rows = await db<TaskRow[]>`
    SELECT * FROM move_tasks WHERE status = ${MoveTaskStatus.Running} ORDER BY started_at, ord`;
  return rows.map(taskFromRow);
}
