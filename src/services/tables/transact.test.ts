import { afterEach, describe, expect, it } from "vitest";
import { createKeyedTable, tableHarness, type TableHarness } from "../../testing/tables.js";

let h: TableHarness | undefined;
afterEach(() => h?.close());

describe("ClientRequestToken", () => {
  it("no longer counts once its 10 minutes passed, even before a sweep removed it", async () => {
    // An hour between sweeps: the token is still stored when it is used again.
    h = await tableHarness({ ttlIntervalMs: 3_600_000 });
    await createKeyedTable(h, "tok", ["id", "S"]);
    const inc = { TransactItems: [{ Update: { TableName: "tok", Key: { id: { S: "a" } }, UpdateExpression: "ADD n :one", ExpressionAttributeValues: { ":one": { N: "1" } } } }], ClientRequestToken: "t1" };
    await h.call("TransactWriteItems", inc);
    await h.clock.advance(5 * 60_000);
    await h.call("TransactWriteItems", inc);
    await h.clock.advance(6 * 60_000);
    await h.call("TransactWriteItems", inc);
    const got = (await h.call("GetItem", { TableName: "tok", Key: { id: { S: "a" } } })) as { Item: { n: unknown } };
    expect(got.Item.n).toEqual({ N: "2" });
  });
});
