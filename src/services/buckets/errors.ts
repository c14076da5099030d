/**
 * The errors buckets raise, each named by its S3 error code and carrying the HTTP
 * status S3 answers with (S3's REST-XML protocol reports both). Messages follow S3's
 * wording, so callers matching on them keep working.
 */
import { ServiceError } from "../../core/errors.js";

/** An S3 error: its code, HTTP status and the extra elements S3 puts in the error XML. */
export class S3Error extends ServiceError {
  readonly status: number;
  readonly details: Readonly<Record<string, string>>;
  constructor(code: string, message: string, status = 400, details: Record<string, string> = {}) {
    super(code, message, status >= 500 ? "Receiver" : "Sender");
    this.status = status;
    this.details = details;
  }
}

export class NoSuchBucket extends S3Error {
  constructor(bucket: string) {
    super("NoSuchBucket", "The specified bucket does not exist", 404, { BucketName: bucket });
  }
}
export class NoSuchKey extends S3Error {
  constructor(key: string) {
    super("NoSuchKey", "The specified key does not exist.", 404, { Key: key });
  }
}
export class NoSuchUpload extends S3Error {
  constructor(uploadId: string) {
    super("NoSuchUpload", "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.", 404, { UploadId: uploadId });
  }
}
export class BucketAlreadyOwnedByYou extends S3Error {
  constructor(bucket: string) {
    super("BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already own it.", 409, { BucketName: bucket });
  }
}
export class BucketAlreadyExists extends S3Error {
  constructor(bucket: string) {
    super("BucketAlreadyExists", "The requested bucket name is not available. The bucket namespace is shared by all users of the system. Please select a different name and try again.", 409, { BucketName: bucket });
  }
}
export class BucketNotEmpty extends S3Error {
  constructor(bucket: string) {
    super("BucketNotEmpty", "The bucket you tried to delete is not empty", 409, { BucketName: bucket });
  }
}
export class InvalidBucketName extends S3Error {
  constructor(bucket: string) {
    super("InvalidBucketName", "The specified bucket is not valid.", 400, { BucketName: bucket });
  }
}
export class InvalidRange extends S3Error {
  constructor(size: number, range: string) {
    super("InvalidRange", "The requested range is not satisfiable", 416, { RangeRequested: range, ActualObjectSize: String(size) });
  }
}
export class PreconditionFailed extends S3Error {
  constructor(condition: string) {
    super("PreconditionFailed", "At least one of the pre-conditions you specified did not hold", 412, { Condition: condition });
  }
}
/** Not an error to the caller: a 304 with no body (the wire layer answers it so). */
export class NotModified extends S3Error {
  /** The object's ETag (unquoted) and last-modified time, which a 304 still carries. */
  constructor(
    readonly etag?: string,
    readonly lastModified?: number,
  ) {
    super("NotModified", "Not Modified", 304);
  }
}
export class InvalidPart extends S3Error {
  constructor(part: number) {
    super("InvalidPart", "One or more of the specified parts could not be found.  The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.", 400, { PartNumber: String(part) });
  }
}
export class InvalidPartOrder extends S3Error {
  constructor() {
    super("InvalidPartOrder", "The list of parts was not in ascending order. Parts must be ordered by part number.");
  }
}
export class EntityTooSmall extends S3Error {
  constructor(size: number, min: number) {
    super("EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.", 400, { ProposedSize: String(size), MinSizeAllowed: String(min) });
  }
}
export class EntityTooLarge extends S3Error {
  constructor(max: number) {
    super("EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", 400, { MaxSizeAllowed: String(max) });
  }
}
export class BadDigest extends S3Error {
  constructor(message = "The Content-MD5 you specified did not match what we received.") {
    super("BadDigest", message);
  }
}
export class InvalidDigest extends S3Error {
  constructor() {
    super("InvalidDigest", "The Content-MD5 you specified was invalid.");
  }
}
export class KeyTooLongError extends S3Error {
  constructor() {
    super("KeyTooLongError", "Your key is too long");
  }
}
export class InvalidArgument extends S3Error {
  constructor(message: string, name?: string, value?: string) {
    super("InvalidArgument", message, 400, name === undefined ? {} : { ArgumentName: name, ArgumentValue: value ?? "" });
  }
}
export class MalformedXML extends S3Error {
  constructor() {
    super("MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema");
  }
}
export class InvalidRequest extends S3Error {
  constructor(message: string) {
    super("InvalidRequest", message);
  }
}
export class MissingContentLength extends S3Error {
  constructor() {
    super("MissingContentLength", "You must provide the Content-Length HTTP header.", 411);
  }
}
export class IncompleteBody extends S3Error {
  constructor() {
    super("IncompleteBody", "The request body terminated unexpectedly");
  }
}
export class MethodNotAllowed extends S3Error {
  constructor(method: string) {
    super("MethodNotAllowed", "The specified method is not allowed against this resource.", 405, { Method: method });
  }
}
export class NotImplemented extends S3Error {
  constructor(what: string) {
    super("NotImplemented", `A header or query you provided implies functionality that is not implemented: ${what}`, 501);
  }
}
export class InvalidURI extends S3Error {
  constructor() {
    super("InvalidURI", "Couldn't parse the specified URI.");
  }
}
export class XAmzContentSHA256Mismatch extends S3Error {
  constructor() {
    super("XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was computed.");
  }
}
