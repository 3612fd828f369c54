/**
 * How the local Log Analytics stand-in answers a count query (`// backup-pulse:<name>-count`, ending in
 * `summarize count() by bin(<column>, <width>)`): it asks its provider for the rows of the query counted (`<name>`,
 * same parameters), keeps those whose `<column>` falls in [rangeStart, rangeEnd) as the count query's filter
 * does, and answers as the service does: one row per non-empty bin, the bin's start as a `datetime` under the
 * column's name and the rows in it as a `long` named `count_`.
 */
import type { LogsProviderResult, LogsProviderRows } from "./logs-contract.js";
import type { ParsedQueryText } from "./logs-query-text.js";

const COUNT_SUFFIX = "-count";
const BY_BIN = /summarize\s+count\(\)\s+by\s+bin\(\s*([A-Za-z_][A-Za-z0-9_]*)\s*,\s*(\d+)([smhd])\s*\)/;
const UNIT_MS: Record<string, number> = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** A count query's bins: which column, how wide. */
export interface CountRequest {
  /** The query whose rows are counted. */
  countedQuery: string;
  column: string;
  binMs: number;
}

/** The count a query asks for, when it is a count query; an error when its text cannot be read as one. */
export function countRequest(
  parsed: ParsedQueryText,
  query: string,
): CountRequest | { error: string } | null {
  if (!parsed.queryName.endsWith(COUNT_SUFFIX)) return null;
  const m = BY_BIN.exec(query);
  const [, column, width, unit] = m ?? [];
  if (column === undefined || width === undefined || unit === undefined || Number(width) <= 0) {
    return {
      error: "The local Log Analytics stand-in reads a count query only as `summarize count() by bin(…)`",
    };
  }
  return {
    countedQuery: parsed.queryName.slice(0, -COUNT_SUFFIX.length),
    column,
    binMs: Number(width) * (UNIT_MS[unit] ?? 0),
  };
}

function msOf(cell: unknown): number {
  if (cell instanceof Date) return cell.getTime();
  if (typeof cell === "number") return cell;
  return typeof cell === "string" ? Date.parse(cell) : Number.NaN;
}

/** The count answer for the provider's rows of the counted query. */
export function countAnswer(
  count: CountRequest,
  params: Readonly<Record<string, string>>,
  rows: LogsProviderResult,
): LogsProviderResult {
  if ("error" in rows) return rows;
  const at = rows.columns.findIndex((c) => c.name === count.column);
  if (at < 0) {
    const message = `'summarize' operator: Failed to resolve scalar expression named '${count.column}'`;
    return { error: { status: 400, code: "BadArgumentError", message } };
  }
  const from = params.rangeStart === undefined ? Number.NEGATIVE_INFINITY : Date.parse(params.rangeStart);
  const to = params.rangeEnd === undefined ? Number.POSITIVE_INFINITY : Date.parse(params.rangeEnd);
  const bins = new Map<number, number>();
  for (const row of rows.rows) {
    const t = msOf(row[at]);
    if (!(t >= from && t < to)) continue;
    const bin = Math.floor(t / count.binMs) * count.binMs;
    bins.set(bin, (bins.get(bin) ?? 0) + 1);
  }
  const answer: LogsProviderRows = {
    columns: [
      { name: count.column, type: "datetime" },
      { name: "count_", type: "long" },
    ],
    rows: [...bins].sort((a, b) => a[0] - b[0]).map(([bin, n]) => [bin, n]),
  };
  return answer;
}
