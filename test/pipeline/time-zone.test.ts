/**
 * PULSE_TIMEZONE through a real `backup-pulse run`: the Log Analytics stand-in (real LogsQueryClient, HTTPS)
 * serves nightly Europe/Berlin jobs that start just before and just after local midnight, on both sides of
 * UTC midnight; each run reads the window of its Berlin days and attributes every job to its Berlin day.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import type { Digest } from "../../src/domain/digest.js";
import { TrendStore } from "../../src/store/trend-store.js";
import { startLogsEndpoint, type LogsEndpoint } from "../../src/local/logs-endpoint.js";
import { jobRowsProvider, runDigestJson } from "./job-rows.js";

const WORKSPACE = "7b3e9c1d-4a2f-4e8b-9c6d-1f0a2b3c4d5e";
const VAULT_ID =
  "/subscriptions/3f2c8a51-6b0e-4f4c-9d7a-2b1e5c7d9a10/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-weu";

/** Nightly jobs: `late` at 23:30 Berlin time (22:30 UTC), `early` at 00:30 Berlin time (23:30 UTC the day before). */
const JOBS = [
  { id: "00000000-0000-4000-8000-0000000000e1", vm: "vm-early", start: "2026-11-23T23:30:00Z" }, // 24th 00:30 local
  { id: "00000000-0000-4000-8000-0000000000a1", vm: "vm-late", start: "2026-11-24T22:30:00Z" }, // 24th 23:30 local
  { id: "00000000-0000-4000-8000-0000000000e2", vm: "vm-early", start: "2026-11-24T23:30:00Z" }, // 25th 00:30 local
];

let logs: LogsEndpoint;
const outDir = mkdtempSync(join(tmpdir(), "pulse-tz-"));

beforeAll(async () => {
  logs = await startLogsEndpoint({ provider: jobRowsProvider(VAULT_ID, JOBS) });
});
afterAll(async () => {
  await logs.close();
  rmSync(outDir, { recursive: true, force: true });
});

const prefixOf = (date: string, timeZone: string): string =>
  `tz${process.pid}${timeZone.replace(/\W/g, "").slice(0, 6)}${date.replace(/-/g, "")}`;

const run = (date: string, timeZone: string): Promise<Digest> =>
  runDigestJson(
    {
      workspaceId: WORKSPACE,
      logsEndpoint: logs.endpoint,
      tablePrefix: prefixOf(date, timeZone),
      outDir,
    },
    date,
    { PULSE_LOOKBACK_DAYS: "1", PULSE_TIMEZONE: timeZone },
  );

const started = (digest: Digest): string[] => digest.vms.map((v) => `${v.vm}@${v.start}`).sort();

describe("PULSE_TIMEZONE=Europe/Berlin through backup-pulse run", () => {
  it("reads the Berlin days' window and puts 23:30 and 00:30 local jobs on their local days", async () => {
    const before = logs.requests.length;
    const day24 = await run("2026-11-24", "Europe/Berlin");
    // The window runs from the look-back day's local midnight to the run day's: 23:00 UTC in winter.
    const asked = logs.requests.slice(before).filter((r) => r.queryName === "jobs");
    expect(asked.length).toBeGreaterThan(0);
    expect(asked.map((r) => [r.params.rangeStart, r.params.rangeEnd])).toContainEqual([
      "2026-11-22T23:00:00.000Z",
      "2026-11-24T23:00:00.000Z",
    ]);
    expect(day24.date).toBe("2026-11-24");
    expect(day24.headline.jobs.value).toBe(2);
    expect(started(day24)).toEqual([
      "vm-early@2026-11-23T23:30:00.000Z", // 00:30 on the 24th in Berlin, 23rd in UTC
      "vm-late@2026-11-24T22:30:00.000Z", // 23:30 on the 24th in Berlin
    ]);

    const day25 = await run("2026-11-25", "Europe/Berlin");
    expect(day25.headline.jobs.value).toBe(1);
    expect(started(day25)).toEqual(["vm-early@2026-11-24T23:30:00.000Z"]); // 00:30 on the 25th in Berlin

    // the stored day says which time zone it was cut in
    const store = await TrendStore.open(
      { kind: "connection", connectionString: inject("tablesConnection") },
      undefined,
      { tablePrefix: prefixOf("2026-11-25", "Europe/Berlin"), createTables: false },
    );
    expect((await store.readRun("2026-11-25"))?.timeZone).toBe("Europe/Berlin");
  });

  it("in UTC the same jobs fall on UTC days", async () => {
    const day24 = await run("2026-11-24", "UTC");
    expect(day24.headline.jobs.value).toBe(2);
    expect(started(day24)).toEqual(["vm-early@2026-11-24T23:30:00.000Z", "vm-late@2026-11-24T22:30:00.000Z"]);
  });
});
