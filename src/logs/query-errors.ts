/**
 * What a failed Log Analytics query means: whether to retry it (throttling, server errors, dropped
 * connections), how long to wait first, which table was missing, and a short message for people that never
 * carries credentials or tokens.
 */
import { isDeadline } from "../deadline.js";
import { serviceCode, serviceMessage } from "./error-text.js";
import type { RetryOptions } from "./query-client.js";

interface ErrorShape {
  name?: unknown;
  statusCode?: unknown;
  code?: unknown;
  message?: unknown;
  details?: unknown;
  response?: { headers?: { get?: (name: string) => string | undefined } };
}

const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504]);
const RETRYABLE_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "REQUEST_SEND_ERROR",
]);

function statusOf(error: unknown): number | null {
  const s = (error as ErrorShape | null)?.statusCode;
  return typeof s === "number" ? s : null;
}

export function isRetryable(error: unknown): boolean {
  const e = error as ErrorShape | null;
  if (e?.name === "AbortError") return false;
  const status = statusOf(error);
  if (status !== null) return RETRYABLE_STATUS.has(status);
  return typeof e?.code === "string" && RETRYABLE_CODES.has(e.code);
}

/** Retry-After (seconds or HTTP date; also the `-ms` variants) of a failed response, in ms. */
function retryAfterMs(error: unknown, nowMs = Date.now()): number | null {
  const headers = (error as ErrorShape | null)?.response?.headers;
  const header = (name: string): string | undefined => headers?.get?.(name)?.trim() || undefined;
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = Number(header(name) ?? Number.NaN);
    if (Number.isFinite(ms) && ms >= 0) return ms;
  }
  const raw = header("retry-after");
  if (raw === undefined) return null;
  const seconds = Number(raw);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(raw);
  return Number.isNaN(date) ? null : Math.max(0, date - nowMs);
}

/** Back-off before attempt `attempt + 1`: Retry-After when given, else exponential with jitter. */
export function backoffMs(retry: Required<RetryOptions>, attempt: number, error: unknown): number {
  const after = retryAfterMs(error);
  if (after !== null) return Math.min(after, retry.maxRetryAfterMs);
  const ceiling = Math.min(retry.maxDelayMs, retry.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(ceiling / 2 + retry.random() * (ceiling / 2));
}

/**
 * A short message for people: status, service code, a short sanitised service message and what to do; never
 * credentials, tokens or the raw answer.
 */
export function describeQueryError(error: unknown): string {
  if (isDeadline(error)) return error.message;
  const e = error as ErrorShape | null;
  if (e?.name === "AbortError") return "cancelled";
  // The credential's own one-line account of a failed sign-in (which credential, what to do).
  if (e?.name === "SignInError" && typeof e.message === "string") return e.message;
  const status = statusOf(error);
  const code = serviceCode(e?.code);
  const message = serviceMessage(typeof e?.message === "string" ? e.message : String(error));
  const head = [status, code].filter((x) => x !== null).join(" ");
  let hint = "";
  if (status === 401 || status === 403) {
    hint = ": give the identity the Log Analytics Reader role on the workspace";
  } else if (status === 404) {
    hint = ": check the workspace ID (its GUID, not its name or resource ID)";
  } else if (status === 429) {
    hint = ": the workspace is throttling queries; it was retried and should succeed on a later run";
  } else if (status !== null && status >= 500) {
    hint = ": the service failed repeatedly; it should succeed on a later run";
  }
  return `${head ? `${head}: ` : ""}${message}${hint}`;
}

/** The table named in a "Failed to resolve table" semantic error, when that is what the error is. */
export function missingTableOf(error: unknown): string | null {
  if (statusOf(error) !== 400) return null;
  const e = error as ErrorShape;
  let text = typeof e.message === "string" ? e.message : "";
  try {
    text += JSON.stringify(e.details ?? null);
  } catch {
    // details that cannot be serialised say nothing about tables
  }
  return (
    /Failed to resolve table(?: or column)?(?: expression)? named '([A-Za-z0-9_]+)'/i.exec(text)?.[1] ?? null
  );
}
