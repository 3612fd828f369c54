/**
 * The day's index (`PulseRuns`, PartitionKey `day|<date>`): what is stored of each `PulseTrends` row of a day,
 * and the plan that keeps a trend row and its index entry together.
 */
import { createHash } from "node:crypto";
import { optCol, str, type Row } from "./entity.js";
import { keys } from "./keys.js";
import type { PlannedRow } from "./trend-plan.js";

/**
 * What is known of one stored `PulseTrends` row of a day without reading it: its entry in the day's index
 * (`PulseRuns`, PartitionKey `day|<date>`, RowKey the trend row's PartitionKey).
 */
export interface StoredScope {
  /** The hash of the row's content (null: unknown, so the row is written again). */
  rowHash: string | null;
  /** On vaults: the hash of the vault-day's jobs, its name and resource ID. */
  hash: string | null;
  name: string;
  id: string | null;
}

/** A scope's `PulseTrends` row of the day and its index entry, each to write or delete. */
export interface ScopeWrite {
  trend: PlannedRow;
  index: PlannedRow;
}

/** The stored scopes of a day from its index rows (`PulseRuns`, PartitionKey `day|<date>`), by trend PartitionKey. */
export function scopesFromIndex(rows: readonly Row[]): Map<string, StoredScope> {
  return new Map(
    rows.map((r) => [
      str(r.rowKey) ?? "",
      { rowHash: str(r.rowHash), hash: str(r.hash), name: str(r.name) ?? "", id: str(r.id) },
    ]),
  );
}

/** The hash of a row's content, as the day's index keeps it. */
function contentHash(row: Row): string {
  return createHash("sha256").update(JSON.stringify(row)).digest("hex").slice(0, 32);
}

/**
 * A scope's trend row of the day (`fresh`, null when the scope has no row any more) against what the index
 * says is stored: both rows to write when it changed, both to delete when it went, null when unchanged.
 */
export function planScope(
  date: string,
  pk: string,
  fresh: Row | null,
  old: StoredScope | undefined,
): ScopeWrite | null {
  const indexKey = pk;
  if (fresh === null) {
    if (!old) return null;
    return {
      trend: { rowKey: date, stored: true, make: null },
      index: { rowKey: indexKey, stored: null, make: null },
    };
  }
  const rowHash = contentHash(fresh);
  if (old?.rowHash === rowHash) return null;
  const entry: Row = {
    partitionKey: keys.dayIndex(date),
    rowKey: indexKey,
    rowHash,
    ...optCol("hash", str(fresh.hash)),
    ...optCol("name", str(fresh.name)),
    ...optCol("id", str(fresh.id)),
  };
  return {
    trend: { rowKey: date, stored: old !== undefined, make: () => fresh },
    index: { rowKey: indexKey, stored: null, make: () => entry },
  };
}
