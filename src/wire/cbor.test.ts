import { describe, expect, it } from "vitest";
import { CborError, decodeCbor, encodeCbor } from "./cbor.js";

const hex = (h: string): Buffer => Buffer.from(h.replace(/\s+/g, ""), "hex");
const toHex = (b: Uint8Array): string => Buffer.from(b).toString("hex");
const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// RFC 8949 Appendix A: values this codec writes in exactly the listed form.
const ROUND_TRIP: readonly [string, unknown][] = [
  ["00", 0],
  ["01", 1],
  ["0a", 10],
  ["17", 23],
  ["1818", 24],
  ["1819", 25],
  ["1864", 100],
  ["1903e8", 1000],
  ["1a000f4240", 1000000],
  ["1b000000e8d4a51000", 1000000000000],
  ["1bffffffffffffffff", 18446744073709551615n],
  ["3bffffffffffffffff", -18446744073709551616n],
  ["20", -1],
  ["29", -10],
  ["3863", -100],
  ["3903e7", -1000],
  ["fb3ff199999999999a", 1.1],
  ["fb7e37e43c8800759c", 1.0e300],
  ["fbc010666666666666", -4.1],
  ["fb7ff0000000000000", Infinity],
  ["fbfff0000000000000", -Infinity],
  ["fb7ff8000000000000", NaN],
  ["f4", false],
  ["f5", true],
  ["f6", null],
  ["c1fb41d452d9ec200000", new Date(1363896240500)],
  ["40", Buffer.alloc(0)],
  ["4401020304", hex("01020304")],
  ["60", ""],
  ["6161", "a"],
  ["6449455446", "IETF"],
  ["62225c", '"\\'],
  ["62c3bc", "\u00fc"],
  ["63e6b0b4", "\u6c34"],
  ["64f0908591", "\ud800\udd51"],
  ["80", []],
  ["83010203", [1, 2, 3]],
  ["8301820203820405", [1, [2, 3], [4, 5]]],
  ["98190102030405060708090a0b0c0d0e0f101112131415161718181819", range(1, 25)],
  ["a0", {}],
  ["a201020304", new Map([[1, 2], [3, 4]])],
  ["a26161016162820203", { a: 1, b: [2, 3] }],
  ["826161a161626163", ["a", { b: "c" }]],
  ["a56161614161626142616361436164614461656145", { a: "A", b: "B", c: "C", d: "D", e: "E" }],
];

// Appendix A forms this codec reads but writes differently (half/single floats,
// indefinite lengths, tags it does not interpret).
const DECODE_ONLY: readonly [string, unknown][] = [
  ["f90000", 0],
  ["f98000", -0],
  ["f93c00", 1],
  ["f93e00", 1.5],
  ["f97bff", 65504],
  ["fa47c35000", 100000],
  ["fa7f7fffff", 3.4028234663852886e38],
  ["f90001", 5.960464477539063e-8],
  ["f90400", 0.00006103515625],
  ["f9c400", -4],
  ["f97c00", Infinity],
  ["f97e00", NaN],
  ["f9fc00", -Infinity],
  ["fa7f800000", Infinity],
  ["fa7fc00000", NaN],
  ["faff800000", -Infinity],
  ["f7", undefined],
  ["c249010000000000000000", hex("010000000000000000")],
  ["c349010000000000000000", hex("010000000000000000")],
  ["c074323031332d30332d32315432303a30343a30305a", new Date("2013-03-21T20:04:00Z")],
  ["c11a514b67b0", new Date(1363896240000)],
  ["d74401020304", hex("01020304")],
  ["d818456449455446", hex("6449455446")],
  ["d82076687474703a2f2f7777772e6578616d706c652e636f6d", "http://www.example.com"],
  ["5f42010243030405ff", hex("0102030405")],
  ["7f657374726561646d696e67ff", "streaming"],
  ["9fff", []],
  ["9f018202039f0405ffff", [1, [2, 3], [4, 5]]],
  ["9f01820203820405ff", [1, [2, 3], [4, 5]]],
  ["83018202039f0405ff", [1, [2, 3], [4, 5]]],
  ["83019f0203ff820405", [1, [2, 3], [4, 5]]],
  ["9f0102030405060708090a0b0c0d0e0f101112131415161718181819ff", range(1, 25)],
  ["bf61610161629f0203ffff", { a: 1, b: [2, 3] }],
  ["826161bf61626163ff", ["a", { b: "c" }]],
  ["bf6346756ef563416d7421ff", { Fun: true, Amt: -2 }],
];

describe("RFC 8949 Appendix A", () => {
  it.each(ROUND_TRIP)("encodes and decodes %s", (h, value) => {
    expect(toHex(encodeCbor(value))).toBe(h);
    expect(decodeCbor(hex(h))).toEqual(value);
  });

  it.each(DECODE_ONLY)("decodes %s", (h, value) => {
    expect(decodeCbor(hex(h))).toEqual(value);
  });

  it("keeps the sign of negative zero", () => {
    expect(Object.is(decodeCbor(hex("f98000")), -0)).toBe(true);
    expect(toHex(encodeCbor(-0))).toBe("fb8000000000000000");
  });
});

describe("integers", () => {
  it("uses the shortest head at each boundary", () => {
    const cases: [number | bigint, string][] = [
      [255, "18ff"],
      [256, "190100"],
      [65535, "19ffff"],
      [65536, "1a00010000"],
      [4294967295, "1affffffff"],
      [4294967296, "1b0000000100000000"],
      [Number.MAX_SAFE_INTEGER, "1b001fffffffffffff"],
      [-Number.MAX_SAFE_INTEGER, "3b001ffffffffffffe"],
      [-24, "37"],
      [-25, "3818"],
      [-257, "390100"],
      [5n, "05"],
      [-5n, "24"],
      [2n ** 63n, "1b8000000000000000"],
    ];
    for (const [value, h] of cases) expect(toHex(encodeCbor(value)), String(value)).toBe(h);
  });

  it("decodes integers past the safe range as bigint", () => {
    expect(decodeCbor(hex("1b0020000000000000"))).toBe(2n ** 53n);
    expect(decodeCbor(hex("1b001fffffffffffff"))).toBe(Number.MAX_SAFE_INTEGER);
    expect(decodeCbor(hex("3b001ffffffffffffe"))).toBe(-Number.MAX_SAFE_INTEGER);
    expect(decodeCbor(hex("3b001fffffffffffff"))).toBe(-(2n ** 53n));
  });

  it("writes non-integers and unsafe integers as float64", () => {
    expect(toHex(encodeCbor(0.5))).toBe("fb3fe0000000000000");
    expect(toHex(encodeCbor(2 ** 60))).toBe("fb43b0000000000000");
  });

  it("accepts non-shortest heads", () => {
    expect(decodeCbor(hex("1b0000000000000001"))).toBe(1);
    expect(decodeCbor(hex("7900026161"))).toBe("aa");
  });
});

describe("strings", () => {
  it("sizes text heads from the UTF-8 length", () => {
    const samples = ["a".repeat(23), "a".repeat(24), "a".repeat(255), "a".repeat(256), "\u00fc".repeat(8), "\u6c34".repeat(7),
      "\u6c34".repeat(9), "\u6c34".repeat(90), "x".repeat(70000), "\ud83d\ude00".repeat(3), "\u6c34".repeat(30000)];
    for (const s of samples) {
      const encoded = encodeCbor(s);
      const len = Buffer.byteLength(s);
      const headLen = len < 24 ? 1 : len < 256 ? 2 : len < 65536 ? 3 : 5;
      expect(encoded.length, s.slice(0, 10)).toBe(headLen + len);
      expect(encoded.subarray(headLen).equals(Buffer.from(s))).toBe(true);
      expect(decodeCbor(encoded)).toBe(s);
    }
    expect(toHex(encodeCbor("a".repeat(24))).slice(0, 4)).toBe("7818");
  });

  it("keeps a leading byte order mark", () => {
    expect(decodeCbor(encodeCbor("\ufeffx"))).toBe("\ufeffx");
  });

  it("returns byte strings as views of the input", () => {
    const input = hex("4401020304");
    const out = decodeCbor(input) as Buffer;
    expect(Buffer.isBuffer(out)).toBe(true);
    expect(out.buffer).toBe(input.buffer);
  });

  it("reads a Uint8Array that starts inside a larger buffer", () => {
    const backing = new Uint8Array([0xff, 0xff, 0x82, 0x19, 0x01, 0x00, 0x41, 0x07, 0xff]);
    expect(decodeCbor(backing.subarray(2, 8))).toEqual([256, hex("07")]);
  });

  it("encodes any Uint8Array as a byte string", () => {
    expect(toHex(encodeCbor(new Uint8Array([1, 2])))).toBe("420102");
  });
});

describe("Kinesis-shaped payloads", () => {
  it("round-trips a PutRecords request", () => {
    const request = {
      StreamName: "orders",
      Records: range(0, 99).map((i) => ({ Data: Buffer.from(`record-${i}`), PartitionKey: `pk-${i % 7}` })),
    };
    expect(decodeCbor(encodeCbor(request))).toEqual(request);
  });

  it("round-trips a GetRecords response with timestamps", () => {
    const response = {
      Records: [
        { SequenceNumber: "49590338271490256608559692538361571095921575989136588898", ApproximateArrivalTimestamp: new Date(1700000000123), Data: hex("00ff10"), PartitionKey: "a" },
      ],
      NextShardIterator: "AAAA",
      MillisBehindLatest: 0,
    };
    const encoded = encodeCbor(response);
    expect(toHex(encoded)).toContain("c1fb41d954fc4007df3b");
    expect(decodeCbor(encoded)).toEqual(response);
  });

  it("omits undefined members and writes undefined elsewhere as null", () => {
    expect(toHex(encodeCbor({ a: undefined, b: 1 }))).toBe("a1616201");
    expect(toHex(encodeCbor([undefined]))).toBe("81f6");
    expect(toHex(encodeCbor(undefined))).toBe("f6");
  });

  it("handles megabyte records", () => {
    const big = Buffer.alloc(1024 * 1024, 7);
    const request = { StreamName: "s", Records: range(0, 4).map((i) => ({ Data: big, PartitionKey: String(i) })) };
    const decoded = decodeCbor(encodeCbor(request)) as typeof request;
    expect(decoded.Records).toHaveLength(5);
    expect(decoded.Records[4]!.Data.equals(big)).toBe(true);
  });

  it("copies large byte strings, so later changes to the source do not leak in", () => {
    const backing = Buffer.alloc(40000, 1);
    const data = new Uint8Array(backing.buffer, backing.byteOffset + 3, 20000);
    const encoded = encodeCbor({ A: data, B: "after", C: [Buffer.alloc(3000, 2), "x".repeat(5000)] });
    backing.fill(9);
    const out = decodeCbor(encoded) as { A: Buffer; B: string; C: [Buffer, string] };
    expect(out.A.equals(Buffer.alloc(20000, 1))).toBe(true);
    expect(out.B).toBe("after");
    expect(out.C[0].equals(Buffer.alloc(3000, 2))).toBe(true);
    expect(out.C[1]).toBe("x".repeat(5000));
  });

  it("reads RFC 3339 strings with offsets and fractions", () => {
    const s = "2013-03-21T22:04:00.25+02:00";
    const bytes = Buffer.concat([hex("c0"), encodeCbor(s)]);
    expect((decodeCbor(bytes) as Date).getTime()).toBe(Date.UTC(2013, 2, 21, 20, 4, 0, 250));
  });
});

describe("__proto__ keys", () => {
  const payload = "a1695f5f70726f746f5f5fa168706f6c6c75746564f5";

  it("stores __proto__ as an own member without touching any prototype", () => {
    const out = decodeCbor(hex(payload)) as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(Object.keys(out)).toEqual(["__proto__"]);
    expect(Object.getOwnPropertyDescriptor(out, "__proto__")?.value).toEqual({ polluted: true });
    expect(out["polluted"]).toBeUndefined();
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("does the same inside indefinite maps and arrays", () => {
    const out = decodeCbor(hex(`9fbf${payload.slice(2)}ffff`)) as Record<string, unknown>[];
    expect(Object.getPrototypeOf(out[0])).toBe(Object.prototype);
    expect(Object.hasOwn(out[0]!, "__proto__")).toBe(true);
    expect(({} as Record<string, unknown>)["polluted"]).toBeUndefined();
  });

  it("writes an own __proto__ member back out", () => {
    expect(toHex(encodeCbor(JSON.parse('{"__proto__":{"polluted":true}}')))).toBe(payload);
  });
});

describe("malformed input", () => {
  const nested = (open: string, depth: number): Buffer => hex(open.repeat(depth) + "00");

  it.each([
    ["empty", ""],
    ["missing argument", "18"],
    ["short argument", "1900"],
    ["short uint64", "1b00000000000000"],
    ["short text", "6261"],
    ["short bytes", "430102"],
    ["short array", "830102"],
    ["map missing value", "a16161"],
    ["short float", "fb0000"],
    ["short half", "f900"],
    ["unterminated bytes", "5f41"],
    ["unterminated array", "9f01"],
    ["unterminated map", "bf616101"],
    ["huge byte length", "5bffffffffffffffff"],
    ["huge text length", "7affffffff"],
    ["huge array length", "9b0000000100000000"],
    ["huge map length", "b9ffff"],
  ])("rejects truncated input: %s", (_, h) => {
    expect(() => decodeCbor(hex(h))).toThrow(CborError);
  });

  it.each([["0102"], ["f600"], ["80ff"], ["a0a0"]])("rejects trailing bytes: %s", (h) => {
    expect(() => decodeCbor(hex(h))).toThrow(/trailing/);
  });

  it.each(["1c", "1d", "1e", "3c", "5d", "7e", "9c", "bd", "de", "fc", "fd", "fe", "1f", "3f", "df"])(
    "rejects additional information in %s",
    (h) => {
      expect(() => decodeCbor(hex(h))).toThrow(CborError);
    },
  );

  it.each(["ff", "81ff", "a1ff", "bf6161ff", "82ff01"])("rejects a stray break in %s", (h) => {
    expect(() => decodeCbor(hex(h))).toThrow(CborError);
  });

  it.each([
    ["text chunk in bytes", "5f6161ff"],
    ["nested indefinite chunk", "5f5fffff"],
    ["integer chunk", "7f01ff"],
    ["invalid UTF-8", "61ff"],
    ["split UTF-8 chunk", "7f61c361bcff"],
    ["tag 1 of text", "c16161"],
    ["tag 1 of bigint", "c11bffffffffffffffff"],
    ["tag 1 of NaN", "c1f97e00"],
    ["tag 0 of integer", "c000"],
    ["tag 0 of junk", "c06161"],
    ["simple(16)", "f0"],
    ["simple(24)", "f818"],
    ["simple(255)", "f8ff"],
  ])("rejects %s", (_, h) => {
    expect(() => decodeCbor(hex(h))).toThrow(CborError);
  });

  it("allows 64 levels of nesting and rejects 65", () => {
    for (const open of ["81", "9f", "a16161", "d820"]) {
      const close = open === "9f" ? "ff" : "";
      const ok = hex(open.repeat(64) + "00" + close.repeat(64));
      const deep = hex(open.repeat(65) + "00" + close.repeat(65));
      expect(() => decodeCbor(ok), open).not.toThrow();
      expect(() => decodeCbor(deep), open).toThrow(/Nesting/);
    }
    expect(() => decodeCbor(nested("81", 100000))).toThrow(CborError);
  });
});

describe("encoding errors", () => {
  it("rejects values CBOR cannot carry here", () => {
    expect(() => encodeCbor(() => 1)).toThrow(CborError);
    expect(() => encodeCbor(Symbol("s"))).toThrow(CborError);
    expect(() => encodeCbor(2n ** 64n)).toThrow(CborError);
    expect(() => encodeCbor(-(2n ** 64n) - 1n)).toThrow(CborError);
    expect(() => encodeCbor(new Date(NaN))).toThrow(CborError);
  });

  it("rejects cycles and excessive depth", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic["self"] = cyclic;
    expect(() => encodeCbor(cyclic)).toThrow(CborError);
    let deep: unknown = 0;
    for (let i = 0; i < 64; i++) deep = [deep];
    expect(decodeCbor(encodeCbor(deep))).toEqual(deep);
    expect(() => encodeCbor([deep])).toThrow(CborError);
  });

  it("grows its buffer across many small writes", () => {
    const list = range(0, 5000).map((i) => ({ k: `key-${i}`, v: i * 1000 }));
    expect(decodeCbor(encodeCbor(list))).toEqual(list);
  });
});
