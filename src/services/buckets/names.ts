/**
 * Bucket names and object keys. Bucket names follow S3's general-purpose naming rules
 * (3-63 characters of a-z, 0-9, "." and "-", starting and ending with a letter or
 * digit, not an IP address, no "..", none of the reserved prefixes and suffixes). A key
 * is any UTF-8 string of 1 to 1024 bytes: it is data, stored in the metadata store,
 * and never becomes part of a file path.
 */
import { InvalidArgument, InvalidBucketName, KeyTooLongError } from "./errors.js";

export const MAX_KEY_BYTES = 1024;

export function checkBucketName(name: string): void {
  const ok =
    /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(name) &&
    !name.includes("..") &&
    !/^\d+\.\d+\.\d+\.\d+$/.test(name) &&
    !/^(xn--|sthree-|amzn-s3-demo-)/.test(name) &&
    !/(-s3alias|--ol-s3|\.mrap|--x-s3|--table-s3)$/.test(name);
  if (!ok) throw new InvalidBucketName(name);
}

export function checkKey(key: string | undefined): string {
  if (!key) throw new InvalidArgument("A key must be specified", "key", "");
  if (Buffer.byteLength(key, "utf8") > MAX_KEY_BYTES) throw new KeyTooLongError();
  // A lone surrogate cannot be stored as UTF-8 and read back unchanged.
  if (/\p{Cs}/u.test(key)) throw new InvalidArgument("Object key is not valid UTF-8.", "key", "");
  return key;
}

export function bucketArn(name: string): string {
  return `arn:aws:s3:::${name}`;
}
