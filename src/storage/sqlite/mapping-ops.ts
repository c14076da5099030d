/** Event source mappings on the embedded store. */
import type { MappingRecord } from "../../services/event-sources/store.js";
import { stmt, type Db } from "./database.js";

function getMapping(db: Db, a: { uuid: string }): MappingRecord | null {
  const row = stmt(db, "SELECT record FROM event_source_mappings WHERE uuid = ?").get(a.uuid) as { record: string } | undefined;
  return row ? (JSON.parse(row.record) as MappingRecord) : null;
}

function createMapping(db: Db, r: MappingRecord): MappingRecord | { exists: string } {
  const existing = stmt(db, "SELECT uuid FROM event_source_mappings WHERE account = ? AND function_name = ? AND source_arn = ?").get(
    r.account,
    r.functionName,
    r.sourceArn,
  ) as { uuid: string } | undefined;
  if (existing) return { exists: existing.uuid };
  stmt(db, "INSERT INTO event_source_mappings (uuid, account, function_name, source_arn, record) VALUES (?, ?, ?, ?, ?)").run(
    r.uuid,
    r.account,
    r.functionName,
    r.sourceArn,
    JSON.stringify(r),
  );
  return r;
}

function listMappings(
  db: Db,
  a: { account: string; functionName?: string; sourceArn?: string; after: string | null; limit: number },
): MappingRecord[] {
  const rows = stmt(
    db,
    `SELECT record FROM event_source_mappings WHERE account = @account AND uuid > @after
       AND (@fn IS NULL OR function_name = @fn) AND (@src IS NULL OR source_arn = @src) ORDER BY uuid LIMIT @limit`,
  ).all({ account: a.account, after: a.after ?? "", fn: a.functionName ?? null, src: a.sourceArn ?? null, limit: a.limit }) as { record: string }[];
  return rows.map((r) => JSON.parse(r.record) as MappingRecord);
}

function allMappings(db: Db): MappingRecord[] {
  return (stmt(db, "SELECT record FROM event_source_mappings ORDER BY uuid").all() as { record: string }[]).map(
    (r) => JSON.parse(r.record) as MappingRecord,
  );
}

/**
 * Replaces the mapping's record and the key columns beside it (the function may change).
 * Throws, changing nothing, if that would give the function a second mapping for the source.
 */
function updateMapping(db: Db, r: MappingRecord): MappingRecord | null {
  const n = stmt(db, "UPDATE event_source_mappings SET account = ?, function_name = ?, source_arn = ?, record = ? WHERE uuid = ?").run(
    r.account,
    r.functionName,
    r.sourceArn,
    JSON.stringify(r),
    r.uuid,
  ).changes;
  return n ? r : null;
}

function deleteMapping(db: Db, a: { uuid: string }): boolean {
  stmt(db, "DELETE FROM mapping_checkpoints WHERE uuid = ?").run(a.uuid);
  return stmt(db, "DELETE FROM event_source_mappings WHERE uuid = ?").run(a.uuid).changes > 0;
}

export const mappingOps = {
  "mappings.create": createMapping,
  "mappings.get": getMapping,
  "mappings.list": listMappings,
  "mappings.all": allMappings,
  "mappings.update": updateMapping,
  "mappings.delete": deleteMapping,
} as const;
