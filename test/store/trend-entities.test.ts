import { describe, expect, it } from "vitest";
import { summariseVmDays } from "../../src/domain/vm-day.js";
import { nextVmState } from "../../src/domain/vm-state.js";
import {
  jobFromRow,
  jobRow,
  runFromRow,
  runRow,
  stateFromRow,
  stateRow,
  vmDayFromRow,
  vmDayRow,
  type StoredJob,
} from "../../src/store/trend-entities.js";
import { classifiedJob } from "../support/jobs.js";
import { asRead } from "../support/table-rows.js";

const DAY = "2026-11-24";

// The current table layout keeps no resource IDs: a stored job is read back without them.
const {
  vmId: _vmId,
  vaultId: _vaultId,
  ...classified
} = classifiedJob({
  jobId: "5b1e0d0c-1111-4c4c-8888-000000000001",
  start: `${DAY}T02:10:00.000Z`,
  vm: "VM-SQL-01",
  vault: "RSV-Prod",
  status: "Failed",
  consistency: "none",
  degraded: true,
  errorCode: "ExtensionFailedVssWriterInBadState",
  errorCategory: "vss",
});
const failed: StoredJob = {
  ...classified,
  workspaceId: "11111111-1111-1111-1111-111111111111",
  durationSec: 610.25,
};

describe("trend entities", () => {
  it("a job is read back as it was stored, and without optional facts as null", () => {
    const row = jobRow(DAY, failed);
    expect(row).toMatchObject({ partitionKey: `${DAY}|rsv-prod`, start: new Date(failed.start) });
    expect(jobFromRow(asRead(row))).toEqual(failed);
    const bare = { ...failed, errorCode: null, errorCategory: null, workspaceId: null, durationSec: null };
    expect(jobFromRow(asRead(jobRow(DAY, bare)))).toEqual(bare);
  });

  it("a VM day and a VM state are read back as they were stored", () => {
    const [day] = summariseVmDays(DAY, [failed]);
    expect(vmDayFromRow(asRead(vmDayRow(day!)))).toEqual(day);
    const step = nextVmState(null, DAY, day!, day!);
    expect(step.state).toBeTruthy();
    expect(stateFromRow(asRead(stateRow("rsv-prod", "vm-sql-01", step.state!)))).toEqual(step.state);
  });

  it("a run record keeps its workspace lists", () => {
    const runAt = new Date("2026-11-25T06:00:00.000Z");
    const workspaces = [
      { workspaceId: "ws-1", ok: true },
      { workspaceId: "ws-2", ok: false },
    ];
    const row = runRow({ date: DAY, complete: false, workspaces, runAt, rowsRejected: 3 }, [failed], 1);
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
    });
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
