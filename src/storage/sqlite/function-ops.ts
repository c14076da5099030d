/** Functions and their deployment packages on the embedded store. */
import type { FunctionRecord } from "../../services/functions/store.js";
import { stmt, type Db } from "./database.js";

function parse(row: { record: string } | undefined): FunctionRecord | null {
  return row ? (JSON.parse(row.record) as FunctionRecord) : null;
}

function getFunction(db: Db, a: { account: string; name: string }): FunctionRecord | null {
  return parse(stmt(db, "SELECT record FROM functions WHERE account = ? AND name = ?").get(a.account, a.name) as { record: string } | undefined);
}

/** Stores `zip` if the record names it, and drops every package the record does not name. */
function saveZip(db: Db, r: FunctionRecord, zip: Buffer | null): void {
  if (r.code.kind !== "zip") {
    stmt(db, "DELETE FROM function_code WHERE account = ? AND name = ?").run(r.account, r.name);
    return;
  }
  if (zip) stmt(db, "INSERT OR IGNORE INTO function_code (account, name, sha256, zip) VALUES (?, ?, ?, ?)").run(r.account, r.name, r.code.sha256, zip);
  // Only the current package is kept: older ones are never served again.
  stmt(db, "DELETE FROM function_code WHERE account = ? AND name = ? AND sha256 <> ?").run(r.account, r.name, r.code.sha256);
}

function createFunction(db: Db, a: { record: FunctionRecord; zip: Buffer | null }): FunctionRecord | "exists" {
  if (getFunction(db, a.record)) return "exists";
  stmt(db, "INSERT INTO functions (account, name, record, revision_id) VALUES (?, ?, ?, ?)").run(
    a.record.account,
    a.record.name,
    JSON.stringify(a.record),
    a.record.revisionId,
  );
  saveZip(db, a.record, a.zip);
  return a.record;
}

function updateFunction(
  db: Db,
  a: { record: FunctionRecord; expectedRevision: string | null; zip: Buffer | null },
): FunctionRecord | "notFound" | "revisionMismatch" {
  const current = getFunction(db, a.record);
  if (!current) return "notFound";
  if (a.expectedRevision !== null && current.revisionId !== a.expectedRevision) return "revisionMismatch";
  stmt(db, "UPDATE functions SET record = ?, revision_id = ? WHERE account = ? AND name = ?").run(
    JSON.stringify(a.record),
    a.record.revisionId,
    a.record.account,
    a.record.name,
  );
  saveZip(db, a.record, a.zip);
  return a.record;
}

function listFunctions(db: Db, a: { account: string; after: string | null; limit: number }): FunctionRecord[] {
  const rows = stmt(db, "SELECT record FROM functions WHERE account = ? AND name > ? ORDER BY name LIMIT ?").all(a.account, a.after ?? "", a.limit) as {
    record: string;
  }[];
  return rows.map((r) => JSON.parse(r.record) as FunctionRecord);
}

function deleteFunction(db: Db, a: { account: string; name: string }): boolean {
  stmt(db, "DELETE FROM function_code WHERE account = ? AND name = ?").run(a.account, a.name);
  return stmt(db, "DELETE FROM functions WHERE account = ? AND name = ?").run(a.account, a.name).changes > 0;
}

function getCode(db: Db, a: { account: string; name: string; sha256: string }): Buffer | null {
  const row = stmt(db, "SELECT zip FROM function_code WHERE account = ? AND name = ? AND sha256 = ?").get(a.account, a.name, a.sha256) as
    | { zip: Buffer }
    | undefined;
  return row?.zip ?? null;
}

export const functionOps = {
  "functions.create": createFunction,
  "functions.get": getFunction,
  "functions.list": listFunctions,
  "functions.update": updateFunction,
  "functions.delete": deleteFunction,
  "functions.code": getCode,
} as const;
