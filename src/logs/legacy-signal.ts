/**
 * The `jobs-legacy` query's signal row (LEGACY_SIGNAL_COLUMNS): backup report records whose fields sit in
 * AzureDiagnostics' `AdditionalFields` property bag, where the query cannot read them, because the table had
 * reached its 500-column limit when a vault first sent those fields. Without it such a workspace would look
 * like one with no backup data.
 */
import { LEGACY_SIGNAL_COLUMNS } from "./columns.js";

export interface LegacyFieldsSignal {
  /** Backup report records of the window with one or more of the query's fields in AdditionalFields. */
  rows: number;
  /** Those fields, as one of the records names them (e.g. `SchemaVersion`, `BackupManagementType_s`). */
  fields: string[];
}

const [ROWS, KEYS] = LEGACY_SIGNAL_COLUMNS.map((c) => c.name);
const FIELD_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

function keysOf(cell: unknown): string[] {
  let value = cell;
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch {
      return [];
    }
  }
  if (!Array.isArray(value)) return [];
  // Field names only (the query asks for known ones); anything else in the answer never reaches a message.
  return value.filter((k): k is string => typeof k === "string" && FIELD_NAME.test(k)).slice(0, 40);
}

/**
 * Separates a result table's signal rows from its job rows. Without the signal columns (the `jobs` query, or
 * any other table) the rows come back unchanged and the signal is null.
 */
export function takeLegacySignal(
  columns: readonly string[],
  rows: readonly (readonly unknown[])[],
): { rows: (readonly unknown[])[]; signal: LegacyFieldsSignal | null } {
  const rowsAt = columns.indexOf(ROWS ?? "");
  if (rowsAt < 0) return { rows: [...rows], signal: null };
  const keysAt = columns.indexOf(KEYS ?? "");
  const jobRows: (readonly unknown[])[] = [];
  let signal: LegacyFieldsSignal | null = null;
  for (const row of rows) {
    const count = Number(row[rowsAt] ?? Number.NaN);
    if (row[rowsAt] === null || row[rowsAt] === undefined || row[rowsAt] === "" || !Number.isFinite(count)) {
      jobRows.push(row);
      continue;
    }
    signal = mergeLegacySignals(signal, { rows: count, fields: keysAt < 0 ? [] : keysOf(row[keysAt]) });
  }
  return { rows: jobRows, signal: signal && signal.rows > 0 ? signal : null };
}

/** Two windows' signals as one (a split window answers once per half). */
export function mergeLegacySignals(
  a: LegacyFieldsSignal | null,
  b: LegacyFieldsSignal | null,
): LegacyFieldsSignal | null {
  if (!a || !b) return a ?? b;
  return { rows: a.rows + b.rows, fields: [...new Set([...a.fields, ...b.fields])].sort() };
}

/** The workspace problem, for people: what happened, what it means, what to do. */
export function describeLegacySignal(signal: LegacyFieldsSignal): string {
  const fields = signal.fields.length > 0 ? ` (${signal.fields.join(", ")})` : "";
  return (
    `AzureDiagnostics has reached its 500-column limit: ${signal.rows} Azure Backup report record(s) keep ` +
    `backup fields${fields} in its AdditionalFields column, where they cannot be read, so legacy backup jobs ` +
    `are missing. Switch the vaults' diagnostic settings to resource-specific mode (docs/connect.md)`
  );
}
