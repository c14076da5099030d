import { describe, expect, it } from "vitest";
import { isLambdaPath, lambdaBodyLimit, matchRoute, MAX_CODE_REQUEST_BYTES, MAX_INVOKE_REQUEST_BYTES, ROUTES } from "./routes.js";

describe("Lambda routes", () => {
  it("maps every route to its action and nothing else", () => {
    for (const r of ROUTES) {
      const path = r.path.replace("{FunctionName}", "fn").replace("{UUID}", "u-1");
      expect(matchRoute(r.method, path)?.route.action).toBe(r.action);
    }
    expect(new Set(ROUTES.map((r) => r.action)).size).toBe(ROUTES.length);
  });

  it("decodes path parameters: ARNs, qualifiers and %24LATEST", () => {
    const arn = "arn:aws:lambda:us-east-1:000000000000:function:my-fn:$LATEST";
    const m = matchRoute("POST", `/2015-03-31/functions/${encodeURIComponent(arn)}/invocations`);
    expect(m?.route.action).toBe("Invoke");
    expect(m?.params).toEqual({ FunctionName: arn });
    expect(matchRoute("GET", "/2015-03-31/functions/my-fn%3A%24LATEST")?.params).toEqual({ FunctionName: "my-fn:$LATEST" });
    expect(matchRoute("GET", "/2015-03-31/functions/my-fn:$LATEST/configuration")?.params).toEqual({ FunctionName: "my-fn:$LATEST" });
    expect(matchRoute("GET", "/2015-03-31/event-source-mappings/a1b2-c3")?.params).toEqual({ UUID: "a1b2-c3" });
    // Not valid percent-encoding: passed on as sent, for the service to refuse.
    expect(matchRoute("GET", "/2015-03-31/functions/bad%zz")?.params).toEqual({ FunctionName: "bad%zz" });
  });

  it("tolerates the trailing slash of List actions and tells methods apart", () => {
    expect(matchRoute("GET", "/2015-03-31/functions/")?.route.action).toBe("ListFunctions");
    expect(matchRoute("POST", "/2015-03-31/functions/")?.route.action).toBe("CreateFunction");
    expect(matchRoute("GET", "/2015-03-31/event-source-mappings/")?.route.action).toBe("ListEventSourceMappings");
    expect(matchRoute("post", "/2019-09-25/functions/f/event-invoke-config")?.route.action).toBe("UpdateFunctionEventInvokeConfig");
    expect(matchRoute("PUT", "/2019-09-25/functions/f/event-invoke-config")?.route.action).toBe("PutFunctionEventInvokeConfig");
    expect(matchRoute("GET", "/2017-10-31/functions/f/concurrency")).toBeNull();
    expect(matchRoute("GET", "/2019-09-30/functions/f/concurrency")?.route.action).toBe("GetFunctionConcurrency");
    expect(matchRoute("PATCH", "/2015-03-31/functions/f")).toBeNull();
    expect(matchRoute("GET", "/2015-03-31/functions/f/aliases")).toBeNull();
    expect(matchRoute("GET", "/2015-03-31/functions/a/b")).toBeNull();
  });

  it("success statuses follow Lambda's model", () => {
    const status = (a: string) => ROUTES.find((r) => r.action === a)?.status;
    expect(status("CreateFunction")).toBe(201);
    expect(status("DeleteFunction")).toBe(204);
    expect(status("DeleteFunctionConcurrency")).toBe(204);
    expect(status("DeleteFunctionEventInvokeConfig")).toBe(204);
    expect(status("CreateEventSourceMapping")).toBe(202);
    expect(status("UpdateEventSourceMapping")).toBe(202);
    expect(status("DeleteEventSourceMapping")).toBe(202);
    expect(status("GetFunction")).toBe(200);
  });

  it("recognises Lambda's API versions and nothing the SQS protocols use", () => {
    for (const p of ["/2015-03-31/functions", "/2017-10-31/functions/x/concurrency", "/2019-09-25/x", "/2019-09-30/x", "/2016-08-19/account-settings"]) {
      expect(isLambdaPath(p)).toBe(true);
    }
    for (const p of ["/", "/000000000000/queue", "/2015-03-31", "/health", "/x/2015-03-31/functions"]) expect(isLambdaPath(p)).toBe(false);
  });

  it("lets code uploads and invocations carry Lambda's limits, the rest the default", () => {
    expect(lambdaBodyLimit("POST", "/2015-03-31/functions", 1000)).toBe(MAX_CODE_REQUEST_BYTES);
    expect(lambdaBodyLimit("PUT", "/2015-03-31/functions/f/code", 1000)).toBe(MAX_CODE_REQUEST_BYTES);
    expect(lambdaBodyLimit("POST", "/2015-03-31/functions/f/invocations", 1000)).toBe(MAX_INVOKE_REQUEST_BYTES);
    expect(lambdaBodyLimit("PUT", "/2015-03-31/functions/f/configuration", 1000)).toBe(1000);
    expect(lambdaBodyLimit("POST", "/2015-03-31/unknown", 1000)).toBe(1000);
    // A 50 MB zip in base64 is just over the limit, as in Lambda.
    expect(MAX_CODE_REQUEST_BYTES).toBe(Math.ceil((52_428_800 * 4) / 3));
  });
});
