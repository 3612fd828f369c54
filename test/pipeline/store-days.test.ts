/**
 * What a read may not do to stored days: a read that finds nothing (rows past the workspace's retention) does
 * not erase a stored day, and two incomplete reads that failed on different workspaces do not erase each
 * other's jobs.
 */
import { describe, expect, it } from "vitest";
import { SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import { addDays } from "../../src/domain/days.js";
import { startLocalRun } from "./local-run.js";

/** A time after every row of the estate has arrived. */
const ALL_ROWS = Date.parse("2030-01-01T00:00:00Z");
const ONE_DAY = { PULSE_LOOKBACK_DAYS: "0", PULSE_RECOVERY_POINTS: "off" };

describe("stored days are protected", () => {
  it("a complete read that finds no job for a stored day keeps the stored day", async () => {
    const run = await startLocalRun({ days: 1, env: ONE_DAY });
    try {
      const [day] = run.estate.days as [string];
      await run.runDay(day, { nowMs: ALL_ROWS });
      const before = (await run.trends(day, day))[0];
      expect(before?.jobs).toBe(run.expected(day).jobs);

      // The same day read again once its rows have left the workspace: nothing comes back.
      const again = await run.runDay(day, { nowMs: 0 });
      expect(again.complete).toBe(true);
      expect(again.days[0]?.keptStored).toBe(true);
      expect((await run.trends(day, day))[0]).toEqual(before);
    } finally {
      await run.close();
    }
  });

  it("the first run's look-back days before any data are not stored as days without jobs; later gaps are", async () => {
    const run = await startLocalRun({
      days: 1,
      env: { PULSE_LOOKBACK_DAYS: "2", PULSE_RECOVERY_POINTS: "off" },
    });
    try {
      const [day] = run.estate.days as [string];
      const first = await run.runDay(day, { nowMs: ALL_ROWS });
      expect(first.days.map((d) => [d.date, d.skipped ?? "stored"])).toEqual([
        [addDays(day, -2), "before the first data"],
        [addDays(day, -1), "before the first data"],
        [day, "stored"],
      ]);
      // trends show the day with data only: no zeros for the days before it
      expect((await run.trends(addDays(day, -2), day)).map((t) => t.date)).toEqual([day]);

      // two days on, the day in between had no job: now that is a fact, stored as a day without jobs
      const later = await run.runDay(addDays(day, 2), { nowMs: ALL_ROWS });
      expect(later.days.map((d) => [d.date, d.skipped ?? "stored"])).toEqual([
        [day, "stored"],
        [addDays(day, 1), "stored"],
        [addDays(day, 2), "stored"],
      ]);
      expect((await run.trends(day, addDays(day, 2))).map((t) => [t.date, t.jobs])).toEqual([
        [day, run.expected(day).jobs],
        [addDays(day, 1), 0],
        [addDays(day, 2), 0],
      ]);
    } finally {
      await run.close();
    }
  });

  it("two incomplete reads failing on different workspaces keep both workspaces' jobs", async () => {
    const run = await startLocalRun({ days: 1, env: ONE_DAY });
    try {
      const [day] = run.estate.days as [string];
      run.logs.failWorkspace(SAMPLE_WORKSPACES.legacy);
      const first = await run.runDay(day, { nowMs: ALL_ROWS });
      expect(first.complete).toBe(false);
      const mainOnly = (await run.trends(day, day))[0]?.jobs ?? 0;
      expect(mainOnly).toBeGreaterThan(0);
      expect(mainOnly).toBeLessThan(run.expected(day).jobs);

      run.logs.restoreWorkspace(SAMPLE_WORKSPACES.legacy);
      run.logs.failWorkspace(SAMPLE_WORKSPACES.main);
      const second = await run.runDay(day, { nowMs: ALL_ROWS });
      expect(second.complete).toBe(false);
      // The legacy workspace's jobs from this read, plus the main workspace's from the first one.
      expect((await run.trends(day, day))[0]?.jobs).toBe(run.expected(day).jobs);
      await expect((await run.deps()).store?.readRun(day)).resolves.toMatchObject({ complete: false });
    } finally {
      await run.close();
    }
  });
});
