import { describe, expect, it } from "vitest";
import { summariseVmDay } from "../../src/domain/vm-day.js";
import type { Row } from "../../src/store/entity.js";
import { keys, vaultKeyOf, vmKeyOf } from "../../src/store/keys.js";
import { stateFromRow, type StoredJob } from "../../src/store/trend-entities.js";
import {
  planDay,
  planRun,
  planStates,
  planVault,
  planVaultTrend,
  vaultDayHash,
  type PlannedRow,
  type TouchedVm,
  type VaultDay,
} from "../../src/store/trend-plan.js";
import { scopesFromIndex, type ScopeWrite, type StoredScope } from "../../src/store/trend-index.js";
import { classifiedJob } from "../support/jobs.js";
import { asRead } from "../support/table-rows.js";

const D1 = "2026-11-23";
const D2 = "2026-11-24";
let seq = 0;
function job(date: string, over: Partial<StoredJob> = {}): StoredJob {
  seq += 1;
  return {
    ...classifiedJob({ jobId: `job-${seq}`, start: `${date}T02:00:00Z` }),
    workspaceId: "ws-1",
    durationSec: 610.5,
    ...over,
  };
}

/** A planned row as Table Storage reads it back. */
const stored = (p: PlannedRow): Row => asRead(p.make?.() ?? {});
const what = (plan: readonly PlannedRow[]): [string, string][] =>
  plan.map((p) => [
    p.rowKey,
    p.make === null ? "delete" : p.stored === null ? "upsert" : p.stored ? "replace" : "create",
  ]);

/** The day's index after these writes, as the next run reads it. */
const indexOf = (writes: Iterable<ScopeWrite>): Map<string, StoredScope> =>
  scopesFromIndex([...writes].map((w) => stored(w.index)));
const scopeWhat = (scopes: Map<string, ScopeWrite>): [string, string, string][] =>
  [...scopes].map(([pk, w]) => [pk, ...what([w.trend])[0]!]);

const vaultDay = (jobs: StoredJob[], stored: StoredScope | null = null): VaultDay => ({
  vaultKey: vaultKeyOf({ vault: "rsv-prod" }),
  vault: "rsv-prod",
  vaultId: null,
  jobs,
  stored,
});

describe("planDay", () => {
  it("a first write creates the fleet and code rows, keys vaults case-insensitively and keeps the last of a job ID", () => {
    const first = job(D2, {
      jobId: "ABC",
      vault: "RSV-A",
      status: "Failed",
      degraded: true,
      errorCode: "E1",
    });
    const again = job(D2, { jobId: "abc", vault: "rsv-a" });
    const other = job(D2, { vault: "rsv-b", errorCode: "E2" });
    const plan = planDay(D2, [first, again, other], new Map(), true);
    expect(plan.jobs).toEqual([again, other]);
    expect([...plan.vaults.keys()]).toEqual([vaultKeyOf({ vault: "rsv-a" }), vaultKeyOf({ vault: "rsv-b" })]);
    expect(plan.vaults.get(vaultKeyOf({ vault: "rsv-a" }))).toMatchObject({ jobs: [again], stored: null });
    expect(scopeWhat(plan.scopes)).toEqual([
      ["all", D2, "create"],
      ["code|e2", D2, "create"],
    ]);
    // each written scope is listed in the day's index (PulseRuns, day|<date>) with the hash of its row
    expect([...plan.scopes.values()].map((w) => stored(w.index))).toEqual([
      expect.objectContaining({ partitionKey: `day|${D2}`, rowKey: "all", rowHash: expect.any(String) }),
      expect.objectContaining({ partitionKey: `day|${D2}`, rowKey: "code|e2", name: "E2" }),
    ]);
    expect(plan.scopes.get("all")?.trend.make?.()).toMatchObject({
      partitionKey: "all",
      rowKey: D2,
      jobs: 2,
      complete: true,
    });
  });

  it("a re-run with the same jobs writes no fleet row; one without a code's jobs deletes its row and lists the vault", () => {
    const jobs = [
      job(D2, { vault: "rsv-a" }),
      job(D2, { vault: "rsv-b", status: "Failed", errorCode: "E1" }),
    ];
    const plan = planDay(D2, jobs, new Map(), true);
    const vb = plan.vaults.get(vaultKeyOf({ vault: "rsv-b" }))!;
    const vaultWrite = planVaultTrend(D2, vb, vaultDayHash(D2, vb), true)!;
    const index = indexOf([...plan.scopes.values(), vaultWrite]);
    expect(planDay(D2, jobs, index, true).scopes.size).toBe(0);
    const again = planDay(D2, jobs, index, true).vaults.get(vaultKeyOf({ vault: "rsv-b" }))!;
    expect(planVaultTrend(D2, again, vaultDayHash(D2, again), true)).toBeNull();
    // the same jobs, now from a partial read: the rows say so
    expect(planDay(D2, jobs, index, false).scopes.get("all")?.trend.make?.()).toMatchObject({
      complete: false,
    });

    const rerun = planDay(D2, [jobs[0]!], index, true);
    expect(scopeWhat(rerun.scopes)).toEqual([
      ["all", D2, "replace"],
      ["code|e1", D2, "delete"],
    ]);
    expect(what([rerun.scopes.get("code|e1")!.index])).toEqual([["code|e1", "delete"]]);
    const gone = rerun.vaults.get(vaultKeyOf({ vault: "rsv-b" }))!;
    expect(gone).toMatchObject({ jobs: [], stored: { name: "rsv-b", hash: vaultDayHash(D2, vb) } });
    const deleted = planVaultTrend(D2, gone, vaultDayHash(D2, gone), true)!;
    expect([what([deleted.trend]), what([deleted.index])]).toEqual([
      [[D2, "delete"]],
      [[keys.vaultScope(vb.vaultKey), "delete"]],
    ]);
  });

  it("the vault-day hash depends on the jobs, not on their order", () => {
    const jobs = [job(D2, { vm: "vm-a" }), job(D2, { vm: "vm-b" })];
    expect(vaultDayHash(D2, vaultDay(jobs))).toBe(vaultDayHash(D2, vaultDay([...jobs].reverse())));
    expect(vaultDayHash(D2, vaultDay([jobs[0]!]))).not.toBe(vaultDayHash(D2, vaultDay(jobs)));
    const failed = { ...jobs[0]!, status: "Failed" as const };
    expect(vaultDayHash(D2, vaultDay([failed, jobs[1]!]))).not.toBe(vaultDayHash(D2, vaultDay(jobs)));
  });
});

describe("planVault", () => {
  it("plans a vault's jobs, and touches the VMs a re-run no longer has", () => {
    const a = job(D2, { vm: "vm-a" });
    const b = job(D2, { vm: "vm-b" });
    const [ka, kb] = [vmKeyOf(a), vmKeyOf(b)];
    const first = planVault(D2, vaultDay([a, b]), []);
    expect(what(first.jobs)).toEqual([
      [keys.job(ka, a.jobId), "create"],
      [keys.job(kb, b.jobId), "create"],
    ]);
    expect(first.vms).toBe(2);
    expect(first.jobs[0]?.make?.()).toMatchObject({ durationSec: { value: "610.5", type: "Double" } });

    // as listed: with the service's metadata, DateTime as Date and the Double duration as a number
    const storedJobs = first.jobs.map((p) => ({ ...stored(p), etag: 'W/"1"', timestamp: new Date() }));
    expect(storedJobs[0]).toMatchObject({ start: new Date(a.start), durationSec: 610.5 });
    expect(planVault(D2, vaultDay([a, b]), storedJobs).jobs).toEqual([]);

    const fewer = planVault(D2, vaultDay([a]), storedJobs);
    expect(what(fewer.jobs)).toEqual([[keys.job(kb, b.jobId), "delete"]]);
    expect(fewer.touched.get(kb)).toEqual({
      vm: "vm-b",
      vault: "rsv-prod",
      vmId: null,
      vaultId: null,
      day: null,
    });
    expect(fewer.touched.get(ka)?.day?.vm).toBe("vm-a");
  });
});

describe("planStates", () => {
  const vk = vaultKeyOf({ vault: "rsv-prod" });
  const touchedOn = (date: string, jobs: StoredJob[]) => planVault(date, vaultDay(jobs), []).touched;
  const ka = vmKeyOf({ vm: "vm-a", vault: "rsv-prod" });
  const goneA = (): Map<string, TouchedVm> =>
    new Map([[ka, { vm: "vm-a", vault: "rsv-prod", vmId: null, vaultId: null, day: null }]]);

  it("creates a new VM's state and name entry, leaves an unchanged one alone and deletes one nothing is left of", () => {
    const day1 = touchedOn(D1, [job(D1, { vm: "vm-a" })]);
    const created = planStates(D1, vk, day1, []);
    expect(created.missing).toEqual([]);
    expect(what(created.rows)).toEqual([[ka, "create"]]);
    expect([...created.names]).toEqual([
      [keys.vmNameBucket("vm-a"), [{ vmKey: ka, vaultKey: vk, add: true }]],
    ]);
    const states = created.rows.map(stored);
    expect(stateFromRow(states[0]!)).toMatchObject({ vm: "vm-a", historyEnd: D1, failingDays: 0 });

    expect(planStates(D1, vk, day1, states).rows).toEqual([]);
    expect(planStates(D1, vk, day1, states).names.size).toBe(0);

    const gone = planStates(D1, vk, goneA(), states);
    expect(what(gone.rows)).toEqual([[ka, "delete"]]);
    expect([...gone.names]).toEqual([[keys.vmNameBucket("vm-a"), [{ vmKey: ka, vaultKey: vk, add: false }]]]);
  });

  it("asks for the earlier VM day a re-run falls back to, then plans the state of that day", () => {
    const j1 = job(D1, { vm: "vm-a" });
    const j2 = job(D2, { vm: "vm-a", status: "Failed", consistency: "none", degraded: true });
    const s1 = planStates(D1, vk, touchedOn(D1, [j1]), []).rows.map(stored);
    const s2 = planStates(D2, vk, touchedOn(D2, [j2]), s1).rows.map(stored);
    expect(stateFromRow(s2[0]!)).toMatchObject({ historyEnd: D2, failingDays: 1, lastJobId: j2.jobId });
    expect(s2[0]?.days).toBe("1,1,0,0,1,0,0,0,0,0;1,0,0,1,0,0,0,1,0,1");

    // D2 re-run without the VM's job: its state falls back to D1, which the plan cannot know by itself
    const first = planStates(D2, vk, goneA(), s2);
    expect(first.rows).toEqual([]);
    expect(first.missing).toEqual([{ vmKey: ka, date: D1 }]);

    const known = new Map([[ka, new Map([[D1, summariseVmDay(D1, [j1])]])]]);
    const then = planStates(D2, vk, goneA(), s2, known);
    expect(then.missing).toEqual([]);
    expect(what(then.rows)).toEqual([[ka, "replace"]]);
    expect(stored(then.rows[0]!)).toEqual(s1[0]);
  });
});

describe("planRun", () => {
  it("upserts the day's run record with the counts it is given", () => {
    const jobs = [job(D2, { vault: "RSV-A", status: "Failed", degraded: true }), job(D2, { vault: "rsv-a" })];
    const runAt = new Date("2026-11-25T06:00:00Z");
    const workspaces = [{ workspaceId: "ws-1", ok: true }];
    const plan = planRun({ date: D2, complete: true, workspaces, runAt }, jobs, 1, 1);
    expect(what(plan)).toEqual([[D2, "upsert"]]);
    expect(plan[0]?.make?.()).toMatchObject({
      partitionKey: "run",
      rowKey: D2,
      runAt,
      jobs: 2,
      failed: 1,
      vaults: 1,
      vms: 1,
    });
  });
});
