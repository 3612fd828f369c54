/**
 * The read-and-classify step the daily run and the alerts share, on the local Log Analytics and ARM endpoints:
 * which rows it keeps, which recovery points it looks up, and which it reuses from an earlier run.
 */
import { describe, expect, it } from "vitest";
import { needsLookup } from "../../src/recovery/recovery-points.js";
import { readAndClassify } from "../../src/pipeline/read-and-classify.js";
import { startLocalRun, type LocalRun } from "./local-run.js";

/** The recovery-point list calls the ARM endpoint received (the vault inventory's lists left aside). */
const pointCalls = (run: LocalRun) => run.arm.requests.filter((r) => r.kind === "recoveryPoints");

/** A time after every row of the estate has arrived. */
const ALL_ROWS = Date.parse("2030-01-01T00:00:00Z");
const DAY_MS = 86_400_000;

describe("what is read and looked up", () => {
  it("keeps only the rows generated up to the given time, and looks up only the jobs asked for", async () => {
    const run = await startLocalRun({
      days: 1,
      env: { PULSE_LOOKBACK_DAYS: "0", PULSE_RECOVERY_POINTS: "all" },
    });
    try {
      const [day] = run.estate.days as [string];
      run.setNow(ALL_ROWS);
      const deps = await run.deps();
      const rangeStart = new Date(`${day}T00:00:00.000Z`);
      const window = { rangeStart, rangeEnd: new Date(rangeStart.getTime() + DAY_MS) };

      const whole = await readAndClassify(run.config, deps, { ...window, lookUp: () => false });
      expect(whole.jobs).toHaveLength(run.expected(day).jobs);
      expect(whole.classified.map((j) => j.jobId)).toEqual(whole.jobs.map((j) => j.jobId));
      expect(whole.recoveryPoints).toEqual({ lookedUp: 0, matched: 0, failed: 0, reused: 0 });
      expect(pointCalls(run)).toHaveLength(0);

      // Half the jobs' latest rows had arrived by then.
      const arrivals = whole.jobs.map((j) => j.timeGeneratedMs).sort((x, y) => x - y);
      const cutMs = arrivals[Math.floor(arrivals.length / 2)] ?? 0;
      const vm = whole.jobs[0]?.vm;
      const asked = (j: { vm: string }): boolean => j.vm === vm;
      const part = await readAndClassify(run.config, deps, {
        ...window,
        generatedUpToMs: cutMs,
        lookUp: asked,
      });
      const early = whole.jobs.filter((j) => j.timeGeneratedMs <= cutMs);
      expect(early.length).toBeGreaterThan(0);
      expect(early.length).toBeLessThan(whole.jobs.length);
      expect(part.jobs.map((j) => j.jobId).sort()).toEqual(early.map((j) => j.jobId).sort());
      expect(part.classified).toHaveLength(part.jobs.length);
      const wanted = part.jobs.filter((j) => asked(j) && needsLookup(j, "all"));
      expect(wanted.length).toBeGreaterThan(0);
      expect(part.recoveryPoints?.lookedUp).toBe(wanted.length);
      expect(pointCalls(run).length).toBeGreaterThan(0);
    } finally {
      await run.close();
    }
  });

  it("with look-ups off, reads no recovery point and reports none", async () => {
    const run = await startLocalRun({
      days: 1,
      env: { PULSE_LOOKBACK_DAYS: "0", PULSE_RECOVERY_POINTS: "off" },
    });
    try {
      const [day] = run.estate.days as [string];
      run.setNow(ALL_ROWS);
      const rangeStart = new Date(`${day}T00:00:00.000Z`);
      const read = await readAndClassify(run.config, await run.deps(), {
        rangeStart,
        rangeEnd: new Date(rangeStart.getTime() + DAY_MS),
        observedEarlier: () => Promise.reject(new Error("not to be read when look-ups are off")),
      });
      expect(read.jobs).toHaveLength(run.expected(day).jobs);
      expect(read.recoveryPoints).toBeNull();
      expect(read.classified.every((j) => j.consistencySource === "inferred")).toBe(true);
      expect(run.arm.requests).toHaveLength(0);
    } finally {
      await run.close();
    }
  });
});

describe("recovery points are read once", () => {
  it("a re-read of an earlier day reuses the points found on the previous run", async () => {
    const run = await startLocalRun({ days: 2, env: { PULSE_LOOKBACK_DAYS: "1" } });
    try {
      const [d1, d2] = run.estate.days as [string, string];
      const first = await run.runDay(d1, { nowMs: ALL_ROWS });
      expect(first.recoveryPoints.matched).toBeGreaterThan(0);
      const store = (await run.deps()).store;
      const observed = (await store?.readObservedJobs(d1))?.size ?? 0;
      expect(observed).toBe(first.recoveryPoints.matched);
      const before = await run.trends(d1, d1);
      const armCalls = pointCalls(run).length;

      const second = await run.runDay(d2, { nowMs: ALL_ROWS });
      expect(second.recoveryPoints.reused).toBe(observed);
      // Only the new day's items were asked for.
      expect(pointCalls(run).length - armCalls).toBeLessThanOrEqual(second.recoveryPoints.lookedUp);
      expect(await run.trends(d1, d1)).toEqual(before);
    } finally {
      await run.close();
    }
  });
});
