/** A partial result is split into smaller windows until whole, or marks the read incomplete. */
import { describe, expect, it } from "vitest";
import { SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import { withLogsEndpoint } from "../support/local-azure.js";
import { END, estate, readDay } from "./local-query.js";

describe("partial results", () => {
  it("splits a partial result into halves until every window is whole: exact totals, no duplicates", async () => {
    await withLogsEndpoint(
      estate.logsProvider(),
      async (logs) => {
        const { result, progress } = readDay(logs, [SAMPLE_WORKSPACES.main]);
        const { read, workspaces, complete } = await result;
        const main = estate.jobs.filter((j) => j.date === END && !j.vm.vault.legacy);
        const mainRows = main.reduce((n, j) => n + j.rows.length, 0);
        expect(complete).toBe(true);
        expect(workspaces[0]?.partialSplits).toBeGreaterThan(2);
        expect(workspaces[0]?.rowsRead).toBe(mainRows);
        expect(read.rowsRead).toBe(mainRows);
        expect(read.jobs).toHaveLength(main.filter((j) => j.status !== null).length);
        expect(new Set(read.jobs.map((j) => j.jobId)).size).toBe(read.jobs.length);
        const partial = logs.requests.filter((r) => r.partial);
        expect(partial).toHaveLength(workspaces[0]?.partialSplits ?? -1);
        expect(progress.filter((p) => p.event === "split")).toHaveLength(partial.length);
        // the rows kept are exactly the rows of the whole answers
        const whole = logs.requests.filter((r) => r.queryName === "jobs" && !r.partial && r.status === 200);
        expect(whole.reduce((n, r) => n + r.rows, 0)).toBe(mainRows);
        expect(Math.max(...whole.map((r) => r.rows))).toBeLessThanOrEqual(60);
      },
      { maxRows: 60 },
    );
  });

  it("marks the read incomplete when a window is still partial at the smallest size", async () => {
    await withLogsEndpoint(
      estate.logsProvider(),
      async (logs) => {
        const { result } = readDay(logs, [SAMPLE_WORKSPACES.main], { minWindowMs: 3 * 3_600_000 });
        const { workspaces, complete, read } = await result;
        expect(complete).toBe(false);
        expect(workspaces[0]).toMatchObject({ status: "ok", complete: false });
        expect(workspaces[0]?.error).toMatch(/returned only part of its rows even after splitting/);
        expect(read.jobs.length).toBeGreaterThan(0);
      },
      { maxRows: 20 },
    );
  });
});
