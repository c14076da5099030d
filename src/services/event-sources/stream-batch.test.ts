import { describe, expect, it } from "vitest";
import { FailureCondition, type SourceRecord } from "./stream-event.js";
import { firstFailure, runBatch, type BatchIo, type BatchPolicy, type InvokeResult } from "./stream-batch.js";

const T0 = 1_700_000_000_000;

/** Kinesis sequence numbers are long decimal strings; these sort in record order. */
const seq = (i: number): string => `4959033827149025660855969253836157109592157598913658${String(i).padStart(4, "0")}`;

function records(n: number, arrivedAt = T0): SourceRecord[] {
  return Array.from({ length: n }, (_, i) => ({ sequenceNumber: seq(i), partitionKey: `k${i}`, data: Buffer.from(`d${i}`), arrivedAt }));
}

const POLICY: BatchPolicy = { bisect: false, maxRetries: 2, maxAgeMs: -1, reportItemFailures: false };

interface Call {
  readonly seqs: string[];
  readonly at: number;
}

interface GivenUp {
  readonly seqs: string[];
  readonly condition: FailureCondition;
  readonly last: InvokeResult | null;
  readonly count: number;
}

type Script = (part: readonly SourceRecord[], call: number) => InvokeResult;

/** A BatchIo over a scripted function and a clock that only moves when the batch sleeps. */
function fakeIo(script: Script, abortAfterCall = Infinity) {
  const calls: Call[] = [];
  const givenUp: GivenUp[] = [];
  const sleeps: number[] = [];
  let now = T0;
  const io: BatchIo = {
    invoke(part) {
      calls.push({ seqs: part.map((r) => r.sequenceNumber), at: now });
      return Promise.resolve(script(part, calls.length));
    },
    giveUp(part, condition, last, count) {
      givenUp.push({ seqs: part.map((r) => r.sequenceNumber), condition, last, count });
      return Promise.resolve();
    },
    sleep(ms) {
      sleeps.push(ms);
      now += ms;
      return Promise.resolve();
    },
    now: () => now,
    aborted: () => calls.length >= abortAfterCall,
  };
  return { io, calls, givenUp, sleeps, now: () => now };
}

const ok = (call: number, payload?: string): InvokeResult => ({ invoked: true, requestId: `req-${call}`, ...(payload === undefined ? {} : { payload }) });
const failed = (call: number): InvokeResult => ({ invoked: true, requestId: `req-${call}`, functionError: "Unhandled", payload: '{"errorMessage":"boom"}' });
const throttled: InvokeResult = { invoked: false, throttled: true };
const report = (...ids: string[]): string => JSON.stringify({ batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })) });
const seqsOf = (rs: readonly SourceRecord[]): string[] => rs.map((r) => r.sequenceNumber);

describe("runBatch: retries and record age", () => {
  it("invokes once with the whole batch when the function succeeds", async () => {
    const batch = records(5);
    const f = fakeIo((_, n) => ok(n));
    expect(await runBatch(batch, POLICY, f.io)).toBe(true);
    expect(f.calls.map((c) => c.seqs)).toEqual([seqsOf(batch)]);
    expect(f.givenUp).toEqual([]);
    expect(f.sleeps).toEqual([]);
  });

  it("does not give up a batch that succeeds on a retry", async () => {
    const f = fakeIo((_, n) => (n < 3 ? failed(n) : ok(n)));
    expect(await runBatch(records(3), POLICY, f.io)).toBe(true);
    expect(f.calls).toHaveLength(3);
    expect(f.givenUp).toEqual([]);
  });

  it.each([0, 1, 2, 5])("with MaximumRetryAttempts %i invokes that many times more, then gives the batch up", async (maxRetries) => {
    const batch = records(4);
    const f = fakeIo((_, n) => failed(n));
    expect(await runBatch(batch, { ...POLICY, maxRetries }, f.io)).toBe(true);
    expect(f.calls).toHaveLength(maxRetries + 1);
    for (const c of f.calls) expect(c.seqs).toEqual(seqsOf(batch));
    expect(f.givenUp).toEqual([{ seqs: seqsOf(batch), condition: FailureCondition.RetriesExhausted, last: failed(maxRetries + 1), count: maxRetries + 1 }]);
    // Backing off between attempts, never after the last one.
    expect(f.sleeps).toHaveLength(maxRetries);
  });

  it("with MaximumRetryAttempts -1 retries until the records are older than the maximum age", async () => {
    const maxAgeMs = 60_000;
    const batch = records(3, T0 - 1_000);
    const f = fakeIo((_, n) => failed(n));
    expect(await runBatch(batch, { ...POLICY, maxRetries: -1, maxAgeMs }, f.io)).toBe(true);
    expect(f.calls.length).toBeGreaterThan(5);
    for (const c of f.calls) expect(c.at - batch[0]!.arrivedAt).toBeLessThanOrEqual(maxAgeMs);
    expect(f.now() - batch[0]!.arrivedAt).toBeGreaterThan(maxAgeMs);
    const n = f.calls.length;
    expect(f.givenUp).toEqual([{ seqs: seqsOf(batch), condition: FailureCondition.RecordAge, last: failed(n), count: n }]);
  });

  it("gives up records already older than the maximum age without invoking", async () => {
    const batch = records(2, T0 - 10_001);
    const f = fakeIo((_, n) => ok(n));
    expect(await runBatch(batch, { ...POLICY, maxAgeMs: 10_000 }, f.io)).toBe(true);
    expect(f.calls).toEqual([]);
    expect(f.givenUp).toEqual([{ seqs: seqsOf(batch), condition: FailureCondition.RecordAge, last: null, count: 0 }]);
  });

  it("ages a batch by its oldest (first) record", async () => {
    const batch = [...records(1, T0 - 10_001), ...records(2, T0).slice(1)];
    const f = fakeIo((_, n) => ok(n));
    await runBatch(batch, { ...POLICY, maxAgeMs: 10_000 }, f.io);
    expect(f.givenUp.map((g) => g.condition)).toEqual([FailureCondition.RecordAge]);
  });

  it("retries throttled invocations without counting them as retries", async () => {
    // throttled, throttled, failed, throttled, failed: two invocations, one retry.
    const plan = ["t", "t", "f", "t", "f"];
    const f = fakeIo((_, n) => (plan[n - 1] === "t" ? throttled : failed(n)));
    expect(await runBatch(records(2), { ...POLICY, maxRetries: 1 }, f.io)).toBe(true);
    expect(f.calls).toHaveLength(5);
    expect(f.givenUp).toEqual([{ seqs: seqsOf(records(2)), condition: FailureCondition.RetriesExhausted, last: failed(5), count: 2 }]);
    expect(f.sleeps.filter((ms) => ms === 1_000)).toHaveLength(3);
  });

  it("counts an invocation that could not be made (payload too large, function gone) as a failed attempt", async () => {
    const f = fakeIo(() => ({ invoked: false }));
    expect(await runBatch(records(1), { ...POLICY, maxRetries: 2, maxAgeMs: -1 }, f.io)).toBe(true);
    expect(f.calls).toHaveLength(3);
    expect(f.givenUp).toEqual([{ seqs: [seq(0)], condition: FailureCondition.RetriesExhausted, last: null, count: 0 }]);
  });

  it("bisects a batch that could not be invoked, as it bisects a failing one", async () => {
    const f = fakeIo((part) => (part.length > 2 ? { invoked: false } : { invoked: true, requestId: "r" }));
    expect(await runBatch(records(8), { ...POLICY, bisect: true, maxRetries: 0 }, f.io)).toBe(true);
    expect(f.givenUp).toEqual([]);
    expect(f.calls.filter((c) => c.seqs.length <= 2).flatMap((c) => c.seqs)).toEqual(Array.from({ length: 8 }, (_, i) => seq(i)));
  });
});

describe("runBatch: bisecting", () => {
  const poison = (at: number): Script => (part, n) => (part.some((r) => r.sequenceNumber === seq(at)) ? failed(n) : ok(n));

  it("isolates one poison record among 8: the others succeed, only it is given up", async () => {
    const f = fakeIo(poison(5));
    expect(await runBatch(records(8), { ...POLICY, bisect: true, maxRetries: 2 }, f.io)).toBe(true);
    const s = (...is: number[]): string[] => is.map(seq);
    expect(f.calls.map((c) => c.seqs)).toEqual([
      s(0, 1, 2, 3, 4, 5, 6, 7),
      s(0, 1, 2, 3),
      s(4, 5, 6, 7),
      s(4, 5),
      s(4),
      s(5),
      s(5),
      s(5),
      s(6, 7),
    ]);
    expect(f.givenUp).toEqual([{ seqs: s(5), condition: FailureCondition.RetriesExhausted, last: failed(8), count: 3 }]);
  });

  it("does not use up retries on splitting", async () => {
    const f = fakeIo(poison(0));
    expect(await runBatch(records(8), { ...POLICY, bisect: true, maxRetries: 0 }, f.io)).toBe(true);
    // Three splits down to the poison record, which still gets its one invocation.
    expect(f.givenUp).toEqual([{ seqs: [seq(0)], condition: FailureCondition.RetriesExhausted, last: failed(4), count: 1 }]);
    const succeeded = f.calls.filter((c) => !c.seqs.includes(seq(0))).flatMap((c) => c.seqs);
    expect(succeeded).toEqual(seqsOf(records(8)).slice(1));
  });

  it("retries a single record without splitting it", async () => {
    const f = fakeIo((_, n) => failed(n));
    await runBatch(records(1), { ...POLICY, bisect: true, maxRetries: 1 }, f.io);
    expect(f.calls).toHaveLength(2);
    expect(f.givenUp).toHaveLength(1);
  });
});

describe("runBatch: ReportBatchItemFailures", () => {
  const policy: BatchPolicy = { ...POLICY, reportItemFailures: true };

  it("retries from the lowest failed identifier; the records before it are not invoked again", async () => {
    const f = fakeIo((_, n) => (n === 1 ? ok(n, report(seq(4), seq(2), seq(5))) : ok(n)));
    expect(await runBatch(records(6), policy, f.io)).toBe(true);
    expect(f.calls.map((c) => c.seqs)).toEqual([seqsOf(records(6)), [seq(2), seq(3), seq(4), seq(5)]]);
    expect(f.givenUp).toEqual([]);
  });

  it("gives up the records from the failed one on once retries run out", async () => {
    const f = fakeIo((_, n) => ok(n, report(seq(3))));
    await runBatch(records(5), { ...policy, maxRetries: 1 }, f.io);
    expect(f.calls.map((c) => c.seqs)).toEqual([seqsOf(records(5)), [seq(3), seq(4)]]);
    expect(f.givenUp).toEqual([{ seqs: [seq(3), seq(4)], condition: FailureCondition.RetriesExhausted, last: ok(2, report(seq(3))), count: 2 }]);
  });

  it.each([
    ["an unknown identifier", report(seq(1), "nope")],
    ["an empty identifier", report("")],
    ["a null identifier", '{"batchItemFailures":[{"itemIdentifier":null}]}'],
    ["a list that is not an array", '{"batchItemFailures":{"itemIdentifier":"x"}}'],
    ["a body that is not JSON", "not json"],
    ["a JSON array", "[]"],
  ])("fails the whole batch on a malformed response (%s)", async (_, payload) => {
    const f = fakeIo((_p, n) => (n === 1 ? ok(n, payload) : ok(n)));
    expect(await runBatch(records(3), policy, f.io)).toBe(true);
    expect(f.calls.map((c) => c.seqs)).toEqual([seqsOf(records(3)), seqsOf(records(3))]);
  });

  it.each([
    ["no payload", undefined],
    ["an empty payload", ""],
    ["null", "null"],
    ["an empty object", "{}"],
    ["an empty list", '{"batchItemFailures":[]}'],
    ["a null list", '{"batchItemFailures":null}'],
  ])("counts the batch a success on %s", async (_, payload) => {
    const f = fakeIo((_p, n) => ok(n, payload));
    expect(await runBatch(records(3), policy, f.io)).toBe(true);
    expect(f.calls).toHaveLength(1);
  });

  it("retries the whole batch on a function error, whatever the payload names", async () => {
    const f = fakeIo((_, n) => (n === 1 ? { ...failed(n), payload: report(seq(2)) } : ok(n)));
    await runBatch(records(3), policy, f.io);
    expect(f.calls.map((c) => c.seqs)).toEqual([seqsOf(records(3)), seqsOf(records(3))]);
  });

  it("ignores reported failures when the mapping did not ask for them", async () => {
    const f = fakeIo((_, n) => ok(n, report(seq(0))));
    expect(await runBatch(records(3), POLICY, f.io)).toBe(true);
    expect(f.calls).toHaveLength(1);
  });
});

describe("runBatch: stopping", () => {
  it("stops after the invocation during which it was aborted, giving nothing up, and answers false", async () => {
    const f = fakeIo((_, n) => failed(n), 1);
    expect(await runBatch(records(3), { ...POLICY, maxRetries: 5 }, f.io)).toBe(false);
    expect(f.calls).toHaveLength(1);
    expect(f.givenUp).toEqual([]);
  });

  it("invokes nothing when already aborted", async () => {
    const f = fakeIo((_, n) => ok(n), 0);
    expect(await runBatch(records(3), POLICY, f.io)).toBe(false);
    expect(f.calls).toEqual([]);
  });

  it("leaves the remaining halves of a split batch alone", async () => {
    const f = fakeIo((_, n) => (n === 1 ? failed(n) : ok(n)), 2);
    expect(await runBatch(records(4), { ...POLICY, bisect: true }, f.io)).toBe(false);
    expect(f.calls.map((c) => c.seqs)).toEqual([seqsOf(records(4)), [seq(0), seq(1)]]);
  });
});

describe("firstFailure", () => {
  const batch = records(4);

  it.each([undefined, "", " \n", "null", "null\n", "{}", '{"other":1}', '{"batchItemFailures":null}', '{"batchItemFailures":[]}'])(
    "answers null (success) for %j",
    (payload) => {
      expect(firstFailure(payload, batch)).toBeNull();
    },
  );

  it("answers the index of the lowest failed record, wherever it is listed", () => {
    expect(firstFailure(report(seq(3), seq(1), seq(2)), batch)).toBe(1);
    expect(firstFailure(report(seq(0)), batch)).toBe(0);
    expect(firstFailure(report(seq(3), seq(3)), batch)).toBe(3);
    expect(firstFailure(` ${report(seq(2))}\n`, batch)).toBe(2);
  });

  it.each([
    "not json",
    "{",
    "[]",
    '"text"',
    "42",
    "true",
    '{"batchItemFailures":"x"}',
    '{"batchItemFailures":{}}',
    '{"batchItemFailures":[null]}',
    '{"batchItemFailures":[{}]}',
    '{"batchItemFailures":[{"itemIdentifier":""}]}',
    `{"batchItemFailures":[{"itemIdentifier":${seq(1)}}]}`,
    `{"batchItemFailures":[{"itemId":"${seq(1)}"}]}`,
  ])("answers all (malformed) for %j", (payload) => {
    expect(firstFailure(payload, batch)).toBe("all");
  });

  it("answers all when any identifier is not in the batch, even beside valid ones", () => {
    expect(firstFailure(report(seq(0), "49590000"), batch)).toBe("all");
    expect(firstFailure(report(seq(1)), [])).toBe("all");
    expect(firstFailure(report(seq(9)), batch)).toBe("all");
  });
});
