import { describe, expect, it } from "vitest";
import { compileFunctionOptions } from "./config.js";

describe("compileFunctionOptions", () => {
  it("runs handlers at nice 19 unless told otherwise", () => {
    expect(compileFunctionOptions().handlerNice).toBe(19);
    expect(compileFunctionOptions({ handlerNice: 0 }).handlerNice).toBe(0);
    expect(compileFunctionOptions({ handlerNice: 7 }).handlerNice).toBe(7);
  });

  it("refuses a nice value outside 0 to 19", () => {
    for (const bad of [-1, 20, 2.5, Number.NaN]) expect(() => compileFunctionOptions({ handlerNice: bad })).toThrow("handlerNice must be a whole number from 0 to 19");
  });

  it("refuses a spare count outside 0 to 16", () => {
    expect(compileFunctionOptions().spareWorkers).toBe(1);
    for (const bad of [-1, 17, 1.5]) expect(() => compileFunctionOptions({ spareWorkers: bad })).toThrow("spareWorkers must be a whole number from 0 to 16");
  });
});
