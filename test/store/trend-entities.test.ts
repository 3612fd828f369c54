import { describe, expect, it } from "vitest";
import { summariseVmDay } from "../../src/domain/vm-day.js";
import { nextVmState } from "../../src/domain/vm-state.js";
import {
  jobFromRow,
  jobRow,
  runFromRow,
  runRow,
  stateFromRow,
  trendFromRow,
  trendRow,
  vmRow,
  type StoredJob,
} from "../../src/store/trend-entities.js";
import { decodeDays } from "../../src/store/vm-days.js";
import { classifiedJob } from "../support/jobs.js";
import { asRead } from "../support/table-rows.js";

const DAY = "2026-11-24";
const VM_ID = "/subscriptions/s1/resourcegroups/rg-db/providers/microsoft.compute/virtualmachines/vm-sql-01";
const VAULT_ID =
  "/subscriptions/s1/resourcegroups/rg-bk/providers/microsoft.recoveryservices/vaults/rsv-prod";

const failed: StoredJob = {
  ...classifiedJob({
    jobId: "5b1e0d0c-1111-4c4c-8888-000000000001",
    start: `${DAY}T02:10:00.000Z`,
    vm: "VM-SQL-01",
    vault: "RSV-Prod",
    status: "Failed",
    consistency: "none",
    degraded: true,
    errorCode: "ExtensionFailedVssWriterInBadState",
    errorCategory: "vss",
  }),
  workspaceId: "11111111-1111-1111-1111-111111111111",
  durationSec: 610.25,
};

describe("trend entities", () => {
  it("a job is read back as it was stored, and without optional facts as null", () => {
    const withIds = { ...failed, vmId: VM_ID, vaultId: VAULT_ID };
    const row = jobRow(DAY, "rsv-prod|abc", "vm-sql-01|def", withIds);
    expect(row).toMatchObject({
      partitionKey: `${DAY}|rsv-prod|abc`,
      rowKey: `vm-sql-01|def|${failed.jobId}`,
      start: new Date(failed.start),
      vmId: VM_ID,
      vaultId: VAULT_ID,
    });
    expect(jobFromRow(asRead(row))).toEqual(withIds);
    const bare = { ...failed, errorCode: null, errorCategory: null, workspaceId: null, durationSec: null };
    expect(jobFromRow(asRead(jobRow(DAY, "v", "m", bare)))).toEqual(bare);
  });

  it("a VM state is read back as it was stored, with its IDs, and a trend row with its counters", () => {
    const day = summariseVmDay(DAY, [failed]);
    const step = nextVmState(null, DAY, day, day);
    expect(step.state).toBeTruthy();
    const ids = { vmId: VM_ID, vaultId: VAULT_ID };
    const row = vmRow("rsv-prod|abc", "vm-sql-01|def", step.state!, ids, "1,0,0,1,0,0,0,1,0,1");
    expect(stateFromRow(asRead(row))).toEqual({ ...step.state, ...ids });
    expect(decodeDays(step.state!, String(row.days)).get(DAY)).toEqual([1, 0, 0, 1, 0, 0, 0, 1, 0, 1]);
    const t = trendRow("all", day.trend, { complete: false });
    expect(t).toMatchObject({ partitionKey: "all", rowKey: DAY, complete: false, jobs: 1, failed: 1 });
    expect(trendFromRow(DAY, "all", asRead(t))).toEqual({ ...day.trend, scope: "all" });
  });

  it("a run record keeps its workspace lists", () => {
    const runAt = new Date("2026-11-25T06:00:00.000Z");
    const workspaces = [
      { workspaceId: "ws-1", ok: true },
      { workspaceId: "ws-2", ok: false },
    ];
    const row = runRow(
      { date: DAY, complete: false, workspaces, runAt, rowsRejected: 3, timeZone: "Europe/Berlin" },
      [failed],
      1,
      1,
    );
    expect(runFromRow(row)).toEqual({
      date: DAY,
      complete: false,
      runAt: runAt.toISOString(),
      jobs: 1,
      vaults: 1,
      vms: 1,
      failed: 1,
      degraded: 1,
      workspacesOk: 1,
      workspacesFailed: 1,
      failedWorkspaceIds: ["ws-2"],
      workspaceIds: ["ws-1", "ws-2"],
      rowsRejected: 3,
      timeZone: "Europe/Berlin",
    });
    // a record written before the time zone was kept was cut in UTC
    expect(runFromRow({ ...row, timezone: undefined }).timeZone).toBe("UTC");
  });

  it("reads values of the wrong type as the domain's unknown, never as a guess", () => {
    const job = jobFromRow({ jobId: "j", status: "failed", os: 3, consistency: "great", durationSec: "610" });
    expect(job).toMatchObject({ status: "Failed", os: "unknown", consistency: "unknown", durationSec: null });
    const state = stateFromRow({ vm: "vm", failingDays: "4", lastStatus: "Done" });
    expect(state).toMatchObject({ failingDays: 0, lastStatus: "Failed", lastConsistency: null, history: "" });
    expect(runFromRow({ rowKey: DAY, jobs: 12n, complete: "true" })).toMatchObject({
      jobs: 12,
      complete: false,
    });
  });
});
