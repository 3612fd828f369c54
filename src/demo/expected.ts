/**
 * The figures backup-pulse should report for each day of the sample estate, worked out from the estate's own
 * truth (what each job did and which point it made), independently of the classifier.
 */
import { onRotationDay } from "../domain/point-doubt.js";
import { vmResourceId } from "./fleet.js";
import type { EstateJob } from "./jobs.js";
import { PRE_SCRIPT_CODE, SCRIPT_CODE, VSS_CODE, type Cast } from "./scenarios.js";

type Level = "application" | "file-system" | "crash" | "none" | "unknown";

export interface ConsistencyCounts {
  application: number;
  fileSystem: number;
  crash: number;
  none: number;
  unknown: number;
}

/** Figures for one UTC day once every row has arrived, as backup-pulse should report them. */
export interface ExpectedDay {
  date: string;
  /** Finished VM backup jobs (classified). */
  jobs: number;
  completed: number;
  completedWithWarnings: number;
  failed: number;
  /** Jobs whose latest row is InProgress (left out, counted as in-progress). */
  inProgress: number;
  /** Rows served for the day (all queries, all workspaces). */
  rows: number;
  /** Rows superseded by a later row of the same job. */
  duplicates: number;
  /** Jobs whose final row arrives after the next day's 07:00 UTC run. */
  lateAfterRun: number;
  /** Consistency with no recovery-point look-ups (`PULSE_RECOVERY_POINTS=off`), all inferred. */
  inferred: ConsistencyCounts;
  /**
   * With the vaults' inventory and look-ups of the jobs in doubt (`warnings`, the default): warnings and codes,
   * unknown OS, Enhanced-policy Windows VMs, Linux VMs on their day of the weekly rotation; a crash-only
   * policy's jobs are crash-consistent by policy, not looked up.
   */
  warnings: ConsistencyCounts;
  /** With look-ups of every completed job (`all`). */
  observed: ConsistencyCounts;
}

function emptyCounts(): ConsistencyCounts {
  return { application: 0, fileSystem: 0, crash: 0, none: 0, unknown: 0 };
}

function add(counts: ConsistencyCounts, level: Level): void {
  if (level === "application") counts.application++;
  else if (level === "file-system") counts.fileSystem++;
  else if (level === "crash") counts.crash++;
  else if (level === "none") counts.none++;
  else counts.unknown++;
}

function inferredLevel(job: EstateJob): Level {
  if (job.status === "Failed") return "none";
  if (job.status === "CompletedWithWarnings") {
    return [VSS_CODE, SCRIPT_CODE, PRE_SCRIPT_CODE].includes(job.code) ? "file-system" : "unknown";
  }
  const os = job.vm.reportedOs;
  if (os === "Windows") return "application";
  if (os === "Linux") return job.vm.role === "pg" ? "application" : "file-system";
  return "unknown";
}

function observedLevel(job: EstateJob): Level {
  if (!job.point) return "none";
  if (job.point.type === "AppConsistent") return "application";
  if (job.point.type === "FileSystemConsistent") return "file-system";
  return "crash";
}

function inDoubt(job: EstateJob, cast: Cast): boolean {
  if (job.vm === cast.crashOnly) return false;
  if (job.status === "CompletedWithWarnings" || (job.code !== "" && job.code !== "Success")) return true;
  const os = job.vm.reportedOs;
  if (os === "Windows") return job.vm === cast.enhanced;
  if (os === "Linux") {
    const vmId = vmResourceId(job.vm.vault.subscriptionId, job.vm.resourceGroup, job.vm.name).toLowerCase();
    return onRotationDay(vmId, job.date);
  }
  return true;
}

/** The figures of `date` once every row has arrived; `runMs` is the daily run that first reads it. */
export function expectedFor(date: string, all: EstateJob[], runMs: number, cast: Cast): ExpectedDay {
  const day: ExpectedDay = {
    date,
    jobs: 0,
    completed: 0,
    completedWithWarnings: 0,
    failed: 0,
    inProgress: 0,
    rows: 0,
    duplicates: 0,
    lateAfterRun: 0,
    inferred: emptyCounts(),
    warnings: emptyCounts(),
    observed: emptyCounts(),
  };
  for (const job of all) {
    if (job.date !== date) continue;
    day.rows += job.rows.length;
    day.duplicates += job.rows.length - 1;
    if (job.status === null) {
      day.inProgress++;
      continue;
    }
    day.jobs++;
    if (job.status === "Completed") day.completed++;
    else if (job.status === "CompletedWithWarnings") day.completedWithWarnings++;
    else day.failed++;
    const lastRowMs = Math.max(...job.rows.map((r) => r.timeGeneratedMs));
    if (lastRowMs > runMs) day.lateAfterRun++;
    const inferred = inferredLevel(job);
    const canObserve = job.status !== "Failed" && job.vm !== cast.armMissing;
    // With the inventory, a crash-only policy's job is crash-consistent by policy.
    const byPolicy = job.vm === cast.crashOnly && job.status !== "Failed" ? "crash" : inferred;
    add(day.inferred, inferred);
    add(day.warnings, canObserve && inDoubt(job, cast) ? observedLevel(job) : byPolicy);
    add(day.observed, canObserve ? observedLevel(job) : inferred);
  }
  return day;
}
