/**
 * What is known of each workspace while it is read and after: its report (status, completeness, counts), the
 * problems met, and the job reader its rows go to. A missing source table means "no data of that kind", not a
 * failure; any other failed query marks the workspace failed with a message for people, and one failing
 * workspace never hides the others.
 */
import type { ReadResult } from "../domain/model.js";
import type { QueryName } from "./kql.js";
import { describeLegacySignal, type LegacyFieldsSignal } from "./legacy-signal.js";
import { createJobReader, type JobReader } from "./normalise.js";
import { describeQueryError, missingTableOf } from "./query-errors.js";

export interface QueryProgress {
  workspaceId: string;
  queryName: QueryName;
  rangeStart: Date;
  rangeEnd: Date;
  /** `plan`: the windows were planned from the count query; `plan-failed`: it failed, the window is read whole. */
  event: "plan" | "plan-failed" | "rows" | "split" | "incomplete" | "retry" | "no-table" | "failed";
  /** Rows answered (`rows`, `incomplete`) or counted (`plan`). */
  rows?: number;
  /** Windows planned (`plan`). */
  windows?: number;
  attempt?: number;
  delayMs?: number;
  message?: string;
}

export interface WorkspaceReport {
  workspaceId: string;
  status: "ok" | "failed" | "empty";
  error?: string;
  /** False when a window stayed partial at the minimum size, or a query failed. */
  complete: boolean;
  /** Queries answered (windows, not counting retries or count queries). */
  queries: number;
  /** Count queries answered, which the windows were planned from. */
  countQueries?: number;
  /** Windows planned from the count queries (both job queries together). */
  plannedWindows?: number;
  retries: number;
  rowsRead: number;
  partialSplits: number;
  /** Queries whose source table does not exist in the workspace (e.g. no AzureDiagnostics). */
  missingTables: string[];
  /**
   * Backup report records whose fields AzureDiagnostics keeps in AdditionalFields (its 500-column limit):
   * the workspace is then failed, with a message that says so.
   */
  legacyFieldsInAdditionalFields?: LegacyFieldsSignal;
}

/** One workspace being read. */
export interface WorkspaceRead {
  report: WorkspaceReport;
  /** Problems met so far, joined into the report's `error` at the end. */
  errors: string[];
  reader: JobReader;
  /** What the legacy query's signal rows said so far (null: nothing). */
  legacySignal: LegacyFieldsSignal | null;
}

/** The table whose absence means "this workspace has no data of this kind" for each query. */
const SOURCE_TABLE: Record<QueryName, string> = {
  jobs: "AddonAzureBackupJobs",
  "jobs-legacy": "AzureDiagnostics",
};

export function startWorkspace(workspaceId: string): WorkspaceRead {
  return {
    report: {
      workspaceId,
      status: "empty",
      complete: true,
      queries: 0,
      retries: 0,
      rowsRead: 0,
      partialSplits: 0,
      missingTables: [],
    },
    errors: [],
    reader: createJobReader(),
    legacySignal: null,
  };
}

/** True when `error` says the query's source table does not exist: the workspace has no data of that kind. */
export function isMissingSource(name: QueryName, error: unknown): boolean {
  const table = missingTableOf(error);
  return table !== null && table.toLowerCase() === SOURCE_TABLE[name].toLowerCase();
}

/**
 * Records a query that failed for good: the workspace has no data of that kind when the query's source table
 * is missing, else the workspace failed. Returns what to report as progress.
 */
export function queryFailed(
  ws: WorkspaceRead,
  name: QueryName,
  error: unknown,
): { event: "no-table" | "failed"; message: string } {
  if (isMissingSource(name, error)) {
    ws.report.missingTables.push(SOURCE_TABLE[name]);
    ws.report.queries++;
    return { event: "no-table", message: `no ${SOURCE_TABLE[name]} table in this workspace` };
  }
  const table = missingTableOf(error);
  let message = `${name} query failed: ${describeQueryError(error)}`;
  if (table !== null && table.toLowerCase() === "coreazurebackup") {
    message +=
      " (the workspace has job rows but no CoreAzureBackup table: add the CoreAzureBackup event to the vault's diagnostic setting)";
  }
  ws.report.complete = false;
  ws.errors.push(message);
  ws.report.status = "failed";
  return { event: "failed", message };
}

/** Settles the report once every query of the workspace is done, and returns what was read. */
export function finishWorkspace(ws: WorkspaceRead): ReadResult {
  if (ws.legacySignal) {
    // Backup data is there but cannot be read: a problem to fix, not a quiet workspace.
    ws.report.legacyFieldsInAdditionalFields = ws.legacySignal;
    ws.report.status = "failed";
    ws.report.complete = false;
    ws.errors.push(describeLegacySignal(ws.legacySignal));
  }
  const read = ws.reader.finish();
  if (ws.report.status !== "failed" && ws.report.rowsRead > 0) ws.report.status = "ok";
  if (ws.errors.length > 0) ws.report.error = ws.errors.join("; ");
  return read;
}
