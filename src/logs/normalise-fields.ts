/**
 * Where each job field is read from, in the three row shapes the normaliser recognises from column names
 * alone: the resource-specific `AddonAzureBackupJobs` table (joined or not with `CoreAzureBackup`, and
 * backup-pulse's own job queries), legacy `AzureDiagnostics` (`_s`/`_g` columns) and the output of
 * `_AzureBackup_GetJobs()`. A table's columns are resolved to a {@link Plan} once; a row's field is then the
 * first non-empty cell of its columns.
 */
import { cellText } from "./normalise-values.js";

/**
 * Column names per field, in order of preference (the first non-empty cell wins). Mostly resource-specific,
 * then AzureDiagnostics (`_s`, `_g`, `Resource`), then GetJobs (`UniqueId`, `StartTime`, `Status`, ...).
 */
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
  vmId: ["DatasourceResourceId", "DatasourceResourceId_s"],
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
} as const satisfies Record<string, readonly string[]>;

type Field = keyof typeof FIELD_COLUMNS;
/** Each field's column indices in one table, in order of preference. */
export type Plan = Record<Field, readonly number[]>;

/** The columns a file needs, by what they mean (for an error message that says which are missing). */
const REQUIRED: readonly Field[] = ["jobId", "start", "status"];

/** The shape the columns look like; used in messages and by callers that report what they read. */
/** A column name without the ` [UTC]` the portal's CSV export appends to dates. */
export function cleanName(name: unknown): string {
  const text = typeof name === "string" ? name : "";
  return text.endsWith("]") ? text.replace(/\s*\[UTC\]$/i, "") : text;
}

/** Resolves every field to its column indices once per table (exact name first, then ignoring case). */
export function planFor(columns: readonly unknown[]): Plan {
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

/** The required fields the plan has no column for, each named by its preferred column. */
export function missingFields(plan: Plan): string[] {
  return REQUIRED.filter((f) => plan[f].length === 0).map((f) => FIELD_COLUMNS[f][0]);
}

/** The required columns that are absent, described for a person (empty when the table can be read). */
export function missingJobColumns(columns: readonly string[]): string[] {
  const plan = planFor(columns);
  return REQUIRED.filter((f) => plan[f].length === 0).map((f) => FIELD_COLUMNS[f].join(" or "));
}

/** The columns the reader reads as dates (a job's start and TimeGenerated). */
export function dateColumns(columns: readonly string[]): number[] {
  const plan = planFor(columns);
  return [...plan.start, ...plan.timeGenerated];
}

/** The first non-empty cell of the columns, as text ("" when none). */
export function first(row: readonly unknown[], indices: readonly number[]): string {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (i === undefined) continue;
    const v = cellText(row[i]);
    if (v !== "") return v;
  }
  return "";
}

/** The first non-empty cell of the columns, as it is (undefined when none). */
export function firstCell(row: readonly unknown[], indices: readonly number[]): unknown {
  for (let k = 0; k < indices.length; k++) {
    const i = indices[k];
    if (i === undefined) continue;
    const v = row[i];
    if (v !== null && v !== undefined && v !== "") return v;
  }
  return undefined;
}
