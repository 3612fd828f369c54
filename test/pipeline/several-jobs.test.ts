/**
 * Several jobs a day (Enhanced hourly policies) through a real `backup-pulse run`: the Log Analytics stand-in
 * serves one Windows VM's three jobs of a day, application-consistent at 02:00, a VSS warning (file-system,
 * below the expected application consistency) at 10:00 and application-consistent again at 18:00. A good job
 * on either side must not hide the degraded one: the digest lists the downgrade, counts it, and shows the VM's
 * worst and latest job; the VM's state keeps the latest job (the point the vault keeps) and its day mark.
 * A day whose latest job is the degraded one, after a good early job, marks the day below expectation, and
 * keeps that early good point when an earlier day is run again.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type { Digest } from "../../src/domain/digest.js";
import { startLogsEndpoint, type LogsEndpoint } from "../../src/local/logs-endpoint.js";
import { TrendStore, type StoredVmState } from "../../src/store/trend-store.js";
import { jobRowsProvider, runDigestJson, type RowJob } from "./job-rows.js";

const WORKSPACE = "5d1e2f3a-4b5c-4d6e-8f70-8192a3b4c5d6";
const VAULT_ID =
  "/subscriptions/3f2c8a51-6b0e-4f4c-9d7a-2b1e5c7d9a10/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-hourly";
const VSS = "ExtensionFailedVssWriterInBadState";

const good = (id: string, vm: string, start: string): RowJob => ({ id, vm, start });
const warned = (id: string, vm: string, start: string): RowJob => ({
  id,
  vm,
  start,
  status: "CompletedWithWarnings",
  code: VSS,
});

const JOBS: RowJob[] = [
  // the day before: one good job each
  good("00000000-0000-4000-8000-000000000101", "vm-hourly", "2026-11-23T02:00:00Z"),
  good("00000000-0000-4000-8000-000000000201", "vm-last-bad", "2026-11-23T02:00:00Z"),
  // the day: good, degraded, good (last)
  good("00000000-0000-4000-8000-000000000102", "vm-hourly", "2026-11-24T02:00:00Z"),
  warned("00000000-0000-4000-8000-000000000103", "vm-hourly", "2026-11-24T10:00:00Z"),
  good("00000000-0000-4000-8000-000000000104", "vm-hourly", "2026-11-24T18:00:00Z"),
  // good early, degraded last
  good("00000000-0000-4000-8000-000000000202", "vm-last-bad", "2026-11-24T02:00:00Z"),
  warned("00000000-0000-4000-8000-000000000203", "vm-last-bad", "2026-11-24T14:00:00Z"),
];

let logs: LogsEndpoint;
const outDir = mkdtempSync(join(tmpdir(), "pulse-several-"));
const tablePrefix = `several${process.pid}`;

beforeAll(async () => {
  logs = await startLogsEndpoint({ provider: jobRowsProvider(VAULT_ID, JOBS) });
});
afterAll(async () => {
  await logs.close();
  rmSync(outDir, { recursive: true, force: true });
});

const run = (date: string): Promise<Digest> =>
  runDigestJson({ workspaceId: WORKSPACE, logsEndpoint: logs.endpoint, tablePrefix, outDir }, date, {
    PULSE_LOOKBACK_DAYS: "0",
  });

describe("several jobs of a VM in one day", () => {
  it("the digest shows the worst and the latest job; the VM state keeps the latest", async () => {
    await run("2026-11-23");
    const d = await run("2026-11-24");

    // All five jobs counted, two of them below the expected application consistency.
    expect(d.headline.counts).toMatchObject({ jobs: 5, vms: 2, degraded: 2, fileSystemBelowExpected: 2 });
    // Both VMs are downgrades of the day: the good 18:00 job does not hide the degraded 10:00 one.
    expect(
      d.changes.downgrades.map((c) => [c.vm, c.consistency, c.expectedConsistency, c.errorCode]),
    ).toEqual([
      ["vm-hourly", "file-system", "application", VSS],
      ["vm-last-bad", "file-system", "application", VSS],
    ]);
    // Each VM's row: its latest job (the vault's point), and the worst one when that was worse.
    const rows = Object.fromEntries(d.vms.map((v) => [v.vm, v]));
    expect(rows["vm-hourly"]).toMatchObject({
      jobs: 3,
      status: "Completed",
      consistency: "application",
      degraded: false,
      start: "2026-11-24T18:00:00.000Z",
      worst: {
        status: "CompletedWithWarnings",
        consistency: "file-system",
        degraded: true,
        errorCode: VSS,
        start: "2026-11-24T10:00:00.000Z",
      },
    });
    expect(rows["vm-last-bad"]).toMatchObject({
      jobs: 2,
      status: "CompletedWithWarnings",
      consistency: "file-system",
      degraded: true,
      start: "2026-11-24T14:00:00.000Z",
    });
    expect(rows["vm-last-bad"]?.worst).toBeUndefined();
    // Problems first: both rows carry a degraded job.
    expect(d.vms.map((v) => v.vm)).toEqual(["vm-hourly", "vm-last-bad"]);

    // The VM states: the latest job of the day, and the day marked by its latest point.
    const store = await TrendStore.open(
      { kind: "connection", connectionString: inject("tablesConnection") },
      undefined,
      { tablePrefix, createTables: false },
    );
    const states = new Map<string, StoredVmState>();
    for await (const s of store.readVmStates()) states.set(s.vm, s);
    expect(states.get("vm-hourly")).toMatchObject({
      lastJobAt: "2026-11-24T18:00:00.000Z",
      lastStatus: "Completed",
      lastConsistency: "application",
      lastGoodPointAt: "2026-11-24T18:00:00.000Z",
      history: "AA",
      belowExpectedDays: 0,
    });
    expect(states.get("vm-last-bad")).toMatchObject({
      lastJobAt: "2026-11-24T14:00:00.000Z",
      lastStatus: "CompletedWithWarnings",
      lastConsistency: "file-system",
      lastGoodPointAt: "2026-11-24T02:00:00.000Z",
      history: "Af",
      belowExpectedDays: 1,
    });

    // A late job of the day before arrives, and that day is run again (a look-back, or `run --date`): the
    // latest day's early good point is still the VM's last good point.
    JOBS.push(good("00000000-0000-4000-8000-000000000204", "vm-last-bad", "2026-11-23T05:00:00Z"));
    await run("2026-11-23");
    const again = new Map<string, StoredVmState>();
    for await (const s of store.readVmStates()) again.set(s.vm, s);
    expect(again.get("vm-last-bad")).toMatchObject({
      lastGoodPointAt: "2026-11-24T02:00:00.000Z",
      lastJobAt: "2026-11-24T14:00:00.000Z",
      history: "Af",
    });
  });
});
