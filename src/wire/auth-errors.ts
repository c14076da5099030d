/** Authentication errors, with the codes AWS uses for SigV4 failures. */
import { ServiceError } from "../core/errors.js";

export class MissingAuthenticationToken extends ServiceError {
  constructor(message = "Request is missing Authentication Token") {
    super("MissingAuthenticationToken", message);
  }
}

export class IncompleteSignature extends ServiceError {
  constructor(message: string) {
    super("IncompleteSignature", message);
  }
}

export class InvalidClientTokenId extends ServiceError {
  constructor(message = "The security token included in the request is invalid.") {
    super("InvalidClientTokenId", message);
  }
}

export class SignatureDoesNotMatch extends ServiceError {
  constructor(
    message = "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.",
  ) {
    super("SignatureDoesNotMatch", message);
  }
}

export class RequestExpired extends ServiceError {
  constructor(message = "Request has expired.") {
    super("RequestExpired", message);
  }
}

export class ContentSha256Mismatch extends ServiceError {
  constructor(message = "The provided 'x-amz-content-sha256' header does not match what was computed.") {
    super("XAmzContentSHA256Mismatch", message);
  }
}

export class RequestEntityTooLarge extends ServiceError {
  constructor(limit: number) {
    super("RequestEntityTooLarge", `Request body is larger than the limit of ${limit} bytes.`);
  }
}
