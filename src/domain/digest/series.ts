/**
 * The last 30 days of the fleet, oldest first, today last: jobs, success rate and application-consistent
 * rate. Pure.
 */
import { addDays } from "../days.js";
import type { DailyTrend } from "../model.js";
import { countsOfTrend, rate, type DigestDay } from "./day.js";
import type { SeriesPoint } from "./model.js";

const SERIES_DAYS = 30;

export function digestSeries(day: DigestDay, history: ReadonlyMap<string, DailyTrend>): SeriesPoint[] {
  const series: SeriesPoint[] = [];
  for (let i = SERIES_DAYS - 1; i >= 0; i--) {
    const d = addDays(day.date, -i);
    const trend = i === 0 ? undefined : history.get(d);
    const c = i === 0 ? day.figures : trend ? countsOfTrend(trend) : null;
    series.push({
      date: d,
      jobs: c?.jobs ?? 0,
      successRate: c ? rate(c.succeeded, c.jobs) : null,
      applicationRate: c ? rate(c.application, c.jobs) : null,
    });
  }
  return series;
}
