import { describe, expect, it } from "vitest";
import { ServiceError } from "../../core/errors.js";
import { compileFilterCriteria, recordView, type FilterOptions } from "./filter.js";

const criteria = (...patterns: unknown[]) => ({ Filters: patterns.map((p) => ({ Pattern: typeof p === "string" ? p : JSON.stringify(p) })) });
const compile = (pattern: unknown, options?: FilterOptions) => compileFilterCriteria(criteria(pattern), options);
const matches = (pattern: unknown, record: unknown, options?: FilterOptions) => compile(pattern, options).matches(record);
const bus: FilterOptions = { dialect: "eventbridge" };

function errorOf(fn: () => unknown): ServiceError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ServiceError);
    return err as ServiceError;
  }
  throw new Error("expected a ServiceError");
}

function rejects(pattern: unknown, reason: RegExp | string, options?: FilterOptions): void {
  const err = errorOf(() => compile(pattern, options));
  expect(err.code).toBe("InvalidParameterValueException");
  expect(err.message.startsWith("Invalid filter pattern definition. Filters[0].Pattern")).toBe(true);
  expect(err.message).toMatch(reason);
}

const b64 = (value: unknown) => Buffer.from(typeof value === "string" ? value : JSON.stringify(value)).toString("base64");
const sqs = (body: string, extra: Record<string, unknown> = {}) => ({
  messageId: "m1", receiptHandle: "r", body, md5OfBody: "x", eventSource: "aws:sqs", awsRegion: "us-east-1",
  attributes: { ApproximateReceiveCount: "1", SenderId: "AIDA" }, messageAttributes: {}, ...extra,
});
const kinesis = (data: string, partitionKey = "pk-1") => ({
  kinesis: { kinesisSchemaVersion: "1.0", partitionKey, sequenceNumber: "4959", data, approximateArrivalTimestamp: 1545084650.987 },
  eventSource: "aws:kinesis", eventVersion: "1.0", eventID: "shardId-000000000006:4959", eventName: "aws:kinesis:record",
  awsRegion: "us-east-2", eventSourceARN: "arn:aws:kinesis:us-east-2:123456789012:stream/s",
});
const ddb = (eventName: string, newImage: Record<string, unknown>) => ({
  eventID: "1", eventName, eventVersion: "1.1", eventSource: "aws:dynamodb", awsRegion: "us-east-1",
  dynamodb: { ApproximateCreationDateTime: 1678831218, Keys: { id: { S: "a" } }, NewImage: newImage, SequenceNumber: "111", SizeBytes: 26, StreamViewType: "NEW_IMAGE" },
});

describe("FilterCriteria shape", () => {
  it.each([undefined, null, {}, { Filters: null }, { Filters: [] }])("%j matches every record", (input) => {
    const f = compileFilterCriteria(input);
    expect(f.filterCount).toBe(0);
    expect(f.matches({ anything: 1 })).toBe(true);
    expect(f.matches(undefined)).toBe(true);
  });

  it.each([["text"], [[]], [42], [true]])("rejects FilterCriteria %j", (input) => {
    const err = errorOf(() => compileFilterCriteria(input));
    expect(err.code).toBe("InvalidParameterValueException");
    expect(err.message).toMatch(/^Invalid filter criteria\. FilterCriteria must be an object/);
  });

  it.each([["x"], [{}], [7]])("rejects Filters %j that is not a list", (filters) => {
    const err = errorOf(() => compileFilterCriteria({ Filters: filters }));
    expect(err.message).toMatch(/Filters must be a list/);
  });

  it.each([[null], ["{}"], [[]]])("rejects a filter entry %j that is not an object", (entry) => {
    const err = errorOf(() => compileFilterCriteria({ Filters: [entry] }));
    expect(err.code).toBe("InvalidParameterValueException");
    expect(err.message).toBe("Invalid filter pattern definition. Filters[0] must be an object with a Pattern string.");
  });

  it.each([[{}], [{ Pattern: null }], [{ Pattern: 5 }], [{ Pattern: { a: ["x"] } }]])("rejects %j without a Pattern string", (entry) => {
    const err = errorOf(() => compileFilterCriteria({ Filters: [entry] }));
    expect(err.message).toMatch(/^Invalid filter pattern definition\. Filters\[0\]\.Pattern must be a string/);
  });

  it.each(["", "single-string", '[{"eventName": ["INSERT"=123}]', "{a: [1]}", '{"a": ["x"]'])("rejects non-JSON pattern %j", (p) => {
    rejects(p, /is not valid JSON/);
  });

  it.each(["null", "[]", "42", '"str"', "true", '[{"a": ["x"]}]'])("rejects pattern %s that is not an object", (p) => {
    rejects(p, /must be a JSON object/);
  });

  it("allows 5 filters by default and names the quota when there are more", () => {
    const five = Array.from({ length: 5 }, (_, i) => ({ n: [i] }));
    expect(compileFilterCriteria(criteria(...five)).filterCount).toBe(5);
    const err = errorOf(() => compileFilterCriteria(criteria(...five, { n: [5] })));
    expect(err.code).toBe("InvalidParameterValueException");
    expect(err.message).toBe("Invalid filter criteria. FilterCriteria has 6 filters; the quota is 5 filters per event source mapping.");
  });

  it("honours a raised quota", () => {
    const ten = Array.from({ length: 10 }, (_, i) => ({ n: [i] }));
    expect(compileFilterCriteria(criteria(...ten), { maxFilters: 10 }).filterCount).toBe(10);
    expect(() => compileFilterCriteria(criteria(...ten, { n: [10] }), { maxFilters: 10 })).toThrow(/quota is 10/);
  });

  it("accepts a 4096-character pattern and reports a longer one as the model's length constraint", () => {
    const at = (length: number) => `{"a":["${"x".repeat(length - 10)}"]}`;
    expect(at(4096)).toHaveLength(4096);
    expect(compileFilterCriteria({ Filters: [{ Pattern: at(4096) }] }).filterCount).toBe(1);
    const err = errorOf(() => compileFilterCriteria({ Filters: [{ Pattern: '{"n":[1]}' }, { Pattern: at(4097) }] }));
    expect(err.code).toBe("ValidationException");
    expect(err.message).toMatch(/^1 validation error detected: Value '\{"a":\["x{249}' at 'filterCriteria\.filters\.2\.member\.pattern' failed to satisfy constraint: Member must have length less than or equal to 4096$/);
  });

  it("names the failing filter by index", () => {
    const err = errorOf(() => compileFilterCriteria(criteria({ a: ["x"] }, { b: [] })));
    expect(err.message).toBe('Invalid filter pattern definition. Filters[1].Pattern at "b": empty arrays are not allowed.');
  });

  it("is unaffected by later changes to the criteria object", () => {
    const input = criteria({ a: ["x"] });
    const f = compileFilterCriteria(input);
    input.Filters[0]!.Pattern = JSON.stringify({ a: ["y"] });
    expect(f.matches({ a: "x" })).toBe(true);
    expect(f.matches({ a: "y" })).toBe(false);
  });
});

describe("pattern validation", () => {
  it.each<[unknown, RegExp]>([
    [{}, /: empty objects are not allowed/],
    [{ a: {} }, /at "a": empty objects are not allowed/],
    [{ a: [] }, /at "a": empty arrays are not allowed/],
    [{ a: "x" }, /at "a": a field's rule must be an array of values or a nested object, got "x"/],
    [{ a: 5 }, /got 5/],
    [{ a: null }, /got null/],
    [{ a: { b: true } }, /at "a\.b": a field's rule must be/],
    [{ a: [["x"]] }, /match values must be strings, numbers, true, false, null or operator objects, got \["x"\]/],
    [{ a: [{}] }, /an operator object takes exactly one operator, got \{\}/],
    [{ a: [{ prefix: "x", suffix: "y" }] }, /exactly one operator/],
    [{ a: [{ contains: "x" }] }, /unknown operator "contains" \(supported: "prefix", "suffix", "equals-ignore-case", "anything-but", "numeric", "exists", "cidr"\)/],
    [{ a: [{ equals: "x" }] }, /unknown operator "equals"/],
    [{ a: [{ exists: "true" }] }, /"exists" takes true or false, got "true"/],
    [{ a: [{ exists: null }] }, /"exists" takes true or false/],
    [{ a: [{ prefix: 5 }] }, /"prefix" takes a string or \{"equals-ignore-case": string\}, got 5/],
    [{ a: [{ suffix: ["x"] }] }, /"suffix" takes a string or/],
    [{ a: [{ prefix: { "anything-but": "x" } }] }, /"prefix" takes a string or/],
    [{ a: [{ prefix: { "equals-ignore-case": 1 } }] }, /"prefix\.equals-ignore-case" takes a string, got 1/],
    [{ a: [{ "equals-ignore-case": ["x"] }] }, /"equals-ignore-case" takes a string/],
    [{ a: [{ cidr: 10 }] }, /"cidr" takes a string/],
  ])("rejects %j", (pattern, reason) => rejects(pattern, reason));

  it.each<[unknown[], RegExp]>([
    [[], /must start with one of/],
    [["!=", 1], /must start with one of "=", "<", "<=", ">", ">=", got "!="/],
    [[5, ">"], /must start with one of/],
    [[">", "5"], /"numeric" needs a number after ">", got "5"/],
    [["=", null], /needs a number after "="/],
    [[">"], /needs a number after ">", got undefined/],
    [["=", 1, ">", 0], /too many elements/],
    [["<", 5, ">", 1], /too many elements/],
    [[">", 0, "<", 5, 6], /too many elements/],
    [[">", 0, "<"], /too many elements/],
    [[">", 1, ">", 5], /must continue with "<" or "<=", got ">"/],
    [[">", 0, "<=", "5"], /needs a number after "<="/],
    [[">", 5, "<", 1], /range is empty: its lower bound 5 must be below its upper bound 1/],
    [[">=", 5, "<=", 5], /range is empty/],
    [[">", 5e9], /range is empty/],
    [["<", -5e9], /range is empty/],
    [["=", 6e9], /must lie between -5000000000 and 5000000000 with at most 6 decimal places, got 6000000000/],
    [[">", -5000000001], /must lie between/],
    [["<", 0.1234567], /at most 6 decimal places, got 0.1234567/],
  ])("rejects numeric %j", (numeric, reason) => rejects({ a: [{ numeric }] }, reason));

  it("rejects numeric that is not a list", () => rejects({ a: [{ numeric: ">" }] }, /"numeric" takes an array such as/));

  it.each<[unknown, RegExp]>([
    [[], /needs at least one value/],
    [null, /takes a string, a number, or a list of only strings or only numbers, got null/],
    [true, /got true/],
    [["a", 1], /only strings or only numbers/],
    [[null], /only strings or only numbers/],
    [[["a"]], /only strings or only numbers/],
    [[6e9], /must lie between/],
  ])("rejects anything-but %j", (value, reason) => rejects({ a: [{ "anything-but": value }] }, reason));

  it.each([{ prefix: "us-" }, { suffix: ".png" }, { "equals-ignore-case": "x" }, { wildcard: "*" }])(
    "rejects anything-but %j, which Lambda does not support",
    (form) => rejects({ a: [{ "anything-but": form }] }, /"anything-but" with .* is not supported by Lambda event filtering/),
  );

  it("rejects wildcard, which Lambda does not support", () => {
    rejects({ a: [{ wildcard: "*.png" }] }, /at "a": wildcard is not supported by Lambda event filtering\.$/);
  });

  it.each<[unknown, RegExp]>([
    [{ $or: { a: ["x"] } }, /"\$or" must be an array of at least 2 objects/],
    [{ $or: [{ a: ["x"] }] }, /"\$or" must list at least 2 objects, got 1/],
    [{ $or: [] }, /got 0/],
    [{ $or: [{ a: ["x"] }, ["b"]] }, /"\$or" may only contain objects, got \["b"\]/],
    [{ $or: [{ a: ["x"] }, {}] }, /empty objects are not allowed/],
    [{ $or: [{ prefix: ["x"] }, { a: ["y"] }] }, /"prefix" is an operator and cannot be a field name inside "\$or"/],
    [{ $or: [{ a: { exists: ["x"] } }, { b: ["y"] }] }, /at "a": "exists" is an operator/],
    [{ x: { $or: [{ a: [] }, { b: ["y"] }] } }, /at "x\.a": empty arrays are not allowed/],
  ])("rejects $or form %j", (pattern, reason) => rejects(pattern, reason));

  it.each(["10.0.0.0", "10.0.0.0/33", "300.0.0.0/8", "10.0.0/8", "::1/129", "1:2:3/64", "10.0.0.0/x", "10.0.0.0/-1", "a::b::c/64"])(
    "rejects cidr %j",
    (cidr) => rejects({ ip: [{ cidr }] }, /CIDR/),
  );

  it("accepts operator names as ordinary field names outside $or", () => {
    expect(matches({ prefix: ["x"], numeric: { exists: ["y"] } }, { prefix: "x", numeric: { exists: "y" } })).toBe(true);
  });

  it("rejects plain-value patterns on the data key of stream sources, and only there", () => {
    rejects({ data: ["x"] }, /at "data": the "data" pattern must be a JSON object for this event source/, { source: "kinesis" });
    rejects({ dynamodb: [{ exists: true }] }, /at "dynamodb": the "dynamodb" pattern must be a JSON object/, { source: "dynamodb" });
    rejects({ $or: [{ data: ["x"] }, { partitionKey: ["1"] }] }, /the "data" pattern must be a JSON object/, { source: "kinesis" });
    expect(compile({ body: ["x"] }, { source: "sqs" }).filterCount).toBe(1);
    expect(compile({ data: ["x"] }, { source: "sqs" }).filterCount).toBe(1);
    expect(compile({ x: { data: ["x"] } }, { source: "kinesis" }).filterCount).toBe(1);
  });

  describe("with the eventbridge dialect", () => {
    it.each<[unknown, RegExp]>([
      [{ wildcard: "a**b" }, /"wildcard" value "a\*\*b" is invalid: consecutive wildcard characters at position 1/],
      [{ wildcard: "a\\b" }, /invalid escape at position 1/],
      [{ wildcard: "a\\" }, /invalid escape/],
      [{ wildcard: 3 }, /"wildcard" takes a string/],
      [{ "anything-but": { prefix: "" } }, /"anything-but" "prefix" must not be empty/],
      [{ "anything-but": { suffix: ["a", ""] } }, /"anything-but" "suffix" must not be empty/],
      [{ "anything-but": { prefix: 1 } }, /"anything-but" "prefix" takes a string or a list of strings, got 1/],
      [{ "anything-but": { prefix: [] } }, /takes a string or a list of strings/],
      [{ "anything-but": { "equals-ignore-case": [1] } }, /takes a string or a list of strings/],
      [{ "anything-but": { wildcard: "x**" } }, /consecutive wildcard/],
      [{ "anything-but": { numeric: [">", 1] } }, /"anything-but" objects take one of/],
      [{ "anything-but": { prefix: "a", suffix: "b" } }, /"anything-but" objects take one of/],
      [{ "anything-but": {} }, /"anything-but" objects take one of/],
    ])("rejects %j", (operator, reason) => rejects({ a: [operator] }, reason, bus));
  });
});

describe("exact matching", () => {
  it("matches strings exactly and case-sensitively, any alternative", () => {
    const p = { state: ["running", "pending"] };
    expect(matches(p, { state: "running" })).toBe(true);
    expect(matches(p, { state: "pending" })).toBe(true);
    expect(matches(p, { state: "Running" })).toBe(false);
    expect(matches(p, { state: "running " })).toBe(false);
    expect(matches(p, {})).toBe(false);
  });

  it("requires every field (AND) and ignores fields the pattern does not name", () => {
    const p = { Location: ["New York"], Day: ["Monday"] };
    expect(matches(p, { Location: "New York", Day: "Monday", extra: 1 })).toBe(true);
    expect(matches(p, { Location: "New York", Day: "Tuesday" })).toBe(false);
    expect(matches(p, { Location: "New York" })).toBe(false);
  });

  it("compares numbers by value at six decimal places, never against strings", () => {
    expect(matches({ n: [5] }, { n: 5 })).toBe(true);
    expect(matches('{"n":[5.0]}', { n: 5 })).toBe(true);
    expect(matches('{"n":[3.0e2]}', { n: 300 })).toBe(true);
    expect(matches({ n: [300] }, { n: 300.0000001 })).toBe(true);
    expect(matches({ n: [300] }, { n: 300.001 })).toBe(false);
    expect(matches({ n: [0] }, { n: -0 })).toBe(true);
    expect(matches({ n: [5] }, { n: "5" })).toBe(false);
    expect(matches({ n: ["5"] }, { n: 5 })).toBe(false);
    expect(matches({ n: [1, 2] }, { n: 2 })).toBe(true);
  });

  it("matches numbers beyond numeric range literally (account ids)", () => {
    expect(matches({ account: [123456789012] }, { account: 123456789012 })).toBe(true);
    expect(matches({ account: [123456789012] }, { account: 123456789013 })).toBe(false);
    expect(matches({ x: [0.1234567] }, { x: 0.1234567 })).toBe(true);
  });

  it("matches true, false and null only as themselves", () => {
    expect(matches({ b: [true] }, { b: true })).toBe(true);
    expect(matches({ b: [true] }, { b: "true" })).toBe(false);
    expect(matches({ b: [false] }, { b: false })).toBe(true);
    expect(matches({ b: [false] }, { b: 0 })).toBe(false);
    expect(matches({ b: [null] }, { b: null })).toBe(true);
    expect(matches({ b: [null] }, {})).toBe(false);
    expect(matches({ b: [null] }, { b: "null" })).toBe(false);
    expect(matches({ b: [null] }, { b: "" })).toBe(false);
  });

  it("keeps empty strings and null apart", () => {
    expect(matches({ LastName: [""] }, { LastName: "" })).toBe(true);
    expect(matches({ LastName: [""] }, { LastName: null })).toBe(false);
    expect(matches({ LastName: [""] }, {})).toBe(false);
  });

  it("matches an array in the event when any element matches", () => {
    const p = { resources: ["arn:1", "arn:2"] };
    expect(matches(p, { resources: ["arn:9", "arn:2"] })).toBe(true);
    expect(matches(p, { resources: ["arn:9"] })).toBe(false);
    expect(matches(p, { resources: [] })).toBe(false);
    expect(matches(p, { resources: [["arn:9"], ["arn:1"]] })).toBe(true);
    expect(matches({ n: [3] }, { n: [1, "3", 3] })).toBe(true);
  });

  it("matches nested objects at any depth", () => {
    const p = { dynamodb: { Keys: { Id: { N: ["101"] } } } };
    expect(matches(p, { dynamodb: { Keys: { Id: { N: "101" } } } })).toBe(true);
    expect(matches(p, { dynamodb: { Keys: { Id: { N: "102" } } } })).toBe(false);
    expect(matches(p, { dynamodb: { Keys: { Id: "101" } } })).toBe(false);
    expect(matches(p, { dynamodb: "x" })).toBe(false);
    expect(matches(p, {})).toBe(false);
  });

  it("matches nested patterns inside arrays of objects one element at a time", () => {
    const event = { employees: [{ firstName: "John", lastName: "Doe" }, { firstName: "Anna", lastName: "Smith" }, { firstName: "Peter", lastName: "Jones" }] };
    expect(matches({ employees: { firstName: ["Anna"] } }, event)).toBe(true);
    expect(matches({ employees: { firstName: ["Anna"], lastName: ["Smith"] } }, event)).toBe(true);
    expect(matches({ employees: { firstName: ["Anna"], lastName: ["Jones"] } }, event)).toBe(false);
    expect(matches({ employees: { firstName: ["Peter"] } }, { employees: [[{ firstName: "John" }], [{ firstName: "Peter" }]] })).toBe(true);
  });

  it("uses the last of duplicate keys, as EventBridge documents", () => {
    const p = '{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}';
    expect(matches(p, { location: "eu-west" })).toBe(true);
    expect(matches(p, { location: "us-east" })).toBe(false);
  });

  it("does not read inherited properties", () => {
    expect(matches({ constructor: [{ exists: false }] }, {})).toBe(true);
    expect(matches({ toString: [{ exists: true }] }, {})).toBe(false);
    expect(matches('{"__proto__":["x"]}', JSON.parse('{"__proto__":"x"}'))).toBe(true);
    expect(matches('{"__proto__":["x"]}', {})).toBe(false);
  });

  it("treats a record that is not an object as having no fields", () => {
    expect(matches({ a: ["x"] }, "x")).toBe(false);
    expect(matches({ a: [{ exists: false }] }, null)).toBe(true);
    expect(matches({ a: [{ exists: false }] }, [1, 2])).toBe(true);
  });
});

describe("string operators", () => {
  it("prefix matches the start of strings only", () => {
    const p = { Region: [{ prefix: "us-" }] };
    expect(matches(p, { Region: "us-east-1" })).toBe(true);
    expect(matches(p, { Region: "us-" })).toBe(true);
    expect(matches(p, { Region: "US-east-1" })).toBe(false);
    expect(matches(p, { Region: "eu-west-1" })).toBe(false);
    expect(matches({ n: [{ prefix: "1" }] }, { n: 123 })).toBe(false);
    expect(matches({ n: [{ prefix: "" }] }, { n: "anything" })).toBe(true);
    expect(matches({ n: [{ prefix: "" }] }, { n: null })).toBe(false);
  });

  it("prefix with equals-ignore-case folds case", () => {
    const p = { service: [{ prefix: { "equals-ignore-case": "EventB" } }] };
    expect(matches(p, { service: "eventbridge" })).toBe(true);
    expect(matches(p, { service: "EVENTBRIDGE" })).toBe(true);
    expect(matches(p, { service: "lambda" })).toBe(false);
  });

  it("suffix, with and without equals-ignore-case", () => {
    expect(matches({ FileName: [{ suffix: ".png" }] }, { FileName: "a/b.png" })).toBe(true);
    expect(matches({ FileName: [{ suffix: ".png" }] }, { FileName: "a/b.PNG" })).toBe(false);
    expect(matches({ FileName: [{ suffix: { "equals-ignore-case": ".png" } }] }, { FileName: "a/b.PNG" })).toBe(true);
    expect(matches({ FileName: [{ suffix: ".png" }] }, { FileName: "a/b.png.gz" })).toBe(false);
  });

  it("equals-ignore-case matches whole strings in any case", () => {
    const p = { Name: [{ "equals-ignore-case": "alice" }] };
    expect(matches(p, { Name: "Alice" })).toBe(true);
    expect(matches(p, { Name: "ALICE" })).toBe(true);
    expect(matches(p, { Name: "Alice2" })).toBe(false);
    expect(matches({ Name: [{ "equals-ignore-case": "straße" }] }, { Name: "STRASSE" })).toBe(false);
    expect(matches({ Name: [{ "equals-ignore-case": "ÉTÉ" }] }, { Name: "été" })).toBe(true);
  });

  it("mixes operators and literals as alternatives", () => {
    const p = { s: ["exact", { prefix: "pre" }, { suffix: "post" }] };
    expect(["exact", "prefix", "the-post"].map((s) => matches(p, { s }))).toEqual([true, true, true]);
    expect(matches(p, { s: "other" })).toBe(false);
  });
});

describe("anything-but", () => {
  it("excludes one string or a list of strings", () => {
    expect(matches({ state: [{ "anything-but": "initializing" }] }, { state: "running" })).toBe(true);
    expect(matches({ state: [{ "anything-but": "initializing" }] }, { state: "initializing" })).toBe(false);
    const list = { state: [{ "anything-but": ["stopped", "overloaded"] }] };
    expect(matches(list, { state: "running" })).toBe(true);
    expect(matches(list, { state: "stopped" })).toBe(false);
    expect(matches(list, { state: "overloaded" })).toBe(false);
  });

  it("excludes one number or a list of numbers, by value", () => {
    expect(matches({ x: [{ "anything-but": 123 }] }, { x: 124 })).toBe(true);
    expect(matches({ x: [{ "anything-but": 123 }] }, { x: 123 })).toBe(false);
    expect(matches('{"x":[{"anything-but":[100,200.0,300]}]}', { x: 200 })).toBe(false);
    expect(matches({ x: [{ "anything-but": [100, 200, 300] }] }, { x: 250 })).toBe(true);
  });

  it("only excludes values of its own type", () => {
    expect(matches({ x: [{ "anything-but": "123" }] }, { x: 123 })).toBe(true);
    expect(matches({ x: [{ "anything-but": 123 }] }, { x: "123" })).toBe(true);
    expect(matches({ x: [{ "anything-but": "a" }] }, { x: null })).toBe(true);
    expect(matches({ x: [{ "anything-but": "a" }] }, { x: true })).toBe(true);
    expect(matches({ x: [{ "anything-but": 1 }] }, { x: 6e9 })).toBe(true);
  });

  it("needs the field to be present with a value", () => {
    expect(matches({ x: [{ "anything-but": "a" }] }, {})).toBe(false);
    expect(matches({ x: [{ "anything-but": "a" }] }, { x: { y: "b" } })).toBe(false);
    expect(matches({ x: [{ "anything-but": "a" }] }, { x: [] })).toBe(false);
  });

  it("matches an array when any element is not excluded", () => {
    expect(matches({ x: [{ "anything-but": "a" }] }, { x: ["a", "b"] })).toBe(true);
    expect(matches({ x: [{ "anything-but": "a" }] }, { x: ["a", "a"] })).toBe(false);
  });

  describe("object forms (eventbridge dialect)", () => {
    it("anything-but prefix and suffix, single or listed", () => {
      expect(matches({ r: [{ "anything-but": { prefix: "us-" } }] }, { r: "eu-west-1" }, bus)).toBe(true);
      expect(matches({ r: [{ "anything-but": { prefix: "us-" } }] }, { r: "us-east-1" }, bus)).toBe(false);
      expect(matches({ r: [{ "anything-but": { prefix: ["us-", "eu-"] } }] }, { r: "eu-west-1" }, bus)).toBe(false);
      expect(matches({ r: [{ "anything-but": { prefix: "us-" } }] }, { r: 5 }, bus)).toBe(true);
      expect(matches({ f: [{ "anything-but": { suffix: ".png" } }] }, { f: "a.jpg" }, bus)).toBe(true);
      expect(matches({ f: [{ "anything-but": { suffix: [".png", ".jpg"] } }] }, { f: "a.jpg" }, bus)).toBe(false);
    });

    it("anything-but equals-ignore-case and wildcard", () => {
      const eic = { s: [{ "anything-but": { "equals-ignore-case": ["initializing", "Stopped"] } }] };
      expect(matches(eic, { s: "INITIALIZING" }, bus)).toBe(false);
      expect(matches(eic, { s: "stopped" }, bus)).toBe(false);
      expect(matches(eic, { s: "running" }, bus)).toBe(true);
      const wc = { p: [{ "anything-but": { wildcard: "*/lib/*" } }] };
      expect(matches(wc, { p: "/usr/lib/x" }, bus)).toBe(false);
      expect(matches(wc, { p: "/usr/bin/x" }, bus)).toBe(true);
    });
  });
});

describe("numeric", () => {
  const n = (numeric: unknown[], value: unknown) => matches({ v: [{ numeric }] }, { v: value });

  it.each<[unknown[], number, boolean]>([
    [["=", 100], 100, true], [["=", 100], 100.5, false], [["=", 3.018e2], 301.8, true],
    [["<", 10], 9.999999, true], [["<", 10], 10, false], [["<=", 10], 10, true], [["<=", 10], 10.000001, false],
    [[">", 0], 0, false], [[">", 0], 0.000001, true], [[">=", 0], 0, true], [[">=", 0], -0.000001, false],
    [[">", 0, "<=", 5], 5, true], [[">", 0, "<=", 5], 0, false], [[">", 0, "<=", 5], 5.1, false],
    [[">=", 100, "<", 200], 100, true], [[">=", 100, "<", 200], 200, false], [[">=", -10, "<", -5], -7, true],
    [[">", 10, "<=", 20], 15, true], [["<", 0], -5e9, true], [[">", 0], 5e9, true],
  ])("%j against %d is %s", (numeric, value, expected) => expect(n(numeric, value)).toBe(expected));

  it("applies to JSON numbers only", () => {
    expect(n([">", 0], "5")).toBe(false);
    expect(n([">", 0], true)).toBe(false);
    expect(n([">", 0], null)).toBe(false);
    expect(n([">", 0], undefined)).toBe(false);
    expect(n([">", 0], { x: 1 })).toBe(false);
  });

  it("ignores event values outside -5e9..5e9", () => {
    expect(n([">", 0], 5e9 + 1)).toBe(false);
    expect(n(["<", 0], -6e9)).toBe(false);
  });

  it("compares at six decimal places", () => {
    expect(n(["=", 1], 1.0000004)).toBe(true);
    expect(n(["=", 1], 1.000001)).toBe(false);
    expect(n([">", 0.1], 0.1000004)).toBe(false);
  });

  it("matches when any array element is in range", () => {
    expect(n([">", 10], [1, 2, 11])).toBe(true);
    expect(n([">", 10], [1, 2])).toBe(false);
  });

  it("combines with other alternatives", () => {
    const p = { v: [{ numeric: ["<", 0] }, { numeric: [">", 100] }, "n/a"] };
    expect([-1, 50, 101, "n/a"].map((v) => matches(p, { v }))).toEqual([true, false, true, true]);
  });
});

describe("exists", () => {
  const present = { ProductName: [{ exists: true }] };
  const absent = { ProductName: [{ exists: false }] };

  it.each<[string, unknown, boolean]>([
    ["a string", { ProductName: "x" }, true],
    ["an empty string", { ProductName: "" }, true],
    ["null", { ProductName: null }, true],
    ["a number", { ProductName: 0 }, true],
    ["false", { ProductName: false }, true],
    ["an array of values", { ProductName: ["a"] }, true],
    ["a missing key", {}, false],
    ["an object (not a leaf)", { ProductName: { c1: 100 } }, false],
    ["an empty array", { ProductName: [] }, false],
    ["an array of objects", { ProductName: [{ a: 1 }] }, false],
  ])("with %s", (_, record, exists) => {
    expect(matches(present, record)).toBe(exists);
    expect(matches(absent, record)).toBe(!exists);
  });

  it("works below absent or non-object parents", () => {
    const p = { detail: { "c-count": [{ exists: false }] } };
    expect(matches(p, {})).toBe(true);
    expect(matches(p, { detail: "text" })).toBe(true);
    expect(matches(p, { detail: { state: "x" } })).toBe(true);
    expect(matches(p, { detail: { "c-count": 1 } })).toBe(false);
    expect(matches(p, { detail: [] })).toBe(true);
    expect(matches({ detail: { "c-count": [{ exists: true }] } }, { detail: [{ "c-count": 1 }] })).toBe(true);
  });

  it("combines with value alternatives", () => {
    const p = { x: [{ exists: false }, "y"] };
    expect(matches(p, {})).toBe(true);
    expect(matches(p, { x: "y" })).toBe(true);
    expect(matches(p, { x: "z" })).toBe(false);
  });
});

describe("cidr", () => {
  it.each<[string, unknown, boolean]>([
    ["10.0.0.0/24", "10.0.0.33", true], ["10.0.0.0/24", "10.0.0.255", true], ["10.0.0.0/24", "10.0.1.0", false],
    ["10.0.0.7/24", "10.0.0.200", true], ["10.0.0.1/32", "10.0.0.1", true], ["10.0.0.1/32", "10.0.0.2", false],
    ["0.0.0.0/0", "192.168.1.1", true], ["172.16.0.0/12", "172.31.255.255", true], ["172.16.0.0/12", "172.32.0.0", false],
    ["10.0.0.0/8", "10.0.0", false], ["10.0.0.0/8", "10.0.0.256", false], ["10.0.0.0/8", "not an ip", false],
    ["10.0.0.0/8", 10, false], ["10.0.0.0/8", "::ffff:10.0.0.1", false],
    ["2001:db8::/32", "2001:db8:1234::1", true], ["2001:db8::/32", "2001:0db8:0:0:0:0:0:1", true],
    ["2001:db8::/32", "2001:db9::1", false], ["::1/128", "::1", true], ["::1/128", "0:0:0:0:0:0:0:1", true],
    ["::ffff:0:0/96", "::ffff:192.0.2.128", true], ["fe80::/10", "febf::1", true], ["fe80::/10", "fec0::1", false],
    ["2001:db8::/32", "10.0.0.1", false], ["2001:db8::/32", "2001:db8::1::2", false], ["2001:db8::/32", "2001:db8:0:0:0:0:0:0:1", false],
  ])("%s contains %j: %s", (cidr, ip, expected) => {
    expect(matches({ ip: [{ cidr }] }, { ip })).toBe(expected);
  });
});

describe("wildcard (eventbridge dialect)", () => {
  it.each<[string, string, boolean]>([
    ["*.png", "dir/a.png", true], ["*.png", "a.png.gz", false], ["dir/*.png", "dir/a.png", true], ["dir/*.png", "other/a.png", false],
    ["Simple*Service", "SimpleQueueService", true], ["Simple*Service", "SimpleService", true], ["Simple*Service", "Simple", false],
    ["a*b*c", "aXbYc", true], ["a*b*c", "abc", true], ["a*b*c", "acb", false], ["a*a", "a", false], ["a*a", "aa", true],
    ["*", "", true], ["exact", "exact", true], ["exact", "exactly", false], ["\\*", "*", true], ["\\*", "x", false],
    ["a\\\\b", "a\\b", true], ["*\\**", "x*y", true], ["*\\**", "xy", false],
  ])("%j against %j is %s", (wildcard, value, expected) => {
    expect(matches({ v: [{ wildcard }] }, { v: value }, bus)).toBe(expected);
  });

  it("does not match non-strings", () => {
    expect(matches({ v: [{ wildcard: "*" }] }, { v: 1 }, bus)).toBe(false);
  });
});

describe("$or", () => {
  it("ORs fields at the top level, ANDed with the other fields", () => {
    const p = { source: ["aws.cloudwatch"], $or: [{ metricName: ["CPUUtilization"] }, { namespace: ["AWS/EC2"] }] };
    expect(matches(p, { source: "aws.cloudwatch", metricName: "CPUUtilization" })).toBe(true);
    expect(matches(p, { source: "aws.cloudwatch", namespace: "AWS/EC2" })).toBe(true);
    expect(matches(p, { source: "aws.cloudwatch", namespace: "AWS/ES" })).toBe(false);
    expect(matches(p, { source: "aws.ec2", metricName: "CPUUtilization" })).toBe(false);
  });

  it("works at nested levels and in parallel groups", () => {
    const p = {
      $or: [{ metricName: ["CPU"] }, { namespace: ["EC2"] }],
      detail: { $or: [{ source: ["aws.cloudwatch"] }, { "detail-type": ["Alarm"] }] },
    };
    expect(matches(p, { metricName: "CPU", detail: { "detail-type": "Alarm" } })).toBe(true);
    expect(matches(p, { namespace: "EC2", detail: { source: "aws.cloudwatch" } })).toBe(true);
    expect(matches(p, { namespace: "EC2", detail: { source: "other" } })).toBe(false);
    expect(matches(p, { detail: { source: "aws.cloudwatch" } })).toBe(false);
  });

  it("supports AND inside branches and nested $or", () => {
    const p = {
      source: ["aws.cloudwatch"],
      $or: [
        { metricName: ["CPUUtilization"] },
        { metricType: ["MetricType"], namespace: ["AWS/EC2"], $or: [{ metricId: [1234] }, { spaceId: [1000] }] },
        { scope: ["Service"] },
      ],
    };
    expect(matches(p, { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/EC2", spaceId: 1000 })).toBe(true);
    expect(matches(p, { source: "aws.cloudwatch", metricType: "MetricType", namespace: "AWS/EC2", spaceId: 1 })).toBe(false);
    expect(matches(p, { source: "aws.cloudwatch", metricType: "MetricType", spaceId: 1000 })).toBe(false);
    expect(matches(p, { source: "aws.cloudwatch", scope: "Service" })).toBe(true);
  });

  it("applies per element of an array of objects", () => {
    const p = { items: { $or: [{ a: ["1"] }, { b: ["2"] }] } };
    expect(matches(p, { items: [{ a: "0" }, { b: "2" }] })).toBe(true);
    expect(matches(p, { items: [{ a: "0" }, { b: "3" }] })).toBe(false);
  });

  it("treats $or in the event as an ordinary key", () => {
    expect(matches({ x: ["1"] }, { $or: "whatever", x: "1" })).toBe(true);
  });
});

describe("several filters", () => {
  it("deliver a record that matches any of them", () => {
    const f = compileFilterCriteria(criteria({ a: ["1"] }, { b: [{ numeric: [">", 5] }] }, { c: [{ exists: true }] }));
    expect(f.filterCount).toBe(3);
    expect(f.matches({ a: "1" })).toBe(true);
    expect(f.matches({ b: 6 })).toBe(true);
    expect(f.matches({ c: null })).toBe(true);
    expect(f.matches({ a: "2", b: 5 })).toBe(false);
  });
});

describe("recordView and Lambda's data-key rules", () => {
  it("parses an SQS body that is a JSON object or array, without touching the record", () => {
    const record = sqs('{"test2": 105}');
    const view = recordView("sqs", record) as Record<string, unknown>;
    expect(view.body).toEqual({ test2: 105 });
    expect(view.messageId).toBe("m1");
    expect(record.body).toBe('{"test2": 105}');
    expect((recordView("sqs", sqs(' [{"a":1}]')) as { body: unknown }).body).toEqual([{ a: 1 }]);
  });

  it("keeps plain and scalar-JSON SQS bodies as strings, returning the same record", () => {
    for (const body of ["this is a test string", "42", "true", '"quoted"', "{not json", "", "null"]) {
      const record = sqs(body);
      expect(recordView("sqs", record)).toBe(record);
    }
  });

  it("leaves non-objects and records without a string body alone", () => {
    expect(recordView("sqs", "x")).toBe("x");
    const noBody = { messageId: "1" };
    expect(recordView("sqs", noBody)).toBe(noBody);
  });

  const sqsMatch = (pattern: unknown, body: string) => matches(pattern, recordView("sqs", sqs(body)), { source: "sqs" });

  it.each<[string, unknown, unknown, unknown]>([
    ["equals", { body: { testItem: ["test24"] } }, { testItem: "test24" }, { testItem: "tesWER" }],
    ["or", { body: { testItem: ["test24", "test45"] } }, { testItem: "test45" }, { testItem: "WERTD" }],
    ["and", { body: { testItem: ["test24", "test45"], test2: ["go"] } }, { testItem: "test45", test2: "go" }, { testItem: "test67", test2: "go" }],
    ["exists", { body: { test2: [{ exists: true }] } }, { test2: "7411" }, { test5: "74545" }],
    ["numeric bigger", { body: { test2: [{ numeric: [">", 100] }] } }, { test2: 105 }, "this is a test string"],
    ["numeric smaller", { body: { test2: [{ numeric: ["<", 100] }] } }, { test2: 93 }, { test2: 105 }],
    ["numeric range", { body: { test2: [{ numeric: [">=", 100, "<", 200] }] } }, { test2: 105 }, { test2: 200 }],
    ["prefix", { body: { test2: [{ prefix: "us-1" }] } }, { test2: "us-1-48454" }, { test2: "eu-wert" }],
  ])("SQS %s filter (as recorded against AWS)", (_, pattern, matching, notMatching) => {
    const text = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));
    expect(sqsMatch(pattern, text(matching))).toBe(true);
    expect(sqsMatch(pattern, text(notMatching))).toBe(false);
  });

  it("follows the SQS body table: formats must agree, metadata-only patterns skip the check", () => {
    expect(sqsMatch({ body: ["hello"] }, "hello")).toBe(true);
    expect(sqsMatch({ body: [{ prefix: "hel" }] }, "hello")).toBe(true);
    expect(sqsMatch({ body: { a: [{ exists: false }] } }, "plain text")).toBe(false);
    expect(sqsMatch({ body: { a: ["1"] } }, "plain text")).toBe(false);
    expect(sqsMatch({ body: [{ exists: false }] }, '{"a":"1"}')).toBe(false);
    expect(sqsMatch({ body: [{ exists: true }] }, '{"a":"1"}')).toBe(false);
    expect(sqsMatch({ body: [{ "anything-but": "x" }] }, '{"a":"1"}')).toBe(false);
    expect(sqsMatch({ body: ['{"a":"1"}'] }, '{"a":"1"}')).toBe(false);
    expect(sqsMatch({ body: ["42"] }, "42")).toBe(true);
    expect(sqsMatch({ attributes: { SenderId: ["AIDA"] } }, "plain text")).toBe(true);
    expect(sqsMatch({ attributes: { SenderId: ["AIDA"] } }, '{"a":1}')).toBe(true);
    expect(sqsMatch({ $or: [{ body: { a: [1] } }, { body: ["plain text"] }] }, "plain text")).toBe(true);
    expect(sqsMatch({ $or: [{ body: { a: [1] } }, { body: ["plain text"] }] }, '{"a":1}')).toBe(true);
    expect(sqsMatch({ $or: [{ body: { a: [1] } }, { body: ["plain text"] }] }, '{"a":2}')).toBe(false);
  });

  it("matches SQS metadata such as message attributes", () => {
    const record = sqs("x", { messageAttributes: { type: { stringValue: "order", dataType: "String" } } });
    expect(matches({ messageAttributes: { type: { stringValue: ["order"] } } }, recordView("sqs", record))).toBe(true);
  });

  it("decodes Kinesis data from base64 and parses JSON objects", () => {
    const record = kinesis(b64({ RecordNumber: "0001", Temperature: 46, City: "Seattle" }));
    const view = recordView("kinesis", record) as Record<string, unknown>;
    expect(view.data).toEqual({ RecordNumber: "0001", Temperature: 46, City: "Seattle" });
    expect(view.partitionKey).toBe("pk-1");
    expect(record.kinesis.data).toBe(b64({ RecordNumber: "0001", Temperature: 46, City: "Seattle" }));
    const opts: FilterOptions = { source: "kinesis" };
    expect(matches({ data: { Temperature: [{ numeric: [">", 40, "<=", 60] }] } }, view, opts)).toBe(true);
    expect(matches({ partitionKey: ["pk-1"], data: { City: ["Seattle"] } }, view, opts)).toBe(true);
    expect(matches({ partitionKey: ["pk-2"], data: { City: ["Seattle"] } }, view, opts)).toBe(false);
  });

  it("drops Kinesis records whose data is not JSON when the pattern looks into data", () => {
    const view = recordView("kinesis", kinesis(b64("Hello, this is a test.")));
    expect((view as { data: unknown }).data).toBe(b64("Hello, this is a test."));
    expect(matches({ data: { City: [{ exists: false }] } }, view, { source: "kinesis" })).toBe(false);
    expect(matches({ partitionKey: ["pk-1"] }, view, { source: "kinesis" })).toBe(true);
    expect(matches({ data: { n: [1] } }, recordView("kinesis", kinesis(b64("1"))))).toBe(false);
  });

  it("accepts the bare kinesis member as well as the Lambda record", () => {
    const record = kinesis(b64({ a: 1 }));
    expect(recordView("kinesis", record.kinesis)).toEqual(recordView("kinesis", record));
    expect(recordView("kinesis", 5)).toBe(5);
  });

  it("matches DynamoDB stream records as delivered", () => {
    const insert = ddb("INSERT", { id: { S: "a" }, status: { S: "shipped" }, count: { N: "123" } });
    const modify = ddb("MODIFY", { id: { S: "a" }, status: { S: "pending" } });
    const view = recordView("dynamodb", insert);
    expect(view).toBe(insert);
    const opts: FilterOptions = { source: "dynamodb" };
    const m = (p: unknown, r: unknown) => matches(p, r, opts);
    expect(m({ eventName: ["INSERT"] }, insert)).toBe(true);
    expect(m({ eventName: ["INSERT"] }, modify)).toBe(false);
    expect(m({ eventName: ["INSERT", "MODIFY"] }, modify)).toBe(true);
    expect(m({ eventName: ["INSERT"], eventSource: ["aws:dynamodb"] }, insert)).toBe(true);
    expect(m({ dynamodb: { NewImage: { status: { S: ["shipped"] } } } }, insert)).toBe(true);
    expect(m({ dynamodb: { NewImage: { status: ["shipped"] } } }, insert)).toBe(false);
    expect(m({ dynamodb: { NewImage: { status: { S: [{ exists: true }] } } } }, insert)).toBe(true);
    expect(m({ dynamodb: { NewImage: { status: [{ exists: true }] } } }, insert)).toBe(false);
    expect(m({ dynamodb: { NewImage: { count: { N: [{ numeric: [">", 100] }] } } } }, insert)).toBe(false);
    expect(m({ dynamodb: { NewImage: { count: { N: ["123"] } } } }, insert)).toBe(true);
    expect(m({ dynamodb: { ApproximateCreationDateTime: [{ numeric: [">", 0] }] } }, insert)).toBe(true);
    expect(m({ dynamodb: { NewImage: { status: { S: [{ prefix: "ship" }] } } } }, insert)).toBe(true);
  });
});

describe("performance sanity", () => {
  it("matches many records with one compiled filter and gets every answer right", () => {
    const f = compileFilterCriteria(
      criteria(
        { body: { type: ["order"], total: [{ numeric: [">", 100, "<=", 1000] }], region: [{ prefix: "eu-" }] } },
        { attributes: { SenderId: [{ "anything-but": ["blocked"] }] }, body: { priority: [true] } },
      ),
      { source: "sqs" },
    );
    const views = Array.from({ length: 5_000 }, (_, i) =>
      recordView("sqs", sqs(JSON.stringify({ type: i % 2 ? "order" : "refund", total: i % 1200, region: i % 3 ? "eu-west-1" : "us-east-1", priority: i % 7 === 0 }))),
    );
    const expected = views.filter((_, i) => {
      const byOrder = i % 2 === 1 && i % 1200 > 100 && i % 1200 <= 1000 && i % 3 !== 0;
      return byOrder || i % 7 === 0;
    }).length;
    let count = 0;
    const started = performance.now();
    for (let round = 0; round < 20; round++) {
      count = 0;
      for (const view of views) if (f.matches(view)) count++;
    }
    const elapsed = performance.now() - started;
    expect(count).toBe(expected);
    expect(elapsed).toBeGreaterThanOrEqual(0);
  });
});

describe("eventbridge dialect", () => {
  it("has no Lambda data-key rules", () => {
    expect(matches({ body: { a: ["1"] } }, { body: "text" }, bus)).toBe(false);
    expect(matches({ body: [{ exists: false }] }, { body: { a: 1 } }, bus)).toBe(true);
    expect(matches({ data: { a: [{ exists: false }] } }, { data: "text" }, bus)).toBe(true);
  });
});
