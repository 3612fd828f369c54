/**
 * No zeros for data that was not read (issue 9): a run whose workspaces all answered without a job, while the
 * store knows VMs that should have backed up, is NO DATA: the day is not stored as a healthy day without jobs,
 * the digest says NO DATA and why, the CLI exits 1 and the timer invocation fails. A first run on an empty store
 * that finds nothing is not an error: "no jobs found", nothing stored, exit 0. A run that could read no workspace
 * says plainly NO DATA, without "partial data".
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runRun } from "../../src/commands/run.js";
import { dayWindow } from "../../src/domain/days.js";
import { summaryLine } from "../../src/delivery/text.js";
import { createDailyDigestTimer } from "../../src/functions/daily-digest.js";
import { captureIo } from "../support/capture-io.js";
import { onTimeTimer, recordingContext } from "../support/functions.js";
import { startLocalRun, type LocalRun } from "./local-run.js";

const ALL_ROWS = Date.parse("2030-01-01T00:00:00Z");
const ONE_DAY = { PULSE_RECOVERY_POINTS: "off", PULSE_LOOKBACK_DAYS: "0" };
const outDir = mkdtempSync(join(tmpdir(), "backup-pulse-no-data-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const open: LocalRun[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function localRun(options: Parameters<typeof startLocalRun>[0]): Promise<LocalRun> {
  const run = await startLocalRun(options);
  open.push(run);
  return run;
}

/** Two days: the first stored from a full read, the second read before any of its rows arrived. */
async function storedThenEmpty(): Promise<{ run: LocalRun; first: string; second: string; vms: number }> {
  const run = await localRun({ days: 2, env: ONE_DAY });
  const [first, second] = run.estate.days as [string, string];
  const stored = await run.runDay(first, { nowMs: ALL_ROWS });
  expect(stored.noData).toBeNull();
  expect(stored.complete).toBe(true);
  const store = (await run.deps()).store;
  let vms = 0;
  for await (const s of store?.readVmStates() ?? []) if (!s.retiredOn) vms++;
  expect(vms).toBeGreaterThan(0);
  // The workspaces answer, but none of the second day's rows has arrived yet.
  run.setNow(dayWindow(second, "UTC").startMs);
  return { run, first, second, vms };
}

describe("NO DATA when every workspace answered without a job", () => {
  it("the CLI run: the day is not stored, the digest says NO DATA and why, exit 1", async () => {
    const { run, second, vms } = await storedThenEmpty();
    const before = await run.entityCounts();
    const cli = captureIo(run.env);
    const code = await runRun(["--date", second, "--html", join(outDir, "empty.html")], cli, run.depsOptions);
    expect(code).toBe(1);
    expect(cli.err()).toContain(
      `NO DATA: every workspace answered (${run.config.workspaceIds.length}) but none returned a backup job for ${second}, while ${vms} VM(s) are expected`,
    );
    expect(cli.err()).toContain(`${second}: not stored: no workspace returned a job`);
    expect(cli.out()).toContain(`Backup pulse for ${second}: NO DATA\n`);
    expect(cli.out()).toContain(
      `Every workspace answered, but with no backup job for ${second} while ${vms} VMs are expected`,
    );
    // Nothing stored for the day: no run record, no zero trend row; the outbox holds the posted digest only.
    const store = (await run.deps()).store;
    expect(await store?.readRun(second)).toBeNull();
    expect((await run.trends(second, second)).length).toBe(0);
    const after = await run.entityCounts();
    expect(after.PulseRuns).toBe(before.PulseRuns);
    expect(after.PulseTrends).toBe(before.PulseTrends);
    // The digest was still posted, saying NO DATA.
    expect(run.hook.received.map((d) => [d.date, d.headline.status]).at(-1)).toEqual([second, "no-data"]);
  });

  it("the timer invocation fails, naming why", async () => {
    const { run, second } = await storedThenEmpty();
    const ctx = recordingContext("dailyDigest", "no-data-test");
    const timer = createDailyDigestTimer({
      env: run.env,
      deps: run.depsOptions,
      now: () => run.estate.dailyRunMs(second),
    });
    await expect(timer(onTimeTimer, ctx)).rejects.toThrow(
      `The daily run for ${second} did not finish cleanly: every workspace answered`,
    );
    expect(ctx.lines.some(([level, line]) => level === "error" && line.includes("NO DATA"))).toBe(true);
  });

  it("a stored day read again past the workspace's retention is kept, and the run succeeds", async () => {
    const { run, first } = await storedThenEmpty();
    run.setNow(0);
    const again = await runRunQuiet(run, first);
    expect(again).toBe(0);
  });

  it("a first run on an empty store that finds no job: 'no jobs found', nothing stored, exit 0", async () => {
    const run = await localRun({ days: 1, env: ONE_DAY, keepJob: () => false });
    const [day] = run.estate.days as [string];
    run.setNow(ALL_ROWS);
    const cli = captureIo(run.env);
    const code = await runRun(["--date", day, "--html", join(outDir, "first.html")], cli, run.depsOptions);
    expect(code).toBe(0);
    expect(cli.err()).toContain("No jobs found: no workspace returned a backup job and no VM is known yet");
    expect(cli.out()).toContain(
      `No backup job found for ${day}, and no VM is known yet: nothing is expected.`,
    );
    expect(await (await run.deps()).store?.readRun(day)).toBeNull();
    expect((await run.trends(day, day)).length).toBe(0);
  });
});

describe("NO DATA when no workspace could be read", () => {
  it("the summary says plain NO DATA with the reason, and the timer names every workspace", async () => {
    const run = await localRun({ days: 1, env: ONE_DAY });
    const [day] = run.estate.days as [string];
    run.setNow(ALL_ROWS);
    for (const id of run.config.workspaceIds) run.logs.failWorkspace(id);
    const ctx = recordingContext("dailyDigest", "no-workspace-test");
    const timer = createDailyDigestTimer({
      env: run.env,
      deps: run.depsOptions,
      now: () => run.estate.dailyRunMs(day),
    });
    const reason = `no workspace could be read (${run.config.workspaceIds.join(", ")}): NO DATA`;
    await expect(timer(onTimeTimer, ctx)).rejects.toThrow(
      `The daily run for ${day} did not finish cleanly: ${reason}`,
    );
    expect(ctx.lines).toContainEqual(["error", `The daily run for ${day} did not finish cleanly: ${reason}`]);
    const digest = run.hook.received[0];
    expect(digest?.headline.status).toBe("no-data");
    expect(summaryLine(digest!)).toBe(
      `Backup pulse ${day}: NO DATA. No workspace could be read: the backup state of the fleet is unknown.`,
    );
  });
});

async function runRunQuiet(run: LocalRun, day: string): Promise<number> {
  const cli = captureIo(run.env);
  return runRun(["--date", day, "--html", join(outDir, `again-${day}.html`)], cli, run.depsOptions);
}
