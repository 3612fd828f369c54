/**
 * The Log Analytics client backup-pulse queries through: the real `LogsQueryClient` on the configured endpoint
 * and token scope, with the settings of backup-pulse's own retries around it.
 */
import { LogsQueryClient } from "@azure/monitor-query-logs";
import type { TokenCredential } from "@azure/core-auth";
import { deadlineOptions } from "../deadline.js";

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
  /** Client-side deadline of one request, answer and body (default: the server-side limit plus 30 s). */
  requestTimeoutInMs?: number;
  /** The run's signal: when it aborts, queries in flight are cancelled and no other is sent. */
  abortSignal?: AbortSignal;
}

export interface LogsClient {
  sdk: LogsQueryClient;
  retry: Required<RetryOptions>;
  serverTimeoutInSeconds: number;
}

export function createLogsClient(options: LogsClientOptions): LogsClient {
  const endpoint = options.endpoint.replace(/\/+$/, "");
  if (!/\/v1$/.test(endpoint)) {
    throw new Error(
      `The Log Analytics endpoint must end in /v1 (got ${endpoint}): set PULSE_LOGS_ENDPOINT accordingly`,
    );
  }
  const serverTimeoutInSeconds = options.serverTimeoutInSeconds ?? 600;
  const sdk = new LogsQueryClient(options.credential, {
    endpoint,
    // The SDK ignores `audience`; the scope must be passed this way (sovereign clouds, local endpoints).
    credentials: { scopes: [options.scope] },
    ...(options.tlsCa ? { tlsOptions: { ca: options.tlsCa } } : {}),
    ...(options.sdkRetry ? { retryOptions: options.sdkRetry } : {}),
    // The SDK drops a queryWorkspace abortSignal and sends only `Prefer: wait=…`: without this a service that
    // never answers holds the run. The deadline covers the answer and its body, and the run's signal joins it.
    ...deadlineOptions({
      requestTimeoutInMs: options.requestTimeoutInMs ?? serverTimeoutInSeconds * 1000 + 30_000,
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    }),
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
    serverTimeoutInSeconds,
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
