/**
 * Planning the read: each query's window is cut, from its count query's quarter hours, into windows that stay
 * far from the API's result limits; a failing count query falls back to reading the whole window.
 */
import { describe, expect, it } from "vitest";
import { generateJobRows } from "../../src/demo/bulk-rows.js";
import { SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import type { LogsEndpoint, LogsProvider } from "../../src/local/logs-endpoint.js";
import { COUNT_BIN_MS, DEFAULT_ROW_BUDGET, planWindows } from "../../src/logs/query-plan.js";
import { queryJobs } from "../../src/logs/query.js";
import type { QueryProgress } from "../../src/logs/workspace-report.js";
import { withLogsEndpoint } from "../support/local-azure.js";
import { client, END, estate, readDay } from "./local-query.js";

const at = (time: string): number => Date.parse(`2026-11-24T${time}Z`);
const day = { start: new Date(at("00:00:00")), end: new Date(Date.parse("2026-11-25T00:00:00Z")) };
const iso = (w: { start: Date; end: Date }): [string, string] => [w.start.toISOString(), w.end.toISOString()];

/** The job queries answered with rows (not partial), as [rangeStart, rangeEnd, rows], in time order. */
function jobAnswers(logs: LogsEndpoint, workspaceId: string): [string, string, number][] {
  return logs.requests
    .filter((r) => r.workspaceId === workspaceId && r.queryName === "jobs" && r.status === 200)
    .map((r): [string, string, number] => [r.params.rangeStart ?? "", r.params.rangeEnd ?? "", r.rows])
    .sort((a, b) => a[0].localeCompare(b[0]));
}

/** True when the windows follow each other with no gap and no overlap from `start` to `end`. */
function tiles(windows: [string, string, number][], start: Date, end: Date): boolean {
  return (
    windows[0]?.[0] === start.toISOString() &&
    windows.at(-1)?.[1] === end.toISOString() &&
    windows.every((w, i) => i === 0 || w[0] === windows[i - 1]?.[1])
  );
}

describe("planWindows", () => {
  it("packs quarter hours greedily up to the budget; a quarter hour over it is a window of its own", () => {
    const bins = [
      { startMs: at("05:00:00"), rows: 3 },
      { startMs: at("00:00:00"), rows: 10 },
      { startMs: at("00:15:00"), rows: 10 },
      { startMs: at("00:30:00"), rows: 10 },
      { startMs: at("01:00:00"), rows: 25 },
      { startMs: at("01:15:00"), rows: 0 },
    ];
    const windows = planWindows(bins, day.start, day.end, 20);
    expect(windows.map((w) => [...iso(w), w.rows])).toEqual([
      ["2026-11-24T00:00:00.000Z", "2026-11-24T00:30:00.000Z", 20],
      ["2026-11-24T00:30:00.000Z", "2026-11-24T01:00:00.000Z", 10],
      ["2026-11-24T01:00:00.000Z", "2026-11-24T05:00:00.000Z", 25],
      ["2026-11-24T05:00:00.000Z", "2026-11-25T00:00:00.000Z", 3],
    ]);
  });

  it("a small or quiet window is read in one query; a window that starts inside a quarter hour starts there", () => {
    expect(planWindows([], day.start, day.end, 20).map(iso)).toEqual([iso(day)]);
    expect(planWindows([{ startMs: at("10:00:00"), rows: 20 }], day.start, day.end, 20).map(iso)).toEqual([
      iso(day),
    ]);
    const start = new Date(at("00:07:00"));
    const bins = [
      { startMs: at("00:00:00"), rows: 15 },
      { startMs: at("00:15:00"), rows: 15 },
    ];
    expect(planWindows(bins, start, day.end, 20).map(iso)).toEqual([
      [start.toISOString(), "2026-11-24T00:15:00.000Z"],
      ["2026-11-24T00:15:00.000Z", "2026-11-25T00:00:00.000Z"],
    ]);
  });
});

describe("a planned read against the local Log Analytics endpoint", () => {
  const expectedEnd = estate.expected.days.at(-1);

  it("cuts each query's day into windows of at most the budget: same jobs and rows, no partial answer", async () => {
    await withLogsEndpoint(estate.logsProvider(), async (logs) => {
      const { result, progress } = readDay(logs, undefined, { plan: { rowBudget: 40 } });
      const { read, workspaces, complete } = await result;
      expect(complete).toBe(true);
      expect(read.jobs).toHaveLength(expectedEnd?.jobs ?? -1);
      expect(read.rowsRead).toBe(expectedEnd?.rows);
      expect(read.duplicates).toBe(expectedEnd?.duplicates);
      expect(logs.requests.some((r) => r.partial)).toBe(false);
      // one count query per workspace and query; a missing source table ends that query there
      expect(logs.requests.filter((r) => r.queryName?.endsWith("-count")).map((r) => r.status)).toHaveLength(
        4,
      );
      expect(workspaces).toEqual([
        expect.objectContaining({ status: "ok", countQueries: 1, missingTables: ["AzureDiagnostics"] }),
        expect.objectContaining({ status: "ok", countQueries: 1, missingTables: ["AddonAzureBackupJobs"] }),
      ]);
      const main = jobAnswers(logs, SAMPLE_WORKSPACES.main);
      expect(main.length).toBeGreaterThan(2);
      // the job queries answered, and the legacy query's missing table
      expect(workspaces[0]?.queries).toBe(main.length + 1);
      expect(
        tiles(main, new Date(`${END}T00:00:00Z`), new Date(Date.parse(`${END}T00:00:00Z`) + 86_400_000)),
      ).toBe(true);
      // within the budget, unless one quarter hour alone holds more
      for (const [from, to, rows] of main) {
        expect(rows <= 40 || Date.parse(to) - Date.parse(from) === COUNT_BIN_MS).toBe(true);
      }
      const plan = progress.find((p) => p.event === "plan" && p.workspaceId === SAMPLE_WORKSPACES.main);
      expect(plan).toMatchObject({ queryName: "jobs", windows: main.length });
      expect(plan?.rows).toBeGreaterThanOrEqual(workspaces[0]?.rowsRead ?? Infinity);
    });
  });

  it("a quarter hour over the budget and over the service's limit: its own window, split until whole", async () => {
    await withLogsEndpoint(
      estate.logsProvider(),
      async (logs) => {
        const { result } = readDay(logs, [SAMPLE_WORKSPACES.main], {
          plan: { rowBudget: 12 },
          minWindowMs: 60_000,
        });
        const { read, workspaces, complete } = await result;
        const main = estate.jobs.filter((j) => j.date === END && !j.vm.vault.legacy);
        expect(complete).toBe(true);
        expect(read.rowsRead).toBe(main.reduce((n, j) => n + j.rows.length, 0));
        expect(read.jobs).toHaveLength(main.filter((j) => j.status !== null).length);
        // a partial answer came back for a planned quarter hour, and its halves were read whole
        const partial = logs.requests.filter((r) => r.partial);
        expect(partial.length).toBeGreaterThan(0);
        expect(
          partial.some(
            (r) =>
              Date.parse(r.params.rangeEnd ?? "") - Date.parse(r.params.rangeStart ?? "") === COUNT_BIN_MS,
          ),
        ).toBe(true);
        expect(workspaces[0]?.partialSplits).toBe(partial.length);
        expect(logs.requests.filter((r) => r.queryName === "jobs-count")).toMatchObject([{ partial: false }]);
      },
      // about 8 job rows fit in an answer, and far more count rows
      { maxBytes: 4000 },
    );
  });

  it("the count query failing: the whole day is read in one query as before, and progress says so", async () => {
    await withLogsEndpoint(estate.logsProvider(), async (logs) => {
      logs.failNext(["bad-argument", "bad-argument"], { workspaceId: SAMPLE_WORKSPACES.main });
      const { result, progress } = readDay(logs, [SAMPLE_WORKSPACES.main], { plan: { rowBudget: 40 } });
      const { read, workspaces, complete } = await result;
      const main = estate.jobs.filter((j) => j.date === END && !j.vm.vault.legacy);
      expect(complete).toBe(true);
      expect(read.jobs).toHaveLength(main.filter((j) => j.status !== null).length);
      expect(workspaces[0]).toMatchObject({ status: "ok", missingTables: ["AzureDiagnostics"] });
      const failed = progress.filter((p) => p.event === "plan-failed");
      expect(failed.map((p) => p.queryName).sort()).toEqual(["jobs", "jobs-legacy"]);
      expect(failed[0]?.message).toMatch(/count query failed \(400 BadArgumentError.*read in one query/);
      expect(jobAnswers(logs, SAMPLE_WORKSPACES.main)).toEqual([
        [
          `${END}T00:00:00.000Z`,
          new Date(Date.parse(`${END}T00:00:00Z`) + 86_400_000).toISOString(),
          read.rowsRead,
        ],
      ]);
    });
  });
});

describe("the pipeline bench's day", () => {
  it("100,000 jobs read over the default look-back in planned windows: no answer partial, none over the budget", async () => {
    const generated = generateJobRows(100_000, { date: "2026-11-24" });
    const startAt = generated.columns.findIndex((c) => c.name === "JobStartDateTime");
    const byStart = generated.rows
      .map((row) => ({ row, ms: Date.parse(String(row[startAt])) }))
      .sort((a, b) => a.ms - b.ms);
    // what the bench's stand-in serves: the rows of the jobs that started in the query's window
    const provider: LogsProvider = (r) => {
      if (r.queryName !== "jobs") return { columns: generated.columns, rows: [] };
      const from = Date.parse(r.params.rangeStart ?? "");
      const to = Date.parse(r.params.rangeEnd ?? "");
      return {
        columns: generated.columns,
        rows: byStart.filter((x) => x.ms >= from && x.ms < to).map((x) => x.row),
      };
    };
    await withLogsEndpoint(provider, async (logs) => {
      const progress: QueryProgress[] = [];
      const { read, complete } = await queryJobs({
        client: client(logs).client,
        workspaceIds: ["ws-bench"],
        rangeStart: new Date("2026-11-22T00:00:00Z"),
        rangeEnd: new Date("2026-11-25T00:00:00Z"),
        onProgress: (p) => progress.push(p),
      });
      expect(complete).toBe(true);
      expect(read.jobs).toHaveLength(100_000);
      expect(read.rowsRead).toBe(generated.rows.length);
      expect(logs.requests.filter((r) => r.partial)).toEqual([]);
      const answers = jobAnswers(logs, "ws-bench");
      expect(answers.length).toBeGreaterThan(1);
      expect(Math.max(...answers.map((a) => a[2]))).toBeLessThanOrEqual(DEFAULT_ROW_BUDGET);
      expect(progress.filter((p) => p.event === "split")).toEqual([]);
    });
  }, 120_000);
});
