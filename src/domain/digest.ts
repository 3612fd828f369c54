/**
 * The daily digest: what a person reads every morning to learn, in ten seconds, whether the fleet's
 * backups are healthy, what changed since yesterday and what to do. Pure: a plain JSON-serialisable
 * model that every renderer (Teams, Slack, generic JSON, HTML) draws from.
 */
import { lookupCode } from "./catalogue.js";
import type {
  ClassifiedJob,
  Consistency,
  DailyTrend,
  ErrorCategory,
  ExpectedConsistency,
  JobStatus,
  OsType,
} from "./model.js";
import { addDays } from "./trends.js";

export type DigestStatus = "healthy" | "attention" | "failing" | "no-data";
/** Direction of a figure against a reference: rendered as ▲ ▼ = (and "–" when there is nothing to compare). */
export type Direction = "up" | "down" | "same" | "none";

/** One headline figure against yesterday and the 7-day average. Rates are fractions from 0 to 1. */
export interface Comparison {
  value: number | null;
  yesterday: number | null;
  average7d: number | null;
  vsYesterday: Direction;
  vs7d: Direction;
  /** True when a rise is good news (success), false when it is bad news (failed, crash), null when neutral. */
  higherIsBetter: boolean | null;
}

export interface DigestHeadline {
  date: string;
  status: DigestStatus;
  /** One sentence saying why the status is what it is. */
  statusReason: string;
  /** True when some data is known to be missing (a workspace failed, a query came back partial). */
  partial: boolean;
  jobs: Comparison;
  successRate: Comparison;
  application: Comparison;
  fileSystem: Comparison;
  crash: Comparison;
  /** Share of jobs with no recovery point (failed or cancelled). */
  none: Comparison;
  counts: {
    jobs: number;
    vms: number;
    completed: number;
    completedWithWarnings: number;
    failed: number;
    cancelled: number;
    application: number;
    fileSystem: number;
    crash: number;
    none: number;
    unknown: number;
    degraded: number;
  };
}

export type ChangeKind = "new-failure" | "recovery" | "downgrade";

export interface VmChange {
  kind: ChangeKind;
  vm: string;
  vault: string;
  os: OsType;
  status: JobStatus;
  consistency: Consistency;
  expectedConsistency: ExpectedConsistency;
  errorCode: string | null;
  errorCategory: ErrorCategory | null;
}

export interface VmStreak {
  vm: string;
  vault: string;
  days: number;
  expectedConsistency: ExpectedConsistency | null;
  lastGoodPointAt: string | null;
}

export interface MissingVm {
  vm: string;
  vault: string;
  lastJobAt: string | null;
}

export interface CodeSummary {
  code: string;
  jobs: number;
  vms: number;
  category: ErrorCategory;
  kind: "failure" | "warning" | "unknown";
  /** False when the catalogue does not know the code: it is still listed. */
  known: boolean;
  action: string;
  docUrl: string;
  /** A few affected VMs, for orientation. */
  sampleVms: string[];
}

export interface DigestCoverage {
  workspacesQueried: number;
  workspacesFailed: { workspaceId: string; reason: string }[];
  vaultsSeen: string[];
  /** Known vaults that sent no job report for the day. */
  vaultsSilent: string[];
  vmsKnown: number;
  vmsWithJob: number;
  partial: boolean;
  rowsRejected: number;
}

export interface SeriesPoint {
  date: string;
  jobs: number;
  successRate: number | null;
  applicationRate: number | null;
}

/** One VM's outcome of the day (its latest job). */
export interface VmRow {
  vm: string;
  vault: string;
  os: OsType;
  status: JobStatus;
  consistency: Consistency;
  expectedConsistency: ExpectedConsistency;
  degraded: boolean;
  errorCode: string | null;
  jobs: number;
  start: string;
}

export interface Digest {
  date: string;
  generatedAt: string;
  headline: DigestHeadline;
  changes: { newFailures: VmChange[]; recoveries: VmChange[]; downgrades: VmChange[] };
  persisting: { failing: VmStreak[]; belowExpected: VmStreak[]; noJobToday: MissingVm[] };
  topCodes: CodeSummary[];
  coverage: DigestCoverage;
  /** The last 30 days, oldest first, today last. */
  series: SeriesPoint[];
  notes: string[];
  /** One row per VM with a job today, problems first. Renderers cap this list. */
  vms: VmRow[];
}

/** What the digest needs to know about a VM's day before. A `ClassifiedJob` fits. */
export interface YesterdayOutcome {
  vm: string;
  vault: string;
  status: JobStatus;
  degraded?: boolean;
  start?: string;
}

/** Per-VM running state (streaks), as the trend store keeps it. */
export interface VmStreakState {
  vm: string;
  vault: string;
  failingDays: number;
  belowExpectedDays: number;
  expectedConsistency?: ExpectedConsistency | null;
  lastGoodPointAt?: string | null;
}

export interface KnownVm {
  vm: string;
  vault: string;
  lastJobAt?: string | null;
}

export interface CoverageInput {
  /** Workspace IDs queried for the day. */
  workspacesQueried: readonly string[];
  /** Workspaces whose query failed; the reason must carry no secret. */
  workspacesFailed?: readonly { workspaceId: string; reason: string }[];
  /** Vaults expected to report (known vaults); those without any job today are listed as silent. */
  vaultsKnown?: readonly string[];
  /** True when some query came back partial. */
  partial?: boolean;
  rowsRejected?: number;
}

/** What the digest takes from the error catalogue. `lookupCode` from ./catalogue.js fits. */
export interface CodeInfo {
  kind: "failure" | "warning";
  category: ErrorCategory;
  action: string;
  docUrl: string;
}
export type CodeLookup = (code: string) => CodeInfo | null;

export interface DigestThresholds {
  /** Below this success rate the fleet is `failing`. */
  failingSuccessRate: number;
  /** A VM failing this many days in a row makes the fleet `failing`. */
  failingStreakDays: number;
  /** Streaks shorter than this are not listed under "what persists" (a one-day failure is a change). */
  listStreakDays: number;
}

export interface DigestInput {
  /** The UTC day, YYYY-MM-DD. */
  date: string;
  jobs: readonly ClassifiedJob[];
  /** Fleet trends (scope `all`) of the previous days; today's entry, if present, is ignored. */
  trends: readonly DailyTrend[];
  /** Yesterday's jobs, or one outcome per VM. */
  yesterday: readonly YesterdayOutcome[];
  vmStates: readonly VmStreakState[];
  knownVms: readonly KnownVm[];
  coverage: CoverageInput;
  lookup?: CodeLookup;
  generatedAt?: string;
  thresholds?: Partial<DigestThresholds>;
}

export const DEFAULT_THRESHOLDS: DigestThresholds = {
  failingSuccessRate: 0.9,
  failingStreakDays: 3,
  listStreakDays: 2,
};

export const SERIES_DAYS = 30;
export const TROUBLESHOOT_URL = "https://learn.microsoft.com/azure/backup/backup-azure-vms-troubleshoot";
export const CONSISTENCY_DOC_URL =
  "https://learn.microsoft.com/azure/backup/backup-azure-vms-introduction#snapshot-consistency";
export const OFFLINE_VM_NOTE =
  "A VM that was stopped when its backup ran gets a crash-consistent point. That point is safe when the VM " +
  "was shut down cleanly: nothing was left in memory.";

function vmKey(vault: string, vm: string): string {
  return `${vault.toLowerCase()}|${vm.toLowerCase()}`;
}

const isFailure = (s: JobStatus): boolean => s === "Failed" || s === "Cancelled";

function rate(part: number, whole: number): number | null {
  return whole > 0 ? part / whole : null;
}

function direction(value: number | null, ref: number | null, epsilon: number): Direction {
  if (value === null || ref === null) return "none";
  const d = value - ref;
  if (Math.abs(d) < epsilon) return "same";
  return d > 0 ? "up" : "down";
}

function compare(
  value: number | null,
  yesterday: number | null,
  average7d: number | null,
  higherIsBetter: boolean | null,
  epsilon: number,
): Comparison {
  return {
    value,
    yesterday,
    average7d,
    vsYesterday: direction(value, yesterday, epsilon),
    vs7d: direction(value, average7d, epsilon),
    higherIsBetter,
  };
}

interface DayCounts {
  jobs: number;
  succeeded: number;
  application: number;
  fileSystem: number;
  crash: number;
  none: number;
}

function countsOfTrend(t: DailyTrend): DayCounts {
  return {
    jobs: t.jobs,
    succeeded: t.completed + t.completedWithWarnings,
    application: t.application,
    fileSystem: t.fileSystem,
    crash: t.crash,
    none: t.none,
  };
}

function sumCounts(list: DayCounts[]): DayCounts {
  const s: DayCounts = { jobs: 0, succeeded: 0, application: 0, fileSystem: 0, crash: 0, none: 0 };
  for (const c of list) {
    s.jobs += c.jobs;
    s.succeeded += c.succeeded;
    s.application += c.application;
    s.fileSystem += c.fileSystem;
    s.crash += c.crash;
    s.none += c.none;
  }
  return s;
}

/** The latest job of each VM (by start; on a tie the later one in the list). */
function latestPerVm<T extends { vm: string; vault: string; start?: string }>(
  items: readonly T[],
): Map<string, T> {
  const out = new Map<string, T>();
  for (const it of items) {
    const k = vmKey(it.vault, it.vm);
    const prev = out.get(k);
    if (!prev || (it.start ?? "") >= (prev.start ?? "")) out.set(k, it);
  }
  return out;
}

const byVaultVm = (a: { vm: string; vault: string }, b: { vm: string; vault: string }): number =>
  a.vault.localeCompare(b.vault) || a.vm.localeCompare(b.vm);

function defaultLookup(code: string): CodeInfo | null {
  const e = lookupCode(code);
  return e ? { kind: e.kind, category: e.category, action: e.action, docUrl: e.docUrl } : null;
}

function change(kind: ChangeKind, j: ClassifiedJob): VmChange {
  return {
    kind,
    vm: j.vm,
    vault: j.vault,
    os: j.os,
    status: j.status,
    consistency: j.consistency,
    expectedConsistency: j.expectedConsistency,
    errorCode: j.errorCode,
    errorCategory: j.errorCategory,
  };
}

function percent(r: number): string {
  return `${(Math.round(r * 1000) / 10).toFixed(1)}%`;
}

/** Builds the digest of one UTC day. Deterministic for a given input (except `generatedAt` when not given). */
export function buildDigest(input: DigestInput): Digest {
  const th: DigestThresholds = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  const lookup = input.lookup ?? defaultLookup;
  const { date, jobs } = input;

  // --- today's counts
  const counts = {
    jobs: jobs.length,
    vms: 0,
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
  };
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
    if (j.degraded) counts.degraded++;
  }
  const today: DayCounts = {
    jobs: counts.jobs,
    succeeded: counts.completed + counts.completedWithWarnings,
    application: counts.application,
    fileSystem: counts.fileSystem,
    crash: counts.crash,
    none: counts.none,
  };

  // --- history from the fleet trends
  const trendByDate = new Map<string, DailyTrend>();
  for (const t of input.trends) if (t.scope === "all" && t.date < date) trendByDate.set(t.date, t);
  const yTrend = trendByDate.get(addDays(date, -1));
  const yCounts = yTrend ? countsOfTrend(yTrend) : null;
  const week: DayCounts[] = [];
  for (let i = 1; i <= 7; i++) {
    const t = trendByDate.get(addDays(date, -i));
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
    );
  const jobsEpsilon = Math.max(0.5, today.jobs * 0.005);
  const jobsCmp = compare(
    today.jobs,
    yCounts ? yCounts.jobs : null,
    weekSum ? weekSum.jobs / week.length : null,
    null,
    jobsEpsilon,
  );

  // --- per-VM outcomes
  const todayByVm = latestPerVm(jobs);
  const jobsPerVm = new Map<string, number>();
  for (const j of jobs) {
    const k = vmKey(j.vault, j.vm);
    jobsPerVm.set(k, (jobsPerVm.get(k) ?? 0) + 1);
  }
  counts.vms = todayByVm.size;
  const yesterdayByVm = latestPerVm(input.yesterday);

  const newFailures: VmChange[] = [];
  const recoveries: VmChange[] = [];
  const downgrades: VmChange[] = [];
  for (const [k, j] of todayByVm) {
    const y = yesterdayByVm.get(k);
    if (isFailure(j.status)) {
      if (!y || !isFailure(y.status)) newFailures.push(change("new-failure", j));
    } else {
      if (y && isFailure(y.status)) recoveries.push(change("recovery", j));
      if (j.degraded && !(y && y.degraded === true && !isFailure(y.status))) {
        downgrades.push(change("downgrade", j));
      }
    }
  }
  newFailures.sort(byVaultVm);
  recoveries.sort(byVaultVm);
  downgrades.sort(byVaultVm);

  // --- what persists
  const streak = (s: VmStreakState, days: number): VmStreak => ({
    vm: s.vm,
    vault: s.vault,
    days,
    expectedConsistency: s.expectedConsistency ?? null,
    lastGoodPointAt: s.lastGoodPointAt ?? null,
  });
  const byDaysThenName = (a: VmStreak, b: VmStreak): number => b.days - a.days || byVaultVm(a, b);
  const failing = input.vmStates
    .filter((s) => s.failingDays >= th.listStreakDays)
    .map((s) => streak(s, s.failingDays))
    .sort(byDaysThenName);
  const belowExpected = input.vmStates
    .filter((s) => s.belowExpectedDays >= th.listStreakDays && s.failingDays < th.listStreakDays)
    .map((s) => streak(s, s.belowExpectedDays))
    .sort(byDaysThenName);
  const knownByKey = new Map<string, KnownVm>();
  for (const v of input.knownVms) knownByKey.set(vmKey(v.vault, v.vm), v);
  const noJobToday: MissingVm[] = [...knownByKey.entries()]
    .filter(([k]) => !todayByVm.has(k))
    .map(([, v]) => ({ vm: v.vm, vault: v.vault, lastJobAt: v.lastJobAt ?? null }))
    .sort(byVaultVm);

  // --- top error codes
  const codes = new Map<
    string,
    { code: string; jobs: number; vms: Set<string>; sample: string[]; cat: ErrorCategory | null }
  >();
  for (const j of jobs) {
    if (!j.errorCode) continue;
    const k = j.errorCode.toLowerCase();
    let c = codes.get(k);
    if (!c) {
      c = { code: j.errorCode, jobs: 0, vms: new Set(), sample: [], cat: j.errorCategory };
      codes.set(k, c);
    }
    c.jobs++;
    const vk = vmKey(j.vault, j.vm);
    if (!c.vms.has(vk)) {
      c.vms.add(vk);
      if (c.sample.length < 3) c.sample.push(j.vm);
    }
  }
  const topCodes: CodeSummary[] = [...codes.values()]
    .map((c) => {
      const info = lookup(c.code);
      return {
        code: c.code,
        jobs: c.jobs,
        vms: c.vms.size,
        category: info?.category ?? c.cat ?? "unknown",
        kind: info?.kind ?? "unknown",
        known: info !== null,
        action:
          info?.action ??
          "Code not in the catalogue: search it in the Azure VM backup troubleshooting guide.",
        docUrl: info?.docUrl ?? TROUBLESHOOT_URL,
        sampleVms: c.sample,
      } satisfies CodeSummary;
    })
    .sort((a, b) => b.vms - a.vms || b.jobs - a.jobs || a.code.localeCompare(b.code));

  // --- coverage
  const seen = new Map<string, string>();
  for (const j of jobs) if (!seen.has(j.vault.toLowerCase())) seen.set(j.vault.toLowerCase(), j.vault);
  const known = new Map<string, string>();
  for (const v of input.coverage.vaultsKnown ?? []) known.set(v.toLowerCase(), v);
  for (const v of input.knownVms)
    if (!known.has(v.vault.toLowerCase())) known.set(v.vault.toLowerCase(), v.vault);
  const vaultsSilent = [...known.entries()]
    .filter(([k]) => !seen.has(k))
    .map(([, v]) => v)
    .sort((a, b) => a.localeCompare(b));
  const workspacesFailed = [...(input.coverage.workspacesFailed ?? [])].map((w) => ({
    workspaceId: w.workspaceId,
    reason: w.reason,
  }));
  const partial = input.coverage.partial === true || workspacesFailed.length > 0;
  const coverage: DigestCoverage = {
    workspacesQueried: input.coverage.workspacesQueried.length,
    workspacesFailed,
    vaultsSeen: [...seen.values()].sort((a, b) => a.localeCompare(b)),
    vaultsSilent,
    vmsKnown: knownByKey.size,
    vmsWithJob: todayByVm.size,
    partial,
    rowsRejected: input.coverage.rowsRejected ?? 0,
  };

  // --- status
  const successRate = rate(today.succeeded, today.jobs);
  const allWorkspacesFailed =
    coverage.workspacesQueried > 0 && workspacesFailed.length >= coverage.workspacesQueried;
  const longFailing = failing.filter((s) => s.days >= th.failingStreakDays);
  let status: DigestStatus;
  let statusReason: string;
  if (today.jobs === 0 || allWorkspacesFailed) {
    status = "no-data";
    statusReason = allWorkspacesFailed
      ? "No workspace could be read: the backup state of the fleet is unknown."
      : `No backup job report arrived for ${date}: the backup state of the fleet is unknown.`;
  } else if (successRate !== null && successRate < th.failingSuccessRate) {
    status = "failing";
    statusReason = `Only ${percent(successRate)} of backup jobs succeeded (below ${percent(th.failingSuccessRate)}).`;
  } else if (longFailing.length > 0) {
    status = "failing";
    statusReason = `${longFailing.length.toLocaleString("en-US")} VM${longFailing.length === 1 ? " has" : "s have"} failed ${th.failingStreakDays} or more days in a row.`;
  } else {
    const reasons: string[] = [];
    const failedJobs = counts.failed + counts.cancelled;
    if (failedJobs > 0) reasons.push(`${failedJobs} failed job${failedJobs === 1 ? "" : "s"}`);
    const lowered = counts.degraded - counts.failed - counts.cancelled;
    if (lowered > 0) reasons.push(`${lowered} below expected consistency`);
    if (noJobToday.length > 0)
      reasons.push(`${noJobToday.length} VM${noJobToday.length === 1 ? "" : "s"} without a job`);
    if (vaultsSilent.length > 0)
      reasons.push(`${vaultsSilent.length} silent vault${vaultsSilent.length === 1 ? "" : "s"}`);
    if (partial) reasons.push("partial data");
    if (reasons.length > 0) {
      status = "attention";
      statusReason = `Needs attention: ${reasons.join(", ")}.`;
    } else {
      status = "healthy";
      statusReason = "Every VM backed up with its expected consistency.";
    }
  }

  // --- 30-day series
  const series: SeriesPoint[] = [];
  for (let i = SERIES_DAYS - 1; i >= 0; i--) {
    const d = addDays(date, -i);
    const c =
      i === 0
        ? today
        : (() => {
            const t = trendByDate.get(d);
            return t ? countsOfTrend(t) : null;
          })();
    series.push({
      date: d,
      jobs: c?.jobs ?? 0,
      successRate: c ? rate(c.succeeded, c.jobs) : null,
      applicationRate: c ? rate(c.application, c.jobs) : null,
    });
  }

  // --- per-VM rows, problems first
  const severity = (r: VmRow): number =>
    isFailure(r.status) ? 0 : r.degraded ? 1 : r.consistency === "unknown" ? 2 : 3;
  const vms: VmRow[] = [...todayByVm.entries()]
    .map(([k, j]) => ({
      vm: j.vm,
      vault: j.vault,
      os: j.os,
      status: j.status,
      consistency: j.consistency,
      expectedConsistency: j.expectedConsistency,
      degraded: j.degraded,
      errorCode: j.errorCode,
      jobs: jobsPerVm.get(k) ?? 1,
      start: j.start,
    }))
    .sort((a, b) => severity(a) - severity(b) || byVaultVm(a, b));

  return {
    date,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    headline: {
      date,
      status,
      statusReason,
      partial,
      jobs: jobsCmp,
      successRate: rateCmp((c) => c.succeeded, true),
      application: rateCmp((c) => c.application, true),
      fileSystem: rateCmp((c) => c.fileSystem, null),
      crash: rateCmp((c) => c.crash, false),
      none: rateCmp((c) => c.none, false),
      counts,
    },
    changes: { newFailures, recoveries, downgrades },
    persisting: { failing, belowExpected, noJobToday },
    topCodes,
    coverage,
    series,
    notes: [OFFLINE_VM_NOTE],
    vms,
  };
}
