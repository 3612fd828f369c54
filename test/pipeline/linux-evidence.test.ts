/**
 * Evidence for Linux from the store: a Linux VM an earlier run saw with an application-consistent point runs
 * pre/post scripts, so application consistency is expected of it on later days, though its name is not in
 * PULSE_LINUX_APP_CONSISTENT_VMS any more and today's job alone says nothing. The stored states are read one
 * vault partition at a time, through a real `backup-pulse run` on the Log Analytics stand-in and Azurite. The
 * alert evaluation reads the same evidence: a file-system point of such a VM is a downgrade.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { Digest } from "../../src/domain/digest.js";
import { startArmEndpoint, type ArmEndpoint } from "../../src/local/arm-endpoint.js";
import { startLogsEndpoint, type LogsEndpoint } from "../../src/local/logs-endpoint.js";
import { runAlerts } from "../../src/pipeline/alerts.js";
import { openAlertDeps } from "../../src/pipeline/deps.js";
import { staticCredential } from "../support/local-azure.js";
import { jobRowsProvider, runDigestJson, type RowJob } from "./job-rows.js";
import { FAST_LOGS_RETRY } from "./local-run.js";

const WORKSPACE = "6e2f3a4b-5c6d-4e7f-8a91-92a3b4c5d6e7";
const VAULT_ID =
  "/subscriptions/3f2c8a51-6b0e-4f4c-9d7a-2b1e5c7d9a10/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-linux";

const linux = (id: string, vm: string, start: string): RowJob => ({ id, vm, start, os: "Linux" });
const JOBS: RowJob[] = [
  // the day before: vm-pg-02 listed in PULSE_LINUX_APP_CONSISTENT_VMS, so its point is application-consistent
  linux("00000000-0000-4000-8000-000000000301", "vm-pg-02", "2026-11-23T02:00:00Z"),
  linux("00000000-0000-4000-8000-000000000401", "vm-plain-01", "2026-11-23T02:00:00Z"),
  // the day: neither listed; vm-pg-02 has a stored application point, vm-plain-01 none
  linux("00000000-0000-4000-8000-000000000302", "vm-pg-02", "2026-11-24T02:00:00Z"),
  linux("00000000-0000-4000-8000-000000000402", "vm-plain-01", "2026-11-24T02:00:00Z"),
];

let logs: LogsEndpoint;
let arm: ArmEndpoint;
const outDir = mkdtempSync(join(tmpdir(), "pulse-linux-ev-"));
const tablePrefix = `linuxev${process.pid}`;

beforeAll(async () => {
  logs = await startLogsEndpoint({ provider: jobRowsProvider(VAULT_ID, JOBS) });
  // Every point the VMs' items have is file-system consistent, five minutes into each job.
  arm = await startArmEndpoint({
    provider: () =>
      JOBS.map((j, i) => ({
        name: String(1000 + i),
        recoveryPointType: "FileSystemConsistent",
        recoveryPointTime: new Date(Date.parse(j.start) + 300_000),
      })),
  });
});
afterAll(async () => {
  await Promise.all([logs.close(), arm.close()]);
  rmSync(outDir, { recursive: true, force: true });
});

const run = (date: string, env: Record<string, string> = {}): Promise<Digest> =>
  runDigestJson({ workspaceId: WORKSPACE, logsEndpoint: logs.endpoint, tablePrefix, outDir }, date, {
    PULSE_LOOKBACK_DAYS: "0",
    ...env,
  });

describe("Linux evidence from stored states", () => {
  it("an earlier application-consistent point makes application expected of a Linux VM", async () => {
    const before = await run("2026-11-23", { PULSE_LINUX_APP_CONSISTENT_VMS: "vm-pg-02" });
    const row = (d: Digest, vm: string) => d.vms.find((v) => v.vm === vm);
    expect(row(before, "vm-pg-02")).toMatchObject({
      consistency: "application",
      expectedConsistency: "application",
    });
    expect(row(before, "vm-plain-01")).toMatchObject({
      consistency: "file-system",
      expectedConsistency: "file-system",
    });

    const d = await run("2026-11-24");
    expect(row(d, "vm-pg-02")).toMatchObject({
      consistency: "application",
      expectedConsistency: "application",
      degraded: false,
    });
    // no stored application point: a plain Linux VM stays file-system
    expect(row(d, "vm-plain-01")).toMatchObject({
      consistency: "file-system",
      expectedConsistency: "file-system",
    });
  });

  it("the alert evaluation reads the same evidence: a file-system point of such a VM is a downgrade", async () => {
    const downgrades = async (prefix: string): Promise<string[]> => {
      const config = loadConfig(
        {
          PULSE_WORKSPACE_IDS: WORKSPACE,
          PULSE_LOGS_ENDPOINT: logs.endpoint,
          PULSE_ARM_ENDPOINT: arm.endpoint,
          PULSE_RECOVERY_POINTS: "all",
          PULSE_TABLES_CONNECTION: inject("tablesConnection"),
          PULSE_ALERT_RULES: "consistency-downgrade",
        },
        { requireRunSettings: true },
      );
      const deps = await openAlertDeps(config, {
        credential: staticCredential(),
        tlsCa: inject("loopbackCa"),
        tablePrefix: prefix,
        logsRetry: FAST_LOGS_RETRY,
        dryRun: true,
      });
      const result = await runAlerts(config, deps, {
        now: new Date("2026-11-24T06:00:00Z"),
        since: new Date("2026-11-24T00:00:00Z"),
        dryRun: true,
      });
      expect(result.recoveryPoints.matched).toBe(2);
      return result.alerts.filter((a) => a.rules.includes("consistency-downgrade")).map((a) => a.vm);
    };
    // The store the daily runs above wrote: vm-pg-02 was seen application-consistent.
    await run("2026-11-23", { PULSE_LINUX_APP_CONSISTENT_VMS: "vm-pg-02" });
    expect(await downgrades(tablePrefix)).toEqual(["vm-pg-02"]);
    // A store without that history: nothing tells that vm-pg-02 runs scripts.
    expect(await downgrades(`${tablePrefix}none`)).toEqual([]);
  });
});
