import { describe, expect, it } from "vitest";
import { checkConditions, parseRange } from "./conditions.js";

const T = Date.parse("2026-01-01T00:00:00Z");
const before = new Date(T - 60_000).toUTCString();
const after = new Date(T + 60_000).toUTCString();

describe("ranges", () => {
  it("reads the three forms", () => {
    expect(parseRange("bytes=0-9", 100)).toEqual({ start: 0, end: 9 });
    expect(parseRange("bytes=90-", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-10", 100)).toEqual({ start: 90, end: 99 });
    expect(parseRange("bytes=-1000", 100)).toEqual({ start: 0, end: 99 });
    expect(parseRange("bytes=50-1000", 100)).toEqual({ start: 50, end: 99 });
  });
  it("ignores what it cannot parse and refuses what starts past the end", () => {
    expect(parseRange("bytes=a-b", 100)).toBeNull();
    expect(parseRange("bytes=5-1", 100)).toBeNull();
    expect(parseRange("items=0-1", 100)).toBeNull();
    expect(() => parseRange("bytes=100-", 100)).toThrow(expect.objectContaining({ code: "InvalidRange", status: 416 }));
    expect(() => parseRange("bytes=-0", 100)).toThrow(expect.objectContaining({ code: "InvalidRange" }));
    expect(() => parseRange("bytes=0-0", 0)).toThrow(expect.objectContaining({ code: "InvalidRange" }));
  });
});

describe("conditions", () => {
  const check = (c: Parameters<typeof checkConditions>[0], read = true) => () => checkConditions(c, "abc", T, read);
  it("If-Match beats If-Unmodified-Since", () => {
    expect(check({ ifMatch: '"abc"', ifUnmodifiedSince: before })).not.toThrow();
    expect(check({ ifMatch: '"zzz"' })).toThrow(expect.objectContaining({ code: "PreconditionFailed", status: 412 }));
    expect(check({ ifUnmodifiedSince: before })).toThrow(expect.objectContaining({ code: "PreconditionFailed" }));
    expect(check({ ifUnmodifiedSince: after })).not.toThrow();
  });
  it("If-None-Match beats If-Modified-Since", () => {
    expect(check({ ifNoneMatch: '"abc"', ifModifiedSince: before })).toThrow(expect.objectContaining({ code: "NotModified", status: 304 }));
    expect(check({ ifNoneMatch: '"zzz"', ifModifiedSince: after })).not.toThrow();
    expect(check({ ifModifiedSince: after })).toThrow(expect.objectContaining({ code: "NotModified" }));
    expect(check({ ifModifiedSince: before })).not.toThrow();
    expect(check({ ifNoneMatch: "*" }, false)).toThrow(expect.objectContaining({ code: "PreconditionFailed" }));
  });
});
