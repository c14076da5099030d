/**
 * ExpressionAttributeNames (`#alias` → attribute name) and ExpressionAttributeValues
 * (`:ref` → AttributeValue) shared by all expressions of one request. Parsing marks what
 * it uses; once every expression is parsed, `assertAllUsed` reports leftovers as DynamoDB
 * does. Maps are used so a name such as `__proto__` is never special.
 */
import { ValidationException } from "../errors.js";
import type { AttributeValue } from "../types.js";
import { validateValue } from "../values/validate.js";

const KEY_CHARS = /^[A-Za-z0-9_]+$/;

export class ExpressionInput {
  private readonly names = new Map<string, string>();
  private readonly values = new Map<string, AttributeValue>();
  private readonly usedNames = new Set<string>();
  private readonly usedValues = new Set<string>();

  /**
   * Checks the maps' keys (`#…` and `:…` followed by letters, digits or underscores)
   * and values (well-formed AttributeValues, numbers made canonical).
   */
  constructor(names: Readonly<Record<string, unknown>> | undefined, values: Readonly<Record<string, unknown>> | undefined) {
    if (names !== undefined) {
      const keys = Object.keys(names);
      if (keys.length === 0) throw new ValidationException("ExpressionAttributeNames must not be empty");
      for (const key of keys) {
        if (!key.startsWith("#") || !KEY_CHARS.test(key.slice(1))) throw new ValidationException(`ExpressionAttributeNames contains invalid key: Syntax error; key: "${key}"`);
        const name = names[key];
        if (typeof name !== "string") throw new ValidationException(`ExpressionAttributeNames contains invalid value: ${key}`);
        if (name === "") throw new ValidationException(`ExpressionAttributeNames contains invalid value: Empty attribute name for key ${key}`);
        this.names.set(key, name);
      }
    }
    if (values !== undefined) {
      const keys = Object.keys(values);
      if (keys.length === 0) throw new ValidationException("ExpressionAttributeValues must not be empty");
      for (const key of keys) {
        if (!key.startsWith(":") || !KEY_CHARS.test(key.slice(1))) throw new ValidationException(`ExpressionAttributeValues contains invalid key: Syntax error; key: "${key}"`);
        this.values.set(key, checkedValue(values[key], key));
      }
    }
  }

  /** The attribute name an alias stands for (marking it used), or undefined. */
  name(alias: string): string | undefined {
    const name = this.names.get(alias);
    if (name !== undefined) this.usedNames.add(alias);
    return name;
  }

  /** The value a reference stands for (marking it used), or undefined. */
  value(ref: string): AttributeValue | undefined {
    const value = this.values.get(ref);
    if (value !== undefined) this.usedValues.add(ref);
    return value;
  }

  /** Throws DynamoDB's error for names, then values, that no expression used. */
  assertAllUsed(): void {
    const names = [...this.names.keys()].filter((k) => !this.usedNames.has(k));
    if (names.length > 0) throw new ValidationException(`Value provided in ExpressionAttributeNames unused in expressions: keys: {${names.join(", ")}}`);
    const values = [...this.values.keys()].filter((k) => !this.usedValues.has(k));
    if (values.length > 0) throw new ValidationException(`Value provided in ExpressionAttributeValues unused in expressions: keys: {${values.join(", ")}}`);
  }
}

function checkedValue(raw: unknown, key: string): AttributeValue {
  try {
    return validateValue(raw, `ExpressionAttributeValues.${key}`);
  } catch (e) {
    if (e instanceof ValidationException) throw new ValidationException(`ExpressionAttributeValues contains invalid value: ${e.message} for key ${key}`);
    throw e;
  }
}
