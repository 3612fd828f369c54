/**
 * What one day of one VM comes to: its counts, the best recovery point against what is expected of it, and
 * the facts of its latest job. Stored per day; a VM's state is derived from these. Pure.
 */
import type {
  ClassifiedJob,
  Consistency,
  DailyTrend,
  ExpectedConsistency,
  JobStatus,
  OsType,
} from "./model.js";
import { displayName } from "./names.js";
import { assertOnDay, countJob, emptyTrend } from "./trend-counts.js";

/**
 * One character per day of a VM's history:
 * - `-` no job that day;
 * - `X` jobs ran but none left a recovery point (failed or cancelled);
 * - `A` / `F` / `C` a recovery point at or above the expected consistency (best level of the day);
 * - `f` / `c` the best point of the day is below the expected consistency;
 * - `U` the latest point of the day is of unknown consistency.
 * The latest point of the day decides (it is the one the vault keeps; with several jobs a day, as Enhanced
 * hourly policies run, a good early point must not hide a degraded later one); a day without any point is `X`.
 */
export type DayMark = "-" | "X" | "A" | "F" | "C" | "f" | "c" | "U";

function hasPoint(job: ClassifiedJob): boolean {
  return (job.status === "Completed" || job.status === "CompletedWithWarnings") && job.consistency !== "none";
}

/** A recovery point known to be at or above what is expected of the VM. */
export function isGoodPoint(job: ClassifiedJob): boolean {
  return hasPoint(job) && job.consistency !== "unknown" && !job.degraded;
}

/** What one day of one VM comes to. Stored per day; the VM's state is derived from these. */
export interface VmDay {
  date: string;
  vm: string;
  vault: string;
  mark: DayMark;
  /** Counts of the VM's jobs that day (scope `vm:NAME`). */
  trend: DailyTrend;
  /** The latest job of the day. */
  lastJobAt: string;
  lastJobId: string;
  lastStatus: JobStatus;
  lastConsistency: Consistency;
  os: OsType;
  expectedConsistency: ExpectedConsistency;
  /** Start of the latest job of the day whose point met expectation, or null. */
  lastGoodPointAt: string | null;
}

/** Latest job first; ties broken by job ID so the result does not depend on input order. */
function later(a: ClassifiedJob, b: ClassifiedJob): boolean {
  const d = Date.parse(a.start) - Date.parse(b.start);
  return d > 0 || (d === 0 && a.jobId > b.jobId);
}

/** Summarises the jobs of one VM (one vault) on one day. `jobs` must not be empty. */
export function summariseVmDay(date: string, jobs: readonly ClassifiedJob[]): VmDay {
  const first = jobs[0];
  if (!first) throw new RangeError("summariseVmDay needs at least one job");
  let last = first;
  let lastPoint: ClassifiedJob | null = null;
  let lastGood: ClassifiedJob | null = null;
  // Display names as in buildDailyTrends: the smallest spelling, whatever the order of the jobs.
  const vm = displayName(jobs.map((j) => j.vm));
  const vault = displayName(jobs.map((j) => j.vault));
  const trend = emptyTrend(date, `vm:${vm}`);
  for (const job of jobs) {
    assertOnDay(job, date);
    countJob(trend, job);
    if (later(job, last)) last = job;
    if (hasPoint(job) && (!lastPoint || later(job, lastPoint))) lastPoint = job;
    if (isGoodPoint(job) && (!lastGood || later(job, lastGood))) lastGood = job;
  }
  const mark: DayMark = lastPoint ? markOf(lastPoint.consistency, isGoodPoint(lastPoint)) : "X";
  return {
    date,
    vm,
    vault,
    mark,
    trend,
    lastJobAt: new Date(Date.parse(last.start)).toISOString(),
    lastJobId: last.jobId,
    lastStatus: last.status,
    lastConsistency: last.consistency,
    os: last.os,
    expectedConsistency: last.expectedConsistency,
    lastGoodPointAt: lastGood ? new Date(Date.parse(lastGood.start)).toISOString() : null,
  };
}

function markOf(level: Consistency, met: boolean): DayMark {
  if (level === "application") return "A";
  if (level === "file-system") return met ? "F" : "f";
  if (level === "crash") return met ? "C" : "c";
  return "U";
}
