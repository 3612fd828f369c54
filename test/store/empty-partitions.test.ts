/**
 * Partitions that should hold nothing are not read: a day's first write lists no `PulseJobs` partition of the
 * day and no `PulseVms` partition of a new vault, and the day before is read only in the vaults its index
 * lists. A partition that holds rows after all (a run that stopped half-way) is found out and written right.
 */
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { TableClient } from "@azure/data-tables";
import { keys, TABLE_NAMES, vaultKeyOf } from "../../src/store/keys.js";
import { TrendStore } from "../../src/store/trend-store.js";
import { storedJob } from "../support/jobs.js";

const connectionString = inject("tablesConnection");
const ws = [{ workspaceId: "11111111-1111-1111-1111-111111111111", ok: true }];
const day = "2026-11-24";

async function freshStore(): Promise<{ store: TrendStore; prefix: string }> {
  const prefix = `ep${process.pid}x${Math.random().toString(36).slice(2, 10)}`;
  const store = await TrendStore.open({ kind: "connection", connectionString }, undefined, {
    tablePrefix: prefix,
  });
  return { store, prefix };
}
function table(prefix: string, name: string): TableClient {
  return TableClient.fromConnectionString(connectionString, prefix + name, { allowInsecureConnection: true });
}
async function dump(prefix: string, name: string): Promise<unknown[]> {
  const rows: unknown[] = [];
  for await (const e of table(prefix, name).listEntities()) {
    const { etag: _etag, timestamp: _ts, ...rest } = e as Record<string, unknown>;
    rows.push(rest);
  }
  return rows;
}

/** The queries sent to a table of the store, as `<table> <filter>`. */
function watchQueries(): string[] {
  const seen: string[] = [];
  const original = Object.getOwnPropertyDescriptor(TableClient.prototype, "listEntities")
    ?.value as TableClient["listEntities"];
  vi.spyOn(TableClient.prototype, "listEntities").mockImplementation(function (this: TableClient, options) {
    seen.push(`${this.tableName} ${options?.queryOptions?.filter ?? ""}`);
    return original.call(this, options);
  });
  return seen;
}
afterEach(() => vi.restoreAllMocks());

const jobs = [
  storedJob({ vm: "vm-1", vault: "vault-a", start: `${day}T01:00:00.000Z` }),
  storedJob({ vm: "vm-2", vault: "vault-a", start: `${day}T02:00:00.000Z`, status: "Failed" }),
  storedJob({ vm: "vm-3", vault: "vault-b", start: `${day}T03:00:00.000Z` }),
];

describe("partitions that should hold nothing", () => {
  it("are not listed on a day's first write; a re-run that changes the day lists them", async () => {
    const { store, prefix } = await freshStore();
    const queries = watchQueries();
    await store.writeDay({ date: day, jobs, complete: true, workspaces: ws });
    const ofTable = (name: string): string[] => queries.filter((q) => q.startsWith(prefix + name + " "));
    expect(ofTable(TABLE_NAMES.jobs)).toEqual([]);
    expect(ofTable(TABLE_NAMES.vms)).toEqual([]);

    queries.length = 0;
    const changed = jobs.map((j) => (j.vm === "vm-1" ? { ...j, status: "Failed" as const } : j));
    await store.writeDay({ date: day, jobs: changed, complete: true, workspaces: ws });
    const vaultA = vaultKeyOf({ vault: "vault-a" });
    expect(ofTable(TABLE_NAMES.jobs)).toEqual([
      `${prefix}${TABLE_NAMES.jobs} PartitionKey eq '${keys.dayVault(day, vaultA)}'`,
    ]);
    expect(ofTable(TABLE_NAMES.vms)).toEqual([`${prefix}${TABLE_NAMES.vms} PartitionKey eq '${vaultA}'`]);
  });

  it("holding rows of a run that stopped half-way, are found out: the day ends as if written once", async () => {
    const { store, prefix } = await freshStore();
    await store.writeDay({ date: day, jobs, complete: true, workspaces: ws });
    // What a run that stopped after the vaults' rows leaves: no day index, no register, no run record.
    const runs = table(prefix, TABLE_NAMES.runs);
    for await (const row of runs.listEntities()) {
      if (row.partitionKey !== "meta") await runs.deleteEntity(row.partitionKey!, row.rowKey!);
    }
    const trends = table(prefix, TABLE_NAMES.trends);
    for await (const row of trends.listEntities()) await trends.deleteEntity(row.partitionKey!, row.rowKey!);

    // The next run no longer has vm-2's job: its rows (job, state, name) must go.
    const rerun = jobs.filter((j) => j.vm !== "vm-2");
    await store.writeDay({ date: day, jobs: rerun, complete: true, workspaces: ws });
    const fresh = await freshStore();
    await fresh.store.writeDay({ date: day, jobs: rerun, complete: true, workspaces: ws });
    for (const name of [TABLE_NAMES.jobs, TABLE_NAMES.vms, TABLE_NAMES.vmNames, TABLE_NAMES.trends]) {
      expect(await dump(prefix, name), name).toEqual(await dump(fresh.prefix, name));
    }
    expect((await store.readDayJobs(day)).map((j) => j.vm).sort()).toEqual(["vm-1", "vm-3"]);
  });

  it("reads the day before only in the vaults its index lists", async () => {
    const { store, prefix } = await freshStore();
    await store.writeDay({ date: day, jobs: jobs.slice(0, 2), complete: true, workspaces: ws });
    const queries = watchQueries();
    const outcomes = await store.readDayOutcomes(day, [{ vault: "vault-a" }, { vault: "vault-b" }]);
    expect(outcomes.map((o) => o.vm).sort()).toEqual(["vm-1", "vm-2"]);
    const jobQueries = queries.filter((q) => q.startsWith(prefix + TABLE_NAMES.jobs + " "));
    expect(jobQueries).toEqual([
      `${prefix}${TABLE_NAMES.jobs} PartitionKey eq '${keys.dayVault(day, vaultKeyOf({ vault: "vault-a" }))}'`,
    ]);
    queries.length = 0;
    expect(await store.readDayOutcomes("2026-11-23", [{ vault: "vault-a" }])).toEqual([]);
    expect(queries.filter((q) => q.startsWith(prefix + TABLE_NAMES.jobs + " "))).toEqual([]);
  });
});
