/**
 * The Log Analytics reads of the query tests: a day of the sample estate served by the local endpoint, read
 * through the real client whose waits between retries are recorded instead of slept.
 */
import { buildEstate, SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import type { LogsEndpoint } from "../../src/local/logs-endpoint.js";
import { loopbackTls } from "../../src/local/tls.js";
import { createLogsClient, type LogsClientOptions } from "../../src/logs/query-client.js";
import type { ReadPlanOptions } from "../../src/logs/query-plan.js";
import { queryJobs } from "../../src/logs/query.js";
import type { QueryProgress } from "../../src/logs/workspace-report.js";
import { staticCredential } from "../support/local-azure.js";

export const END = "2026-11-24";
export const estate = buildEstate({ endDate: END, days: 3 });
export const dayStart = new Date(`${END}T00:00:00Z`);
export const dayEnd = new Date(dayStart.getTime() + 86_400_000);
export const BOTH: string[] = [SAMPLE_WORKSPACES.main, SAMPLE_WORKSPACES.legacy];
export const SCOPE = "https://api.loganalytics.example/.default";

/** A client on the local endpoint whose waits are recorded instead of slept. */
export function client(logs: LogsEndpoint, extra: Partial<LogsClientOptions> = {}) {
  const delays: number[] = [];
  const credential = staticCredential("token-for-logs");
  const c = createLogsClient({
    endpoint: logs.endpoint,
    scope: SCOPE,
    credential,
    tlsCa: loopbackTls().ca,
    sdkRetry: { maxRetries: 0 },
    retry: {
      maxAttempts: 4,
      baseDelayMs: 1000,
      random: () => 0.5,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    },
    ...extra,
  });
  return { client: c, delays, credential };
}

/**
 * Reads the day through queryJobs; without `plan`, each query's whole window in one query (the read without a
 * count query, also the read's fallback when the count query fails).
 */
export function readDay(
  logs: LogsEndpoint,
  workspaceIds = BOTH,
  extra: { minWindowMs?: number; plan?: ReadPlanOptions } = {},
) {
  const c = client(logs);
  const progress: QueryProgress[] = [];
  return {
    ...c,
    progress,
    result: queryJobs({
      client: c.client,
      workspaceIds,
      rangeStart: dayStart,
      rangeEnd: dayEnd,
      onProgress: (p) => progress.push(p),
      plan: false,
      ...extra,
    }),
  };
}
