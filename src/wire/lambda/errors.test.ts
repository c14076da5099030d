import { describe, expect, it } from "vitest";
import { Fault, InternalError, ServiceError } from "../../core/errors.js";
import {
  InvalidParameterValueException,
  PreconditionFailedException,
  RequestTooLargeException,
  ResourceConflictException,
  ResourceNotFoundException,
  ThrottleReason,
  TooManyRequestsException,
  validationError,
} from "../../services/functions/errors.js";
import { InvalidClientTokenId, MissingAuthenticationToken, RequestEntityTooLarge, SignatureDoesNotMatch } from "../auth-errors.js";
import { lambdaError, UnknownOperationException } from "./errors.js";

function render(err: ServiceError, route?: { method: string; rawPath: string }) {
  const r = lambdaError(err, "req-1", route);
  return { status: r.status, type: r.headers["x-amzn-ErrorType"], headers: r.headers, body: JSON.parse(String(r.body)) as Record<string, unknown> };
}

describe("Lambda error responses", () => {
  it("names the error in x-amzn-ErrorType and spells Message as the model does", () => {
    const nf = render(new ResourceNotFoundException("Function not found: arn:aws:lambda:us-east-1:000000000000:function:x"));
    expect(nf).toMatchObject({ status: 404, type: "ResourceNotFoundException" });
    expect(nf.body).toEqual({ Type: "User", Message: "Function not found: arn:aws:lambda:us-east-1:000000000000:function:x" });
    expect(nf.headers["Content-Type"]).toBe("application/json");
    expect(nf.headers["x-amzn-RequestId"]).toBe("req-1");

    expect(render(new InvalidParameterValueException("bad"))).toMatchObject({ status: 400, body: { Type: "User", message: "bad" } });
    expect(render(new ResourceConflictException("Function already exist: x"))).toMatchObject({ status: 409, body: { Type: "User", message: "Function already exist: x" } });
    expect(render(new PreconditionFailedException())).toMatchObject({ status: 412, type: "PreconditionFailedException" });
    expect(render(new ServiceError("ResourceInUseException", "busy"))).toMatchObject({ status: 400, body: { Type: "User", Message: "busy" } });
  });

  it("adds the Reason of a throttle", () => {
    const t = render(new TooManyRequestsException(ThrottleReason.Reserved));
    expect(t.status).toBe(429);
    expect(t.type).toBe("TooManyRequestsException");
    expect(t.body).toEqual({ Type: "User", message: "Rate Exceeded.", Reason: "ReservedFunctionConcurrentInvocationLimitExceeded" });
  });

  it("reports front-end errors without Type", () => {
    const v = render(validationError("bad name!", "functionName", "Member must satisfy regular expression pattern: x"));
    expect(v.status).toBe(400);
    expect(v.type).toBe("ValidationException");
    expect(v.body).toEqual({ message: "1 validation error detected: Value 'bad name!' at 'functionName' failed to satisfy constraint: Member must satisfy regular expression pattern: x" });
    const u = render(new UnknownOperationException("GET", "/2015-03-31/functions/f/aliases"));
    expect(u).toMatchObject({ status: 404, type: "UnknownOperationException" });
  });

  it("says signature failures in the JSON front end's names", () => {
    expect(render(new MissingAuthenticationToken())).toMatchObject({ status: 403, type: "MissingAuthenticationTokenException", body: { message: "Request is missing Authentication Token" } });
    expect(render(new InvalidClientTokenId())).toMatchObject({ status: 403, type: "UnrecognizedClientException" });
    expect(render(new SignatureDoesNotMatch())).toMatchObject({ status: 403, type: "InvalidSignatureException" });
  });

  it("reports an oversized body with the limit of the action it was for", () => {
    const inv = render(new RequestEntityTooLarge(6_291_456), { method: "POST", rawPath: "/2015-03-31/functions/f/invocations" });
    expect(inv).toMatchObject({ status: 413, type: "RequestEntityTooLargeException", body: { Type: "User", message: "Request must be smaller than 6291456 bytes for the InvokeFunction operation" } });
    const code = render(new RequestEntityTooLarge(69_905_067), { method: "PUT", rawPath: "/2015-03-31/functions/f/code" });
    expect(code.body["message"]).toBe("Request must be smaller than 69905067 bytes for the UpdateFunctionCode operation");
    const other = render(new RequestEntityTooLarge(1024), { method: "PUT", rawPath: "/2015-03-31/functions/f/configuration" });
    expect(other).toMatchObject({ status: 413, type: "RequestEntityTooLargeException", body: { message: "Request body is larger than the limit of 1024 bytes." } });
    expect(render(new RequestTooLargeException("Request must be smaller than 1048576 bytes for the InvokeFunction operation"))).toMatchObject({ status: 413, type: "RequestEntityTooLargeException" });
  });

  it("turns internal and unknown errors into ServiceException and plain client errors", () => {
    expect(render(new InternalError())).toMatchObject({ status: 500, type: "ServiceException", body: { Type: "Service" } });
    expect(render(new ServiceError("SomethingOdd", "odd", Fault.Receiver))).toMatchObject({ status: 500, type: "SomethingOdd", body: { Type: "Service", message: "odd" } });
    expect(render(new ServiceError("QueueDoesNotExist", "nope"))).toMatchObject({ status: 400, type: "QueueDoesNotExist", body: { Type: "User", message: "nope" } });
  });
});
