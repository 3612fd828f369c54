/**
 * The daily job end to end on the real local services: the sample estate served through the real Log
 * Analytics and ARM clients over HTTPS, Table Storage in Azurite, and a loopback webhook.
 */
import { afterEach, describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/trends.js";
import { arrivedBy, expectedTrend, startLocalRun, trendCounts, type LocalRun } from "./local-run.js";

const open: LocalRun[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function localRun(options: Parameters<typeof startLocalRun>[0] = {}): Promise<LocalRun> {
  const run = await startLocalRun(options);
  open.push(run);
  return run;
}

describe("the daily job on the sample estate", () => {
  it("stores each day with exactly the estate's figures once its late rows are in, and posts one digest a day", async () => {
    const run = await localRun({ endDate: "2026-11-20", days: 4 });
    const { days } = run.estate;
    for (const date of days) {
      const result = await run.runDay(date);
      const atRun = arrivedBy(run.estate, date, run.estate.dailyRunMs(date));
      expect(result.complete).toBe(true);
      expect(result.digest.headline.counts.jobs).toBe(atRun.jobs);
      expect(result.digest.headline.counts.failed).toBe(atRun.failed);
      expect(result.delivery?.posted).toEqual([{ kind: "digest", key: date, status: 200 }]);
    }

    const stored = await run.trends(days[0]!, days[3]!);
    expect(stored.map((t) => t.date)).toEqual(days);
    // Every day but the last was re-read after its late rows arrived: exactly the estate's figures.
    for (const date of days.slice(0, 3)) {
      expect(trendCounts(stored.find((t) => t.date === date))).toEqual(expectedTrend(run.expected(date)));
    }
    const last = run.expected(days[3]!);
    const lastStored = stored.find((t) => t.date === days[3]);
    expect(lastStored?.jobs).toBe(arrivedBy(run.estate, days[3]!, run.estate.dailyRunMs(days[3]!)).jobs);
    expect(lastStored?.jobs).toBeLessThan(last.jobs);
    expect(run.hook.received.map((d) => d.date)).toEqual(days);
  });
});

describe("late rows", () => {
  it("a day re-read on the next run gains its late jobs, counted on its own day", async () => {
    const run = await localRun({ endDate: "2026-11-20", days: 2 });
    const [first, second] = run.estate.days as [string, string];
    await run.runDay(first);
    const before = (await run.trends(first, first))[0];
    const atRun = arrivedBy(run.estate, first, run.estate.dailyRunMs(first));
    expect(before?.jobs).toBe(atRun.jobs);
    expect(run.expected(first).jobs - atRun.jobs).toBeGreaterThan(0);

    await run.runDay(second);
    const after = await run.trends(first, second);
    expect(trendCounts(after[0])).toEqual(expectedTrend(run.expected(first)));
    expect(after[1]?.jobs).toBe(arrivedBy(run.estate, second, run.estate.dailyRunMs(second)).jobs);
    expect(addDays(first, 1)).toBe(second);
  });
});
