/**
 * Reads an exported query result from a file's text into jobs. Three formats are recognised:
 *   (a) a Log Analytics REST response: `{"tables":[{"name","columns":[{name,type}],"rows":[[...]]}]}`;
 *   (b) the JSON array `az monitor log-analytics query` prints (string values, `None` for null, `TableName`);
 *   (c) the portal's CSV export (BOM, quoted fields, ` [UTC]` after date column names), with the dates and
 *       delimiter of any locale (csv.ts).
 * A file that is none of these, empty, truncated or missing the job columns raises InputError.
 */
import type { ReadResult } from "../domain/model.js";
import { describeDialect } from "./csv.js";
import { readCsv } from "./csv-read.js";
import { FORMATS_HINT, InputError, missingMessage } from "./input-error.js";
import { missingJobColumns } from "./normalise-fields.js";
import { createJobReader, type JobReader } from "./normalise.js";

export { InputError, missingMessage };

export type ExportFormat = "rest" | "az-json" | "csv";

export interface ExportRead extends ReadResult {
  format: ExportFormat;
  /** How a CSV writes dates and separates fields, when not the en-US portal's default. */
  dialect?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function columnName(column: unknown): string {
  if (typeof column === "string") return column;
  if (isRecord(column) && typeof column.name === "string") return column.name;
  return "";
}

function readRestTables(tables: unknown[], reader: JobReader): void {
  let used = 0;
  let firstMissing: string[] = [];
  for (const table of tables) {
    if (!isRecord(table)) continue;
    const rawColumns = Array.isArray(table.columns)
      ? table.columns
      : Array.isArray(table.columnDescriptors)
        ? table.columnDescriptors
        : null;
    if (rawColumns === null || !Array.isArray(table.rows)) continue;
    const columns = rawColumns.map(columnName);
    const missing = missingJobColumns(columns);
    if (missing.length > 0) {
      if (used === 0 && firstMissing.length === 0) firstMissing = missing;
      continue;
    }
    reader.addTable(columns, table.rows as unknown[][]);
    used++;
  }
  if (used === 0) {
    if (firstMissing.length > 0) throw new InputError(missingMessage(firstMissing, "The result table"));
    throw new InputError(`The JSON has a "tables" list but no table with columns and rows (${FORMATS_HINT})`);
  }
}

function readAzRecords(records: unknown[], reader: JobReader): void {
  const rows: Record<string, unknown>[] = [];
  for (const record of records) {
    const out: Record<string, unknown> = {};
    if (isRecord(record)) {
      for (const key of Object.keys(record)) {
        const value = record[key];
        Object.defineProperty(out, key, {
          value: value === "None" ? null : value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
    }
    rows.push(out);
  }
  if (rows.length > 0) {
    const columns = [...new Set(rows.flatMap((r) => Object.keys(r)))];
    const missing = missingJobColumns(columns);
    if (missing.length > 0) throw new InputError(missingMessage(missing, "The JSON array"));
  }
  reader.addRecords(rows);
}

/** Reads an already parsed JSON export (REST response or `az` array). */
export function readParsedExport(value: unknown): ExportRead {
  const reader = createJobReader();
  let format: ExportFormat;
  if (Array.isArray(value)) {
    format = "az-json";
    readAzRecords(value, reader);
  } else if (isRecord(value) && Array.isArray(value.tables)) {
    format = "rest";
    readRestTables(value.tables, reader);
  } else {
    throw new InputError(`The JSON is not a query result (${FORMATS_HINT})`);
  }
  return { ...reader.finish(), format };
}

export function jsonProblem(error: unknown, text: string): InputError {
  const message = error instanceof Error ? error.message : String(error);
  if (/end of (JSON )?input|Unterminated string/i.test(message) || !/[}\]]\s*$/.test(text)) {
    return new InputError("The JSON ends early: the file looks truncated (export it again)");
  }
  return new InputError(`The file is not valid JSON (${message.slice(0, 120)})`);
}

/**
 * Reads an export file's text. Throws InputError (with a one-line message) for a file that is empty, not
 * one of the three formats, truncated, or missing the job columns; bad rows inside a good file are
 * reported in `rejected` instead.
 */
export function readExport(text: string): ExportRead {
  let body = text;
  // Hold the text in one place only, so it can be let go once parsed.
  text = "";
  let start = body.charCodeAt(0) === 0xfeff ? 1 : 0;
  while (start < body.length && body.charCodeAt(start) <= 32) start++;
  if (start === body.length) throw new InputError("The file is empty");
  const lead = body.charCodeAt(start);
  if (lead === 123 || lead === 91) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(start === 0 ? body : body.slice(start));
    } catch (error) {
      throw jsonProblem(error, body);
    }
    // Let the text go before the rows are read: large exports need the memory.
    body = "";
    return readParsedExport(parsed);
  }
  const reader = createJobReader();
  const dialect = describeDialect(readCsv(body.slice(start), reader));
  return { ...reader.finish(), format: "csv", ...(dialect ? { dialect } : {}) };
}
