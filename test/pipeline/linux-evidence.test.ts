/**
 * Evidence for Linux from the store: a Linux VM an earlier run saw with an application-consistent point runs
 * pre/post scripts, so application consistency is expected of it on later days, though its name is not in
 * PULSE_LINUX_APP_CONSISTENT_VMS any more and today's job alone says nothing. The stored states are read one
 * vault partition at a time, through a real `backup-pulse run` on the Log Analytics stand-in and Azurite.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Digest } from "../../src/domain/digest.js";
import { startLogsEndpoint, type LogsEndpoint } from "../../src/local/logs-endpoint.js";
import { jobRowsProvider, runDigestJson, type RowJob } from "./job-rows.js";

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
const outDir = mkdtempSync(join(tmpdir(), "pulse-linux-ev-"));
const tablePrefix = `linuxev${process.pid}`;

beforeAll(async () => {
  logs = await startLogsEndpoint({ provider: jobRowsProvider(VAULT_ID, JOBS) });
});
afterAll(async () => {
  await logs.close();
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
});
