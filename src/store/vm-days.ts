/**
 * The `days` column of `PulseVms`: a VM's counters of each day of its history, so that its trend over the
 * last 90 days is one point read. One entry per character of `history` (oldest first, ending on
 * `historyEnd`), entries split by `;`; a day without a job is empty, a day with jobs is its counters in
 * {@link TREND_COUNTERS} order split by `,` (e.g. `2,1,0,1,1,0,0,0,0,1`).
 */
import { addDays, daysBetween } from "../domain/days.js";
import { emptyTrend, TREND_COUNTERS } from "../domain/trend-counts.js";
import type { DailyTrend } from "../domain/model.js";

interface History {
  history: string;
  historyEnd: string | null;
}

/** The counters by day held in a `days` column (days outside the history, or unreadable, left out). */
export function decodeDays(h: History, days: string): Map<string, number[]> {
  const out = new Map<string, number[]>();
  if (!h.historyEnd || h.history === "") return out;
  const entries = days.split(";");
  if (entries.length !== h.history.length) return out;
  entries.forEach((entry, i) => {
    if (entry === "") return;
    const counters = entry.split(",").map(Number);
    if (counters.length !== TREND_COUNTERS.length || counters.some((n) => !Number.isInteger(n) || n < 0))
      return;
    out.set(addDays(h.historyEnd as string, i - (h.history.length - 1)), counters);
  });
  return out;
}

/**
 * The `days` column of the new history `next`: the previous column's days (`prev`, as stored) with `date`
 * set to `trend` (null: no job that day), over exactly the days of `next`.
 */
export function encodeDays(
  prev: (History & { days: string }) | null,
  next: History,
  date: string,
  trend: DailyTrend | null,
): string {
  const byDay = prev ? decodeDays(prev, prev.days) : new Map<string, number[]>();
  if (trend && trend.jobs > 0)
    byDay.set(
      date,
      TREND_COUNTERS.map((k) => trend[k]),
    );
  else byDay.delete(date);
  if (!next.historyEnd || next.history === "") return "";
  const n = next.history.length;
  const entries: string[] = [];
  for (let i = 0; i < n; i++) {
    const d = addDays(next.historyEnd, i - (n - 1));
    entries.push(next.history[i] === "-" ? "" : (byDay.get(d)?.join(",") ?? ""));
  }
  return entries.join(";");
}

/** The VM's trend of each stored day from `from` to `to`, as `scope`. */
export function trendsFromDays(
  h: History,
  days: string,
  from: string,
  to: string,
  scope: string,
): DailyTrend[] {
  const out: DailyTrend[] = [];
  for (const [date, counters] of decodeDays(h, days)) {
    if (daysBetween(from, date) < 0 || daysBetween(date, to) < 0) continue;
    const t = emptyTrend(date, scope);
    TREND_COUNTERS.forEach((k, i) => {
      t[k] = counters[i] ?? 0;
    });
    out.push(t);
  }
  return out;
}
