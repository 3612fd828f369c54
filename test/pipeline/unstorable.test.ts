/**
 * One job Table Storage cannot store (a 10,000-character VM name, an error code holding a lone surrogate)
 * costs that job alone: the rest of the day is stored and posted, and the run record and the digest say how
 * many were left out.
 */
import { describe, expect, it } from "vitest";
import { terminalDigest } from "../../src/delivery/terminal.js";
import { startLocalRun } from "./local-run.js";

/** A time after every row of the estate has arrived. */
const ALL_ROWS = Date.parse("2030-01-01T00:00:00Z");

describe("unstorable rows", () => {
  it("a day with two unstorable jobs stores and posts every other job, and says two were left out", async () => {
    const run = await startLocalRun({
      days: 1,
      env: { PULSE_LOOKBACK_DAYS: "0", PULSE_RECOVERY_POINTS: "off" },
    });
    try {
      const [day] = run.estate.days as [string];
      const ofDay = run.estate.jobs.filter((j) => j.date === day && j.status !== null);
      const [long, lone] = ofDay as [(typeof ofDay)[number], (typeof ofDay)[number]];
      const name = "x".repeat(10_000);
      long.vm = {
        ...long.vm,
        name,
        container: `iaasvmcontainerv2;${long.vm.resourceGroup};${name}`,
        itemId: "long-item",
      };
      lone.code = "UserErrorBroken\ud800";
      lone.status = "Failed";
      for (const r of lone.rows)
        if (r.status !== "InProgress") Object.assign(r, { status: "Failed", code: lone.code });

      const result = await run.runDay(day, { nowMs: ALL_ROWS });
      expect(result.days[0]?.unstorable).toBe(2);
      const total = ofDay.length;
      const stored = (await run.trends(day, day))[0];
      expect(stored?.jobs).toBe(total - 2);
      const store = (await run.deps()).store!;
      await expect(store.readRun(day)).resolves.toMatchObject({ jobs: total - 2, rowsUnstorable: 2 });
      expect(result.digest.headline.counts.jobs).toBe(total - 2);
      expect(result.digest.coverage.rowsUnstorable).toBe(2);
      expect(terminalDigest(result.digest)).toContain("2 unstorable row(s) left out");
      expect(result.delivery?.posted).toEqual([{ kind: "digest", key: day, status: 200 }]);
      expect(run.hook.received[0]?.coverage.rowsUnstorable).toBe(2);
    } finally {
      await run.close();
    }
  });
});
