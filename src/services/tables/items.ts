/**
 * The single-item actions: PutItem, GetItem, UpdateItem, DeleteItem. A write reads the
 * item when it must (a condition, ReturnValues, an update, or a stream that needs the
 * old image), decides, and asks the store to apply it only if the item is still at
 * the version read; a stale answer starts over.
 */
import type { CallContext } from "../queues/types.js";
import type { TableDeps } from "./context.js";
import { ConditionalCheckFailedException, ValidationException } from "./errors.js";
import { applyUpdate, evaluateCondition, parseUpdate, project, updatedTopNames, type Condition } from "./expressions/index.js";
import { optBool, tableName, type Input, type Output } from "./input.js";
import { encodePrimary, keyFromInput } from "./keys.js";
import * as R from "./request.js";
import type { TableRecord } from "./store.js";
import type { Item } from "./types.js";
import { itemSize } from "./values/size.js";
import { validateItem } from "./values/validate.js";
import { needsOld, planWrite, primaryKeyOf, readCurrent, retrying, UNREAD, type Current } from "./write-plan.js";
import { changedAttributes } from "./returns.js";

function checkCondition(cond: Condition | null, current: Current, withItem: boolean): void {
  if (cond && !evaluateCondition(cond, current.item)) throw new ConditionalCheckFailedException(withItem ? current.item : undefined);
}

async function applyOne(d: TableDeps, table: TableRecord, write: ReturnType<typeof planWrite>): Promise<"ok" | "stale"> {
  const result = await d.store.writeItems([write], d.clock.now());
  return result.ok ? "ok" : "stale";
}

export async function putItem(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  R.rejectLegacy(input);
  const name = tableName(input);
  const item = R.reqItem(input, "Item");
  const exprs = R.expressionInput(input, input["ConditionExpression"] !== undefined);
  const cond = R.optCondition(input, "ConditionExpression", exprs);
  exprs.assertAllUsed();
  const ret = R.returnValues(input, ["ALL_OLD", "NONE"]);
  const onFail = R.failureReturn(input);
  return retrying(d, ctx.accountId, [name], async () => {
    const table = await d.directory.get(ctx.accountId, name);
    const { encoded } = primaryKeyOf(table, item);
    const mustRead = cond !== null || ret !== "NONE" || needsOld(table);
    const current = mustRead ? await readCurrent(d, table, encoded) : UNREAD;
    checkCondition(cond, current, onFail);
    const write = planWrite(d, { table, key: encoded, current, next: item, region: ctx.region });
    if ((await applyOne(d, table, write)) === "stale") return "stale";
    const out: Output = R.consumed(input, name, R.writeUnits(itemSize(item)));
    if (ret === "ALL_OLD" && current.item) out["Attributes"] = current.item;
    return out;
  });
}

export async function getItem(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  R.rejectLegacy(input);
  const name = tableName(input);
  const exprs = R.expressionInput(input, input["ProjectionExpression"] !== undefined);
  const projection = R.optProjection(input, exprs);
  exprs.assertAllUsed();
  const consistent = optBool(input, "ConsistentRead") ?? false;
  const table = await d.directory.get(ctx.accountId, name);
  const key = keyFromInput(table.definition.key, R.reqItem(input, "Key"));
  const current = await readCurrent(d, table, encodePrimary(table.definition.key, key));
  const out: Output = R.consumed(input, name, R.readUnits(current.item ? itemSize(current.item) : 0, consistent));
  if (current.item) out["Item"] = projection ? project(current.item, projection) : current.item;
  return out;
}

export async function deleteItem(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  R.rejectLegacy(input);
  const name = tableName(input);
  const exprs = R.expressionInput(input, input["ConditionExpression"] !== undefined);
  const cond = R.optCondition(input, "ConditionExpression", exprs);
  exprs.assertAllUsed();
  const ret = R.returnValues(input, ["ALL_OLD", "NONE"]);
  const onFail = R.failureReturn(input);
  const rawKey = R.reqItem(input, "Key");
  return retrying(d, ctx.accountId, [name], async () => {
    const table = await d.directory.get(ctx.accountId, name);
    const encoded = encodePrimary(table.definition.key, keyFromInput(table.definition.key, rawKey));
    const mustRead = cond !== null || ret !== "NONE" || needsOld(table);
    const current = mustRead ? await readCurrent(d, table, encoded) : UNREAD;
    checkCondition(cond, current, onFail);
    if (!mustRead || current.item) {
      const write = planWrite(d, { table, key: encoded, current, next: undefined, region: ctx.region });
      if ((await applyOne(d, table, write)) === "stale") return "stale";
    }
    const out: Output = R.consumed(input, name, R.writeUnits(current.item ? itemSize(current.item) : 0));
    if (ret === "ALL_OLD" && current.item) out["Attributes"] = current.item;
    return out;
  });
}

/** The item an update starts from: the current item, or just the key when there is none. */
function updateBase(current: Current, key: Item): Item {
  return current.item ?? key;
}

export async function updateItem(d: TableDeps, input: Input, ctx: CallContext): Promise<Output> {
  R.rejectLegacy(input);
  const name = tableName(input);
  const text = R.expressionText(input, "UpdateExpression");
  const exprs = R.expressionInput(input, text !== undefined || input["ConditionExpression"] !== undefined);
  const update = text === undefined ? null : parseUpdate(text, exprs);
  const cond = R.optCondition(input, "ConditionExpression", exprs);
  exprs.assertAllUsed();
  const ret = R.returnValues(input, ["NONE", "ALL_OLD", "UPDATED_OLD", "ALL_NEW", "UPDATED_NEW"]);
  const onFail = R.failureReturn(input);
  const rawKey = R.reqItem(input, "Key");
  return retrying(d, ctx.accountId, [name], async () => {
    const table = await d.directory.get(ctx.accountId, name);
    const key = keyFromInput(table.definition.key, rawKey);
    if (update) checkKeyUntouched(table, updatedTopNames(update));
    const encoded = encodePrimary(table.definition.key, key);
    const current = await readCurrent(d, table, encoded);
    checkCondition(cond, current, onFail);
    const applied = update ? applyUpdate(update, updateBase(current, key)) : { item: updateBase(current, key), changed: [] };
    const next = applied.item;
    const write = planWrite(d, { table, key: encoded, current, next: validateItem(next, "Item"), region: ctx.region });
    if ((await applyOne(d, table, write)) === "stale") return "stale";
    const out: Output = R.consumed(input, name, R.writeUnits(Math.max(itemSize(next), current.item ? itemSize(current.item) : 0)));
    const attrs = changedAttributes(ret, current.item, next, applied.changed);
    if (attrs) out["Attributes"] = attrs;
    return out;
  });
}

/** An update may not touch the table's key attributes. */
export function checkKeyUntouched(table: TableRecord, names: readonly string[]): void {
  const k = table.definition.key;
  for (const n of names) {
    if (n === k.hash.name || n === k.range?.name) throw new ValidationException(`One or more parameter values were invalid: Cannot update attribute ${n}. This attribute is part of the key`);
  }
}
