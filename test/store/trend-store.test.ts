import { beforeAll, describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import type { ClassifiedJob } from "../../src/domain/model.js";
import { keys, TABLE_NAMES, vaultKeyOf, vmKeyOf } from "../../src/store/keys.js";
import type { Row } from "../../src/store/entity.js";
import { StoreLayoutError, TrendStore, type StoredJob } from "../../src/store/trend-store.js";
import { unpackNames, type VmNameEntry } from "../../src/store/vm-names.js";
import { storedJob } from "../support/jobs.js";

const connectionString = inject("tablesConnection");
const job = storedJob;
const failed = (over: Partial<ClassifiedJob> = {}): StoredJob =>
  job({
    status: "Failed",
    consistency: "none",
    degraded: true,
    errorCode: "ExtensionFailedVssWriterInBadState",
    errorCategory: "vss",
    ...over,
  });
const byVmKey = (x: VmNameEntry, y: VmNameEntry): number => x.vmKey.localeCompare(y.vmKey);
const ws = [{ workspaceId: "11111111-1111-1111-1111-111111111111", ok: true }];

let prefixSeq = 0;
/** A store on its own tables (a unique prefix per test keeps tests apart on the shared Azurite). */
async function freshStore(): Promise<{ store: TrendStore; prefix: string }> {
  prefixSeq += 1;
  const prefix = `ts${process.pid}x${prefixSeq}x${Math.random().toString(36).slice(2, 8)}`;
  const store = await TrendStore.open({ kind: "connection", connectionString }, undefined, {
    tablePrefix: prefix,
  });
  return { store, prefix };
}

/** Every entity of a table, as stored (for "nothing changed" comparisons). */
async function dump(prefix: string, table: string): Promise<unknown[]> {
  const client = TableClient.fromConnectionString(connectionString, prefix + table, {
    allowInsecureConnection: true,
  });
  const rows: unknown[] = [];
  for await (const e of client.listEntities()) {
    const { etag: _etag, timestamp: _ts, ...rest } = e as Record<string, unknown>;
    rows.push(rest);
  }
  return rows;
}
const contentTables = [TABLE_NAMES.trends, TABLE_NAMES.jobs, TABLE_NAMES.vms, TABLE_NAMES.vmNames];

describe("TrendStore against Azurite", () => {
  const d1 = "2026-11-22";
  const d2 = "2026-11-23";
  let store: TrendStore;

  beforeAll(async () => {
    ({ store } = await freshStore());
    await store.writeDay({
      date: d1,
      jobs: [
        job({ start: `${d1}T01:00:00Z` }),
        job({ vm: "vm-sql-01", start: `${d1}T01:30:00Z` }),
        job({ vm: "vm-web-01", vault: "vault-b", start: `${d1}T02:00:00Z` }),
      ],
      complete: true,
      workspaces: ws,
    });
    await store.writeDay({
      date: d2,
      jobs: [
        failed({ start: `${d2}T01:00:00Z` }),
        job({
          vm: "vm-sql-01",
          start: `${d2}T01:30:00Z`,
          status: "CompletedWithWarnings",
          consistency: "file-system",
          degraded: true,
          errorCode: "ExtensionFailedVssWriterInBadState",
          errorCategory: "vss",
        }),
        job({ vm: "vm-web-01", vault: "vault-b", start: `${d2}T02:00:00Z` }),
      ],
      complete: false,
      workspaces: [...ws, { workspaceId: "22222222-2222-2222-2222-222222222222", ok: false }],
      rowsRejected: 4,
    });
  });

  it("reads a day across the fleet and a range oldest first, as plain numbers", async () => {
    const all = await store.readTrends({ from: d1, to: d2 });
    expect(
      all.map((t) => [t.date, t.scope, t.jobs, t.failed, t.application, t.fileSystem, t.degraded]),
    ).toEqual([
      [d1, "all", 3, 0, 3, 0, 0],
      [d2, "all", 3, 1, 1, 1, 2],
    ]);
    expect(all.map((t) => t.complete)).toEqual([true, false]); // the day's read was partial on d2
    for (const t of all)
      for (const [k, v] of Object.entries(t))
        expect(k === "complete" ? ["boolean"] : ["string", "number"]).toContain(typeof v);
    expect(JSON.parse(JSON.stringify(all))).toEqual(all);
  });

  it("reads a vault over a range, case-insensitively; an unknown vault gives no rows, never zeros", async () => {
    const vault = await store.readTrends({ from: "2026-11-01", to: "2026-11-30", vault: "VAULT-B" });
    expect(vault.map((t) => [t.date, t.scope, t.jobs, t.complete, t.vaultId])).toEqual([
      [d1, "vault:vault-b", 1, true, null],
      [d2, "vault:vault-b", 1, false, null],
    ]);
    expect(await store.knowsScope({ from: d1, to: d2, vault: "vault-b" })).toBe(true);
    const none = { from: d1, to: d2, vault: "vault-z" };
    expect(await store.readTrends(none)).toEqual([]);
    expect(await store.knowsScope(none)).toBe(false);
    // a known vault outside the range: no rows, but the vault is known
    const before = { from: "2026-10-01", to: "2026-10-31", vault: "vault-b" };
    expect(await store.readTrends(before)).toEqual([]);
    expect(await store.knowsScope(before)).toBe(true);
  });

  it("reads a VM's history and an error code's history", async () => {
    const vm = await store.readTrends({ from: d1, to: d2, vm: "vm-app-01" });
    expect(vm.map((t) => [t.date, t.scope, t.jobs, t.failed, t.application])).toEqual([
      [d1, "vm:vm-app-01", 1, 0, 1],
      [d2, "vm:vm-app-01", 1, 1, 0],
    ]);
    const code = await store.readTrends({ from: d1, to: d2, code: "extensionfailedvsswriterinbadstate" });
    expect(code.map((t) => [t.date, t.scope, t.jobs, t.failed, t.fileSystem])).toEqual([
      [d1, "code:ExtensionFailedVssWriterInBadState", 0, 0, 0], // the stored spelling names the series
      [d2, "code:ExtensionFailedVssWriterInBadState", 2, 1, 1],
    ]);
  });

  it("keeps per-VM state with streaks, and a run record per day", async () => {
    const app = await store.readVmState("VM-APP-01", "Vault-A");
    expect(app).toMatchObject({
      failingDays: 1,
      belowExpectedDays: 1,
      lastGoodPointAt: `${d1}T01:00:00.000Z`,
      lastStatus: "Failed",
      history: "AX",
      historyEnd: d2,
    });
    const sql = await store.readVmState("vm-sql-01", "vault-a");
    expect(sql).toMatchObject({ failingDays: 0, belowExpectedDays: 1, history: "Af" });
    const states = [];
    for await (const s of store.readVmStates()) states.push(s);
    expect(states.map((s) => `${s.vault}/${s.vm}`).sort()).toEqual([
      "vault-a/vm-app-01",
      "vault-a/vm-sql-01",
      "vault-b/vm-web-01",
    ]);
    const run = await store.readRun(d2);
    expect(run).toMatchObject({
      complete: false,
      jobs: 3,
      vms: 3,
      vaults: 2,
      failed: 1,
      workspacesOk: 1,
      workspacesFailed: 1,
      failedWorkspaceIds: ["22222222-2222-2222-2222-222222222222"],
      workspaceIds: ["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"],
      rowsRejected: 4,
    });
    expect(typeof run?.jobs).toBe("number");
    expect(await store.readRun("2026-01-01")).toBeNull();
    const jobs = await store.readDayJobs(d2);
    expect(jobs).toHaveLength(3);
    expect(jobs.find((j) => j.status === "Failed")).toMatchObject({
      vm: "vm-app-01",
      errorCategory: "vss",
      durationSec: 610,
      start: `${d2}T01:00:00.000Z`,
    });
  });
});

describe("TrendStore identity and layout", () => {
  const sub = (s: string, rg: string, kind: string, name: string): string =>
    `/subscriptions/${s}/resourcegroups/${rg}/providers/${kind}/${name}`;
  const vmId = (s: string, rg: string): string => sub(s, rg, "microsoft.compute/virtualmachines", "web01");
  const vaultId = (s: string): string => sub(s, "rg-bk", "microsoft.recoveryservices/vaults", "rsv");

  it("keeps three VMs called web01 apart: two resource groups behind one vault, one behind a same-named vault", async () => {
    const { store, prefix } = await freshStore();
    const a = { vm: "web01", vault: "rsv", vmId: vmId("s1", "rg-a"), vaultId: vaultId("s1") };
    const b = { vm: "web01", vault: "rsv", vmId: vmId("s1", "rg-b"), vaultId: vaultId("s1") };
    const c = { vm: "web01", vault: "rsv", vmId: vmId("s2", "rg-a"), vaultId: vaultId("s2") };
    await store.writeDay({
      date: "2026-11-24",
      jobs: [job(a), failed(b), failed(c)],
      complete: true,
      workspaces: ws,
    });
    const states = [];
    for await (const s of store.readVmStates()) states.push(s);
    expect(states.map((s) => [s.vmId, s.vaultId, s.failingDays]).sort()).toEqual(
      [
        [a.vmId, a.vaultId, 0],
        [b.vmId, b.vaultId, 1],
        [c.vmId, c.vaultId, 1],
      ].sort(),
    );
    expect(await store.readVmState("web01", "rsv", b)).toMatchObject({ vmId: b.vmId, failingDays: 1 });
    expect(await store.readRun("2026-11-24")).toMatchObject({ jobs: 3, vms: 3, vaults: 2 });
    // the three VMs called web01 are three entries of one name bucket, each naming its own PulseVms row
    const names = (await dump(prefix, TABLE_NAMES.vmNames)) as Row[];
    expect(names.map((r) => [r.partitionKey, r.rowKey])).toEqual([[keys.vmNameBucket("web01"), "names"]]);
    expect(unpackNames(names[0] ?? null).sort(byVmKey)).toEqual(
      [a, b, c].map((v) => ({ vmKey: vmKeyOf(v), vaultKey: vaultKeyOf(v) })).sort(byVmKey),
    );
    // two vault rows of the day, one per vault ID
    const vaultRows = (await dump(prefix, TABLE_NAMES.trends)).filter((r) =>
      (r as { partitionKey: string }).partitionKey.startsWith("vault|"),
    );
    expect(vaultRows.map((r) => [(r as { id: string }).id, (r as { jobs: number }).jobs]).sort()).toEqual(
      [
        [vaultId("s1"), 2],
        [vaultId("s2"), 1],
      ].sort(),
    );
    const jobs = await store.readDayJobs("2026-11-24");
    expect(jobs.map((j) => j.vmId).sort()).toEqual([a.vmId, b.vmId, c.vmId].sort());
  });

  it("gives each VM or vault sharing a name its own rows with its IDs, only on stored days; an ID reads its own", async () => {
    const { store, prefix } = await freshStore();
    const a = { vm: "web01", vault: "rsv", vmId: vmId("s1", "rg-a"), vaultId: vaultId("s1") };
    const b = { vm: "web01", vault: "rsv", vmId: vmId("s1", "rg-b"), vaultId: vaultId("s1") };
    const c = { vm: "web01", vault: "rsv", vmId: vmId("s2", "rg-a"), vaultId: vaultId("s2") };
    const day = (date: string, jobs: StoredJob[], complete: boolean) =>
      store.writeDay({ date, jobs, complete, workspaces: ws });
    await day("2026-11-23", [job({ ...a, start: "2026-11-23T02:00:00Z" })], true);
    await day("2026-11-24", [job(a), failed(b), failed(c)], true);
    await day("2026-11-25", [job({ ...a, start: "2026-11-25T02:00:00Z" })], false);
    const range = { from: "2026-11-20", to: "2026-11-30" };
    const vms = await store.readTrends({ ...range, vm: "WEB01" });
    expect(vms.map((t) => [t.date, t.scope, t.vmId, t.vaultId, t.jobs, t.failed, t.complete])).toEqual([
      ["2026-11-23", "vm:web01", a.vmId, a.vaultId, 1, 0, true],
      ["2026-11-24", "vm:web01", a.vmId, a.vaultId, 1, 0, true],
      ["2026-11-24", "vm:web01", b.vmId, b.vaultId, 1, 1, true],
      ["2026-11-24", "vm:web01", c.vmId, c.vaultId, 1, 1, true],
      ["2026-11-25", "vm:web01", a.vmId, a.vaultId, 1, 0, false],
    ]);
    const byId = await store.readTrends({ ...range, vm: "web01", vmId: b.vmId });
    expect(byId.map((t) => [t.date, t.vmId, t.failed])).toEqual([["2026-11-24", b.vmId, 1]]);
    const inVault = await store.readTrends({ ...range, vm: "web01", vault: "rsv", vaultId: c.vaultId });
    expect(inVault.map((t) => [t.date, t.vmId])).toEqual([["2026-11-24", c.vmId]]);

    const vaults = await store.readTrends({ ...range, vault: "RSV" });
    expect(vaults.map((t) => [t.date, t.scope, t.vaultId, t.jobs, t.complete])).toEqual([
      ["2026-11-23", "vault:rsv", a.vaultId, 1, true],
      ["2026-11-24", "vault:rsv", a.vaultId, 2, true],
      ["2026-11-24", "vault:rsv", c.vaultId, 1, true],
      ["2026-11-25", "vault:rsv", a.vaultId, 1, false],
    ]);
    const oneVault = await store.readTrends({ ...range, vault: "rsv", vaultId: c.vaultId });
    expect(oneVault.map((t) => [t.date, t.vaultId, t.jobs])).toEqual([["2026-11-24", c.vaultId, 1]]);

    // Without its run record a day is not stored: none of its rows is shown, whatever the scope.
    const runs = TableClient.fromConnectionString(connectionString, prefix + TABLE_NAMES.runs, {
      allowInsecureConnection: true,
    });
    await runs.deleteEntity("run", "2026-11-23");
    for (const scope of [{ vm: "web01" }, { vault: "rsv" }, {}]) {
      const dates = (await store.readTrends({ ...range, ...scope })).map((t) => t.date);
      expect(dates[0]).toBe("2026-11-24");
    }

    const other = vmId("s9", "rg-a");
    expect(await store.readTrends({ ...range, vm: "web01", vmId: other })).toEqual([]);
    expect(await store.knowsScope({ ...range, vm: "web01", vmId: other })).toBe(false);
    expect(await store.knowsScope({ ...range, vm: "web02" })).toBe(false);
    expect(await store.knowsScope({ ...range, vm: "web01", vault: "rsv", vaultId: vaultId("s9") })).toBe(
      false,
    );
    expect(await store.knowsScope({ ...range, vm: "web01", vmId: a.vmId })).toBe(true);
    expect(await store.knowsScope({ ...range, vault: "rsv", vaultId: vaultId("s9") })).toBe(false);
    expect(await store.knowsScope({ ...range, code: "Anything" })).toBe(true);
  });

  it("writes the layout version on a new store and refuses a store of the first layout or another version", async () => {
    const { prefix } = await freshStore();
    const runs = TableClient.fromConnectionString(connectionString, `${prefix}PulseRuns`, {
      allowInsecureConnection: true,
    });
    expect(await runs.getEntity("meta", "schema")).toMatchObject({ version: 4 });
    const open = (p: string): Promise<TrendStore> =>
      TrendStore.open({ kind: "connection", connectionString }, undefined, { tablePrefix: p });
    await expect(open(prefix)).resolves.toBeInstanceOf(TrendStore);

    await runs.upsertEntity({ partitionKey: "meta", rowKey: "schema", version: 2 }, "Replace");
    await expect(open(prefix)).rejects.toThrow(
      "this Table Storage account holds backup-pulse trend tables of an older layout (v2); point PULSE_TABLES_* at a new account or delete the Pulse* tables",
    );

    const old = `v1${prefix}`;
    const daily = TableClient.fromConnectionString(connectionString, `${old}PulseDaily`, {
      allowInsecureConnection: true,
    });
    await daily.createTable();
    await daily.upsertEntity({ partitionKey: "2026-11-24", rowKey: "all", jobs: 3 });
    await expect(open(old)).rejects.toThrow(StoreLayoutError);
    await expect(open(old)).rejects.toThrow("older layout (v1)");
  });
});

describe("TrendStore re-runs", () => {
  it("re-running a day with the same jobs changes no stored entity", async () => {
    const { store, prefix } = await freshStore();
    const jobs = [job(), failed({ vm: "vm-b" }), job({ vm: "vm-c", vault: "vault-b" })];
    const first = await store.writeDay({ date: "2026-11-24", jobs, complete: true, workspaces: ws });
    const before = await Promise.all(contentTables.map((t) => dump(prefix, t)));
    const again = await store.writeDay({
      date: "2026-11-24",
      jobs: [...jobs].reverse(),
      complete: true,
      workspaces: ws,
    });
    // nothing changed, so nothing but the run record is written again
    expect(first.transactionsByTable[TABLE_NAMES.jobs]).toBe(2); // two vaults
    expect(again.transactionsByTable).toEqual({ [TABLE_NAMES.runs]: 1 });
    expect(again.entitiesByTable).toEqual({ [TABLE_NAMES.runs]: 1 });
    const after = await Promise.all(contentTables.map((t) => dump(prefix, t)));
    expect(after).toEqual(before);
    expect((await store.readTrends({ from: "2026-11-24", to: "2026-11-24" }))[0]?.jobs).toBe(3);
  });

  it("reads every VM state vault by vault from the register, which each new vault joins", async () => {
    const { store } = await freshStore();
    const jobs = Array.from({ length: 20 }, (_, v) =>
      Array.from({ length: 3 }, (_, i) =>
        job({ vault: `vault-${String(v).padStart(2, "0")}`, vm: `vm-${i}` }),
      ),
    ).flat();
    await store.writeDay({ date: "2026-11-24", jobs, complete: true, workspaces: ws });
    const read = async (): Promise<string[]> => {
      const names: string[] = [];
      for await (const s of store.readVmStates()) names.push(`${s.vault}/${s.vm}`);
      return names;
    };
    const all = jobs.map((j) => `${j.vault}/${j.vm}`);
    expect(await read()).toEqual(all); // vault order, then VM order

    // a vault's later day adds no register row; a new vault adds its own
    const next = await store.writeDay({
      date: "2026-11-25",
      jobs: [
        job({ vault: "vault-00", vm: "vm-0", start: "2026-11-25T02:00:00Z" }),
        job({ vault: "vault-20", vm: "vm-0", start: "2026-11-25T02:00:00Z" }),
      ],
      complete: true,
      workspaces: ws,
    });
    // one register row, the day's index (the fleet, two vaults), the run record
    expect(next.entitiesByTable[TABLE_NAMES.runs]).toBe(1 + 3 + 1);
    expect(await read()).toEqual([...all, "vault-20/vm-0"]);
  });

  it("a late job found when re-reading an earlier day is counted on its own day", async () => {
    const { store } = await freshStore();
    await store.writeDay({
      date: "2026-11-23",
      jobs: [job({ start: "2026-11-23T02:00:00Z" })],
      complete: true,
      workspaces: ws,
    });
    await store.writeDay({
      date: "2026-11-24",
      jobs: [job({ start: "2026-11-24T02:00:00Z" })],
      complete: true,
      workspaces: ws,
    });
    // the look-back re-reads the 23rd, which now has a late failed job of another VM
    await store.writeDay({
      date: "2026-11-23",
      jobs: [
        job({ start: "2026-11-23T02:00:00Z", jobId: "00000000-0000-0000-0000-000000000001" }),
        failed({ vm: "vm-late", start: "2026-11-23T23:50:00Z" }),
      ],
      complete: true,
      workspaces: ws,
    });
    const all = await store.readTrends({ from: "2026-11-23", to: "2026-11-24" });
    expect(all.map((t) => [t.date, t.jobs, t.failed])).toEqual([
      ["2026-11-23", 2, 1],
      ["2026-11-24", 1, 0],
    ]);
    expect(await store.readVmState("vm-late", "vault-a")).toMatchObject({
      failingDays: 1,
      history: "X",
      historyEnd: "2026-11-23",
    });
  });

  it("a re-run with fewer jobs removes the stale rows, so the day is exactly the new result", async () => {
    const { store, prefix } = await freshStore();
    const keep = job();
    const gone = failed({ vm: "vm-gone", vault: "vault-gone" });
    await store.writeDay({ date: "2026-11-24", jobs: [keep, gone], complete: true, workspaces: ws });
    expect(await store.readVmState("vm-gone", "vault-gone")).not.toBeNull();

    await store.writeDay({ date: "2026-11-24", jobs: [keep], complete: true, workspaces: ws });
    const fresh = await freshStore();
    await fresh.store.writeDay({ date: "2026-11-24", jobs: [keep], complete: true, workspaces: ws });
    for (const t of contentTables) {
      expect(await dump(prefix, t), t).toEqual(await dump(fresh.prefix, t));
    }
    // the vault has no job left on any stored day: no row (never a row of zeros), and it is not known any more
    const goneVault = { from: "2026-11-24", to: "2026-11-24", vault: "vault-gone" };
    expect(await store.readTrends(goneVault)).toEqual([]);
    expect(await store.knowsScope(goneVault)).toBe(false);
    expect(await store.readVmState("vm-gone", "vault-gone")).toBeNull();
  });

  it("VM streaks follow the days, and a re-run of an earlier day updates them", async () => {
    const { store } = await freshStore();
    const day = (d: string, ok: boolean): Promise<unknown> =>
      store.writeDay({
        date: d,
        jobs: [ok ? job({ start: `${d}T02:00:00Z` }) : failed({ start: `${d}T02:00:00Z` })],
        complete: true,
        workspaces: ws,
      });
    await day("2026-11-20", true);
    await day("2026-11-21", false);
    await day("2026-11-22", false);
    await day("2026-11-23", false);
    expect(await store.readVmState("vm-app-01", "vault-a")).toMatchObject({
      failingDays: 3,
      history: "AXXX",
    });
    // late data: the 22nd did succeed after all
    await day("2026-11-22", true);
    expect(await store.readVmState("vm-app-01", "vault-a")).toMatchObject({
      failingDays: 1,
      belowExpectedDays: 1,
      history: "AXAX",
      lastGoodPointAt: "2026-11-22T02:00:00.000Z",
    });
    // the latest day loses its job on a re-run: the state falls back to the stored 22nd
    await store.writeDay({ date: "2026-11-23", jobs: [], complete: true, workspaces: ws });
    expect(await store.readVmState("vm-app-01", "vault-a")).toMatchObject({
      failingDays: 0,
      history: "AXA",
      historyEnd: "2026-11-22",
      lastJobAt: "2026-11-22T02:00:00.000Z",
      lastStatus: "Completed",
    });
  });
});

describe("TrendStore batches and keys", () => {
  it("writes 250 jobs of one day in exactly 3 transactions of PulseJobs", async () => {
    const { store } = await freshStore();
    const jobs = Array.from({ length: 250 }, (_, i) => job({ vm: `vm-${String(i).padStart(3, "0")}` }));
    const sentBefore = store.transactionsSent;
    const result = await store.writeDay({ date: "2026-11-24", jobs, complete: true, workspaces: ws });
    expect(result.transactionsByTable[TABLE_NAMES.jobs]).toBe(3);
    expect(store.transactionsSent - sentBefore).toBe(result.transactions);
    expect((await store.readDayJobs("2026-11-24")).length).toBe(250);
  });

  it("stores names with quotes, slashes and # safely, and a filter injection through a name finds nothing extra", async () => {
    const { store } = await freshStore();
    const odd = "vault/o'brien#1\\x?y|z";
    await store.writeDay({
      date: "2026-11-24",
      jobs: [job({ vault: odd, vm: "vm'a/b" }), job({ vault: "vault-b", vm: "vm-2" })],
      complete: true,
      workspaces: ws,
    });
    const t = await store.readTrends({ from: "2026-11-24", to: "2026-11-24", vault: odd });
    expect(t.map((x) => [x.scope, x.jobs])).toEqual([[`vault:${odd}`, 1]]);
    expect(await store.readVmState("vm'a/b", odd)).toMatchObject({ vm: "vm'a/b", vault: odd });
    expect((await store.readDayJobs("2026-11-24")).map((j) => j.vault).sort()).toEqual(
      [odd, "vault-b"].sort(),
    );

    const injection = "x' or PartitionKey ne '";
    const injected = { from: "2026-11-24", to: "2026-11-24", vault: injection };
    expect(await store.readTrends(injected)).toEqual([]);
    expect(await store.knowsScope(injected)).toBe(false);
    const vmInjected = { from: "2026-11-24", to: "2026-11-24", vm: injection };
    expect(await store.readTrends(vmInjected)).toEqual([]);
    expect(await store.knowsScope(vmInjected)).toBe(false);
  });
});

describe("TrendStore partitions: a day split by vault", () => {
  const day = "2026-11-24";
  /** PartitionKey → RowKeys of one table, as stored. */
  async function partitions(prefix: string, table: string): Promise<Map<string, string[]>> {
    const out = new Map<string, string[]>();
    for (const row of (await dump(prefix, table)) as { partitionKey: string; rowKey: string }[]) {
      out.set(row.partitionKey, [...(out.get(row.partitionKey) ?? []), row.rowKey]);
    }
    return out;
  }

  it("stores each vault's day in its own partition and reads a day across vaults back whole", async () => {
    const { store, prefix } = await freshStore();
    const odd = "Vault/Prod#1";
    const jobs = [
      job({ vault: "vault-a", vm: "vm-1", start: `${day}T01:00:00Z` }),
      job({ vault: "vault-a", vm: "vm-2", start: `${day}T02:00:00Z` }),
      failed({ vault: "vault-b", vm: "vm-1", start: `${day}T03:00:00Z` }),
      job({ vault: odd, vm: "vm-3", start: `${day}T04:00:00Z` }),
    ];
    // neighbouring days must stay out of the day's range
    for (const d of ["2026-11-23", "2026-11-25"]) {
      await store.writeDay({
        date: d,
        jobs: [job({ vault: "vault-a", vm: "vm-1", start: `${d}T01:00:00Z` })],
        complete: true,
        workspaces: ws,
      });
    }
    await store.writeDay({ date: day, jobs, complete: true, workspaces: ws });

    // keys without resource IDs are built from the names: `<name>|n-<12 hex of sha256>`
    const vk = (vault: string): string => vaultKeyOf({ vault });
    expect(vk("vault-a")).toMatch(/^vault-a\|n-[0-9a-f]{12}$/);
    expect(vk(odd)).toMatch(/^vault%2Fprod%231\|n-[0-9a-f]{12}$/);
    expect(
      [...(await partitions(prefix, TABLE_NAMES.jobs)).keys()].filter((pk) => pk.startsWith(day)),
    ).toEqual([`${day}|${vk(odd)}`, `${day}|${vk("vault-a")}`, `${day}|${vk("vault-b")}`]);
    expect((await partitions(prefix, TABLE_NAMES.vms)).get(vk("vault-a"))).toEqual(
      [vmKeyOf({ vm: "vm-1", vault: "vault-a" }), vmKeyOf({ vm: "vm-2", vault: "vault-a" })].sort(),
    );
    // the VM called vm-1 in vault-a and the one in vault-b are two VMs: one name entry each
    const bucket = (await dump(prefix, TABLE_NAMES.vmNames)) as Row[];
    const entries = unpackNames(bucket.find((r) => r.partitionKey === keys.vmNameBucket("vm-1")) ?? null);
    expect(entries.filter((e) => e.vmKey.startsWith("vm-1|")).sort(byVmKey)).toEqual(
      ["vault-a", "vault-b"]
        .map((vault) => ({ vmKey: vmKeyOf({ vm: "vm-1", vault }), vaultKey: vaultKeyOf({ vault }) }))
        .sort(byVmKey),
    );
    const stored = await store.readDayJobs(day);
    expect(stored.map((j) => j.jobId).sort()).toEqual(jobs.map((j) => j.jobId).sort());
    expect((await store.readVmDays(day)).map((d) => `${d.vault}/${d.vm}/${d.date}`).sort()).toEqual(
      [`${odd}/vm-3/${day}`, `vault-a/vm-1/${day}`, `vault-a/vm-2/${day}`, `vault-b/vm-1/${day}`].sort(),
    );
    // the VMs called vm-1 in vault-a and in vault-b each have their own rows; with a vault, only that vault's
    const vm1 = await store.readTrends({ from: "2026-11-23", to: "2026-11-25", vm: "VM-1" });
    expect(vm1.map((t) => [t.date, t.jobs, t.failed]).sort()).toEqual([
      ["2026-11-23", 1, 0],
      [day, 1, 0],
      [day, 1, 1],
      ["2026-11-25", 1, 0],
    ]);
    const vm1b = await store.readTrends({
      from: "2026-11-23",
      to: "2026-11-25",
      vm: "vm-1",
      vault: "VAULT-B",
    });
    expect(vm1b.map((t) => [t.date, t.jobs, t.failed])).toEqual([[day, 1, 1]]); // no job on the other days
    expect(await store.readVmState("vm-3", odd)).toMatchObject({ history: "A", historyEnd: day });
  });

  it("a re-run that moves a job to another vault removes its row from the old vault's partition", async () => {
    const { store, prefix } = await freshStore();
    const moved = job({ vault: "vault-a", vm: "vm-move", start: `${day}T01:00:00Z` });
    const stays = job({ vault: "vault-a", vm: "vm-stay", start: `${day}T02:00:00Z` });
    await store.writeDay({ date: day, jobs: [moved, stays], complete: true, workspaces: ws });
    const rerun = [{ ...moved, vault: "vault-b" }, stays];
    await store.writeDay({ date: day, jobs: rerun, complete: true, workspaces: ws });

    const jobs = await partitions(prefix, TABLE_NAMES.jobs);
    const [va, vb] = [vaultKeyOf({ vault: "vault-a" }), vaultKeyOf({ vault: "vault-b" })];
    const stay = vmKeyOf({ vm: "vm-stay", vault: "vault-a" });
    expect(jobs.get(`${day}|${va}`)).toEqual([`${stay}|${stays.jobId}`]);
    expect(jobs.get(`${day}|${vb}`)).toEqual([
      `${vmKeyOf({ vm: "vm-move", vault: "vault-b" })}|${moved.jobId}`,
    ]);
    expect((await partitions(prefix, TABLE_NAMES.vms)).get(va)).toEqual([stay]);
    expect(await store.readVmState("vm-move", "vault-a")).toBeNull();
    expect(await store.readVmState("vm-move", "vault-b")).toMatchObject({ history: "A" });
    // exactly what writing the new result once gives
    const fresh = await freshStore();
    await fresh.store.writeDay({ date: day, jobs: rerun, complete: true, workspaces: ws });
    for (const t of contentTables) expect(await dump(prefix, t), t).toEqual(await dump(fresh.prefix, t));
  });

  it("sends at most one transaction per 100 entities of each partition, deletes included", async () => {
    const { store } = await freshStore();
    const sizes = { "vault-a": 150, "vault-b": 100, "vault-c": 1 };
    const jobs = Object.entries(sizes).flatMap(([vault, n]) =>
      Array.from({ length: n }, (_, i) => job({ vault, vm: `vm-${i}` })),
    );
    const first = await store.writeDay({ date: day, jobs, complete: true, workspaces: ws });
    // ceil(150/100) + ceil(100/100) + ceil(1/100) per table keyed by vault
    for (const t of [TABLE_NAMES.jobs, TABLE_NAMES.vms]) {
      expect(first.transactionsByTable[t], t).toBe(4);
      expect(first.entitiesByTable[t], t).toBe(251);
    }
    // the new VMs enter the name index: one entity per bucket of their names (vm-0 … vm-149), written once
    const buckets = new Set(Array.from({ length: 150 }, (_, i) => keys.vmNameBucket(`vm-${i}`))).size;
    expect(first.entitiesByTable[TABLE_NAMES.vmNames]).toBe(buckets);
    expect(first.transactionsByTable[TABLE_NAMES.vmNames]).toBe(buckets);
    // one row of the day per scope partition: the fleet and three vaults (no error code)
    expect(first.transactionsByTable[TABLE_NAMES.trends]).toBe(4);
    expect(first.entitiesByTable[TABLE_NAMES.trends]).toBe(4);
    // PulseRuns: the three new vaults in the vault register, the day's index of those four rows, the run
    // record: one transaction each
    expect(first.entitiesByTable[TABLE_NAMES.runs]).toBe(3 + 4 + 1);
    expect(first.transactionsByTable[TABLE_NAMES.runs]).toBe(3);
    expect(first.partitions).toBe(3 * 2 + buckets + 4 + 3);
    expect(first.transactions).toBe(4 + 4 + buckets + 4 + 3);

    // the re-run drops 60 of vault-a's jobs and finds the other 90 failed: 90 replaced + 60 deleted in
    // vault-a's partition of PulseJobs; vault-b and vault-c did not change and are not written again
    const rerun = jobs
      .filter((j) => !(j.vault === "vault-a" && Number(j.vm.slice(3)) >= 90))
      .map((j) =>
        j.vault === "vault-a" ? { ...j, status: "Failed" as const, consistency: "none" as const } : j,
      );
    const again = await store.writeDay({ date: day, jobs: rerun, complete: true, workspaces: ws });
    expect(again.entitiesByTable[TABLE_NAMES.jobs]).toBe(150);
    expect(again.transactionsByTable[TABLE_NAMES.jobs]).toBe(2);
    // vault-a's 150 VM states change (90 failed, 60 without a job any more: their states and names go)
    expect(again.entitiesByTable[TABLE_NAMES.vms]).toBe(150);
    expect(again.transactionsByTable[TABLE_NAMES.vms]).toBe(2);
    const goneBuckets = new Set(Array.from({ length: 60 }, (_, i) => keys.vmNameBucket(`vm-${90 + i}`)));
    expect(again.entitiesByTable[TABLE_NAMES.vmNames]).toBe(goneBuckets.size);
    expect(again.transactionsByTable[TABLE_NAMES.vmNames]).toBe(goneBuckets.size);
    // of the trend rows, only vault-a's and the fleet's changed: they and their index entries are written
    expect(again.entitiesByTable[TABLE_NAMES.trends]).toBe(2);
    expect(again.entitiesByTable[TABLE_NAMES.runs]).toBe(2 + 1);
    const stored = await store.readDayJobs(day);
    expect(stored.length).toBe(191);
    expect(stored.filter((j) => j.status === "Failed").map((j) => j.vault)).toEqual(
      Array(90).fill("vault-a"),
    );
  });

  it("writes many vaults at once safely, and two runs of the same day at the same time end as one", async () => {
    const a = await freshStore();
    const b = await TrendStore.open({ kind: "connection", connectionString }, undefined, {
      tablePrefix: a.prefix,
      concurrency: 16,
    });
    const jobs = Array.from({ length: 40 }, (_, v) =>
      Array.from({ length: 3 }, (_, i) => (i === 2 ? failed : job)({ vault: `vault-${v}`, vm: `vm-${i}` })),
    ).flat();
    // both runs find the day empty and insert; the second one's inserts meet the first one's rows
    await Promise.all([
      a.store.writeDay({ date: day, jobs, complete: true, workspaces: ws }),
      b.writeDay({ date: day, jobs, complete: true, workspaces: ws }),
    ]);
    const fresh = await freshStore();
    await fresh.store.writeDay({ date: day, jobs, complete: true, workspaces: ws });
    for (const t of contentTables) expect(await dump(a.prefix, t), t).toEqual(await dump(fresh.prefix, t));

    // and two re-runs with fewer jobs at once: both delete the same rows
    const fewer = jobs.filter((j) => j.vm !== "vm-1");
    await Promise.all([
      a.store.writeDay({ date: day, jobs: fewer, complete: true, workspaces: ws }),
      b.writeDay({ date: day, jobs: fewer, complete: true, workspaces: ws }),
    ]);
    const fresher = await freshStore();
    await fresher.store.writeDay({ date: day, jobs: fewer, complete: true, workspaces: ws });
    for (const t of contentTables) expect(await dump(a.prefix, t), t).toEqual(await dump(fresher.prefix, t));
  });
});
