import { describe, expect, it } from "vitest";
import {
  daysFilter,
  keys,
  rowKeyPrefixFilter,
  tableKey,
  vaultKeyOf,
  vmKeyOf,
  vmKeyOfJobRow,
} from "../../src/store/keys.js";

describe("tableKey", () => {
  it("escapes the characters Table keys forbid, the separator and the escape itself", () => {
    expect(tableKey("vault/a\\b#c?d|e%f")).toBe("vault%2Fa%5Cb%23c%3Fd%7Ce%25f");
    expect(tableKey("tab\there\u007f")).toBe("tab%09here%7F");
    expect(tableKey("o'brien-01.x_y")).toBe("o'brien-01.x_y");
  });
});

describe("trend table keys", () => {
  const VM = "/subscriptions/S1/resourceGroups/RG-A/providers/Microsoft.Compute/virtualMachines/WEB01";
  it("key a VM and a vault on their resource IDs, case-insensitively, sortable by name", () => {
    const a = vmKeyOf({ vm: "web01", vmId: VM, vault: "rsv" });
    expect(a).toMatch(/^web01\|[0-9a-f]{12}$/);
    expect(vmKeyOf({ vm: "WEB01 ", vmId: VM.toLowerCase(), vault: "other" })).toBe(a);
    // same name, another resource group: another key
    expect(vmKeyOf({ vm: "web01", vmId: VM.replace("RG-A", "RG-B"), vault: "rsv" })).not.toBe(a);
    expect(vaultKeyOf({ vault: "RSV", vaultId: "/subscriptions/s1/x/vaults/rsv" })).toMatch(
      /^rsv\|[0-9a-f]{12}$/,
    );
  });

  it("fall back to the names without an ID, and never hold a raw separator from a name", () => {
    const k = vmKeyOf({ vm: "vm|a", vault: "b" });
    expect(k).toMatch(/^vm%7Ca\|n-[0-9a-f]{12}$/);
    expect(vmKeyOf({ vm: "VM|A", vault: "B " })).toBe(k);
    expect(vmKeyOf({ vm: "vm|a", vault: "c" })).not.toBe(k);
    expect(vaultKeyOf({ vault: "RSV/Prod" })).toMatch(/^rsv%2Fprod\|n-[0-9a-f]{12}$/);
    expect(keys.dayVault("2026-11-24", "rsv|x")).toBe("2026-11-24|rsv|x");
    expect(keys.job("vm|k", " ABC-def ")).toBe("vm|k|abc-def");
    expect(vmKeyOfJobRow(keys.job(k, "j#1"))).toBe(k);
    expect(keys.vaultScope("rsv|x")).toBe("vault|rsv|x");
    expect(keys.codeScope("UserErrorVmNotRunning")).toBe("code|usererrorvmnotrunning");
    // a VM name's bucket: the same for any spelling of the name, one of 256
    expect(keys.vmNameBucket(" VM-App-01")).toBe(keys.vmNameBucket("vm-app-01"));
    expect(keys.vmNameBucket("vm-app-01")).toMatch(/^[0-9a-f]{2}$/);
    expect(new Set(Array.from({ length: 2000 }, (_, i) => keys.vmNameBucket(`vm-${i}`))).size).toBe(256);
  });

  it("read a range of days and a RowKey prefix as key ranges, with quotes escaped", () => {
    expect(daysFilter("2026-11-24")).toBe("PartitionKey ge '2026-11-24|' and PartitionKey lt '2026-11-24}'");
    expect(daysFilter("2026-11-01", "2026-11-30")).toBe(
      "PartitionKey ge '2026-11-01|' and PartitionKey lt '2026-11-30}'",
    );
    expect(rowKeyPrefixFilter("o'brien|")).toBe("RowKey ge 'o''brien|' and RowKey lt 'o''brien}'");
  });
});
