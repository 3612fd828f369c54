/**
 * Classifies a normalised backup job (pure): consistency (observed from a recovery point, else inferred),
 * expected consistency, degraded, and the error or warning code with its category.
 */
import { isScriptWarning, lookupCode, type CatalogueEntry } from "./catalogue.js";
import {
  expectedConsistency,
  isWorseThan,
  linuxAppScripts,
  linuxScriptSetting,
  recoveryPointLevel,
} from "./consistency.js";
import { isoOfMs } from "./days.js";
import { categoryOfDetail, isUmbrellaCode } from "./job-evidence.js";
import { memoised } from "./memo.js";
import type {
  BackupJob,
  ClassifiedJob,
  ClassifyOptions,
  Consistency,
  ConsistencySource,
  ErrorCategory,
  ExpectedConsistency,
  ObservedPoint,
  PowerState,
} from "./model.js";

/** What is known of a job beyond its row and its recovery point (each part read only where it matters). */
export interface JobEvidence {
  /** The VM's jobs showed it runs Linux pre/post scripts (script codes, or an application-consistent point). */
  linuxScripts?: boolean;
  /** For a crash-consistent point: the VM's power state at backup time. */
  powerState?: PowerState;
  /** For an umbrella code: the inner error from the job's details. */
  errorDetail?: string;
}

/** A code as the classifier reports it: catalogue spelling when known, else the raw code. */
export interface CodeClass {
  errorCode: string | null;
  errorCategory: ErrorCategory | null;
  entry: CatalogueEntry | null;
}

/** `Success`, empty and null are a clean job: no code. Unknown codes are kept as they came. */
export function classifyCode(raw: string | null | undefined): Readonly<CodeClass> {
  if (raw === null || raw === undefined || raw === "") return NO_CODE;
  return memoised(codeClasses, raw, 10_000, codeClassOf);
}

const NO_CODE: Readonly<CodeClass> = Object.freeze({ errorCode: null, errorCategory: null, entry: null });
/** Jobs of a fleet report few distinct codes: each is looked up once. */
const codeClasses = new Map<string, Readonly<CodeClass>>();

function codeClassOf(raw: string): Readonly<CodeClass> {
  const code = raw.trim();
  if (code === "" || code.toLowerCase() === "success") return NO_CODE;
  const entry = lookupCode(code);
  if (entry) return Object.freeze({ errorCode: entry.code, errorCategory: entry.category, entry });
  return Object.freeze({ errorCode: code, errorCategory: "unknown", entry: null });
}

/**
 * The consistency a job's recovery point most likely has, when no recovery point was looked up
 * (see the inference table in the product documentation).
 */
export function inferConsistency(
  job: Pick<BackupJob, "vm" | "os" | "status" | "policy">,
  options: ClassifyOptions,
  entry: CatalogueEntry | null,
  linuxScripts = false,
): Consistency {
  if (job.status === "Failed" || job.status === "Cancelled") return "none";
  if (job.policy?.crashOnly) return "crash";
  if (job.status === "CompletedWithWarnings") {
    if (entry?.category === "vss") return "file-system";
    if (entry?.category === "fsfreeze" && entry.kind === "warning") return "file-system";
    return "unknown";
  }
  // Completed
  if (job.os === "Windows") return "application";
  if (job.os === "Linux")
    return linuxAppScripts(job.vm, options, linuxScripts) ? "application" : "file-system";
  return "unknown";
}

/**
 * Classifies one job. `observed` (a recovery point matched to the job) wins over inference for jobs that
 * produced a point; a failed or cancelled job produced none, so its consistency is always `none` and it is
 * always degraded.
 */
export function classifyJob(
  job: BackupJob,
  options: ClassifyOptions,
  observed?: ObservedPoint | null,
  evidence: JobEvidence = {},
): ClassifiedJob {
  const code = classifyCode(job.code);
  // A job that reports a script code proves the VM has scripts configured.
  const scripts = evidence.linuxScripts === true || (code.entry !== null && isScriptWarning(code.entry));
  const expected = expectedConsistency(job, options, scripts);
  const finished = job.status === "Failed" || job.status === "Cancelled";
  let consistency: Consistency;
  let source: ConsistencySource;
  if (observed && !finished) {
    consistency = recoveryPointLevel(observed.recoveryPointType);
    source = "observed";
  } else {
    consistency = inferConsistency(job, options, code.entry, scripts);
    source = "inferred";
  }
  const classified: ClassifiedJob = {
    jobId: job.jobId,
    vm: job.vm,
    vault: job.vault,
    os: job.os,
    status: job.status,
    start: isoOfMs(job.startMs),
    consistency,
    consistencySource: source,
    expectedConsistency: expected,
    // A stopped VM's crash point is what a stopped VM gets: nothing was lost.
    degraded:
      finished ||
      (isWorseThan(consistency, expected) && !(consistency === "crash" && evidence.powerState === "stopped")),
    errorCode: code.errorCode,
    errorCategory: umbrellaCategory(code, evidence.errorDetail),
    vmId: job.vmId?.toLowerCase() ?? null,
    vaultId: job.vaultId?.toLowerCase() ?? null,
  };
  if (consistency === "crash" && evidence.powerState) classified.powerState = evidence.powerState;
  if (evidence.errorDetail) classified.errorDetail = evidence.errorDetail;
  return classified;
}

/** What {@link classifyJob} concludes of a job read without a recovery point or other evidence. */
export interface JobVerdict {
  consistency: Consistency;
  expectedConsistency: ExpectedConsistency;
  degraded: boolean;
  errorCode: string | null;
  errorCategory: ErrorCategory | null;
}

const STATUS_SLOT: Readonly<Record<string, number>> = {
  Completed: 0,
  CompletedWithWarnings: 1,
  Failed: 2,
  Cancelled: 3,
};
const OS_SLOT: Readonly<Record<string, number>> = { Windows: 0, Linux: 1, unknown: 2 };
/** Verdicts by code ("" for none), then by status, OS and what the setting says of a Linux VM. */
const verdicts = new Map<string, (Readonly<JobVerdict> | undefined)[]>();

/**
 * {@link classifyJob}'s verdict on a job without a recovery point or other evidence. It depends only on the job's
 * code, status, OS and (for a Linux VM) what PULSE_LINUX_APP_CONSISTENT_VMS says of it, so it is worked out once
 * for each of these, not once per job.
 */
export function jobVerdict(
  job: Omit<BackupJob, "jobId">,
  options: ClassifyOptions,
  setting = job.os === "Linux" ? linuxScriptSetting(job.vm, options) : null,
): Readonly<JobVerdict> {
  const status = STATUS_SLOT[job.status];
  const os = OS_SLOT[job.os];
  if (job.policy || status === undefined || os === undefined)
    return verdictOf(classifyJob({ jobId: "", ...job }, options));
  if (job.os !== "Linux") setting = null;
  const slot = (status * 3 + os) * 3 + (setting === null ? 0 : setting ? 1 : 2);
  const code = job.code ?? "";
  let byCode = verdicts.get(code);
  if (byCode === undefined) {
    if (verdicts.size >= 10_000) verdicts.clear();
    byCode = [];
    verdicts.set(code, byCode);
  }
  let verdict = byCode[slot];
  if (verdict === undefined) {
    verdict = Object.freeze(verdictOf(classifyJob({ jobId: "", ...job }, options)));
    byCode[slot] = verdict;
  }
  return verdict;
}

function verdictOf(job: ClassifiedJob): JobVerdict {
  const { consistency, expectedConsistency, degraded, errorCode, errorCategory } = job;
  return { consistency, expectedConsistency, degraded, errorCode, errorCategory };
}

/** An umbrella code takes the category its inner error names (a VSS writer failure is `vss`). */
function umbrellaCategory(code: Readonly<CodeClass>, detail: string | undefined): ErrorCategory | null {
  if (code.errorCode === null || !isUmbrellaCode(code.errorCode)) return code.errorCategory;
  return categoryOfDetail(detail) ?? code.errorCategory;
}

/** Counts for a summary view of classified jobs. */
export interface ClassifySummary {
  jobs: number;
  degraded: number;
  byStatus: Record<string, number>;
  byConsistency: Record<Consistency, number>;
  byCategory: Record<string, number>;
  /** Codes by number of jobs, most frequent first (ties: alphabetical). */
  topCodes: { code: string; category: ErrorCategory; jobs: number; vms: number }[];
}

/** Counts per status, consistency, error category and code, added one job at a time (nothing else is kept). */
export class SummaryCounter {
  private readonly byStatus: Record<string, number> = {};
  private readonly byConsistency: Record<Consistency, number> = {
    application: 0,
    "file-system": 0,
    crash: 0,
    none: 0,
    unknown: 0,
  };
  private readonly byCategory: Record<string, number> = {};
  private readonly codes = new Map<string, { category: ErrorCategory; jobs: number; vms: Set<string> }>();
  private jobs = 0;
  private degraded = 0;

  add(job: ClassifiedJob): void {
    this.count(job.status, job.vm, job);
  }

  /** Counts a job of the VM `vm` with the status and verdict given. */
  count(status: string, vm: string, verdict: Readonly<JobVerdict>): void {
    this.jobs += 1;
    this.byStatus[status] = (this.byStatus[status] ?? 0) + 1;
    this.byConsistency[verdict.consistency] += 1;
    if (verdict.degraded) this.degraded += 1;
    if (verdict.errorCode !== null) {
      const category = verdict.errorCategory ?? "unknown";
      this.byCategory[category] = (this.byCategory[category] ?? 0) + 1;
      let c = this.codes.get(verdict.errorCode);
      if (!c) {
        c = { category, jobs: 0, vms: new Set() };
        this.codes.set(verdict.errorCode, c);
      }
      c.jobs += 1;
      c.vms.add(vm);
    }
  }

  summary(options: { topCodes?: number } = {}): ClassifySummary {
    const topCodes = [...this.codes]
      .map(([code, c]) => ({ code, category: c.category, jobs: c.jobs, vms: c.vms.size }))
      .sort((a, b) => b.jobs - a.jobs || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
      .slice(0, options.topCodes ?? 10);
    return {
      jobs: this.jobs,
      degraded: this.degraded,
      byStatus: { ...this.byStatus },
      byConsistency: { ...this.byConsistency },
      byCategory: { ...this.byCategory },
      topCodes,
    };
  }
}

/** Counts per status, consistency, error category and code. */
export function summarise(
  jobs: readonly ClassifiedJob[],
  options: { topCodes?: number } = {},
): ClassifySummary {
  const counter = new SummaryCounter();
  for (const job of jobs) counter.add(job);
  return counter.summary(options);
}
