/**
 * What the digest of a day is built from: the day's classified jobs, the stored history and what the run
 * could read.
 */
import type { Locale } from "../messages/index.js";
import type { ClassifiedJob, DailyTrend, ErrorCategory, ExpectedConsistency, JobStatus } from "../model.js";

/** What the digest needs to know about a VM's day before. A `ClassifiedJob` fits. */
export interface YesterdayOutcome {
  vm: string;
  vault: string;
  vmId?: string | null;
  vaultId?: string | null;
  status: JobStatus;
  degraded?: boolean;
  start?: string;
}

/** Per-VM running state (streaks), as the trend store keeps it. */
export interface VmStreakState {
  vm: string;
  vault: string;
  vmId?: string | null;
  vaultId?: string | null;
  failingDays: number;
  belowExpectedDays: number;
  expectedConsistency?: ExpectedConsistency | null;
  lastGoodPointAt?: string | null;
}

export interface KnownVm {
  vm: string;
  vault: string;
  vmId?: string | null;
  vaultId?: string | null;
  lastJobAt?: string | null;
  /** The policy that was due (named in "no backup job"), when known. */
  policy?: string | null;
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
  /** Jobs of the day read but not stored (and left out of the figures): Table Storage refuses a row they make. */
  rowsUnstorable?: number;
  /**
   * Every workspace answered without a row: the day is NO DATA when VMs are expected (`vmsExpected` > 0), and
   * merely nothing found yet when none is known.
   */
  emptyRead?: { vmsExpected: number };
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
  /** The VMs a job is expected of on the day (a VM not due, retired or lapsed is not among them). */
  knownVms: readonly KnownVm[];
  /** Lines said once on this day (a VM no longer expected), shown with the digest's notes. */
  notes?: readonly string[];
  coverage: CoverageInput;
  lookup?: CodeLookup;
  generatedAt?: string;
  thresholds?: Partial<DigestThresholds>;
  /** The language of every sentence of the digest (default `en`). */
  locale?: Locale;
  /** The IANA time zone its times are shown in (default `UTC`). */
  timeZone?: string;
}

export const DEFAULT_THRESHOLDS: DigestThresholds = {
  failingSuccessRate: 0.9,
  failingStreakDays: 3,
  listStreakDays: 2,
};
