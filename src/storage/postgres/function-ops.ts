/**
 * Functions and their deployment packages on PostgreSQL. A function's record is JSON
 * text beside its revision id; `function_code` holds the one zip the current record
 * names (rows for any other hash are dropped whenever the record changes). Updates
 * lock the function's row before comparing revisions, so of two processes updating
 * from the same revision exactly one wins.
 */
import type { FunctionRecord } from "../../services/functions/store.js";
import type { Conn, Tx } from "./database.js";

type RecordRow = { record: string };

function toFunction(row: RecordRow): FunctionRecord {
  return JSON.parse(row.record) as FunctionRecord;
}

export async function getFunction(db: Conn, account: string, name: string): Promise<FunctionRecord | null> {
  const [row] = await db<RecordRow[]>`SELECT record FROM functions WHERE account = ${account} AND name = ${name}`;
  return row ? toFunction(row) : null;
}

export async function listFunctions(db: Conn, a: { account: string; after: string | null; limit: number }): Promise<FunctionRecord[]> {
  const rows = await db<RecordRow[]>`
    SELECT record FROM functions WHERE account = ${a.account} AND name > ${a.after ?? ""} ORDER BY name LIMIT ${a.limit}`;
  return rows.map(toFunction);
}

/** Stores `zip` if the record names it, and drops every package the record does not name. */
async function saveCode(tx: Tx, r: FunctionRecord, zip: Buffer | null): Promise<void> {
  if (r.code.kind !== "zip") {
    await tx`DELETE FROM function_code WHERE account = ${r.account} AND name = ${r.name}`;
    return;
  }
  if (zip) {
    await tx`
      INSERT INTO function_code (account, name, sha256, zip) VALUES (${r.account}, ${r.name}, ${r.code.sha256}, ${zip})
      ON CONFLICT (account, name, sha256) DO NOTHING`;
  }
  await tx`DELETE FROM function_code WHERE account = ${r.account} AND name = ${r.name} AND sha256 <> ${r.code.sha256}`;
}

export async function createFunction(tx: Tx, r: FunctionRecord, zip: Buffer | null): Promise<FunctionRecord | "exists"> {
  // A concurrent create of the same name waits on the key until this one commits, then does nothing.
  const [row] = await tx<{ name: string }[]>`
    INSERT INTO functions (account, name, record, revision_id) VALUES (${r.account}, ${r.name}, ${JSON.stringify(r)}, ${r.revisionId})
    ON CONFLICT (account, name) DO NOTHING
    RETURNING name`;
  if (!row) return "exists";
  await saveCode(tx, r, zip);
  return r;
}

export async function updateFunction(
  tx: Tx,
  a: { record: FunctionRecord; expectedRevision: string | null; zip: Buffer | null },
): Promise<FunctionRecord | "notFound" | "revisionMismatch"> {
  const r = a.record;
  const [current] = await tx<{ revision_id: string }[]>`
    SELECT revision_id FROM functions WHERE account = ${r.account} AND name = ${r.name} FOR UPDATE`;
  if (!current) return "notFound";
  if (a.expectedRevision !== null && current.revision_id !== a.expectedRevision) return "revisionMismatch";
  await tx`
    UPDATE functions SET record = ${JSON.stringify(r)}, revision_id = ${r.revisionId}
    WHERE account = ${r.account} AND name = ${r.name}`;
  await saveCode(tx, r, a.zip);
  return r;
}

/** Deletes the function; its package goes with it (ON DELETE CASCADE). */
export async function deleteFunction(db: Conn, account: string, name: string): Promise<boolean> {
  const rows = await db`DELETE FROM functions WHERE account = ${account} AND name = ${name} RETURNING name`;
  return rows.length > 0;
}

export async function getCode(db: Conn, a: { account: string; name: string; sha256: string }): Promise<Buffer | null> {
  const [row] = await db<{ zip: Buffer }[]>`
    SELECT zip FROM function_code WHERE account = ${a.account} AND name = ${a.name} AND sha256 = ${a.sha256}`;
  return row?.zip ?? null;
}
