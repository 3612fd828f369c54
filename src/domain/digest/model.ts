/**
 * The daily digest's model: what a person reads every morning to learn, in ten seconds, whether the fleet's
 * backups are healthy, what changed since yesterday and what to do. A plain JSON-serialisable model that
 * every renderer (Teams, Slack, generic JSON, HTML) draws from.
 */
import { messagesFor, type Locale } from "../messages/index.js";
import type { Consistency, ErrorCategory, ExpectedConsistency, JobStatus, OsType } from "../model.js";

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
  /** Jobs below their VM's expected consistency (failed ones included): the key figure. Lower is better. */
  degraded: Comparison;
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
    /** File-system-consistent jobs of VMs that should have had an application-consistent point. */
    fileSystemBelowExpected: number;
    /** Crash-consistent jobs of VMs that should have had a better point. */
    crashBelowExpected: number;
    /** Jobs that completed with warnings whose point's consistency could not be confirmed (counted in unknown). */
    notConfirmed: number;
  };
}

/**
 * Which VM a line is about: its name and vault as Azure gives them, their resource IDs when known, and the
 * labels to show (the name, plus the resource group, and the subscription, only where names collide).
 */
export interface VmIdentity {
  vm: string;
  vault: string;
  vmId: string | null;
  vaultId: string | null;
  vmLabel: string;
  vaultLabel: string;
}

export type ChangeKind = "new-failure" | "recovery" | "downgrade";

export interface VmChange extends VmIdentity {
  kind: ChangeKind;
  os: OsType;
  status: JobStatus;
  consistency: Consistency;
  expectedConsistency: ExpectedConsistency;
  errorCode: string | null;
  errorCategory: ErrorCategory | null;
  /** What to do, in one short line (failures and downgrades; null for a recovery). */
  action: string | null;
}

export interface VmStreak extends VmIdentity {
  days: number;
  expectedConsistency: ExpectedConsistency | null;
  lastGoodPointAt: string | null;
  /** The code of the VM's latest job of the day, when it had one. */
  errorCode: string | null;
  /** What to do, in one short line. */
  action: string;
}

export interface MissingVm extends VmIdentity {
  lastJobAt: string | null;
  /** The policy whose backup was due, when known. */
  policy?: string | null;
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
  /** A few affected VMs (their labels), for orientation. */
  sampleVms: string[];
}

export interface DigestCoverage {
  workspacesQueried: number;
  workspacesFailed: { workspaceId: string; reason: string }[];
  /** The vaults (labels) that reported. */
  vaultsSeen: string[];
  /** Known vaults (labels) that sent no job report for the day. */
  vaultsSilent: string[];
  vmsKnown: number;
  vmsWithJob: number;
  partial: boolean;
  rowsRejected: number;
  /** Jobs read but not stored nor counted: a row they make is one Table Storage refuses. */
  rowsUnstorable: number;
}

export interface SeriesPoint {
  date: string;
  jobs: number;
  successRate: number | null;
  applicationRate: number | null;
}

/**
 * One VM's outcome of the day: its latest job (the point the vault keeps) and, when an earlier job of the day
 * was worse (failed, below expectation, or of unknown consistency), that worst job.
 */
export interface VmRow extends VmIdentity {
  os: OsType;
  status: JobStatus;
  consistency: Consistency;
  expectedConsistency: ExpectedConsistency;
  degraded: boolean;
  errorCode: string | null;
  jobs: number;
  start: string;
  worst?: {
    status: JobStatus;
    consistency: Consistency;
    degraded: boolean;
    errorCode: string | null;
    start: string;
  };
}

export interface Digest {
  date: string;
  generatedAt: string;
  /** The language of the digest's sentences (PULSE_LOCALE). */
  locale: Locale;
  /** The time zone its times are shown in (PULSE_TIMEZONE). */
  timeZone: string;
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

export const TROUBLESHOOT_URL = "https://learn.microsoft.com/azure/backup/backup-azure-vms-troubleshoot";
export const OFFLINE_VM_NOTE = messagesFor("en").offlineNote;
