import { describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { keys, TABLE_NAMES, vaultKeyOf, vmKeyOf } from "../../src/store/keys.js";
import { StoreLayoutError, TrendStore } from "../../src/store/trend-store.js";
import {
  applyNameChanges,
  NAMES_ROW,
  packNames,
  unpackNames,
  type VmNameEntry,
} from "../../src/store/vm-names.js";
import { storedJob } from "../support/jobs.js";

const connectionString = inject("tablesConnection");
const ws = [{ workspaceId: "11111111-1111-1111-1111-111111111111", ok: true }];
const byKey = (x: VmNameEntry, y: VmNameEntry): number =>
  `${x.vmKey}\t${x.vaultKey}`.localeCompare(`${y.vmKey}\t${y.vaultKey}`);

let seq = 0;
function tablePrefix(): string {
  seq += 1;
  return `vn${process.pid}x${seq}x${Math.random().toString(36).slice(2, 8)}`;
}
function table(prefix: string, name: string): TableClient {
  return TableClient.fromConnectionString(connectionString, prefix + name, { allowInsecureConnection: true });
}
const open = (prefix: string, createTables = true): Promise<TrendStore> =>
  TrendStore.open({ kind: "connection", connectionString }, undefined, { tablePrefix: prefix, createTables });

describe("the VM name index", () => {
  it("packs a bucket's entries into one entity, in parts under the size of a string property, and reads them back", () => {
    const entries = Array.from({ length: 2_000 }, (_, i) => ({
      vmKey: vmKeyOf({
        vm: `vm-${i}`,
        vault: "rsv",
        vmId: `/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm-${i}`,
      }),
      vaultKey: vaultKeyOf({ vault: "rsv" }),
    }));
    const row = packNames("0a", [...entries, ...entries.slice(0, 10)]);
    expect(row).toMatchObject({ partitionKey: "0a", rowKey: NAMES_ROW, vms: 2_000 });
    const parts = Object.keys(row).filter((k) => k.startsWith("part"));
    expect(parts.length).toBeGreaterThan(1);
    for (const p of parts) expect((row[p] as string).length).toBeLessThanOrEqual(30_000);
    expect(unpackNames(row).sort(byKey)).toEqual([...entries].sort(byKey));
    expect(unpackNames(null)).toEqual([]);
  });

  it("refuses a bucket that would not fit in one entity, naming it", () => {
    const many = Array.from({ length: 10_000 }, (_, i) => ({
      vmKey: `${"v".repeat(40)}-${i}|0123456789ab`,
      vaultKey: `${"r".repeat(20)}|0123456789ab`,
    }));
    expect(() => packNames("7f", many)).toThrow(
      "the VM name bucket 7f of PulseVmNames would exceed one entity",
    );
  });

  it("keeps both changes when two runs change one bucket at the same time", async () => {
    const prefix = tablePrefix();
    await open(prefix);
    const names = table(prefix, TABLE_NAMES.vmNames);
    const add = (vm: string) => ({ vmKey: `${vm}|0123456789ab`, vaultKey: "rsv|ba9876543210", add: true });
    const runs = Array.from({ length: 6 }, (_, i) => applyNameChanges(names, "3c", [add(`vm-${i}`)]));
    expect(await Promise.all(runs)).toEqual(Array(6).fill(true));
    const stored = unpackNames(await names.getEntity("3c", NAMES_ROW));
    expect(stored.map((e) => e.vmKey).sort()).toEqual(
      Array.from({ length: 6 }, (_, i) => `vm-${i}|0123456789ab`),
    );
    // nothing to change: nothing sent; the last entry removed: the bucket's entity goes
    expect(await applyNameChanges(names, "3c", [add("vm-0")])).toBe(false);
    const all = stored.map((e) => ({ ...e, add: false }));
    expect(await applyNameChanges(names, "3c", all)).toBe(true);
    await expect(names.getEntity("3c", NAMES_ROW)).rejects.toMatchObject({ statusCode: 404 });
  });

  it("upgrades a store of layout 3 in place on the daily run's open, and readers wait for it", async () => {
    const prefix = tablePrefix();
    const store = await open(prefix);
    const jobs = [
      storedJob({ vm: "web01", vault: "rsv-a" }),
      storedJob({ vm: "web01", vault: "rsv-b" }),
      storedJob({ vm: "db01", vault: "rsv-a" }),
    ];
    await store.writeDay({ date: "2026-11-24", jobs, complete: true, workspaces: ws });
    // turn it into layout 3: one name row per VM (RowKey its key, the vault's key a column)
    const names = table(prefix, TABLE_NAMES.vmNames);
    for await (const row of names.listEntities()) await names.deleteEntity(row.partitionKey!, row.rowKey!);
    for (const j of jobs) {
      await names.createEntity({
        partitionKey: keys.vmNameBucket(j.vm),
        rowKey: vmKeyOf(j),
        vm: j.vm,
        vault: j.vault,
        vaultKey: vaultKeyOf(j),
      });
    }
    const runs = table(prefix, TABLE_NAMES.runs);
    await runs.upsertEntity({ partitionKey: "meta", rowKey: "schema", version: 3 }, "Replace");

    await expect(open(prefix, false)).rejects.toThrow(StoreLayoutError);
    await expect(open(prefix, false)).rejects.toThrow(
      "which the next daily run (or `backup-pulse run`) upgrades in place",
    );

    const upgraded = await open(prefix);
    expect(await runs.getEntity("meta", "schema")).toMatchObject({ version: 4 });
    const rows = [];
    for await (const row of names.listEntities()) rows.push(row);
    // one entity per bucket of the names, the rows of layout 3 gone
    const buckets = [...new Set(["web01", "db01"].map((n) => keys.vmNameBucket(n)))].sort();
    expect(rows.map((r) => [r.partitionKey, r.rowKey])).toEqual(buckets.map((b) => [b, NAMES_ROW]));
    expect(rows.flatMap((r) => unpackNames(r)).sort(byKey)).toEqual(
      jobs.map((j) => ({ vmKey: vmKeyOf(j), vaultKey: vaultKeyOf(j) })).sort(byKey),
    );
    // the VM called web01 is found in both vaults again, and only in the vault asked for
    const range = { from: "2026-11-24", to: "2026-11-24" };
    expect((await upgraded.readTrends({ ...range, vm: "WEB01" })).map((t) => t.scope).sort()).toHaveLength(2);
    expect(await upgraded.readTrends({ ...range, vm: "web01", vault: "rsv-b" })).toHaveLength(1);
    expect(await (await open(prefix, false)).knowsScope({ ...range, vm: "db01" })).toBe(true);
  });
});
