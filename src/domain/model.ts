/**
 * The domain model shared by every part of backup-pulse. Pure types: no Azure imports.
 */

export type OsType = "Windows" | "Linux" | "unknown";

/** Finished job states that are classified. `InProgress` rows are left out before this point. */
export type JobStatus = "Completed" | "CompletedWithWarnings" | "Failed" | "Cancelled";

export type Consistency = "application" | "file-system" | "crash" | "none" | "unknown";
export type ExpectedConsistency = "application" | "file-system" | "crash" | "unknown";
export type ConsistencySource = "observed" | "inferred";

export type ErrorCategory =
  | "vss"
  | "fsfreeze"
  | "agent"
  | "extension"
  | "network"
  | "vm-state"
  | "disk"
  | "access"
  | "platform"
  | "config"
  | "restore"
  | "unknown";

/** Why a row was read but not classified as a VM backup job. */
export type ExclusionReason =
  | "in-progress"
  | "log-backup"
  | "not-backup" // restores, configure-backup and other operations
  | "not-vm" // MAB, DPM, SQL/HANA in VM, Azure Files, ...
  | "legacy-v1" // AzureDiagnostics rows with SchemaVersion_s V1
  | "deleted"; // State == Deleted

/** One Azure VM backup job, normalised from any input shape. */
export interface BackupJob {
  jobId: string;
  /** VM name (from the item friendly name, else the container name `iaasvmcontainerv2;<rg>;<vm>`). */
  vm: string;
  /** Vault name ("unknown" when no column carries it). */
  vault: string;
  /** ARM resource ID of the vault, when known: needed for recovery-point look-ups. */
  vaultId: string | null;
  /** ARM resource ID of the VM, when the row carries it. */
  vmId?: string | null;
  /** `ProtectedContainerName`, e.g. `iaasvmcontainerv2;rg-app;vm-app-01`, when known. */
  container: string | null;
  /** `BackupItemUniqueId`, when known. */
  itemId: string | null;
  os: OsType;
  status: JobStatus;
  /** JobStartDateTime, as epoch milliseconds (UTC). */
  startMs: number;
  /** Job duration in seconds, when known. */
  durationSec: number | null;
  /** Raw failure/warning code as it came (`Success` and empty become null). */
  code: string | null;
  /** TimeGenerated of the row that won deduplication, epoch ms (0 when unknown). */
  timeGeneratedMs: number;
  /**
   * The backup policy that protects the VM, from its vault's inventory (ARM `backupPolicies` and
   * `backupProtectedItems`); absent or null when not known (recovery points `off`, or the vault not listed).
   * Log Analytics rows do not carry it.
   */
  policy?: JobPolicy | null;
  /** The workspace the row came from, when read from Log Analytics. */
  workspaceId: string | null;
}

/** What the classifier needs of a backup policy. */
export interface JobPolicy {
  name: string;
  /** `V2` = Enhanced: a Windows job's application-consistent snapshot may fall back to crash. */
  type: "V1" | "V2";
  /** `snapshotConsistencyType = OnlyCrashConsistent`: every point is crash-consistent by design. */
  crashOnly: boolean;
}

/** What a recovery-point look-up found for a job. */
export interface ObservedPoint {
  /** Raw `recoveryPointType`, e.g. `AppConsistent`. */
  recoveryPointType: string;
  /** recoveryPointTime, epoch ms. */
  timeMs: number;
}

/**
 * Whether the VM was stopped (or deallocated) or running when a crash-consistent point was taken, from its
 * Activity Log; `unknown` when it could not be read. Read only for crash points.
 */
export type PowerState = "stopped" | "running" | "unknown";

/** A job after classification. Field names follow `classify --format json` in the interface. */
export interface ClassifiedJob {
  jobId: string;
  vm: string;
  vault: string;
  os: OsType;
  status: JobStatus;
  /** ISO-8601 of the job start. */
  start: string;
  consistency: Consistency;
  consistencySource: ConsistencySource;
  expectedConsistency: ExpectedConsistency;
  degraded: boolean;
  /** Canonical code name (catalogue spelling), or the raw code when unknown; null for a clean success. */
  errorCode: string | null;
  errorCategory: ErrorCategory | null;
  /** Lower-case ARM resource ID of the VM; null when the input has no way to build it. */
  vmId: string | null;
  /** Lower-case ARM resource ID of the vault; null when the input has no way to build it. */
  vaultId: string | null;
  /** For a crash-consistent point: whether the VM was stopped or running at backup time (absent: not read). */
  powerState?: PowerState;
  /**
   * For an umbrella code (`VMRestorePointClientError`, `UserErrorCrpReportedUserError`): the inner error as the
   * job's details give it, one line (absent: not read).
   */
  errorDetail?: string;
  /** The vault protects SQL Server databases inside this VM (read for VSS codes only; absent: not read). */
  sqlServer?: boolean;
  /**
   * The calendar day (`PULSE_TIMEZONE`) the daily run attributed the job to, set when jobs are grouped by
   * day; absent, the job's day is the UTC day of `start`.
   */
  day?: string;
}

export interface RejectedRow {
  /** 1-based row number in the input (data rows, header not counted). */
  row: number;
  reason: string;
}

/** The result of reading rows of any shape. */
export interface ReadResult {
  jobs: BackupJob[];
  rejected: RejectedRow[];
  excluded: Partial<Record<ExclusionReason, number>>;
  /** Rows read in total (before deduplication). */
  rowsRead: number;
  /** Rows that were superseded by a later row of the same job. */
  duplicates: number;
}

/** Daily counts for one scope, as `trends --format json` prints them. */
export interface DailyTrend {
  date: string; // YYYY-MM-DD (UTC)
  scope: string; // "all" | "vault:NAME" | "vm:NAME" | "code:CODE"
  jobs: number;
  completed: number;
  completedWithWarnings: number;
  failed: number;
  application: number;
  fileSystem: number;
  crash: number;
  none: number;
  unknown: number;
  degraded: number;
}

/**
 * A stored day's trend as the trends faces answer it: the day's completeness, and on a vault's or VM's row
 * which vault or VM it is (several can share a name).
 */
export interface StoredTrend extends DailyTrend {
  /** False when that day's read was partial or a workspace failed: a partial day is never a whole one. */
  complete: boolean;
  /** On `vault:` and `vm:` rows: the vault's lower-case resource ID (null where its jobs carried none). */
  vaultId?: string | null;
  /** On `vm:` rows: the VM's lower-case resource ID (null where its jobs carried none). */
  vmId?: string | null;
}

/** Settings the classifier needs (pure). */
export interface ClassifyOptions {
  /** VM names or `*`-patterns that run Linux pre/post scripts. */
  linuxAppConsistentVms: readonly string[];
}
