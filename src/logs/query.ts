/**
 * Reads Azure VM backup jobs from Log Analytics workspaces with the real `LogsQueryClient`.
 *
 * Per workspace, both job queries run (`jobs` on the resource-specific tables, `jobs-legacy` on
 * AzureDiagnostics): a workspace may hold either or both, and a table that does not exist means "no data of
 * that kind", not a failure ({@link queryFailed}). Each query's window is first planned from its count query
 * into windows that stay well inside the API's result limits ({@link planRead}); a partial result is still split
 * until whole ({@link readWindow}); throttling and server errors are retried ({@link runQuery}). One failing
 * workspace never hides the others.
 */
import type { ExclusionReason, ReadResult } from "../domain/model.js";
import type { QueryName } from "./kql.js";
import type { LogsClient } from "./query-client.js";
import { describeQueryError } from "./query-errors.js";
import { planInFlight, planRead, type ReadPlanOptions } from "./query-plan.js";
import { limiter, MAX_CONCURRENT_QUERIES, runQuery, type CallOptions, type Limit } from "./query-retry.js";
import { readWindow, type WindowQuery } from "./query-windows.js";
import {
  finishWorkspace,
  queryFailed,
  startWorkspace,
  type QueryProgress,
  type WorkspaceRead,
  type WorkspaceReport,
} from "./workspace-report.js";

export interface QueryJobsOptions extends CallOptions {
  client: LogsClient;
  workspaceIds: readonly string[];
  /** Jobs that started in [rangeStart, rangeEnd) are read. */
  rangeStart: Date;
  rangeEnd: Date;
  onProgress?: (progress: QueryProgress) => void;
  /** Queries in flight at once, across workspaces (default and maximum 5, the API's per-user limit). */
  concurrency?: number;
  /** Smallest window a partial result is split down to (default 15 minutes). */
  minWindowMs?: number;
  /**
   * How each query's window is planned from its count query (default: the default budget and windows in
   * flight); false reads each query's whole window in one query, splitting only a partial answer.
   */
  plan?: ReadPlanOptions | false;
}

export interface QueryJobsResult {
  /** All workspaces together, deduplicated by job ID. */
  read: ReadResult;
  byWorkspace: Map<string, ReadResult>;
  workspaces: WorkspaceReport[];
  /** True only when every workspace was read completely. */
  complete: boolean;
}

const DEFAULT_MIN_WINDOW_MS = 15 * 60_000;

export async function queryJobs(options: QueryJobsOptions): Promise<QueryJobsResult> {
  const { client, rangeStart, rangeEnd } = options;
  if (!(rangeStart.getTime() < rangeEnd.getTime())) {
    throw new Error("queryJobs: rangeStart must be before rangeEnd");
  }
  const call: CallOptions = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  call.abortSignal?.throwIfAborted();
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

  /** Runs one query of the workspace over [start, end) (its count query when `count`), with its retries. */
  function run(ws: WorkspaceRead, name: QueryName, start: Date, end: Date, count = false) {
    const { workspaceId } = ws.report;
    return runQuery(
      client,
      limit,
      { workspaceId, name, start, end, count },
      ({ attempt, delayMs, error }) => {
        ws.report.retries++;
        const message = describeQueryError(error);
        const window = { rangeStart: start, rangeEnd: end };
        progress({ workspaceId, queryName: name, ...window, event: "retry", attempt, delayMs, message });
      },
      call,
    );
  }

  async function readQuery(ws: WorkspaceRead, name: QueryName, inFlight: Limit | null): Promise<void> {
    const { workspaceId } = ws.report;
    const q: WindowQuery = {
      ws,
      name,
      minWindowMs,
      progress,
      run: (start, end) => run(ws, name, start, end),
    };
    try {
      const windows = inFlight
        ? await planRead(q, rangeStart, rangeEnd, options.plan || {}, (s, e) => run(ws, name, s, e, true))
        : [{ start: rangeStart, end: rangeEnd }];
      await readWindows(q, windows, inFlight);
    } catch (error) {
      progress({ workspaceId, queryName: name, rangeStart, rangeEnd, ...queryFailed(ws, name, error) });
    }
  }

  const workspaces = [...new Set(options.workspaceIds)].map(startWorkspace);
  const windowsInFlight = options.plan === false ? null : planInFlight(options.plan);
  await Promise.all(
    workspaces.flatMap((ws) => {
      // The planned windows of one workspace, both queries together, are read a bounded number at a time.
      const inFlight = windowsInFlight === null ? null : limiter(windowsInFlight);
      return [readQuery(ws, "jobs", inFlight), readQuery(ws, "jobs-legacy", inFlight)];
    }),
  );
  call.abortSignal?.throwIfAborted();

  const byWorkspace = new Map<string, ReadResult>();
  for (const ws of workspaces) byWorkspace.set(ws.report.workspaceId, finishWorkspace(ws));
  const reports = workspaces.map((ws) => ws.report);
  return {
    read: mergeReadResults([...byWorkspace.values()]),
    byWorkspace,
    workspaces: reports,
    complete: reports.every((w) => w.complete),
  };
}

/**
 * Reads the planned windows, `inFlight` at a time (all at once without it). Once one fails for good the windows
 * not yet started are left unread, and that failure is thrown when those under way are done.
 */
async function readWindows(
  q: WindowQuery,
  windows: readonly { start: Date; end: Date }[],
  inFlight: Limit | null,
): Promise<void> {
  const failures: unknown[] = [];
  const slot: Limit = inFlight ?? ((task) => task());
  await Promise.all(
    windows.map((w) =>
      slot(async () => {
        if (failures.length > 0) return;
        try {
          await readWindow(q, w.start, w.end);
        } catch (error) {
          failures.push(error);
        }
      }),
    ),
  );
  if (failures.length > 0) throw failures[0];
}

/** Several read results as one: a job seen in more than one (a vault sending to two workspaces) counts once. */
function mergeReadResults(results: readonly ReadResult[]): ReadResult {
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
