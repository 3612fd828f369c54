import { describe, expect, inject, it } from "vitest";
import { openTables } from "../../src/store/tables.js";

const connectionString = inject("tablesConnection");

describe("openTables", () => {
  it("creates tables once and writes to Azurite over loopback http", async () => {
    const tables = openTables({ kind: "connection", connectionString }, undefined, { tablePrefix: "tbl1" });
    await tables.ensureTables(["Probe"]);
    await tables.ensureTables(["Probe"]); // already there: no error
    await tables.table("Probe").upsertEntity({ partitionKey: "p", rowKey: "r", n: 1 });
    const e = await tables.table("Probe").getEntity<{ n: number }>("p", "r");
    expect(e.n).toBe(1);
    expect(tables.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
  });

  it("refuses plain http to a host that is not loopback, without showing the key", () => {
    const remote = connectionString.replace(
      /TableEndpoint=http:\/\/127\.0\.0\.1:\d+/,
      "TableEndpoint=http://example.net",
    );
    let message = "";
    try {
      openTables({ kind: "connection", connectionString: remote });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(/must use https/);
    expect(message).not.toContain("AccountKey");
    expect(message).not.toContain(connectionString.match(/AccountKey=([^;]+)/)?.[1]);
  });

  it("needs a credential for an account URL and accepts one for https", () => {
    expect(() => openTables({ kind: "url", url: "https://acct.table.core.windows.net" })).toThrow(
      /credential/,
    );
    const credential = {
      getToken: () => Promise.resolve({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }),
    };
    const tables = openTables({ kind: "url", url: "https://acct.table.core.windows.net/" }, credential);
    expect(tables.endpoint).toBe("https://acct.table.core.windows.net");
    expect(tables.table("PulseDaily").tableName).toBe("PulseDaily");
  });

  it("refuses a table prefix that would make an invalid table name", () => {
    expect(() =>
      openTables({ kind: "connection", connectionString }, undefined, { tablePrefix: "a-b" }),
    ).toThrow(/letters and digits/);
  });
});
