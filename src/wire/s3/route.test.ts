import { describe, expect, it } from "vitest";
import { hostBucket, s3Address, signedForS3 } from "./route.js";

describe("S3 addressing", () => {
  it("reads path style, keeping the key exactly", () => {
    expect(s3Address("/", "127.0.0.1:4566", [])).toEqual({});
    expect(s3Address("/bkt", "127.0.0.1:4566", [])).toEqual({ bucket: "bkt" });
    expect(s3Address("/bkt/", "127.0.0.1:4566", [])).toEqual({ bucket: "bkt" });
    expect(s3Address("/bkt/a/../../b", "127.0.0.1:4566", [])).toEqual({ bucket: "bkt", key: "a/../../b" });
    expect(s3Address("/bkt//abs%00x%2F..", "127.0.0.1:4566", [])).toEqual({ bucket: "bkt", key: "/abs\u0000x/.." });
    expect(s3Address("/bkt/dir/", "127.0.0.1:4566", [])).toEqual({ bucket: "bkt", key: "dir/" });
    expect(() => s3Address("/bkt/%E0%A4%A", "h", [])).toThrow(expect.objectContaining({ code: "InvalidURI" }));
  });
  it("reads virtual-host style from known bases", () => {
    expect(hostBucket("photos.localhost:4566", [])).toBe("photos");
    expect(hostBucket("my.dotted.bucket.s3.localhost", [])).toBe("my.dotted.bucket");
    expect(hostBucket("photos.sluice.example.com:8080", ["sluice.example.com"])).toBe("photos");
    expect(hostBucket("s3.localhost:4566", [])).toBeUndefined();
    expect(hostBucket("localhost:4566", [])).toBeUndefined();
    expect(hostBucket("127.0.0.1:4566", [])).toBeUndefined();
    expect(s3Address("/a/b", "photos.localhost", [])).toEqual({ bucket: "photos", key: "a/b" });
    expect(s3Address("/", "photos.localhost", [])).toEqual({ bucket: "photos" });
  });
  it("knows requests signed for S3", () => {
    expect(signedForS3({ authorization: "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=x" }, "")).toBe(true);
    expect(signedForS3({ authorization: "AWS4-HMAC-SHA256 Credential=AK/20260101/us-east-1/sqs/aws4_request, SignedHeaders=host, Signature=x" }, "")).toBe(false);
    expect(signedForS3({}, "X-Amz-Credential=AK%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Signature=x")).toBe(true);
    expect(signedForS3({}, "Action=ListQueues")).toBe(false);
  });
});
