/**
 * The answers of the local Log Analytics stand-in, as the service words them: scripted faults, and rows served
 * as the wire's tables, cut to the result limits into a partial result the way the service cuts them.
 */
import type { LogsFault, LogsProviderRows } from "./logs-contract.js";

export interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  reset?: boolean;
  fault: string | null;
  rows: number;
  partial: boolean;
}

export interface Limits {
  maxRows: number;
  maxBytes: number;
}

export const DEFAULT_MAX_ROWS = 500_000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

const ROW_LIMIT_MESSAGE = (maxRows: number): string =>
  `Query result set has exceeded the internal record count limit ${maxRows} records.`;
const SIZE_LIMIT_MESSAGE = (maxBytes: number): string =>
  `Query result set has exceeded the internal data size limit ${maxBytes} bytes.`;

/** The service's error body (its correlation ID zeroed). */
export function errorBody(code: string, message: string): unknown {
  return { error: { code, message, correlationId: "00000000-0000-0000-0000-000000000000" } };
}

/** The answer a scripted fault stands for. */
export function faultAnswer(fault: LogsFault): Answer {
  const base = { fault: typeof fault === "string" ? fault : fault.code, rows: 0, partial: false };
  switch (fault) {
    case "throttled":
      return { ...base, status: 429, body: errorBody("ThrottledError", "Too many requests; try later.") };
    case "throttled-retry-after":
      return {
        ...base,
        status: 429,
        body: errorBody("ThrottledError", "Too many requests; try later."),
        headers: { "retry-after": "1" },
      };
    case "unavailable":
      return {
        ...base,
        status: 503,
        body: errorBody("ServiceUnavailable", "The service is temporarily unavailable."),
      };
    case "server-error":
      return { ...base, status: 500, body: errorBody("InternalServerError", "An internal error occurred.") };
    case "bad-argument":
      return {
        ...base,
        status: 400,
        body: {
          error: {
            code: "BadArgumentError",
            message: "The request had some invalid properties",
            innererror: { code: "SyntaxError", message: "A recognition error occurred in the query." },
          },
        },
      };
    case "insufficient-access":
      return {
        ...base,
        status: 403,
        body: errorBody(
          "InsufficientAccessError",
          "The provided credentials have insufficient access to perform the requested operation",
        ),
      };
    case "no-content":
      return { ...base, status: 204 };
    case "connection-reset":
      return { ...base, status: 0, reset: true };
    default:
      return {
        ...base,
        status: fault.status,
        body: errorBody(fault.code, fault.message),
        ...(fault.retryAfterSeconds === undefined
          ? {}
          : { headers: { "retry-after": String(fault.retryAfterSeconds) } }),
      };
  }
}

function isoCell(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value).toISOString();
  return value;
}

function wireCell(type: string, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (type === "datetime") return isoCell(value);
  if (type === "dynamic" && typeof value !== "string") return JSON.stringify(value);
  if (typeof value === "bigint") return Number(value);
  return value;
}

/**
 * The provider's rows as the wire's `PrimaryResult` table: cells in wire form, cut at the row or size limit with
 * a `PartialError`, and query statistics when the request asked for them.
 */
export function tableAnswer(result: LogsProviderRows, limits: Limits, statistics: boolean): Answer {
  const types = result.columns.map((c) => c.type.toLowerCase());
  const wireRows: unknown[][] = [];
  let bytes = 0;
  let cut: "rows" | "bytes" | null = null;
  for (const row of result.rows) {
    if (wireRows.length >= limits.maxRows) {
      cut = "rows";
      break;
    }
    const wireRow = row.map((cell, i) => wireCell(types[i] ?? "string", cell));
    const size = Buffer.byteLength(JSON.stringify(wireRow)) + 1;
    if (bytes + size > limits.maxBytes) {
      cut = "bytes";
      break;
    }
    bytes += size;
    wireRows.push(wireRow);
  }
  const body: Record<string, unknown> = {
    tables: [{ name: result.name ?? "PrimaryResult", columns: result.columns, rows: wireRows }],
  };
  if (statistics) {
    body.statistics = { query: { executionTime: 0.01, resourceUsage: {}, datasetStatistics: [] } };
  }
  if (cut !== null) {
    const message = cut === "rows" ? ROW_LIMIT_MESSAGE(limits.maxRows) : SIZE_LIMIT_MESSAGE(limits.maxBytes);
    body.error = {
      code: "PartialError",
      message: `There were some errors when processing your query: ${message}`,
      details: [
        { code: "E_QUERY_RESULT_SET_TOO_LARGE", message: `${message} (E_QUERY_RESULT_SET_TOO_LARGE)` },
      ],
    };
  }
  return { status: 200, body, fault: null, rows: wireRows.length, partial: cut !== null };
}
