/** S3's response XML: escaping of hostile keys, URL encoding, error documents. */
import { describe, expect, it } from "vitest";
import { InternalError } from "../../core/errors.js";
import { NoSuchKey, NotModified } from "../../services/buckets/errors.js";
import { SignatureDoesNotMatch } from "../auth-errors.js";
import { s3Error } from "./errors.js";
import { listV2Xml, notificationXml, plain, urlEncoder } from "./xml-out.js";
import { childText, children, parseXml } from "./xml-in.js";

const object = (key: string) => ({ bucket: "b", key, size: 1, etag: "e", lastModified: 0, headers: {}, checksum: null, segments: [] });

describe("S3 XML out", () => {
  it("escapes markup in keys and URL-encodes on request", () => {
    const r = { contents: [object("<a>&\"'")], commonPrefixes: ["p/"], truncated: false, maxKeys: 1000 };
    const xml = listV2Xml(r, { bucket: "b", account: "0", prefix: "" }, plain, { fetchOwner: false });
    expect(children(parseXml(xml), "Contents").map((c) => childText(c, "Key"))).toEqual(["<a>&\"'"]);
    const encoded = listV2Xml({ ...r, contents: [object("a b/é")] }, { bucket: "b", account: "0", prefix: "", encodingType: "url" }, urlEncoder, { fetchOwner: false });
    expect(childText(children(parseXml(encoded), "Contents")[0]!, "Key")).toBe("a%20b/%C3%A9");
    expect(childText(parseXml(encoded), "KeyCount")).toBe("2");
  });

  it("writes notification configurations in S3's element names", () => {
    const xml = notificationXml([
      { id: "q", kind: "queue", arn: "arn:q", events: ["s3:ObjectCreated:*"], rules: [{ name: "prefix", value: "in/" }] },
      { id: "f", kind: "function", arn: "arn:f", events: ["s3:ObjectRemoved:*"], rules: [] },
    ]);
    const root = parseXml(xml);
    expect(childText(children(root, "QueueConfiguration")[0]!, "Queue")).toBe("arn:q");
    expect(childText(children(root, "CloudFunctionConfiguration")[0]!, "CloudFunction")).toBe("arn:f");
  });

  it("answers errors with code, message, details and status", () => {
    const e = s3Error(new NoSuchKey("a<b"), "req", "GET", "/b/a<b");
    expect(e.status).toBe(404);
    const root = parseXml(String(e.body));
    expect([childText(root, "Code"), childText(root, "Key"), childText(root, "RequestId")]).toEqual(["NoSuchKey", "a<b", "req"]);
    expect(s3Error(new NoSuchKey("k"), "req", "HEAD").body).toBe("");
    const nm = s3Error(new NotModified("abc", 0), "req", "GET");
    expect([nm.status, nm.body, nm.headers["etag"]]).toEqual([304, "", '"abc"']);
    expect(s3Error(new SignatureDoesNotMatch(), "r", "GET").status).toBe(403);
    expect(s3Error(new InternalError(), "r", "GET").status).toBe(500);
  });
});
