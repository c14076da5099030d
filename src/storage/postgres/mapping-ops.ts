/**
 * Event source mappings on PostgreSQL. The record is JSON text; the columns beside it
 * (account, function name, source ARN) mirror it so the unique key on them keeps one
 * mapping per function and source, even when processes create one at the same time.
 */
import type { MappingRecord } from "../../services/event-sources/store.js";
import type { Conn, Tx } from "./database.js";

type RecordRow = { record: string };

function toMapping(row: RecordRow): MappingRecord {
  return JSON.parse(row.record) as MappingRecord;
}

/** Tries that find the key taken by a mapping that is then deleted before it can be read. */
const CREATE_ATTEMPTS = 5;

export async function createMapping(tx: Tx, r: MappingRecord): Promise<MappingRecord | { exists: string }> {
  for (let attempt = 0; attempt < CREATE_ATTEMPTS; attempt++) {
    // A concurrent create of the same key waits until the other commits, then does nothing.
    const [row] = await tx<{ uuid: string }[]>`
      INSERT INTO event_source_mappings (uuid, account, function_name, source_arn, record)
      VALUES (${r.uuid}, ${r.account}, ${r.functionName}, ${r.sourceArn}, ${JSON.stringify(r)})
      ON CONFLICT (account, function_name, source_arn) DO NOTHING
      RETURNING uuid`;
    if (row) return r;
    // Each statement sees what committed before it began, so the conflicting row is visible now.
    const [existing] = await tx<{ uuid: string }[]>`
      SELECT uuid FROM event_source_mappings
      WHERE account = ${r.account} AND function_name = ${r.functionName} AND source_arn = ${r.sourceArn}`;
    if (existing) return { exists: existing.uuid };
  }
  throw new Error("event source mapping key kept changing while it was being created");
}

export async function getMapping(db: Conn, uuid: string): Promise<MappingRecord | null> {
  const [row] = await db<RecordRow[]>`SELECT record FROM event_source_mappings WHERE uuid = ${uuid}`;
  return row ? toMapping(row) : null;
}

export async function listMappings(
  db: Conn,
  a: { account: string; functionName?: string | undefined; sourceArn?: string | undefined; after: string | null; limit: number },
): Promise<MappingRecord[]> {
  const byFunction = a.functionName === undefined ? db`` : db`AND function_name = ${a.functionName}`;
  const bySource = a.sourceArn === undefined ? db`` : db`AND source_arn = ${a.sourceArn}`;
  const rows = await db<RecordRow[]>`
    SELECT record FROM event_source_mappings
    WHERE account = ${a.account} AND uuid > ${a.after ?? ""} ${byFunction} ${bySource}
    ORDER BY uuid LIMIT ${a.limit}`;
  return rows.map(toMapping);
}

export async function allMappings(db: Conn): Promise<MappingRecord[]> {
  const rows = await db<RecordRow[]>`SELECT record FROM event_source_mappings ORDER BY uuid`;
  return rows.map(toMapping);
}

/**
 * Replaces the mapping's record (and the key columns, should the function change).
 * Rejects, changing nothing, if that would give the function a second mapping for the source.
 */
export async function updateMapping(db: Conn, r: MappingRecord): Promise<MappingRecord | null> {
  const rows = await db`
    UPDATE event_source_mappings
    SET account = ${r.account}, function_name = ${r.functionName}, source_arn = ${r.sourceArn}, record = ${JSON.stringify(r)}
    WHERE uuid = ${r.uuid}
    RETURNING uuid`;
  return rows.length ? r : null;
}

export async function deleteMapping(db: Conn, uuid: string): Promise<boolean> {
  await db`DELETE FROM mapping_checkpoints WHERE uuid = ${uuid}`;
  const rows = await db`DELETE FROM event_source_mappings WHERE uuid = ${uuid} RETURNING uuid`;
  return rows.length > 0;
}
