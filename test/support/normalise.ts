/**
 * One-call forms of the product's job reader (src/logs/normalise.ts) for tests: a whole table or a list of
 * records in, the read result out.
 */
import type { ReadResult } from "../../src/domain/model.js";
import { createJobReader, type TableOptions } from "../../src/logs/normalise.js";

type NormaliseOptions = TableOptions & { firstRowNumber?: number };

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
