/**
 * TransactWriteItems and TransactGetItems: up to 100 actions on distinct items, all or
 * nothing. Conditions are evaluated against the items read; the store applies every
 * write only if none of those items changed since (otherwise the whole transaction is
 * read and decided again). A ClientRequestToken makes a write idempotent for 10
 * minutes: the same request again succeeds without writing, another request with the
 * same token is IdempotentParameterMismatchException.
 */
import { createHash } from "node:crypto";
import type { CallContext } from "../queues/types.js";
import type { TableDeps } from "./context.js";
import { IdempotentParameterMismatchException, TransactionCanceledException, ValidationException, type CancellationReason } from "./errors.js";
import { applyUpdate, evaluateCondition, parseUpdate, project, updatedTopNames, type Condition, type Update } from "./expressions/index.js";
import { checkKeyUntouched } from "./items.js";
import { optObject, optString, reqList, tableName, type Input, type Output } from "./input.js";
import { encodePrimary, keyFromInput, keyString, type EncodedKey } from "./keys.js";
import * as R from "./request.js";
import type { TableRecord } from "./store.js";
import type { Item } from "./types.js";
import { validateItem } from "./values/validate.js";
import { parseStored, planWrite, primaryKeyOf, retrying, type Current } from "./write-plan.js";

const MAX_ACTIONS = 100;
const KINDS = ["ConditionCheck", "Put", "Delete", "Update"] as const;
type Kind = (typeof KINDS)[number];

interface Action {
  readonly kind: Kind;
  readonly tableName: string;
  readonly body: Input;
  readonly condition: Condition | null;
  readonly update: Update | null;
  readonly onFailItem: boolean;
}

function readAction(raw: unknown): Action {
  const r = raw as Input;
  const present = KINDS.filter((k) => r[k] !== undefined && r[k] !== null);
  if (present.length !== 1) throw new ValidationException("TransactItems can only contain one of Check, Put, Update or Delete");
  const kind = present[0] as Kind;
  const body = optObject(r, kind) as Input;
  const text = R.expressionText(body, "UpdateExpression");
  if (kind === "Update" && text === undefined) throw new ValidationException("1 validation error detected: Value null at 'transactItems.update.updateExpression' failed to satisfy constraint: Member must not be null");
  if (kind === "ConditionCheck" && body["ConditionExpression"] === undefined) throw new ValidationException("1 validation error detected: Value null at 'transactItems.conditionCheck.conditionExpression' failed to satisfy constraint: Member must not be null");
  const exprs = R.expressionInput(body, text !== undefined || body["ConditionExpression"] !== undefined);
  const update = text === undefined ? null : parseUpdate(text, exprs);
  const condition = R.optCondition(body, "ConditionExpression", exprs);
  exprs.assertAllUsed();
  return { kind, tableName: tableName(body), body, condition, update, onFailItem: R.failureReturn(body) };
}

function keyOf(table: TableRecord, a: Action): { key: Item; encoded: EncodedKey; put?: Item } {
  if (a.kind === "Put") {
    const put = R.reqItem(a.body, "Item");
    return { ...primaryKeyOf(table, put), put };
  }
  const key = keyFromInput(table.definition.key, R.reqItem(a.body, "Key"));
  return { key, encoded: encodePrimary(table.definition.key, key) };
}

function nextItem(a: Action, current: Current, key: Item, put: Item | undefined): Item | undefined | "check" {
  if (a.kind === "ConditionCheck") return "check";
  if (a.kind === "Delete") return undefined;
  if (a.kind === "Put") return put;
  return validateItem(applyUpdate(a.update as Update, current.item ?? key).item, "Item");
}

function fingerprint(input: Input): string {
  return createHash("sha256").update(JSON.stringify(input["TransactItems"])).digest("hex");
}

async function replayed(d: TableDeps, account: string, token: string | undefined, print: string): Promise<boolean> {
  if (!token) return false;
  const seen = await d.store.findToken(account, token, d.clock.now(), d.config.tokenWindowMs);
  if (seen === null) return false;
  if (seen !== print) throw new IdempotentParameterMismatchException();
  return true;
}

export async function transactWriteItems(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const actions = reqList(input, "TransactItems").map(readAction);
  if (actions.length === 0 || actions.length > MAX_ACTIONS) throw new ValidationException(`1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ACTIONS}`);
  const token = optString(input, "ClientRequestToken", { max: 36 });
  // Only a token needs the request's fingerprint (a hash of all its actions).
  const print = token ? fingerprint(input) : "";
  if (await replayed(d, ctx.accountId, token, print)) return {};
  return retrying(d, ctx.accountId, [...new Set(actions.map((a) => a.tableName))], async () => {
    const planned = await decide(d, actions, ctx);
    const writes = planned.map((p) => planWrite(d, p));
    const result = await d.store.writeItems(writes, d.clock.now(), token ? { account: ctx.accountId, token, fingerprint: print } : undefined);
    if (result.ok) return {};
    if ("token" in result) {
      // The store keeps tokens until a sweep; one past the window no longer counts: drop it and write.
      if (token && !(await d.store.findToken(ctx.accountId, token, d.clock.now(), d.config.tokenWindowMs))) {
        await d.store.trimTokens(d.clock.now() - d.config.tokenWindowMs);
        return "stale";
      }
      if (result.token.fingerprint !== print) throw new IdempotentParameterMismatchException();
      return {};
    }
    return "stale";
  });
}

interface Target {
  readonly a: Action;
  readonly table: TableRecord;
  readonly key: Item;
  readonly encoded: EncodedKey;
  readonly put: Item | undefined;
}

/** Each action's table and key, refusing two actions on one item. */
async function targets(d: TableDeps, actions: readonly Action[], ctx: CallContext): Promise<Target[]> {
  const seen = new Set<string>();
  const out: Target[] = [];
  for (const a of actions) {
    const table = await d.directory.get(ctx.accountId, a.tableName);
    if (a.update) checkKeyUntouched(table, updatedTopNames(a.update));
    const { key, encoded, put } = keyOf(table, a);
    const id = `${table.id}:${keyString(encoded)}`;
    if (seen.has(id)) throw new ValidationException("Transaction request cannot include multiple operations on one item");
    seen.add(id);
    out.push({ a, table, key, encoded, put });
  }
  return out;
}

/** The current items of all targets, read with one store call per table. */
async function currentItems(d: TableDeps, ts: readonly Target[]): Promise<Current[]> {
  const out: Current[] = new Array<Current>(ts.length);
  const byTable = new Map<number, number[]>();
  ts.forEach((t, i) => {
    const positions = byTable.get(t.table.id);
    if (positions) positions.push(i);
    else byTable.set(t.table.id, [i]);
  });
  for (const [tableId, positions] of byTable) {
    const rows = await d.store.getItems(tableId, positions.map((i) => (ts[i] as Target).encoded));
    positions.forEach((i, k) => (out[i] = parseStored(rows[k] ?? null)));
  }
  return out;
}

async function decide(d: TableDeps, actions: readonly Action[], ctx: CallContext): Promise<Parameters<typeof planWrite>[1][]> {
  const ts = await targets(d, actions, ctx);
  const currents = await currentItems(d, ts);
  const reasons: CancellationReason[] = [];
  const planned: Parameters<typeof planWrite>[1][] = [];
  ts.forEach(({ a, table, key, encoded, put }, i) => {
    const current = currents[i] as Current;
    const ok = !a.condition || evaluateCondition(a.condition, current.item);
    reasons.push(ok ? { Code: "None" } : { Code: "ConditionalCheckFailed", Message: "The conditional request failed", ...(a.onFailItem && current.item ? { Item: current.item } : {}) });
    if (ok) planned.push({ table, key: encoded, current, next: nextItem(a, current, key, put), region: ctx.region });
  });
  if (reasons.some((r) => r.Code !== "None")) throw new TransactionCanceledException(reasons);
  return planned;
}

export async function transactGetItems(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  const list = reqList(input, "TransactItems");
  if (list.length === 0 || list.length > MAX_ACTIONS) throw new ValidationException(`1 validation error detected: Value at 'transactItems' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ACTIONS}`);
  const responses: Output[] = [];
  for (const raw of list) {
    const get = optObject(raw as Input, "Get");
    if (!get) throw new ValidationException("1 validation error detected: Value null at 'transactItems.member.get' failed to satisfy constraint: Member must not be null");
    const exprs = R.expressionInput(get, get["ProjectionExpression"] !== undefined);
    const projection = R.optProjection(get, exprs);
    exprs.assertAllUsed();
    const table = await d.directory.get(ctx.accountId, tableName(get));
    const key = keyFromInput(table.definition.key, R.reqItem(get, "Key"));
    const item = parseStored((await d.store.getItems(table.id, [encodePrimary(table.definition.key, key)]))[0] ?? null).item;
    responses.push(item ? { Item: projection ? project(item, projection) : item } : {});
  }
  return { Responses: responses };
}
