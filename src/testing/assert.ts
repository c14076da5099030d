/** Assertions for service errors, shared by the service tests. */
import { expect } from "vitest";
import { ServiceError } from "../core/errors.js";

/** The ServiceError a call fails with; fails the test if the call succeeds. */
export async function failure(p: Promise<unknown>): Promise<ServiceError> {
  let result: unknown;
  try {
    result = await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ServiceError);
    return e as ServiceError;
  }
  return expect.fail(`expected a ServiceError, but the call succeeded with ${JSON.stringify(result)}`);
}

/** Asserts the call fails with `code` (and `message`, when given) and returns the error. */
export async function rejects(p: Promise<unknown>, code: string, message?: string): Promise<ServiceError> {
  const err = await failure(p);
  expect({ code: err.code, message: err.message }).toEqual({ code, message: message ?? err.message });
  return err;
}

/** Polls `check` in real time (worker threads and child processes run in real time) until it returns a value. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await check();
    if (v !== undefined) return v;
    if (Date.now() > until) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 25));
  }
}
