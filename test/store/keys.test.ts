import { describe, expect, it } from "vitest";
import {
  dateOfPartition,
  dayVaultPartition,
  daysFilter,
  keys,
  rowKeyPrefixFilter,
  tableKey,
  vaultOfDailyRow,
} from "../../src/store/keys.js";

describe("tableKey", () => {
  it("escapes the characters Table keys forbid, the separator and the escape itself", () => {
    expect(tableKey("vault/a\\b#c?d|e%f")).toBe("vault%2Fa%5Cb%23c%3Fd%7Ce%25f");
    expect(tableKey("tab\there\u007f")).toBe("tab%09here%7F");
    expect(tableKey("o'brien-01.x_y")).toBe("o'brien-01.x_y");
  });
});

describe("trend table keys", () => {
  it("are the same for every spelling of a name, and never hold a raw separator from a name", () => {
    expect(keys.vmDay(" VM-SQL-01 ", "RSV/Prod")).toBe(keys.vmDay("vm-sql-01", "rsv/prod"));
    expect(keys.vmDay("vm|a", "b")).toBe("vm%7Ca|b");
    expect(keys.vmDay("vm-sql-01", "rsv/prod").startsWith(keys.vmPrefix("VM-SQL-01"))).toBe(true);
    expect(keys.dayVault("2026-11-24", "RSV|x")).toBe("2026-11-24|rsv%7Cx");
    expect(keys.dayVault("2026-11-24", "RSV-Prod")).toBe(
      dayVaultPartition("2026-11-24", keys.vault("rsv-prod")),
    );
    expect(keys.job({ vault: "RSV", vm: "VM#1", jobId: " ABC-def " })).toBe("rsv|vm%231|abc-def");
    expect(keys.vm(" VM-App-01")).toBe("vm-app-01");
  });

  it("name a PulseDaily row by its scope, and find the vault of a vault's row", () => {
    const trend = { date: "2026-11-24", scope: "" } as never;
    expect(keys.daily({ kind: "all", key: "", trend })).toBe("all");
    expect(keys.daily({ kind: "vault", key: "rsv-prod", trend })).toBe("vault:rsv-prod");
    expect(keys.daily({ kind: "code", key: "usererrorvmnotrunning", trend })).toBe(
      "code:usererrorvmnotrunning",
    );
    expect(keys.scope("vault", "RSV/Prod")).toBe("vault:rsv%2Fprod");
    expect(vaultOfDailyRow("vault:rsv%2Fprod")).toBe("rsv%2Fprod");
    expect(vaultOfDailyRow("code:vault:x")).toBeNull();
    expect(vaultOfDailyRow("all")).toBeNull();
  });

  it("read a range of days and a RowKey prefix as key ranges, with quotes escaped", () => {
    expect(daysFilter("2026-11-24")).toBe("PartitionKey ge '2026-11-24|' and PartitionKey lt '2026-11-24}'");
    expect(daysFilter("2026-11-01", "2026-11-30")).toBe(
      "PartitionKey ge '2026-11-01|' and PartitionKey lt '2026-11-30}'",
    );
    expect(rowKeyPrefixFilter("o'brien|")).toBe("RowKey ge 'o''brien|' and RowKey lt 'o''brien}'");
    expect(dateOfPartition("2026-11-24|rsv-prod")).toBe("2026-11-24");
    expect(dateOfPartition("2026-11-24")).toBe("2026-11-24");
  });
});
