import { describe, expect, it } from "vitest";
import { summariseVmDays } from "../../src/domain/vm-day.js";
import type { Row } from "../../src/store/entity.js";
import { keys } from "../../src/store/keys.js";
import { stateFromRow, type StoredJob } from "../../src/store/trend-entities.js";
import { planDay, planRun, planStates, planVault, type PlannedRow } from "../../src/store/trend-plan.js";
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

describe("planDay", () => {
  it("a first write creates every aggregate, groups vaults case-insensitively and keeps the last of a job ID", () => {
    const first = job(D2, {
      jobId: "ABC",
      vault: "RSV-A",
      status: "Failed",
      degraded: true,
      errorCode: "E1",
    });
    const again = job(D2, { jobId: "abc", vault: "rsv-a" });
    const other = job(D2, { vault: "rsv-b" });
    const plan = planDay(D2, [first, again, other], []);
    expect(plan.jobs).toEqual([again, other]);
    expect([...plan.vaults.keys()]).toEqual(["rsv-a", "rsv-b"]);
    expect(plan.vaults.get("rsv-a")).toEqual({ jobs: [again], stored: false });
    expect(what(plan.dailyWrites)).toEqual([
      ["all", "create"],
      ["vault:rsv-a", "create"],
      ["vault:rsv-b", "create"],
    ]);
    expect(plan.dailyDeletes).toEqual([]);
    expect(plan.dailyWrites[0]?.make?.()).toMatchObject({
      partitionKey: D2,
      rowKey: "all",
      jobs: 2,
      failed: 0,
    });
  });

  it("a re-run with the same jobs writes no aggregate; one without a vault's jobs deletes its row last and lists the vault", () => {
    const jobs = [
      job(D2, { vault: "rsv-a" }),
      job(D2, { vault: "rsv-b", status: "Failed", errorCode: "E1" }),
    ];
    const before = planDay(D2, jobs, []).dailyWrites.map(stored);
    expect(planDay(D2, jobs, before).dailyWrites).toEqual([]);

    const rerun = planDay(D2, [jobs[0]!], before);
    expect(what(rerun.dailyWrites)).toEqual([["all", "replace"]]);
    expect(what(rerun.dailyDeletes)).toEqual([
      ["vault:rsv-b", "delete"],
      ["code:e1", "delete"],
    ]);
    expect(rerun.vaults.get("rsv-b")).toEqual({ jobs: [], stored: true });
    expect(rerun.vaults.get("rsv-a")).toEqual({ jobs: [jobs[0]], stored: true });
  });
});

describe("planVault", () => {
  it("plans a vault's jobs and VM days, and touches the VMs a re-run no longer has", () => {
    const a = job(D2, { vm: "vm-a" });
    const b = job(D2, { vm: "vm-b" });
    const first = planVault(D2, [a, b], [], []);
    expect(what(first.jobs)).toEqual([
      [keys.job(a), "create"],
      [keys.job(b), "create"],
    ]);
    expect(what(first.vmDays).map(([, w]) => w)).toEqual(["create", "create"]);
    expect(first.vms).toBe(2);
    expect(first.jobs[0]?.make?.()).toMatchObject({ durationSec: { value: "610.5", type: "Double" } });

    // as listed: with the service's metadata, DateTime as Date and the Double duration as a number
    const storedJobs = first.jobs.map((p) => ({ ...stored(p), etag: 'W/"1"', timestamp: new Date() }));
    expect(storedJobs[0]).toMatchObject({ start: new Date(a.start), durationSec: 610.5 });
    const storedVmDays = first.vmDays.map(stored);
    const same = planVault(D2, [a, b], storedJobs, storedVmDays);
    expect(same.jobs).toEqual([]);
    expect(same.vmDays).toEqual([]);

    const fewer = planVault(D2, [a], storedJobs, storedVmDays);
    expect(what(fewer.jobs)).toEqual([[keys.job(b), "delete"]]);
    expect(what(fewer.vmDays)).toEqual([[keys.vmDay("vm-b", "rsv-prod"), "delete"]]);
    expect(fewer.touched.get("vm-b")).toEqual({ vm: "vm-b", vault: "rsv-prod", day: null });
    expect(fewer.touched.get("vm-a")?.day?.vm).toBe("vm-a");
  });
});

describe("planStates", () => {
  const vk = keys.vault("rsv-prod");
  const touchedOn = (date: string, jobs: StoredJob[]) => planVault(date, jobs, [], []).touched;

  it("creates a new VM's state, leaves an unchanged one alone and deletes one nothing is left of", () => {
    const day1 = touchedOn(D1, [job(D1, { vm: "vm-a" })]);
    const created = planStates(D1, vk, day1, []);
    expect(created.missing).toEqual([]);
    expect(what(created.rows)).toEqual([["vm-a", "create"]]);
    const states = created.rows.map(stored);
    expect(stateFromRow(states[0]!)).toMatchObject({ vm: "vm-a", historyEnd: D1, failingDays: 0 });

    expect(planStates(D1, vk, day1, states).rows).toEqual([]);

    const gone = new Map([["vm-a", { vm: "vm-a", vault: "rsv-prod", day: null }]]);
    expect(what(planStates(D1, vk, gone, states).rows)).toEqual([["vm-a", "delete"]]);
  });

  it("asks for the earlier VM day a re-run falls back to, then plans the state of that day", () => {
    const j1 = job(D1, { vm: "vm-a" });
    const j2 = job(D2, { vm: "vm-a", status: "Failed", consistency: "none", degraded: true });
    const s1 = planStates(D1, vk, touchedOn(D1, [j1]), []).rows.map(stored);
    const s2 = planStates(D2, vk, touchedOn(D2, [j2]), s1).rows.map(stored);
    expect(stateFromRow(s2[0]!)).toMatchObject({ historyEnd: D2, failingDays: 1, lastJobId: j2.jobId });

    // D2 re-run without the VM's job: its state falls back to D1, which the plan cannot know by itself
    const gone = new Map([["vm-a", { vm: "vm-a", vault: "rsv-prod", day: null }]]);
    const first = planStates(D2, vk, gone, s2);
    expect(first.rows).toEqual([]);
    expect(first.missing).toEqual([{ vmKey: "vm-a", vm: "vm-a", vault: "rsv-prod", date: D1 }]);

    const known = new Map([["vm-a", new Map([[D1, summariseVmDays(D1, [j1])[0] ?? null]])]]);
    const then = planStates(D2, vk, gone, s2, known);
    expect(then.missing).toEqual([]);
    expect(what(then.rows)).toEqual([["vm-a", "replace"]]);
    expect(stateFromRow(stored(then.rows[0]!))).toEqual(stateFromRow(s1[0]!));
  });
});

describe("planRun", () => {
  it("upserts the day's run record, counting vaults case-insensitively", () => {
    const jobs = [job(D2, { vault: "RSV-A", status: "Failed", degraded: true }), job(D2, { vault: "rsv-a" })];
    const runAt = new Date("2026-11-25T06:00:00Z");
    const workspaces = [{ workspaceId: "ws-1", ok: true }];
    const plan = planRun({ date: D2, complete: true, workspaces, runAt }, jobs, 1);
    expect(what(plan)).toEqual([[D2, "upsert"]]);
    expect(plan[0]?.make?.()).toMatchObject({
      partitionKey: "run",
      rowKey: D2,
      runAt,
      jobs: 2,
      vaults: 1,
      vms: 1,
    });
  });
});
