/**
 * Running one job query of one workspace over one window: at most five queries in flight across all
 * workspaces (the API's per-user limit), and throttling (429, with or without Retry-After), server errors and
 * dropped connections retried with back-off on top of the SDK's own retries.
 */
import type { LogsQueryResult } from "@azure/monitor-query-logs";
import { DAY_MS } from "../domain/days.js";
import { renderQuery, type QueryName } from "./kql.js";
import type { LogsClient } from "./query-client.js";
import { backoffMs, isRetryable } from "./query-errors.js";

/** Rows may arrive up to two days after a job starts (the `2d` in the KQL files). */
const ARRIVAL_MARGIN_MS = 2 * DAY_MS;
/** Backup item and container records are read from up to seven days before the window (the `7d`). */
const LOOKUP_MARGIN_MS = 7 * DAY_MS;
export const MAX_CONCURRENT_QUERIES = 5;

/** Runs a task when fewer than its limit of tasks are running. */
export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

export function limiter(max: number): Limit {
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

/** One query: which, of which workspace, for jobs that started in [start, end); its count query when `count`. */
export interface QueryCall {
  workspaceId: string;
  name: QueryName;
  start: Date;
  end: Date;
  count?: boolean;
}

/** Options of the calls to Log Analytics (cancellation). */
export interface CallOptions {
  abortSignal?: AbortSignal;
}

/** A retry about to wait `delayMs` after attempt `attempt` failed with `error`. */
export interface RetryEvent {
  attempt: number;
  delayMs: number;
  error: unknown;
}

/** Runs the query, retrying what may succeed later; the last error is thrown when the attempts run out. */
export async function runQuery(
  client: LogsClient,
  limit: Limit,
  call: QueryCall,
  onRetry: (retry: RetryEvent) => void,
  options: CallOptions = {},
): Promise<LogsQueryResult> {
  const { abortSignal } = options;
  const text = renderQuery(call.count ? `${call.name}-count` : call.name, {
    rangeStart: call.start,
    rangeEnd: call.end,
  });
  const timespan = {
    startTime: new Date(call.start.getTime() - LOOKUP_MARGIN_MS),
    endTime: new Date(call.end.getTime() + ARRIVAL_MARGIN_MS),
  };
  for (let n = 1; ; n++) {
    abortSignal?.throwIfAborted();
    try {
      return await limit(() =>
        client.sdk.queryWorkspace(call.workspaceId, text, timespan, {
          serverTimeoutInSeconds: client.serverTimeoutInSeconds,
          ...(abortSignal ? { abortSignal } : {}),
        }),
      );
    } catch (error) {
      if (n >= client.retry.maxAttempts || !isRetryable(error)) throw error;
      const delayMs = backoffMs(client.retry, n, error);
      onRetry({ attempt: n, delayMs, error });
      await client.retry.sleep(delayMs, abortSignal);
    }
  }
}
