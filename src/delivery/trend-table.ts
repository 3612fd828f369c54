/**
 * The stored daily trends as CSV (the trends HTTP function and `backup-pulse trends --format csv` answer the
 * same bytes) and as a table a person reads in a terminal.
 */
import type { DailyTrend } from "../domain/model.js";
import { TREND_COUNTERS } from "../domain/trend-counts.js";
import { visible, visibleLines } from "../domain/visible-text.js";

const COLUMNS = ["date", "scope", ...TREND_COUNTERS] as const;

function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with a header row (RFC 4180 quoting), one line per day. */
export function renderCsv(trends: readonly DailyTrend[]): string {
  const lines = [COLUMNS.join(",")];
  for (const t of trends) lines.push(COLUMNS.map((c) => csvCell(t[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "-" : `${Math.round((part / whole) * 100)}%`;
}

/** A readable table: counts per day with success and application-consistency rates; names shown with `visible`. */
export function renderTrendTable(trends: readonly DailyTrend[]): string {
  const head = [
    "date",
    "scope",
    "jobs",
    "ok",
    "warn",
    "failed",
    "app",
    "fs",
    "crash",
    "none",
    "unknown",
    "degraded",
    "success",
    "app %",
  ];
  const rows = trends.map((t) => [
    visible(t.date),
    visible(t.scope),
    String(t.jobs),
    String(t.completed),
    String(t.completedWithWarnings),
    String(t.failed),
    String(t.application),
    String(t.fileSystem),
    String(t.crash),
    String(t.none),
    String(t.unknown),
    String(t.degraded),
    percent(t.completed + t.completedWithWarnings, t.jobs),
    percent(t.application, t.jobs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return visibleLines([line(head), ...rows.map(line)]) + "\n";
}
