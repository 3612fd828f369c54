/**
 * The day as the digest's sections see it: the counts of its jobs, and each VM's latest job. Pure.
 */
import { isConsistencyNotConfirmed } from "../consistency.js";
import type { ClassifiedJob, DailyTrend, JobStatus } from "../model.js";
import { vmIdentityKey } from "../identity.js";
import { messagesFor, type Messages } from "../messages/index.js";
import { digestLabeller, type Labeller } from "./labels.js";
import type { DigestHeadline } from "./model.js";

/** The figures compared from day to day. */
export interface DayCounts {
  jobs: number;
  succeeded: number;
  application: number;
  fileSystem: number;
  crash: number;
  none: number;
  /** Jobs below their VM's expected consistency. */
  degraded: number;
}

export interface DigestDay {
  date: string;
  jobs: readonly ClassifiedJob[];
  counts: DigestHeadline["counts"];
  figures: DayCounts;
  /** The latest job of each VM, by {@link vmIdentityKey}: the one whose point the vault keeps. */
  byVm: Map<string, ClassifiedJob>;
  /**
   * The worst job of each VM, by {@link vmIdentityKey}, where it is worse than the latest (with several jobs a
   * day, a good latest job must not hide a failed or degraded earlier one).
   */
  worstByVm: Map<string, ClassifiedJob>;
  /** How many jobs each VM ran, by {@link vmIdentityKey}. */
  jobsPerVm: Map<string, number>;
  /** The labels of the VMs and vaults the digest mentions. */
  label: Labeller;
  /** The words of the digest's locale. */
  messages: Messages;
}

export const isFailure = (s: JobStatus): boolean => s === "Failed" || s === "Cancelled";

export function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

type Sortable = { vm: string; vault: string; vmId?: string | null };

/** By vault, then VM name, then (same names) resource ID. */
export const byVaultVm = (a: Sortable, b: Sortable): number =>
  a.vault.localeCompare(b.vault) || a.vm.localeCompare(b.vm) || (a.vmId ?? "").localeCompare(b.vmId ?? "");

/** The latest job of each VM (by start; on a tie the later one in the list). */
export function latestPerVm<T extends { vm: string; vault: string; vmId?: string | null; start?: string }>(
  items: readonly T[],
): Map<string, T> {
  const out = new Map<string, T>();
  for (const it of items) {
    const k = vmIdentityKey(it);
    const prev = out.get(k);
    if (!prev || (it.start ?? "") >= (prev.start ?? "")) out.set(k, it);
  }
  return out;
}

/** How bad a job is: failed or cancelled 3, below the expected consistency 2, unknown consistency 1, fine 0. */
export function severityOf(j: Pick<ClassifiedJob, "status" | "degraded" | "consistency">): number {
  return isFailure(j.status) ? 3 : j.degraded ? 2 : j.consistency === "unknown" ? 1 : 0;
}

/** Each VM's worst job, where it is worse than the VM's latest job (on a tie, the later one). */
function worstPerVm(
  jobs: readonly ClassifiedJob[],
  latest: ReadonlyMap<string, ClassifiedJob>,
): Map<string, ClassifiedJob> {
  const out = new Map<string, ClassifiedJob>();
  for (const j of jobs) {
    const k = vmIdentityKey(j);
    const last = latest.get(k);
    if (!last || severityOf(j) <= severityOf(last)) continue;
    const prev = out.get(k);
    if (
      !prev ||
      severityOf(j) > severityOf(prev) ||
      (severityOf(j) === severityOf(prev) && j.start >= prev.start)
    )
      out.set(k, j);
  }
  return out;
}

export function countsOfTrend(t: DailyTrend): DayCounts {
  return {
    jobs: t.jobs,
    succeeded: t.completed + t.completedWithWarnings,
    application: t.application,
    fileSystem: t.fileSystem,
    crash: t.crash,
    none: t.none,
    degraded: t.degraded,
  };
}

/** Today's jobs counted, and each VM's latest job. */
export function readDay(
  date: string,
  jobs: readonly ClassifiedJob[],
  label: Labeller = digestLabeller({ jobs, knownVms: [], vmStates: [] }),
  messages: Messages = messagesFor("en"),
): DigestDay {
  const byVm = latestPerVm(jobs);
  const counts = {
    jobs: jobs.length,
    vms: byVm.size,
    completed: 0,
    completedWithWarnings: 0,
    failed: 0,
    cancelled: 0,
    application: 0,
    fileSystem: 0,
    crash: 0,
    none: 0,
    unknown: 0,
    degraded: 0,
    fileSystemBelowExpected: 0,
    crashBelowExpected: 0,
    notConfirmed: 0,
  };
  const jobsPerVm = new Map<string, number>();
  for (const j of jobs) {
    if (j.status === "Completed") counts.completed++;
    else if (j.status === "CompletedWithWarnings") counts.completedWithWarnings++;
    else if (j.status === "Failed") counts.failed++;
    else counts.cancelled++;
    if (j.consistency === "application") counts.application++;
    else if (j.consistency === "file-system") counts.fileSystem++;
    else if (j.consistency === "crash") counts.crash++;
    else if (j.consistency === "none") counts.none++;
    else counts.unknown++;
    if (j.degraded) {
      counts.degraded++;
      if (j.consistency === "file-system") counts.fileSystemBelowExpected++;
      else if (j.consistency === "crash") counts.crashBelowExpected++;
    }
    if (isConsistencyNotConfirmed(j)) counts.notConfirmed++;
    const k = vmIdentityKey(j);
    jobsPerVm.set(k, (jobsPerVm.get(k) ?? 0) + 1);
  }
  const figures: DayCounts = {
    jobs: counts.jobs,
    succeeded: counts.completed + counts.completedWithWarnings,
    application: counts.application,
    fileSystem: counts.fileSystem,
    crash: counts.crash,
    none: counts.none,
    degraded: counts.degraded,
  };
  const worstByVm = worstPerVm(jobs, byVm);
  return { date, jobs, counts, figures, byVm, worstByVm, jobsPerVm, label, messages };
}
