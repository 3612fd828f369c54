/**
 * Reads Azure VM backup jobs from Log Analytics workspaces with the real `LogsQueryClient`.
 *
 * Per workspace, both job queries run (`jobs` on the resource-specific tables, `jobs-legacy` on
 * AzureDiagnostics): a workspace may hold either or both, and a table that does not exist means "no data of
 * that kind", not a failure ({@link queryFailed}). A partial result is split until whole ({@link readWindow});
 * throttling and server errors are retried ({@link runQuery}). One failing workspace never hides the others.
 */
import type { ExclusionReason, ReadResult } from "../domain/model.js";
import type { QueryName } from "./kql.js";
import type { LogsClient } from "./query-client.js";
import { describeQueryError } from "./query-errors.js";
import { limiter, MAX_CONCURRENT_QUERIES, runQuery, type CallOptions } from "./query-retry.js";
import { readWindow } from "./query-windows.js";
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

  async function readQuery(ws: WorkspaceRead, name: QueryName): Promise<void> {
    const { workspaceId } = ws.report;
    try {
      await readWindow(
        {
          ws,
          name,
          minWindowMs,
          progress,
          run: (start, end) =>
            runQuery(
              client,
              limit,
              { workspaceId, name, start, end },
              ({ attempt, delayMs, error }) => {
                ws.report.retries++;
                const window = { rangeStart: start, rangeEnd: end };
                const message = describeQueryError(error);
                progress({
                  workspaceId,
                  queryName: name,
                  ...window,
                  event: "retry",
                  attempt,
                  delayMs,
                  message,
                });
              },
              call,
            ),
        },
        rangeStart,
        rangeEnd,
      );
    } catch (error) {
      progress({ workspaceId, queryName: name, rangeStart, rangeEnd, ...queryFailed(ws, name, error) });
    }
  }

  const workspaces = [...new Set(options.workspaceIds)].map(startWorkspace);
  await Promise.all(workspaces.flatMap((ws) => [readQuery(ws, "jobs"), readQuery(ws, "jobs-legacy")]));
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
