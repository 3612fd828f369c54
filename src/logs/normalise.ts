/**
 * Rows of any shape → BackupJob (the shapes and where each field is read from: ./normalise-fields.ts).
 * Rules: one job per job ID, the latest `TimeGenerated` winning (ties: the later row); what is left out is
 * decided on the winning row and counted by reason; a row that cannot be read is rejected with its row
 * number and never stops the others. Nothing here throws on bad data.
 */
import type { BackupJob, ExclusionReason, ReadResult, RejectedRow } from "../domain/model.js";
import { JobColumns, type JobList } from "./job-columns.js";
import { first, firstCell, missingFields, planFor, type Plan } from "./normalise-fields.js";
import { ownText, SharedTexts } from "./normalise-intern.js";
import { isLegacyTable, isV1Row, LegacyNames } from "./normalise-legacy.js";
import { codeOf, exclusionOf, placeOf, readOs, readRowHead, toJob, type RowHead } from "./normalise-rules.js";
import { cellNumber } from "./normalise-values.js";

export type { JobList };

/** What a read found, but its jobs. */
export type ReadCounts = Omit<ReadResult, "jobs">;

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
  /** As {@link finish}, but each job's object is built only when it is asked for (and anew each time). */
  finishList(): ReadCounts & { jobs: JobList };
}

export function createJobReader(options: { firstRowNumber?: number } = {}): JobReader {
  const kept = new JobColumns();
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
    const entries = kept.size;
    const index = kept.entryOf(head.jobId);
    if (index < entries) {
      duplicates++;
      if (kept.timeGenerated(index) > head.timeGeneratedMs) return;
      kept.spell(index, head.jobId);
    }
    // The job is built (or its exclusion decided) now, so the row itself need not be kept.
    const reason = exclusionOf(plan, row, head.status);
    if (reason !== null) {
      kept.exclude(index, head.timeGeneratedMs, reason);
    } else if (legacy) {
      // Kept whole until the end: a copy of its own, so that it holds no part of the file's text alive.
      head.jobId = ownText(head.jobId);
      const job = toJob(plan, row, head, workspaceId, shared);
      kept.keepWhole(index, job);
      legacyNames.defer(plan, row, job);
    } else {
      const place = placeOf(plan, row, shared);
      kept.keep(
        index,
        head.timeGeneratedMs,
        place,
        {
          status: head.status === "in-progress" ? "Completed" : head.status,
          os: readOs(first(row, plan.os)),
          startMs: head.startMs,
          durationSec: cellNumber(firstCell(row, plan.duration)),
          code: codeOf(plan, row, shared),
        },
        workspaceId,
      );
    }
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

  let list: JobList | null = null;

  function finishList(): ReadCounts & { jobs: JobList } {
    if (list === null) {
      // Legacy jobs take their names and OS from the item and container records of the same export.
      legacyNames.resolve((job) => {
        const index = kept.indexOf(job.jobId);
        return index >= 0 && kept.wholeAt(index) === job;
      });
      const jobs: number[] = [];
      for (let index = 0; index < kept.size; index++) {
        const reason = kept.exclusion(index);
        if (reason === null) jobs.push(index);
        else exclude(reason);
      }
      list = {
        length: jobs.length,
        at: (k) => (k >= 0 && k < jobs.length ? kept.job(jobs[k] ?? 0) : undefined),
        facts: (k) => (k >= 0 && k < jobs.length ? kept.jobFacts(jobs[k] ?? 0) : undefined),
      };
    }
    return { jobs: list, rejected, excluded, rowsRead, duplicates };
  }

  function finish(): ReadResult {
    const { jobs: each, ...counts } = finishList();
    const jobs: BackupJob[] = [];
    for (let k = 0; k < each.length; k++) jobs.push(each.at(k) as BackupJob);
    return { jobs, ...counts };
  }

  return { addTable, tableRows, addRecords, finish, finishList };
}
