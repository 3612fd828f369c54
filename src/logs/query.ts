/**
 * Reads Azure VM backup jobs from Log Analytics workspaces with the real `LogsQueryClient`.
 *
 * Per workspace, both job queries run (`jobs` on the resource-specific tables, `jobs-legacy` on
 * AzureDiagnostics): a workspace may hold either or both, and a table that does not exist means "no data of
 * that kind", not a failure. A partial result (row or size limit) is never taken as complete: its window is
 * split in halves and queried again, down to a minimum window; what is still partial marks the read
 * incomplete. Throttling (429, with or without Retry-After) and server errors are retried with exponential
 * back-off and jitter on top of the SDK's own retries. One failing workspace never hides the others.
 */
import {
  LogsQueryClient,
  LogsQueryResultStatus,
  type LogsQueryResult,
  type LogsTable,
} from "@azure/monitor-query-logs";
import type { TokenCredential } from "@azure/core-auth";
import type { ExclusionReason, ReadResult } from "../domain/model.js";
import { serviceCode, serviceMessage } from "./error-text.js";
import { renderQuery, type QueryName } from "./kql.js";
import {
  describeLegacySignal,
  mergeLegacySignals,
  takeLegacySignal,
  type LegacyFieldsSignal,
} from "./legacy-signal.js";
import { createJobReader } from "./normalise.js";

// ---------------------------------------------------------------------------------------------------------
// Client

export interface RetryOptions {
  /** Attempts per query, the first included (default 5). */
  maxAttempts?: number;
  /** First back-off delay (default 2 s); doubles on each attempt, with jitter. */
  baseDelayMs?: number;
  /** Longest back-off delay (default 60 s). */
  maxDelayMs?: number;
  /** Longest Retry-After honoured (default 5 min). */
  maxRetryAfterMs?: number;
  /** Waits between attempts (injectable so tests need not wait). */
  sleep?: (ms: number, abortSignal?: AbortSignal) => Promise<void>;
  /** Source of jitter in [0, 1) (injectable for tests). */
  random?: () => number;
}

export interface LogsClientOptions {
  /** Query endpoint ending in `/v1` (`PULSE_LOGS_ENDPOINT`). */
  endpoint: string;
  /** Token scope (`PULSE_LOGS_SCOPE`), e.g. `https://api.loganalytics.io/.default`. */
  scope: string;
  credential: TokenCredential;
  /** Extra CA to trust (PEM), for a local endpoint with its own certificate. */
  tlsCa?: string;
  retry?: RetryOptions;
  /** The SDK's own retry settings (it retries 5xx and 429 with Retry-After). */
  sdkRetry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  /** Server-side time limit of one query, in seconds (default 600, the service's maximum). */
  serverTimeoutInSeconds?: number;
}

export interface LogsClient {
  sdk: LogsQueryClient;
  retry: Required<RetryOptions>;
  serverTimeoutInSeconds: number;
}

function defaultSleep(ms: number, abortSignal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (abortSignal?.aborted) {
      reject(abortError());
      return;
    }
    const timer = setTimeout(() => {
      abortSignal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      reject(abortError());
    };
    abortSignal?.addEventListener("abort", onAbort, { once: true });
  });
}

function abortError(): Error {
  const error = new Error("The Log Analytics read was cancelled.");
  error.name = "AbortError";
  return error;
}

export function createLogsClient(options: LogsClientOptions): LogsClient {
  const endpoint = options.endpoint.replace(/\/+$/, "");
  if (!/\/v1$/.test(endpoint)) {
    throw new Error(
      `The Log Analytics endpoint must end in /v1 (got ${endpoint}): set PULSE_LOGS_ENDPOINT accordingly`,
    );
  }
  const sdk = new LogsQueryClient(options.credential, {
    endpoint,
    // The SDK ignores `audience`; the scope must be passed this way (sovereign clouds, local endpoints).
    credentials: { scopes: [options.scope] },
    ...(options.tlsCa ? { tlsOptions: { ca: options.tlsCa } } : {}),
    ...(options.sdkRetry ? { retryOptions: options.sdkRetry } : {}),
  });
  // The service answers 204 No Content when a workspace has no data at all; the SDK cannot read an empty
  // body, so that answer becomes the empty result it means.
  sdk.pipeline.addPolicy({
    name: "backupPulseNoContentAsEmpty",
    async sendRequest(request, next) {
      const response = await next(request);
      if (response.status !== 204) return response;
      return { ...response, status: 200, bodyAsText: '{"tables":[]}' };
    },
  });
  const retry = options.retry ?? {};
  return {
    sdk,
    serverTimeoutInSeconds: options.serverTimeoutInSeconds ?? 600,
    retry: {
      maxAttempts: Math.max(1, retry.maxAttempts ?? 5),
      baseDelayMs: retry.baseDelayMs ?? 2_000,
      maxDelayMs: retry.maxDelayMs ?? 60_000,
      maxRetryAfterMs: retry.maxRetryAfterMs ?? 300_000,
      sleep: retry.sleep ?? defaultSleep,
      random: retry.random ?? Math.random,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Errors and retries

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

function isRetryable(error: unknown): boolean {
  const e = error as ErrorShape | null;
  if (e?.name === "AbortError") return false;
  const status = statusOf(error);
  if (status !== null) return RETRYABLE_STATUS.has(status);
  return typeof e?.code === "string" && RETRYABLE_CODES.has(e.code);
}

/** Retry-After (seconds or HTTP date; also the `-ms` variants) of a failed response, in ms. */
export function retryAfterMs(error: unknown, nowMs = Date.now()): number | null {
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
  const e = error as ErrorShape | null;
  if (e?.name === "AbortError") return "cancelled";
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

/** The table whose absence means "this workspace has no data of this kind" for each query. */
const SOURCE_TABLE: Record<QueryName, string> = {
  jobs: "AddonAzureBackupJobs",
  "jobs-legacy": "AzureDiagnostics",
};

// ---------------------------------------------------------------------------------------------------------
// Reading jobs

export interface QueryProgress {
  workspaceId: string;
  queryName: QueryName;
  rangeStart: Date;
  rangeEnd: Date;
  event: "rows" | "split" | "incomplete" | "retry" | "no-table" | "failed";
  rows?: number;
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
  /** Queries answered (windows, not counting retries). */
  queries: number;
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

export interface QueryJobsOptions {
  client: LogsClient;
  workspaceIds: readonly string[];
  /** Jobs that started in [rangeStart, rangeEnd) are read. */
  rangeStart: Date;
  rangeEnd: Date;
  onProgress?: (progress: QueryProgress) => void;
  abortSignal?: AbortSignal;
  /** Queries in flight at once, across workspaces (default and maximum 5, the API's per-user limit). */
  concurrency?: number;
  /** Smallest window a partial result is split down to (default 15 minutes). */
  minWindowMs?: number;
}

export interface QueryJobsResult {
  /** All workspaces together, deduplicated by job ID. */
  read: ReadResult;
  byWorkspace: Map<string, ReadResult>;
  workspaces: WorkspaceReport[];
  /** True only when every workspace was read completely. */
  complete: boolean;
}

/** Rows may arrive up to two days after a job starts (the `2d` in the KQL files). */
const ARRIVAL_MARGIN_MS = 2 * 86_400_000;
/** Backup item and container records are read from up to seven days before the window (the `7d`). */
const LOOKUP_MARGIN_MS = 7 * 86_400_000;
export const MAX_CONCURRENT_QUERIES = 5;
const DEFAULT_MIN_WINDOW_MS = 15 * 60_000;

function limiter(max: number): <T>(task: () => Promise<T>) => Promise<T> {
  let active = 0;
  const waiting: (() => void)[] = [];
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active >= max) await new Promise<void>((resolve) => waiting.push(resolve));
    active++;
    try {
      return await task();
    } finally {
      active--;
      waiting.shift()?.();
    }
  };
}

interface WorkspaceState {
  report: WorkspaceReport;
  errors: string[];
  reader: ReturnType<typeof createJobReader>;
  legacySignal: LegacyFieldsSignal | null;
}

export async function queryJobs(options: QueryJobsOptions): Promise<QueryJobsResult> {
  const { client, rangeStart, rangeEnd } = options;
  if (!(rangeStart.getTime() < rangeEnd.getTime())) {
    throw new Error("queryJobs: rangeStart must be before rangeEnd");
  }
  options.abortSignal?.throwIfAborted();
  const limit = limiter(
    Math.max(1, Math.min(options.concurrency ?? MAX_CONCURRENT_QUERIES, MAX_CONCURRENT_QUERIES)),
  );
  const minWindowMs = Math.max(60_000, options.minWindowMs ?? DEFAULT_MIN_WINDOW_MS);
  const progress = (p: QueryProgress): void => {
    try {
      options.onProgress?.(p);
    } catch {
      // a progress listener never breaks the read
    }
  };

  async function attempt(
    state: WorkspaceState,
    name: QueryName,
    start: Date,
    end: Date,
  ): Promise<LogsQueryResult> {
    const text = renderQuery(name, { rangeStart: start, rangeEnd: end });
    const timespan = {
      startTime: new Date(start.getTime() - LOOKUP_MARGIN_MS),
      endTime: new Date(end.getTime() + ARRIVAL_MARGIN_MS),
    };
    for (let n = 1; ; n++) {
      options.abortSignal?.throwIfAborted();
      try {
        return await limit(() =>
          client.sdk.queryWorkspace(state.report.workspaceId, text, timespan, {
            serverTimeoutInSeconds: client.serverTimeoutInSeconds,
            ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
          }),
        );
      } catch (error) {
        if (n >= client.retry.maxAttempts || !isRetryable(error)) throw error;
        const delayMs = backoffMs(client.retry, n, error);
        state.report.retries++;
        progress({
          workspaceId: state.report.workspaceId,
          queryName: name,
          rangeStart: start,
          rangeEnd: end,
          event: "retry",
          attempt: n,
          delayMs,
          message: describeQueryError(error),
        });
        await client.retry.sleep(delayMs, options.abortSignal);
      }
    }
  }

  function addTables(state: WorkspaceState, tables: readonly LogsTable[]): number {
    let rows = 0;
    for (const table of tables) {
      const columns = table.columnDescriptors.map((c) => c.name ?? "");
      const split = takeLegacySignal(columns, table.rows);
      state.legacySignal = mergeLegacySignals(state.legacySignal, split.signal);
      state.reader.addTable(columns, split.rows, { workspaceId: state.report.workspaceId });
      rows += split.rows.length;
    }
    state.report.rowsRead += rows;
    return rows;
  }

  async function readWindow(state: WorkspaceState, name: QueryName, start: Date, end: Date): Promise<void> {
    const result = await attempt(state, name, start, end);
    state.report.queries++;
    const base = { workspaceId: state.report.workspaceId, queryName: name, rangeStart: start, rangeEnd: end };
    if (result.status === LogsQueryResultStatus.Success) {
      progress({ ...base, event: "rows", rows: addTables(state, result.tables) });
      return;
    }
    const span = end.getTime() - start.getTime();
    if (span / 2 >= minWindowMs) {
      state.report.partialSplits++;
      progress({ ...base, event: "split", message: serviceMessage(result.partialError.message ?? "") });
      const mid = new Date(start.getTime() + Math.floor(span / 2 / 1000) * 1000);
      await Promise.all([readWindow(state, name, start, mid), readWindow(state, name, mid, end)]);
      return;
    }
    // Still partial at the smallest window: keep what came, but the read is not complete.
    state.report.complete = false;
    const rows = addTables(state, result.partialTables);
    const message = `the ${name} query for ${start.toISOString()}–${end.toISOString()} returned only part of its rows even after splitting (${serviceMessage(result.partialError.message ?? "")})`;
    state.errors.push(message);
    progress({ ...base, event: "incomplete", rows, message });
  }

  async function readQuery(state: WorkspaceState, name: QueryName): Promise<void> {
    try {
      await readWindow(state, name, rangeStart, rangeEnd);
    } catch (error) {
      const table = missingTableOf(error);
      const base = { workspaceId: state.report.workspaceId, queryName: name, rangeStart, rangeEnd };
      if (table !== null && table.toLowerCase() === SOURCE_TABLE[name].toLowerCase()) {
        state.report.missingTables.push(SOURCE_TABLE[name]);
        state.report.queries++;
        progress({ ...base, event: "no-table", message: `no ${SOURCE_TABLE[name]} table in this workspace` });
        return;
      }
      let message = `${name} query failed: ${describeQueryError(error)}`;
      if (table !== null && table.toLowerCase() === "coreazurebackup") {
        message +=
          " (the workspace has job rows but no CoreAzureBackup table: add the CoreAzureBackup event to the vault's diagnostic setting)";
      }
      state.report.complete = false;
      state.errors.push(message);
      state.report.status = "failed";
      progress({ ...base, event: "failed", message });
    }
  }

  const states: WorkspaceState[] = [...new Set(options.workspaceIds)].map((workspaceId) => ({
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
  }));

  await Promise.all(states.flatMap((state) => [readQuery(state, "jobs"), readQuery(state, "jobs-legacy")]));
  options.abortSignal?.throwIfAborted();

  const byWorkspace = new Map<string, ReadResult>();
  for (const state of states) {
    if (state.legacySignal) {
      // Backup data is there but cannot be read: a problem to fix, not a quiet workspace.
      state.report.legacyFieldsInAdditionalFields = state.legacySignal;
      state.report.status = "failed";
      state.report.complete = false;
      state.errors.push(describeLegacySignal(state.legacySignal));
    }
    byWorkspace.set(state.report.workspaceId, state.reader.finish());
    if (state.report.status !== "failed" && state.report.rowsRead > 0) state.report.status = "ok";
    if (state.errors.length > 0) state.report.error = state.errors.join("; ");
  }
  const workspaces = states.map((s) => s.report);
  return {
    read: mergeReadResults([...byWorkspace.values()]),
    byWorkspace,
    workspaces,
    complete: workspaces.every((w) => w.complete),
  };
}

/** Several read results as one: a job seen in more than one (a vault sending to two workspaces) counts once. */
export function mergeReadResults(results: readonly ReadResult[]): ReadResult {
  const jobs = new Map<string, ReadResult["jobs"][number]>();
  const excluded: Partial<Record<ExclusionReason, number>> = {};
  let rowsRead = 0;
  let duplicates = 0;
  const rejected: ReadResult["rejected"] = [];
  for (const r of results) {
    rowsRead += r.rowsRead;
    duplicates += r.duplicates;
    rejected.push(...r.rejected);
    for (const [reason, count] of Object.entries(r.excluded) as [ExclusionReason, number][]) {
      excluded[reason] = (excluded[reason] ?? 0) + count;
    }
    for (const job of r.jobs) {
      const key = job.jobId.toLowerCase();
      const previous = jobs.get(key);
      if (previous) {
        duplicates++;
        if (previous.timeGeneratedMs > job.timeGeneratedMs) continue;
      }
      jobs.set(key, job);
    }
  }
  return { jobs: [...jobs.values()], rejected, excluded, rowsRead, duplicates };
}
