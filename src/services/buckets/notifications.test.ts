import { describe, expect, it } from "vitest";
import { eventKey, targetsFor } from "./notifications.js";
import type { NotificationTarget } from "./types.js";

describe("notification matching", () => {
  const t = (id: string, events: string[], prefix = "", suffix = ""): NotificationTarget => ({
    id, kind: "queue", arn: id, events,
    rules: [...(prefix ? [{ name: "prefix" as const, value: prefix }] : []), ...(suffix ? [{ name: "suffix" as const, value: suffix }] : [])],
  });
  it("matches event patterns and key filters", () => {
    const targets = [t("all", ["s3:ObjectCreated:*"], "in/"), t("put", ["s3:ObjectCreated:Put"], "", ".csv"), t("del", ["s3:ObjectRemoved:Delete"])];
    expect(targetsFor(targets, "ObjectCreated:Put", "in/a.csv").map((x) => x.id)).toEqual(["all", "put"]);
    expect(targetsFor(targets, "ObjectCreated:CompleteMultipartUpload", "in/a.txt").map((x) => x.id)).toEqual(["all"]);
    expect(targetsFor(targets, "ObjectRemoved:Delete", "x").map((x) => x.id)).toEqual(["del"]);
    expect(targetsFor(targets, "ObjectCreated:Copy", "out/a.txt")).toEqual([]);
  });
  it("encodes keys as S3 does in events", () => {
    expect(eventKey("dir/my file+1.csv")).toBe("dir/my+file%2B1.csv");
    expect(eventKey("é")).toBe("%C3%A9");
  });
});
