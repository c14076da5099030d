/**
 * The expression language of DynamoDB for the table service: condition, filter, key
 * condition, update and projection expressions, parsed against one request's
 * ExpressionAttributeNames and ExpressionAttributeValues (an `ExpressionInput`), and
 * evaluated or applied against items.
 */
export type { Comparator, Condition, KeyCondition, KeyOperator, Operand, Path, PathElement, Update, UpdateAction, UpdateValue } from "./ast.js";
export { applyUpdate, UpdateMessages } from "./apply.js";
export type { ConditionKind } from "./condition.js";
export { parseCondition } from "./condition.js";
export { evaluateCondition, sizeOf } from "./evaluate.js";
export { ExpressionInput } from "./input.js";
export { parseKeyCondition } from "./key-condition.js";
export { parseProjection, project } from "./projection.js";
export { isReserved } from "./reserved.js";
export type { ExpressionKind } from "./syntax.js";
export { MAX_EXPRESSION_BYTES } from "./syntax.js";
export { parseUpdate, updatedTopNames } from "./update.js";
export { getPath, pathListText, pathText } from "../values/paths.js";
