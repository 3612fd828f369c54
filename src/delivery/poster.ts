/**
 * Posts a rendered payload to the webhook. The webhook URL is a secret (it carries a signature token): it is
 * never logged and never part of an error message, which names "the webhook" and the HTTP status instead.
 *
 * - `https` only, except loopback hosts (refused before any I/O);
 * - success is any 2xx (Teams Workflows answers 202 with an empty body);
 * - a timeout, a network error, 5xx and 429 are retried a bounded number of times: 429 after its
 *   Retry-After when given, otherwise (and for the rest) after exponential back-off with jitter.
 */
import { isLoopbackHost } from "../config.js";

export interface PostRequest {
  body: string;
  contentType: string;
  headers?: Record<string, string>;
}

export interface PostResult {
  status: number;
  attempts: number;
}

export interface PosterOptions {
  /** Per-attempt timeout. Default 15,000 ms. */
  timeoutInMs?: number;
  /** Attempts in all, the first included. Default 4. */
  maxAttempts?: number;
  /** Back-off base: attempt n waits a random time up to base × 2^(n-1), capped. Default 1,000 ms. */
  retryDelayInMs?: number;
  /** Longest wait between attempts, Retry-After included. Default 60,000 ms. */
  maxRetryDelayInMs?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Injectable for tests: a number in [0, 1). */
  random?: () => number;
  /** Called before each retry, with no URL in it. */
  onRetry?: (info: { attempt: number; delayInMs: number; reason: string }) => void;
}

export interface Poster {
  post(url: URL | string, request: PostRequest): Promise<PostResult>;
}

export type WebhookErrorKind = "refused" | "status" | "timeout" | "network";

/** A failed delivery. The message names "the webhook" and the status: never the URL. */
export class WebhookError extends Error {
  constructor(
    readonly kind: WebhookErrorKind,
    message: string,
    readonly status: number | null,
    readonly attempts: number,
  ) {
    super(message);
    this.name = "WebhookError";
  }
}

const sleepReal = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Parses Retry-After (seconds or an HTTP date) into milliseconds; null when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

/** Checks the target before any I/O: `https`, or `http` to a loopback host. */
export function checkWebhookUrl(url: URL | string): URL {
  let u: URL;
  try {
    u = typeof url === "string" ? new URL(url) : url;
  } catch {
    throw new WebhookError(
      "refused",
      "The webhook URL is not a valid URL: check PULSE_WEBHOOK_URL.",
      null,
      0,
    );
  }
  if (u.protocol === "https:") return u;
  if (u.protocol === "http:" && isLoopbackHost(u.hostname)) return u;
  throw new WebhookError(
    "refused",
    "Refused to post to the webhook: its URL must use https (http is allowed only for loopback hosts). Check PULSE_WEBHOOK_URL.",
    null,
    0,
  );
}

function networkCode(e: unknown): string {
  const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  const code = cause && typeof cause === "object" && "code" in cause ? cause.code : undefined;
  return typeof code === "string" && /^[A-Z_]+$/.test(code) ? code : "a network error";
}

export function createPoster(options: PosterOptions = {}): Poster {
  const timeoutInMs = options.timeoutInMs ?? 15_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const base = options.retryDelayInMs ?? 1_000;
  const cap = options.maxRetryDelayInMs ?? 60_000;
  const sleep = options.sleep ?? sleepReal;
  const random = options.random ?? Math.random;

  const backoff = (attempt: number): number =>
    Math.min(cap, Math.round(random() * base * 2 ** (attempt - 1)));

  return {
    async post(url, request) {
      const target = checkWebhookUrl(url);
      let last: WebhookError = new WebhookError("network", "The webhook was not reached.", null, 0);
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        let delay: number;
        try {
          const res = await fetch(target, {
            method: "POST",
            headers: { "content-type": request.contentType, ...request.headers },
            body: request.body,
            redirect: "error",
            signal: AbortSignal.timeout(timeoutInMs),
          });
          // Drain the body so the connection is released; its content is not needed (and may echo input).
          await res.arrayBuffer().catch(() => undefined);
          if (res.status >= 200 && res.status < 300) return { status: res.status, attempts: attempt };
          const retriable = res.status === 429 || res.status >= 500;
          last = new WebhookError(
            "status",
            `The webhook answered HTTP ${res.status}${retriable ? "" : " (not retried: check the webhook and the payload)"} after ${attempt} attempt${attempt === 1 ? "" : "s"}.`,
            res.status,
            attempt,
          );
          if (!retriable) throw last;
          const after = res.status === 429 ? retryAfterMs(res.headers.get("retry-after")) : null;
          delay = after !== null ? Math.min(cap, after) : backoff(attempt);
        } catch (e) {
          if (e instanceof WebhookError) throw e;
          const timedOut = e instanceof Error && (e.name === "TimeoutError" || e.name === "AbortError");
          last = timedOut
            ? new WebhookError(
                "timeout",
                `The webhook did not answer within ${timeoutInMs} ms (${attempt} attempt${attempt === 1 ? "" : "s"}).`,
                null,
                attempt,
              )
            : new WebhookError(
                "network",
                `The webhook could not be reached (${networkCode(e)}) after ${attempt} attempt${attempt === 1 ? "" : "s"}.`,
                null,
                attempt,
              );
          delay = backoff(attempt);
        }
        if (attempt < maxAttempts) {
          options.onRetry?.({ attempt, delayInMs: delay, reason: last.message });
          await sleep(delay);
        }
      }
      throw last;
    },
  };
}
