/**
 * The counters of a daily trend and how one job adds to them. Pure.
 */
import { utcDay } from "./days.js";
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

/**
 * Throws unless the job started on `date`: its `day` when grouping gave it one (a day of PULSE_TIMEZONE),
 * else the UTC day of its start. A day's figures hold only that day's jobs.
 */
export function assertOnDay(job: ClassifiedJob, date: string): void {
  const day = job.day ?? utcDay(job.start);
  if (day !== date) {
    throw new RangeError(
      `job ${job.jobId} started on ${day}, not on ${date}: group jobs by the day of their start first`,
    );
  }
}
