/**
 * Planning the windows of a job query before reading it: the query's count query says how many rows each
 * quarter hour of the read window holds (before de-duplication, so an upper bound of the rows its answer
 * carries), and the window is cut at quarter hours into consecutive windows of at most a row budget each.
 * Every answer then stays far from the API's result limits (500,000 rows, about 64 MB), so no partial answer
 * is parsed and thrown away; a quarter hour over the budget is a window of its own (a partial answer there is
 * still split by query-windows.ts).
 */
import { LogsQueryResultStatus, type LogsQueryResult, type LogsTable } from "@azure/monitor-query-logs";
import { serviceMessage } from "./error-text.js";
import { describeQueryError } from "./query-errors.js";
import type { WindowQuery } from "./query-windows.js";
import { isMissingSource } from "./workspace-report.js";

/** The width of the count query's bins (the `15m` in the count query files). */
export const COUNT_BIN_MS = 15 * 60_000;

/**
 * Rows per answer the windows are planned to: about 12 MB of JSON at the job query's ~480 bytes a row, a
 * fraction of the 64 MB limit. Measured on the pipeline bench: the read holds one answer at a time, and
 * fewer, larger answers gain no time (docs/scale.md).
 */
export const DEFAULT_ROW_BUDGET = 25_000;

/** Planned windows of one workspace read at once (both job queries together). */
export const DEFAULT_WINDOWS_IN_FLIGHT = 2;

/** Reading a job query in windows planned from its count query. */
export interface ReadPlanOptions {
  /** The most rows a planned window should hold (default {@link DEFAULT_ROW_BUDGET}). */
  rowBudget?: number;
  /** Planned windows of one workspace read at once (default {@link DEFAULT_WINDOWS_IN_FLIGHT}). */
  windowsInFlight?: number;
}

export interface CountBin {
  /** The start of the bin (its quarter hour). */
  startMs: number;
  rows: number;
}

export interface PlannedWindow {
  start: Date;
  end: Date;
  /** Rows counted in the window (an upper bound of its answer's rows). */
  rows: number;
}

/** A count answer that is not the count query's table (the plan then falls back to reading whole windows). */
export class CountShapeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CountShapeError";
  }
}

function countOf(cell: unknown): number {
  const n = typeof cell === "string" && cell.trim() !== "" ? Number(cell) : cell;
  return typeof n === "number" && Number.isInteger(n) && n >= 0 ? n : Number.NaN;
}

function timeOf(cell: unknown): number {
  if (cell instanceof Date) return cell.getTime();
  return typeof cell === "string" ? Date.parse(cell) : Number.NaN;
}

/** The bins of a count answer: one table with a `JobStartDateTime` datetime and a `count_` long per row. */
export function countBins(tables: readonly LogsTable[]): CountBin[] {
  const bins: CountBin[] = [];
  for (const table of tables) {
    const names = table.columnDescriptors.map((c) => c.name ?? "");
    const at = names.indexOf("JobStartDateTime");
    const count = names.indexOf("count_");
    if (at < 0 || count < 0) {
      throw new CountShapeError(
        `the count answer has columns ${names.join(", ")}, not JobStartDateTime and count_`,
      );
    }
    for (const row of table.rows) {
      const startMs = timeOf(row[at]);
      const rows = countOf(row[count]);
      if (Number.isNaN(startMs) || Number.isNaN(rows)) {
        throw new CountShapeError("the count answer has a row without a bin time or a count");
      }
      bins.push({ startMs, rows });
    }
  }
  return bins;
}

/**
 * Consecutive windows covering [start, end) exactly, cut at bin starts, each holding at most `budget` counted
 * rows unless one bin alone holds more (it is then a window of its own). Bins are packed in time order,
 * greedily; a window with no rows counted is still read whole (one window when the fleet is small or quiet).
 */
export function planWindows(
  bins: readonly CountBin[],
  start: Date,
  end: Date,
  budget: number,
): PlannedWindow[] {
  const startMs = start.getTime();
  const endMs = end.getTime();
  const sorted = bins.filter((b) => b.startMs < endMs && b.rows > 0).sort((a, b) => a.startMs - b.startMs);
  const windows: PlannedWindow[] = [];
  let from = startMs;
  let rows = 0;
  for (const bin of sorted) {
    const at = Math.max(bin.startMs, startMs);
    if (rows > 0 && rows + bin.rows > budget && at > from) {
      windows.push({ start: new Date(from), end: new Date(at), rows });
      from = at;
      rows = 0;
    }
    rows += bin.rows;
  }
  windows.push({ start: new Date(from), end: new Date(endMs), rows });
  return windows;
}

/** The windows in flight per workspace that `plan` asks for (at least one). */
export function planInFlight(plan: ReadPlanOptions = {}): number {
  return Math.max(1, Math.floor(plan.windowsInFlight ?? DEFAULT_WINDOWS_IN_FLIGHT));
}

/**
 * Plans the windows of one query of one workspace over [start, end) from its count query (`runCount`). When the
 * count query fails or answers something else than counts, the whole window is read in one query, as without a
 * plan, and progress says so; only a missing source table (no data of this kind) and a cancelled read are
 * thrown, as the query itself would throw them.
 */
export async function planRead(
  q: WindowQuery,
  start: Date,
  end: Date,
  plan: ReadPlanOptions,
  runCount: (start: Date, end: Date) => Promise<LogsQueryResult>,
): Promise<PlannedWindow[]> {
  const { report } = q.ws;
  const base = { workspaceId: report.workspaceId, queryName: q.name, rangeStart: start, rangeEnd: end };
  const budget = Math.max(1, Math.floor(plan.rowBudget ?? DEFAULT_ROW_BUDGET));
  try {
    const result = await runCount(start, end);
    report.countQueries = (report.countQueries ?? 0) + 1;
    if (result.status !== LogsQueryResultStatus.Success) {
      throw new CountShapeError(
        `the count answer was partial (${serviceMessage(result.partialError.message ?? "")})`,
      );
    }
    const windows = planWindows(countBins(result.tables), start, end, budget);
    report.plannedWindows = (report.plannedWindows ?? 0) + windows.length;
    const rows = windows.reduce((n, w) => n + w.rows, 0);
    const message = `${rows} row(s) counted: ${windows.length} window(s) of at most ${budget} row(s) unless a quarter hour holds more`;
    q.progress({ ...base, event: "plan", rows, windows: windows.length, message });
    return windows;
  } catch (error) {
    if ((error as { name?: unknown } | null)?.name === "AbortError" || isMissingSource(q.name, error))
      throw error;
    const message = `the count query failed (${describeQueryError(error)}): the window is read in one query, a partial answer split`;
    q.progress({ ...base, event: "plan-failed", message });
    return [{ start, end, rows: 0 }];
  }
}
