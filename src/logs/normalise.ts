/**
 * Rows of any shape → BackupJob. Recognises, from the column names alone:
 *   - the resource-specific `AddonAzureBackupJobs` table, joined or not with `CoreAzureBackup`
 *     (and backup-pulse's own job queries, which return JOB_QUERY_COLUMNS);
 *   - legacy `AzureDiagnostics` rows (`_s`/`_g` columns, dates and numbers as text, `Resource` = vault);
 *   - the output of `_AzureBackup_GetJobs()` (`UniqueId`, `Status`, `ErrorTitle`, `BackupSolution`, ...).
 * Rules: one job per job ID, the latest `TimeGenerated` winning (ties: the later row); what is left out is
 * decided on the winning row and counted by reason; a row that cannot be read is rejected with its row
 * number and never stops the others. Nothing here throws on bad data.
 */
import type {
  BackupJob,
  ExclusionReason,
  JobStatus,
  OsType,
  ReadResult,
  RejectedRow,
} from "../domain/model.js";
import { cellDateMs, cellNumber, cellText } from "./normalise-values.js";

/** Column names per field, in order of preference; the first non-empty cell wins. */
const FIELD_COLUMNS = {
  jobId: ["JobUniqueId", "JobUniqueId_g", "JobUniqueId_s", "UniqueId"],
  timeGenerated: ["TimeGenerated"],
  start: ["JobStartDateTime", "JobStartDateTime_s", "StartTime"],
  duration: ["JobDurationInSecs", "JobDurationInSecs_s", "DurationInSecs"],
  status: ["JobStatus", "JobStatus_s", "Status"],
  code: ["JobFailureCode", "JobFailureCode_s", "ErrorTitle"],
  operation: ["JobOperation", "JobOperation_s", "OperationCategory"],
  subType: ["JobOperationSubType", "JobOperationSubType_s", "Operation"],
  management: ["BackupManagementType", "BackupManagementType_s"],
  solution: ["BackupSolution"],
  datasourceType: ["DatasourceType"],
  itemType: ["BackupItemType", "BackupItemType_s"],
  vault: ["VaultName", "VaultName_s", "Resource"],
  vaultId: ["VaultResourceId", "ResourceId", "_ResourceId"],
  itemId: ["BackupItemUniqueId", "BackupItemUniqueId_s", "BackupInstanceUniqueId"],
  itemName: [
    "BackupItemFriendlyName",
    "BackupItemFriendlyName_s",
    "BackupInstanceFriendlyName",
    "DatasourceFriendlyName",
  ],
  container: ["ProtectedContainerName", "ProtectedContainerName_s"],
  containerFriendlyName: [
    "DatasourceSetFriendlyName",
    "ProtectedContainerFriendlyName",
    "ProtectedContainerFriendlyName_s",
  ],
  instanceId: ["BackupInstanceId"],
  os: ["ProtectedContainerOSType", "ProtectedContainerOSType_s"],
  containerId: ["ProtectedContainerUniqueId", "ProtectedContainerUniqueId_s"],
  state: ["State", "State_s"],
  operationName: ["OperationName"],
  schemaVersion: ["SchemaVersion_s"],
  snapshotConsistency: ["SnapshotConsistencyType"],
} as const satisfies Record<string, readonly string[]>;

type Field = keyof typeof FIELD_COLUMNS;
type Plan = Record<Field, readonly number[]>;

/** The columns a file needs, by what they mean (for an error message that says which are missing). */
const REQUIRED: readonly Field[] = ["jobId", "start", "status"];

/** The shape the columns look like; used in messages and by callers that report what they read. */
export type RowShape = "resource-specific" | "azure-diagnostics" | "get-jobs" | "unknown";

function cleanName(name: unknown): string {
  const text = typeof name === "string" ? name : "";
  return text.endsWith("]") ? text.replace(/\s*\[UTC\]$/i, "") : text;
}

/** Resolves every field to its column indices once per table (exact name first, then ignoring case). */
function planFor(columns: readonly unknown[]): Plan {
  const exact = new Map<string, number>();
  const folded = new Map<string, number>();
  columns.forEach((raw, i) => {
    const name = cleanName(raw);
    if (!exact.has(name)) exact.set(name, i);
    const lower = name.toLowerCase();
    if (!folded.has(lower)) folded.set(lower, i);
  });
  const plan = {} as Record<Field, number[]>;
  for (const field of Object.keys(FIELD_COLUMNS) as Field[]) {
    const indices: number[] = [];
    for (const name of FIELD_COLUMNS[field]) {
      const i = exact.get(name) ?? folded.get(name.toLowerCase());
      if (i !== undefined && !indices.includes(i)) indices.push(i);
    }
    plan[field] = indices;
  }
  return plan;
}

/** Which shape the column names describe. */
export function detectShape(columns: readonly string[]): RowShape {
  const names = new Set(columns.map((c) => cleanName(c).toLowerCase()));
  if (names.has("uniqueid") && (names.has("status") || names.has("starttime"))) return "get-jobs";
  if (names.has("jobuniqueid_g") || names.has("jobuniqueid_s") || names.has("jobstatus_s")) {
    return "azure-diagnostics";
  }
  if (names.has("jobuniqueid")) return "resource-specific";
  return "unknown";
}

/** The required columns that are absent, described for a person (empty when the table can be read). */
export function missingJobColumns(columns: readonly string[]): string[] {
  const plan = planFor(columns);
  return REQUIRED.filter((f) => plan[f].length === 0).map((f) => FIELD_COLUMNS[f].join(" or "));
}

function first(row: readonly unknown[], indices: readonly number[]): string {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (i === undefined) continue;
    const v = cellText(row[i]);
    if (v !== "") return v;
  }
  return "";
}

function firstCell(row: readonly unknown[], indices: readonly number[]): unknown {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (i === undefined) continue;
    const v = row[i];
    if (v !== null && v !== undefined && v !== "") return v;
  }
  return undefined;
}

type RowStatus = JobStatus | "in-progress";

function readStatus(text: string): RowStatus | null {
  switch (text) {
    case "Completed":
    case "CompletedWithWarnings":
    case "Failed":
    case "Cancelled":
      return text;
    case "InProgress":
      return "in-progress";
  }
  switch (text.toLowerCase()) {
    case "completed":
      return "Completed";
    case "completedwithwarnings":
      return "CompletedWithWarnings";
    case "failed":
      return "Failed";
    case "cancelled":
    case "canceled":
      return "Cancelled";
    case "inprogress":
    case "cancelling":
    case "canceling":
      return "in-progress";
    default:
      return null;
  }
}

function readOs(text: string): OsType {
  if (text === "Windows" || text === "Linux") return text;
  if (text === "") return "unknown";
  const lower = text.toLowerCase();
  return lower === "windows" ? "Windows" : lower === "linux" ? "Linux" : "unknown";
}

/** Shortens a cell for a message (a file may hold huge or odd values). */
function show(value: string): string {
  const s = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(s);
}

function isVmWorkload(plan: Plan, row: readonly unknown[]): boolean {
  const managementText = first(row, plan.management);
  const management = managementText === "IaaSVM" ? "iaasvm" : managementText.toLowerCase();
  if (management !== "") {
    if (management !== "iaasvm" && management !== "azureiaasvm") return false;
  } else {
    const solution = first(row, plan.solution).toLowerCase();
    if (solution !== "") {
      if (solution !== "azure virtual machine backup") return false;
    } else if (plan.solution.length === 0) {
      const dsType = first(row, plan.datasourceType).toLowerCase();
      if (dsType !== "" && !dsType.endsWith("/virtualmachines")) return false;
    }
  }
  if (plan.itemType.length === 0) return true;
  const itemType = first(row, plan.itemType).toLowerCase();
  return itemType === "" || itemType === "vm";
}

/** Order matters for the counts: a SQL log backup is counted as a log backup, a MAB restore as not-backup. */
function exclusionOf(plan: Plan, row: readonly unknown[], status: RowStatus): ExclusionReason | null {
  const operation = first(row, plan.operation);
  if (operation !== "" && operation !== "Backup" && operation.toLowerCase() !== "backup") return "not-backup";
  const subType = first(row, plan.subType);
  if (subType !== "") {
    const lower = subType.toLowerCase();
    if (lower === "log" || lower === "recovery point_log") return "log-backup";
  }
  if (!isVmWorkload(plan, row)) return "not-vm";
  if (plan.state.length > 0) {
    const state = first(row, plan.state);
    if (state !== "" && state !== "Active" && state.toLowerCase() === "deleted") return "deleted";
  }
  if (status === "in-progress") return "in-progress";
  return null;
}

function lastSegment(text: string, separator: string): string {
  const i = text.lastIndexOf(separator);
  return i < 0 ? text : text.slice(i + 1);
}

/** `.../protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg;vm/protectedItems/...` → container name. */
function containerFromInstanceId(instanceId: string): string {
  const m = /\/protectionContainers\/IaasVMContainer;([^/]+)\/protectedItems\//i.exec(instanceId);
  return m?.[1] ? m[1].toLowerCase() : "";
}

/** A job that won deduplication so far but is left out (only its time and reason are kept). */
interface ExcludedWinner {
  timeGeneratedMs: number;
  excluded: ExclusionReason;
}

type Winner = BackupJob | ExcludedWinner;

/** A legacy job whose name or OS may come from a `BackupItem`/`ProtectedContainer` record read later. */
interface PendingNames {
  job: BackupJob;
  key: string;
  itemId: string;
  containerId: string;
}

export interface TableOptions {
  /** Workspace the rows came from (kept on each job). */
  workspaceId?: string;
}

export interface NormaliseOptions extends TableOptions {
  /** Number of the first data row, for messages (default 1). */
  firstRowNumber?: number;
}

/**
 * Reads tables one after another and deduplicates across all of them (e.g. the resource-specific and
 * legacy results of several workspaces). Row numbers run on from table to table.
 */
export interface JobReader {
  addTable(columns: readonly string[], rows: Iterable<readonly unknown[]>, options?: TableOptions): void;
  addRecords(records: Iterable<Record<string, unknown>>, options?: TableOptions): void;
  finish(): ReadResult;
}

export function createJobReader(options: { firstRowNumber?: number } = {}): JobReader {
  const winners = new Map<string, Winner>();
  const pending: PendingNames[] = [];
  const rejected: RejectedRow[] = [];
  const excluded: Partial<Record<ExclusionReason, number>> = {};
  /** Names and OS from legacy `BackupItem` and `ProtectedContainer` records, to describe legacy jobs. */
  const itemNames = new Map<string, string>();
  const containers = new Map<string, { name: string; os: string }>();

  function rememberNames(plan: Plan, row: readonly unknown[], kind: string): void {
    if (kind === "backupitem") {
      const id = first(row, plan.itemId);
      const name = first(row, plan.itemName);
      if (id !== "" && name !== "") itemNames.set(id.toLowerCase(), name);
    } else if (kind === "protectedcontainer") {
      const id = first(row, plan.containerId);
      const name = first(row, plan.container) || first(row, plan.containerFriendlyName);
      if (id !== "") containers.set(id.toLowerCase(), { name, os: first(row, plan.os) });
    }
  }
  let rowNumber = (options.firstRowNumber ?? 1) - 1;
  let rowsRead = 0;
  let duplicates = 0;

  const exclude = (reason: ExclusionReason): void => {
    excluded[reason] = (excluded[reason] ?? 0) + 1;
  };

  function addTable(
    columns: readonly string[],
    rows: Iterable<readonly unknown[]>,
    tableOptions: TableOptions = {},
  ): void {
    const plan = planFor(Array.isArray(columns) ? columns : []);
    const workspaceId = tableOptions.workspaceId ?? null;
    const missing = REQUIRED.filter((f) => plan[f].length === 0);
    const legacy =
      plan.schemaVersion.length > 0 || plan.containerId.some((i) => /_s$/i.test(cleanName(columns[i])));
    for (const rawRow of rows) {
      rowNumber++;
      rowsRead++;
      const row: readonly unknown[] = Array.isArray(rawRow) ? rawRow : [];
      if (missing.length > 0) {
        rejected.push({
          row: rowNumber,
          reason: `no ${missing.map((f) => FIELD_COLUMNS[f][0]).join(", ")} column`,
        });
        continue;
      }
      const operationName = first(row, plan.operationName);
      if (operationName !== "" && operationName !== "Job" && operationName.toLowerCase() !== "job") {
        rememberNames(plan, row, operationName.toLowerCase());
        exclude("not-backup");
        continue;
      }
      if (plan.schemaVersion.length > 0 && first(row, plan.schemaVersion).toUpperCase() === "V1") {
        exclude("legacy-v1");
        continue;
      }
      const jobId = first(row, plan.jobId);
      if (jobId === "") {
        rejected.push({ row: rowNumber, reason: "no job ID (JobUniqueId is empty)" });
        continue;
      }
      const statusText = first(row, plan.status);
      const status = readStatus(statusText);
      if (status === null) {
        rejected.push({
          row: rowNumber,
          reason:
            statusText === ""
              ? "no job status"
              : `unknown job status ${show(statusText)} (job ${show(jobId)})`,
        });
        continue;
      }
      const startCell = firstCell(row, plan.start);
      const startMs = cellDateMs(startCell);
      if (startMs === null) {
        rejected.push({
          row: rowNumber,
          reason:
            startCell === undefined
              ? `no job start time (job ${show(jobId)})`
              : `job start time ${show(cellText(startCell))} is not a date (job ${show(jobId)})`,
        });
        continue;
      }
      let timeGeneratedMs = 0;
      const tgCell = firstCell(row, plan.timeGenerated);
      if (tgCell !== undefined) {
        const tg = cellDateMs(tgCell);
        if (tg === null) {
          rejected.push({
            row: rowNumber,
            reason: `TimeGenerated ${show(cellText(tgCell))} is not a date (job ${show(jobId)})`,
          });
          continue;
        }
        timeGeneratedMs = tg;
      }
      const key = jobId.toLowerCase();
      const previous = winners.get(key);
      if (previous !== undefined) {
        duplicates++;
        if (previous.timeGeneratedMs > timeGeneratedMs) continue;
      }
      // The job is built (or its exclusion decided) now, so the row itself need not be kept.
      const reason = exclusionOf(plan, row, status);
      if (reason !== null) {
        winners.set(key, { timeGeneratedMs, excluded: reason });
        continue;
      }
      const job = toJob(
        plan,
        row,
        jobId,
        status === "in-progress" ? "Completed" : status,
        startMs,
        timeGeneratedMs,
        workspaceId,
      );
      winners.set(key, job);
      if (legacy && (job.vm === "unknown" || job.os === "unknown" || job.container === null)) {
        const itemId = first(row, plan.itemId).toLowerCase();
        const containerId = first(row, plan.containerId).toLowerCase();
        if (itemId !== "" || containerId !== "") pending.push({ job, key, itemId, containerId });
      }
    }
  }

  function addRecords(records: Iterable<Record<string, unknown>>, tableOptions: TableOptions = {}): void {
    const list: Record<string, unknown>[] = [];
    const seen = new Set<string>();
    const columns: string[] = [];
    for (const record of records) {
      const r = record !== null && typeof record === "object" ? record : {};
      list.push(r);
      for (const key of Object.keys(r)) {
        if (!seen.has(key)) {
          seen.add(key);
          columns.push(key);
        }
      }
    }
    const rows = list.map((r) => columns.map((c) => (Object.hasOwn(r, c) ? r[c] : null)));
    addTable(columns, rows, tableOptions);
  }

  function toJob(
    plan: Plan,
    row: readonly unknown[],
    jobId: string,
    status: JobStatus,
    startMs: number,
    timeGeneratedMs: number,
    workspaceId: string | null,
  ): BackupJob {
    const container = first(row, plan.container) || containerFromInstanceId(first(row, plan.instanceId));
    const itemId = first(row, plan.itemId);
    const vm =
      first(row, plan.itemName) ||
      (container !== "" ? lastSegment(container, ";") : "") ||
      first(row, plan.containerFriendlyName) ||
      "unknown";
    const vaultId = first(row, plan.vaultId);
    const vault = first(row, plan.vault) || (vaultId !== "" ? lastSegment(vaultId, "/") : "") || "unknown";
    const code = first(row, plan.code);
    return {
      jobId,
      vm,
      vault,
      vaultId: vaultId === "" ? null : vaultId,
      container: container === "" ? null : container,
      itemId: itemId === "" ? null : itemId,
      os: readOs(first(row, plan.os)),
      status,
      startMs,
      durationSec: cellNumber(firstCell(row, plan.duration)),
      code: code === "" || code === "Success" || code.toLowerCase() === "success" ? null : code,
      timeGeneratedMs,
      crashOnlyPolicy:
        plan.snapshotConsistency.length > 0 &&
        first(row, plan.snapshotConsistency).toLowerCase() === "onlycrashconsistent",
      workspaceId,
    };
  }

  /** Fills names and OS of legacy jobs from the item and container records of the same export. */
  function resolvePending(): void {
    for (const p of pending) {
      if (winners.get(p.key) !== p.job) continue;
      const record = p.containerId !== "" ? containers.get(p.containerId) : undefined;
      if (p.job.container === null && record && record.name !== "") p.job.container = record.name;
      if (p.job.os === "unknown" && record) p.job.os = readOs(record.os);
      if (p.job.vm === "unknown") {
        p.job.vm =
          (p.itemId !== "" ? itemNames.get(p.itemId) : undefined) ||
          (p.job.container !== null ? lastSegment(p.job.container, ";") : "") ||
          "unknown";
      }
    }
    pending.length = 0;
  }

  function finish(): ReadResult {
    resolvePending();
    const jobs: BackupJob[] = [];
    for (const w of winners.values()) {
      if ("excluded" in w) exclude(w.excluded);
      else jobs.push(w);
    }
    return { jobs, rejected, excluded, rowsRead, duplicates };
  }

  return { addTable, addRecords, finish };
}

/** Column-oriented rows (the Log Analytics REST/SDK shape) → jobs, rejected rows and counts. */
export function normaliseTable(
  columns: readonly string[],
  rows: Iterable<readonly unknown[]>,
  options: NormaliseOptions = {},
): ReadResult {
  const reader = createJobReader(options);
  reader.addTable(columns, rows, options);
  return reader.finish();
}

/** Objects keyed by column name (e.g. `az monitor log-analytics query` output) → the same result. */
export function normaliseRecords(
  records: Iterable<Record<string, unknown>>,
  options: NormaliseOptions = {},
): ReadResult {
  const reader = createJobReader(options);
  reader.addRecords(records, options);
  return reader.finish();
}
