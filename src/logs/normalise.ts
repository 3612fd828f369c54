/**
 * Rows of any shape → BackupJob (the shapes and where each field is read from: ./normalise-fields.ts).
 * Rules: one job per job ID, the latest `TimeGenerated` winning (ties: the later row); what is left out is
 * decided on the winning row and counted by reason; a row that cannot be read is rejected with its row
 * number and never stops the others. Nothing here throws on bad data.
 */
import { vmIdOf } from "../domain/identity.js";
import type { BackupJob, ExclusionReason, ReadResult, RejectedRow } from "../domain/model.js";
import { first, missingFields, planFor, type Plan } from "./normalise-fields.js";
import { ownText, SharedTexts } from "./normalise-intern.js";
import { isLegacyTable, isV1Row, LegacyNames } from "./normalise-legacy.js";
import { exclusionOf, readRowHead, toJob, type RowHead } from "./normalise-rules.js";

/** A job that won deduplication so far but is left out (only its time and reason are kept). */
interface ExcludedWinner {
  timeGeneratedMs: number;
  excluded: ExclusionReason;
}

type Winner = BackupJob | ExcludedWinner;

export interface TableOptions {
  /** Workspace the rows came from (kept on each job). */
  workspaceId?: string;
}

/**
 * Reads tables one after another and deduplicates across all of them (e.g. the resource-specific and
 * legacy results of several workspaces). Row numbers run on from table to table.
 */
export interface JobReader {
  addTable(columns: readonly string[], rows: Iterable<readonly unknown[]>, options?: TableOptions): void;
  /**
   * Reads a table one row at a time: the function reads a row (an array of cells, anything else is a row without
   * cells) and keeps nothing of it, so the caller may fill the same array again for the next row.
   */
  tableRows(columns: readonly string[], options?: TableOptions): (row: unknown) => void;
  addRecords(records: Iterable<Record<string, unknown>>, options?: TableOptions): void;
  finish(): ReadResult;
}

export function createJobReader(options: { firstRowNumber?: number } = {}): JobReader {
  const winners = new Map<string, Winner>();
  const legacyNames = new LegacyNames();
  const shared = new SharedTexts();
  const rejected: RejectedRow[] = [];
  const excluded: Partial<Record<ExclusionReason, number>> = {};
  let rowNumber = (options.firstRowNumber ?? 1) - 1;
  let rowsRead = 0;
  let duplicates = 0;

  const exclude = (reason: ExclusionReason): void => {
    excluded[reason] = (excluded[reason] ?? 0) + 1;
  };

  /** Keeps the row's job when it is the latest of its job ID so far; its exclusion is decided now. */
  function keep(
    plan: Plan,
    row: readonly unknown[],
    head: RowHead,
    workspaceId: string | null,
    legacy: boolean,
  ) {
    let key = head.jobId.toLowerCase();
    const previous = winners.get(key);
    if (previous !== undefined) {
      duplicates++;
      if (previous.timeGeneratedMs > head.timeGeneratedMs) return;
      // The map keeps its key; the job keeps a copy of its own (the row's text may be part of the file's).
      head.jobId = ownText(head.jobId);
    } else {
      // Kept until the end: a copy of its own, so that it holds no part of the file's text alive.
      key = ownText(key);
      head.jobId = head.jobId === key ? key : ownText(head.jobId);
    }
    // The job is built (or its exclusion decided) now, so the row itself need not be kept.
    const reason = exclusionOf(plan, row, head.status);
    if (reason !== null) {
      winners.set(key, { timeGeneratedMs: head.timeGeneratedMs, excluded: reason });
      return;
    }
    const job = toJob(plan, row, head, workspaceId, shared);
    winners.set(key, job);
    if (legacy) legacyNames.defer(plan, row, job, key);
  }

  function tableRows(columns: readonly string[], tableOptions: TableOptions = {}): (row: unknown) => void {
    const plan = planFor(Array.isArray(columns) ? columns : []);
    const workspaceId = tableOptions.workspaceId ?? null;
    const missing = missingFields(plan);
    const legacy = isLegacyTable(plan, columns);
    return (rawRow: unknown): void => {
      rowNumber++;
      rowsRead++;
      const row: readonly unknown[] = Array.isArray(rawRow) ? rawRow : [];
      if (missing.length > 0) {
        rejected.push({ row: rowNumber, reason: `no ${missing.join(", ")} column` });
        return;
      }
      const operationName = first(row, plan.operationName);
      if (operationName !== "" && operationName !== "Job" && operationName.toLowerCase() !== "job") {
        legacyNames.remember(plan, row, operationName.toLowerCase());
        exclude("not-backup");
        return;
      }
      if (isV1Row(plan, row)) {
        exclude("legacy-v1");
        return;
      }
      const head = readRowHead(plan, row);
      if (typeof head === "string") rejected.push({ row: rowNumber, reason: head });
      else keep(plan, row, head, workspaceId, legacy);
    };
  }

  function addTable(
    columns: readonly string[],
    rows: Iterable<readonly unknown[]>,
    tableOptions: TableOptions = {},
  ): void {
    const read = tableRows(columns, tableOptions);
    for (const row of rows) read(row);
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

  function finish(): ReadResult {
    // Legacy jobs take their names and OS from the item and container records of the same export.
    legacyNames.resolve((key, job) => winners.get(key) === job);
    const jobs: BackupJob[] = [];
    for (const w of winners.values()) {
      if ("excluded" in w) exclude(w.excluded);
      else {
        // A legacy job's container may have come from its records: build its VM ID now.
        w.vmId ??= vmIdOf(null, w.container, w.vaultId);
        jobs.push(w);
      }
    }
    return { jobs, rejected, excluded, rowsRead, duplicates };
  }

  return { addTable, tableRows, addRecords, finish };
}
