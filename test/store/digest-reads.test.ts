/**
 * What the digest reads and writes at fleet scale, on Azurite: the day before only for the vaults of today's
 * jobs, and the retired marks in transactions per vault partition.
 */
import { describe, expect, inject, it } from "vitest";
import { TrendStore, type StoredVmState } from "../../src/store/trend-store.js";
import { storedJob as job } from "../support/jobs.js";

const connectionString = inject("tablesConnection");
const ws = [{ workspaceId: "11111111-1111-1111-1111-111111111111", ok: true }];
const day = "2026-11-24";

async function freshStore(): Promise<TrendStore> {
  const prefix = `dr${process.pid}x${Math.random().toString(36).slice(2, 10)}`;
  return TrendStore.open({ kind: "connection", connectionString }, undefined, { tablePrefix: prefix });
}

async function states(store: TrendStore): Promise<StoredVmState[]> {
  const out: StoredVmState[] = [];
  for await (const s of store.readVmStates()) out.push(s);
  return out;
}

describe("the digest's reads and writes on the trend store", () => {
  it("reads the outcomes of a day only in the vaults asked for, each job's status, degradation and start", async () => {
    const store = await freshStore();
    await store.writeDay({
      date: day,
      jobs: [
        job({
          vm: "vm-1",
          vault: "vault-a",
          status: "Failed",
          degraded: true,
          start: `${day}T01:00:00.000Z`,
        }),
        job({ vm: "vm-2", vault: "vault-a", start: `${day}T02:00:00.000Z` }),
        job({ vm: "vm-3", vault: "vault-b", start: `${day}T03:00:00.000Z` }),
      ],
      complete: true,
      workspaces: ws,
    });
    const outcomes = await store.readDayOutcomes(day, [{ vault: "vault-a" }, { vault: "VAULT-A" }]);
    expect(outcomes.sort((a, b) => a.vm.localeCompare(b.vm))).toEqual([
      {
        vm: "vm-1",
        vault: "vault-a",
        vmId: null,
        vaultId: null,
        status: "Failed",
        degraded: true,
        start: `${day}T01:00:00.000Z`,
      },
      {
        vm: "vm-2",
        vault: "vault-a",
        vmId: null,
        vaultId: null,
        status: "Completed",
        degraded: false,
        start: `${day}T02:00:00.000Z`,
      },
    ]);
    expect(await store.readDayOutcomes("2026-11-23", [{ vault: "vault-a" }])).toEqual([]);
    expect(await store.readDayOutcomes(day, [])).toEqual([]);
  });

  it("marks VMs retired vault partition by vault partition, up to 100 in a transaction", async () => {
    const store = await freshStore();
    const inA = Array.from({ length: 250 }, (_, i) => ({
      vm: `vm-${String(i).padStart(3, "0")}`,
      vault: "vault-a",
    }));
    const inB = [{ vm: "vm-b1", vault: "vault-b" }];
    const kept = { vm: "vm-kept", vault: "vault-b" };
    await store.writeDay({
      date: day,
      jobs: [...inA, ...inB, kept].map((v) => job(v)),
      complete: true,
      workspaces: ws,
    });
    const retired = [...inA, ...inB, inA[0] as (typeof inA)[number]].map((v) => ({
      ...v,
      vmId: null,
      vaultId: null,
    }));
    const sent = store.transactionsSent;
    await store.markRetired(retired, "2026-11-25");
    // vault-a: 250 rows in 3 transactions; vault-b: 1 row in 1 (a VM listed twice is marked once).
    expect(store.transactionsSent - sent).toBe(4);
    const after = await states(store);
    expect(after).toHaveLength(252);
    expect(after.filter((s) => s.retiredOn === "2026-11-25")).toHaveLength(251);
    const keptState = after.find((s) => s.vm === "vm-kept");
    expect(keptState?.retiredOn).toBeUndefined();
    // The merge changes nothing else of a row.
    expect(after.find((s) => s.vm === "vm-b1")).toMatchObject({
      vault: "vault-b",
      history: "A",
      historyEnd: day,
    });
    await expect(store.markRetired(retired, "not a day")).rejects.toThrow(RangeError);
  });
});
