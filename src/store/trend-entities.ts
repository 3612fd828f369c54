/**
 * The trend tables' entities: each domain value as the row it is stored as, and back. Counts are stored as
 * Int32 (durations as Double) and read back as plain numbers; times as DateTime, read back as ISO-8601.
 * A stored value of the wrong type reads as the domain's "unknown" for it, so old or hand-edited rows never
 * break a read.
 */
import type {
  ClassifiedJob,
  Consistency,
  ConsistencySource,
  DailyTrend,
  ErrorCategory,
  ExpectedConsistency,
  JobStatus,
  OsType,
} from "../domain/model.js";
import { UTC } from "../domain/days.js";
import { emptyTrend, TREND_COUNTERS } from "../domain/trend-counts.js";
import type { VmState } from "../domain/vm-state.js";
import { dateCol, double, iso, num, oneOf, optCol, str, type Row } from "./entity.js";
import { keys, RUN_PARTITION } from "./keys.js";

/** A classified job with the facts only the reader knows (where it came from, how long it ran). */
export type StoredJob = ClassifiedJob & { workspaceId?: string | null; durationSec?: number | null };

interface WorkspaceOutcome {
  workspaceId: string;
  ok: boolean;
}

/** What a run says about itself, next to the jobs it stores. */
export interface RunInput {
  date: string;
  /** False when some workspace failed or a result was partial. */
  complete: boolean;
  workspaces: readonly WorkspaceOutcome[];
  /** When the run happened (default: now). */
  runAt?: Date;
  /** Rows the run's read could not read (rejected), kept in the run record. */
  rowsRejected?: number;
  /** The IANA time zone of the run's days (PULSE_TIMEZONE; default UTC). */
  timeZone?: string;
  /** Jobs of the day left out because Table Storage cannot store a row they make. */
  rowsUnstorable?: number;
}

export interface RunRecord {
  date: string;
  complete: boolean;
  runAt: string;
  jobs: number;
  vaults: number;
  vms: number;
  failed: number;
  degraded: number;
  workspacesOk: number;
  workspacesFailed: number;
  /** IDs of the workspaces that failed. */
  failedWorkspaceIds: string[];
  /** IDs of every workspace queried (empty for records written before this was kept). */
  workspaceIds: string[];
  /** Rows the run's read could not read (rejected), over its whole window. */
  rowsRejected: number;
  /** The IANA time zone the day was cut in ("UTC" for records written before this was kept). */
  timeZone: string;
  /**
   * Jobs of the day not stored: a row they make is one Table Storage refuses (too long, not UTF-16). Absent
   * when none was left out (and on records written before this was kept).
   */
  rowsUnstorable?: number;
}

const STATUSES: readonly JobStatus[] = ["Completed", "CompletedWithWarnings", "Failed", "Cancelled"];
const CONSISTENCIES: readonly Consistency[] = ["application", "file-system", "crash", "none", "unknown"];
const EXPECTED: readonly ExpectedConsistency[] = ["application", "file-system", "crash", "unknown"];
const OSES: readonly OsType[] = ["Windows", "Linux", "unknown"];

// ---------------------------------------------------------------------------------------------- PulseTrends

/** What a `PulseTrends` row carries besides its counters. */
export interface TrendRowFacts {
  complete: boolean;
  /** Display name and resource ID of the scope (a vault's; a code's name only). */
  name?: string | null;
  id?: string | null;
  /** On vault rows: the hash of the vault-day's canonical jobs, and their number. */
  hash?: string;
  jobCount?: number;
}

export function trendRow(partitionKey: string, t: DailyTrend, facts: TrendRowFacts): Row {
  return {
    partitionKey,
    rowKey: t.date,
    ...trendColumns(t),
    complete: facts.complete,
    ...optCol("name", facts.name),
    ...optCol("id", facts.id),
    ...optCol("hash", facts.hash),
    ...optCol("jobCount", facts.jobCount),
  };
}

function trendColumns(t: DailyTrend): Row {
  const row: Row = { scope: t.scope };
  for (const k of TREND_COUNTERS) row[k] = t[k];
  return row;
}

/** The counters of a `PulseTrends` row as the trend of `scope` on `date`. */
export function trendFromRow(date: string, scope: string, row: Row): DailyTrend {
  const t = emptyTrend(date, scope);
  for (const k of TREND_COUNTERS) t[k] = num(row[k]) ?? 0;
  return t;
}

/** The VM's and the vault's names and resource IDs, the columns every VM-level row carries. */
function identityCols(v: { vm: string; vault: string; vmId?: string | null; vaultId?: string | null }): Row {
  return { vm: v.vm, ...optCol("vmId", v.vmId), vault: v.vault, ...optCol("vaultId", v.vaultId) };
}

// ------------------------------------------------------------------------------------------------ PulseJobs

export function jobRow(date: string, vaultKey: string, vmKey: string, j: StoredJob): Row {
  return {
    partitionKey: keys.dayVault(date, vaultKey),
    rowKey: keys.job(vmKey, j.jobId),
    jobId: j.jobId,
    ...identityCols(j),
    os: j.os,
    status: j.status,
    ...dateCol("start", j.start),
    consistency: j.consistency,
    consistencySource: j.consistencySource,
    expectedConsistency: j.expectedConsistency,
    degraded: j.degraded,
    ...optCol("errorCode", j.errorCode),
    ...optCol("errorCategory", j.errorCategory),
    ...optCol("workspaceId", j.workspaceId),
    ...(typeof j.durationSec === "number" && Number.isFinite(j.durationSec)
      ? { durationSec: double(j.durationSec) }
      : {}),
  };
}

export function jobFromRow(row: Row): StoredJob {
  return {
    jobId: str(row.jobId) ?? "",
    vm: str(row.vm) ?? "",
    vault: str(row.vault) ?? "",
    os: oneOf(row.os, OSES, "unknown"),
    status: oneOf(row.status, STATUSES, "Failed"),
    start: iso(row.start) ?? "",
    consistency: oneOf(row.consistency, CONSISTENCIES, "unknown"),
    consistencySource: oneOf<ConsistencySource>(row.consistencySource, ["observed", "inferred"], "inferred"),
    expectedConsistency: oneOf(row.expectedConsistency, EXPECTED, "unknown"),
    degraded: row.degraded === true,
    errorCode: str(row.errorCode),
    errorCategory: str(row.errorCategory) as ErrorCategory | null,
    vmId: str(row.vmId),
    vaultId: str(row.vaultId),
    workspaceId: str(row.workspaceId),
    durationSec: num(row.durationSec),
  };
}

/** A job's outcome: what the digest compares a VM's day with (the columns of {@link OUTCOME_COLUMNS}). */
export type JobOutcome = Pick<
  StoredJob,
  "vm" | "vault" | "vmId" | "vaultId" | "status" | "degraded" | "start"
>;
export const OUTCOME_COLUMNS = ["vm", "vault", "vmId", "vaultId", "status", "degraded", "start"];

/** A row's VM and vault, by name and resource ID. */
function identityFromRow(row: Row): Pick<StoredJob, "vm" | "vault" | "vmId" | "vaultId"> {
  return {
    vm: str(row.vm) ?? "",
    vault: str(row.vault) ?? "",
    vmId: str(row.vmId),
    vaultId: str(row.vaultId),
  };
}

export function outcomeFromRow(row: Row): JobOutcome {
  return {
    ...identityFromRow(row),
    status: oneOf(row.status, STATUSES, "Failed"),
    degraded: row.degraded === true,
    start: iso(row.start) ?? "",
  };
}

/** A job read with only `jobId`, `consistency` and `status` selected. */
export function observedFromRow(row: Row): [string, { consistency: Consistency; status: JobStatus }] {
  return [
    str(row.jobId) ?? "",
    {
      consistency: oneOf(row.consistency, CONSISTENCIES, "unknown"),
      status: oneOf(row.status, STATUSES, "Failed"),
    },
  ];
}

// ------------------------------------------------------------------------------------------------- PulseVms

/**
 * A VM's state as stored: the domain state plus the resource IDs it was keyed on, and the day it was first
 * found retired (protection stopped or gone from its vault), when it was.
 */
export type StoredVmState = VmState & { vmId: string | null; vaultId: string | null; retiredOn?: string };

/** The columns of `PulseVms` every reader but a VM's trend needs (all but `days`). */
export const VM_STATE_COLUMNS = [
  "PartitionKey",
  "RowKey",
  "vm",
  "vmId",
  "vault",
  "vaultId",
  "failingDays",
  "belowExpectedDays",
  "lastGoodPointAt",
  "lastJobAt",
  "lastJobId",
  "lastStatus",
  "lastConsistency",
  "expectedConsistency",
  "os",
  "historyEnd",
  "history",
  "retiredOn",
];

export function vmRow(
  vaultKey: string,
  vmKey: string,
  s: VmState,
  ids: { vmId: string | null; vaultId: string | null },
  days: string,
): Row {
  return {
    partitionKey: vaultKey,
    rowKey: vmKey,
    ...identityCols({ vm: s.vm, vault: s.vault, ...ids }),
    failingDays: s.failingDays,
    belowExpectedDays: s.belowExpectedDays,
    ...dateCol("lastGoodPointAt", s.lastGoodPointAt),
    ...dateCol("lastJobAt", s.lastJobAt),
    ...optCol("lastJobId", s.lastJobId),
    ...optCol("lastStatus", s.lastStatus),
    ...optCol("lastConsistency", s.lastConsistency),
    expectedConsistency: s.expectedConsistency,
    os: s.os,
    historyEnd: s.historyEnd,
    history: s.history,
    days,
  };
}

export function stateFromRow(row: Row): StoredVmState {
  return {
    ...identityFromRow(row),
    failingDays: num(row.failingDays) ?? 0,
    belowExpectedDays: num(row.belowExpectedDays) ?? 0,
    lastGoodPointAt: iso(row.lastGoodPointAt),
    lastJobAt: iso(row.lastJobAt),
    lastJobId: str(row.lastJobId),
    lastStatus: row.lastStatus === undefined ? null : oneOf(row.lastStatus, STATUSES, "Failed"),
    lastConsistency:
      row.lastConsistency === undefined ? null : oneOf(row.lastConsistency, CONSISTENCIES, "unknown"),
    expectedConsistency: oneOf(row.expectedConsistency, EXPECTED, "unknown"),
    os: oneOf(row.os, OSES, "unknown"),
    historyEnd: str(row.historyEnd) ?? "",
    history: str(row.history) ?? "",
    ...(str(row.retiredOn) ? { retiredOn: str(row.retiredOn) ?? "" } : {}),
  };
}

// ------------------------------------------------------------------------------------------------ PulseRuns

export function runRow(input: RunInput, jobs: readonly StoredJob[], vms: number, vaults: number): Row {
  const failed = input.workspaces.filter((w) => !w.ok).map((w) => w.workspaceId);
  return {
    partitionKey: RUN_PARTITION,
    rowKey: input.date,
    complete: input.complete,
    runAt: input.runAt ?? new Date(),
    jobs: jobs.length,
    vaults,
    vms,
    failed: jobs.filter((j) => j.status === "Failed").length,
    degraded: jobs.filter((j) => j.degraded).length,
    workspacesOk: input.workspaces.length - failed.length,
    workspacesFailed: failed.length,
    failedWorkspaceIds: failed.join(","),
    workspaceIds: input.workspaces.map((w) => w.workspaceId).join(","),
    rowsRejected: input.rowsRejected ?? 0,
    timezone: input.timeZone ?? UTC,
    ...(input.rowsUnstorable ? { rowsUnstorable: input.rowsUnstorable } : {}),
  };
}

export function runFromRow(row: Row): RunRecord {
  const list = (v: unknown): string[] => (str(v) ?? "").split(",").filter((id) => id !== "");
  return {
    date: str(row.rowKey) ?? "",
    complete: row.complete === true,
    runAt: iso(row.runAt) ?? "",
    jobs: num(row.jobs) ?? 0,
    vaults: num(row.vaults) ?? 0,
    vms: num(row.vms) ?? 0,
    failed: num(row.failed) ?? 0,
    degraded: num(row.degraded) ?? 0,
    workspacesOk: num(row.workspacesOk) ?? 0,
    workspacesFailed: num(row.workspacesFailed) ?? 0,
    failedWorkspaceIds: list(row.failedWorkspaceIds),
    workspaceIds: list(row.workspaceIds),
    rowsRejected: num(row.rowsRejected) ?? 0,
    timeZone: str(row.timezone) ?? UTC,
    ...(num(row.rowsUnstorable) ? { rowsUnstorable: num(row.rowsUnstorable) ?? 0 } : {}),
  };
}
