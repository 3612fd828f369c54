/**
 * The counters of a daily trend and how one job adds to them. Pure.
 */
import { DAY_MS, HOUR_MS } from "./days.js";
import type { ClassifiedJob, Consistency, DailyTrend } from "./model.js";

export function emptyTrend(date: string, scope: string): DailyTrend {
  return {
    date,
    scope,
    jobs: 0,
    completed: 0,
    completedWithWarnings: 0,
    failed: 0,
    application: 0,
    fileSystem: 0,
    crash: 0,
    none: 0,
    unknown: 0,
    degraded: 0,
  };
}

/** The counters of a trend, in output order (every field except date and scope). */
export const TREND_COUNTERS = [
  "jobs",
  "completed",
  "completedWithWarnings",
  "failed",
  "application",
  "fileSystem",
  "crash",
  "none",
  "unknown",
  "degraded",
] as const;
export type TrendCounter = (typeof TREND_COUNTERS)[number];

const CONSISTENCY_COUNTER: Record<Consistency, TrendCounter> = {
  application: "application",
  "file-system": "fileSystem",
  crash: "crash",
  none: "none",
  unknown: "unknown",
};

/**
 * Adds one job to a trend. `jobs` counts every job; a `Cancelled` job is counted in `jobs` and by its
 * consistency (`none`) but in none of completed / completedWithWarnings / failed.
 */
export function countJob(trend: DailyTrend, job: ClassifiedJob): void {
  trend.jobs += 1;
  if (job.status === "Completed") trend.completed += 1;
  else if (job.status === "CompletedWithWarnings") trend.completedWithWarnings += 1;
  else if (job.status === "Failed") trend.failed += 1;
  trend[CONSISTENCY_COUNTER[job.consistency]] += 1;
  if (job.degraded) trend.degraded += 1;
}

/** Adds the counters of `b` into `a`. */
export function addTrend(a: DailyTrend, b: DailyTrend): void {
  for (const k of TREND_COUNTERS) a[k] += b[k];
}

/**
 * Throws unless the job can have started on `date` in some time zone (UTC-12 to UTC+14): a day's figures
 * hold only that day's jobs, grouped by the day of their start in PULSE_TIMEZONE.
 */
export function assertOnDay(job: ClassifiedJob, date: string): void {
  const startMs = Date.parse(job.start);
  const dayStart = Date.parse(`${date}T00:00:00.000Z`);
  if (!(startMs >= dayStart - 14 * HOUR_MS && startMs < dayStart + DAY_MS + 12 * HOUR_MS)) {
    throw new RangeError(
      `job ${job.jobId} started at ${job.start}, not on ${date}: group jobs by the day of their start first`,
    );
  }
}
