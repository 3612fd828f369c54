/**
 * The headline figures of the day against yesterday and the 7-day average, read from the fleet trends of the
 * previous days. Pure.
 */
import { addDays } from "../days.js";
import type { DailyTrend } from "../model.js";
import { countsOfTrend, rate, type DayCounts } from "./day.js";
import type { Comparison, DigestHeadline, Direction } from "./model.js";

/** The fleet trends (scope `all`) of the days before `date`, by day. */
export function fleetHistory(date: string, trends: readonly DailyTrend[]): Map<string, DailyTrend> {
  const byDate = new Map<string, DailyTrend>();
  for (const t of trends) if (t.scope === "all" && t.date < date) byDate.set(t.date, t);
  return byDate;
}

/**
 * Up, down or the same within `epsilon`. A move from or to an end (zero; for a rate, also 100%) is "the same"
 * only when it would not show (under `shown`, half the unit displayed): one failure yesterday and none today
 * is news however small its share.
 */
function direction(
  value: number | null,
  ref: number | null,
  epsilon: number,
  shown: number,
  isRate: boolean,
): Direction {
  if (value === null || ref === null) return "none";
  const d = value - ref;
  const atEnd = (v: number): boolean => v === 0 || (isRate && v === 1);
  if (Math.abs(d) < (atEnd(value) || atEnd(ref) ? shown : epsilon)) return "same";
  return d > 0 ? "up" : "down";
}

function compare(
  value: number | null,
  yesterday: number | null,
  average7d: number | null,
  higherIsBetter: boolean | null,
  epsilon: number,
  shown: number,
): Comparison {
  return {
    value,
    yesterday,
    average7d,
    vsYesterday: direction(value, yesterday, epsilon, shown, shown < 0.5),
    vs7d: direction(value, average7d, epsilon, shown, shown < 0.5),
    higherIsBetter,
  };
}

function sumCounts(list: DayCounts[]): DayCounts {
  const s: DayCounts = {
    jobs: 0,
    succeeded: 0,
    application: 0,
    fileSystem: 0,
    crash: 0,
    none: 0,
    degraded: 0,
  };
  for (const c of list) {
    s.jobs += c.jobs;
    s.succeeded += c.succeeded;
    s.application += c.application;
    s.fileSystem += c.fileSystem;
    s.crash += c.crash;
    s.none += c.none;
    s.degraded += c.degraded;
  }
  return s;
}

export type HeadlineFigures = Pick<
  DigestHeadline,
  "jobs" | "successRate" | "application" | "fileSystem" | "crash" | "none" | "degraded"
>;

/** Today's job count and rates, each against yesterday and the average of the last 7 days with jobs. */
export function headlineFigures(
  date: string,
  today: DayCounts,
  history: ReadonlyMap<string, DailyTrend>,
): HeadlineFigures {
  const yTrend = history.get(addDays(date, -1));
  const yCounts = yTrend ? countsOfTrend(yTrend) : null;
  const week: DayCounts[] = [];
  for (let i = 1; i <= 7; i++) {
    const t = history.get(addDays(date, -i));
    if (t && t.jobs > 0) week.push(countsOfTrend(t));
  }
  const weekSum = week.length > 0 ? sumCounts(week) : null;

  const rateCmp = (pick: (c: DayCounts) => number, higherIsBetter: boolean | null): Comparison =>
    compare(
      rate(pick(today), today.jobs),
      yCounts ? rate(pick(yCounts), yCounts.jobs) : null,
      weekSum ? rate(pick(weekSum), weekSum.jobs) : null,
      higherIsBetter,
      0.005,
      0.0005,
    );
  return {
    jobs: compare(
      today.jobs,
      yCounts ? yCounts.jobs : null,
      weekSum ? weekSum.jobs / week.length : null,
      null,
      Math.max(0.5, today.jobs * 0.005),
      0.5,
    ),
    successRate: rateCmp((c) => c.succeeded, true),
    application: rateCmp((c) => c.application, true),
    fileSystem: rateCmp((c) => c.fileSystem, null),
    crash: rateCmp((c) => c.crash, false),
    none: rateCmp((c) => c.none, false),
    degraded: compare(
      today.degraded,
      yCounts ? yCounts.degraded : null,
      weekSum ? weekSum.degraded / week.length : null,
      false,
      0.5,
      0.5,
    ),
  };
}
