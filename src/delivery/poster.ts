/**
 * Posts a rendered payload to the webhook. The webhook URL is a secret (it carries a signature token): it is
 * never logged and never part of an error message, which names "the webhook" and the HTTP status instead.
 *
 * - `https` only, except loopback hosts; no user name or password in the URL (refused before any I/O);
 * - success is any 2xx (Teams Workflows answers 202 with an empty body); its reply is not read;
 * - a redirect (3xx) is refused: never followed, never retried;
 * - a timeout, a network error, 5xx and 429 are retried a bounded number of times: 429 after its
 *   Retry-After when given, otherwise (and for the rest) after exponential back-off with jitter;
 * - every attempt has one timer that covers the answer's headers and the read of its reply, of which at most
 *   REPLY_CAP_BYTES are read (only a short error code is kept from it); the stream is then cancelled. A post's
 *   whole life, retries and waits included, is bounded by `totalTimeoutInMs` and by the caller's abortSignal.
 */
import { isLoopbackHost } from "../domain/hosts.js";

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
  /** One attempt: the answer's headers and the read of its reply. Default 15,000 ms. */
  timeoutInMs?: number;
  /** Attempts in all, the first included. Default 4. */
  maxAttempts?: number;
  /** A post's whole life, every attempt and wait included. Default 120,000 ms. */
  totalTimeoutInMs?: number;
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

export interface PostCallOptions {
  /** Stops the post (the run's budget): the attempt in flight is cancelled and no other is made. */
  abortSignal?: AbortSignal;
}

export interface Poster {
  post(url: URL | string, request: PostRequest, options?: PostCallOptions): Promise<PostResult>;
}

export type WebhookErrorKind = "refused" | "status" | "redirect" | "timeout" | "network" | "aborted";

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

/** The most of a reply that is read (to find an error code in it); the rest is never received. */
export const REPLY_CAP_BYTES = 64 * 1024;

const sleepReal = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Parses Retry-After (seconds or an HTTP date) into milliseconds; null when absent or unreadable. */
export function retryAfterMs(value: string | null, nowMs: number = Date.now()): number | null {
  if (value === null || value.trim() === "") return null;
  const v = value.trim();
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  return Number.isNaN(at) ? null : Math.max(0, at - nowMs);
}

const refused = (message: string): WebhookError => new WebhookError("refused", message, null, 0);

/** Checks the target before any I/O: `https` (or `http` to a loopback host), with no credentials in it. */
export function checkWebhookUrl(url: URL | string): URL {
  let u: URL;
  try {
    u = typeof url === "string" ? new URL(url) : url;
  } catch {
    throw refused("The webhook URL is not a valid URL: check PULSE_WEBHOOK_URL.");
  }
  if (u.username !== "" || u.password !== "") {
    throw refused(
      "Refused to post to the webhook: its URL carries a user name or password, which cannot be sent. Check PULSE_WEBHOOK_URL.",
    );
  }
  if (u.protocol === "https:") return u;
  if (u.protocol === "http:" && isLoopbackHost(u.hostname)) return u;
  throw refused(
    "Refused to post to the webhook: its URL must use https (http is allowed only for loopback hosts). Check PULSE_WEBHOOK_URL.",
  );
}

function networkCode(e: unknown): string {
  const cause = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  const code = cause && typeof cause === "object" && "code" in cause ? cause.code : undefined;
  return typeof code === "string" && /^[A-Z_]+$/.test(code) ? code : "a network error";
}

/**
 * The error code in a reply, when it has one a person can act on: Slack's (`invalid_blocks`, `no_text`, …)
 * or a JSON `error.code` (Power Automate's `TriggerInputSchemaMismatch`, …). Nothing else of a reply is kept:
 * it may echo the payload.
 */
export function replyCode(text: string): string | null {
  const t = text.trim();
  if (/^[a-z]+(_[a-z]+)+$/.test(t) && t.length <= 60) return t;
  try {
    const code = (JSON.parse(t) as { error?: { code?: unknown } } | null)?.error?.code;
    return typeof code === "string" && /^[A-Za-z]{2,64}$/.test(code) ? code : null;
  } catch {
    return null;
  }
}

/** Reads at most `cap` bytes of a reply, then cancels the stream. Rejects when `signal` aborts first. */
async function readCapped(res: Response, cap: number, signal: AbortSignal): Promise<string> {
  if (!res.body) return "";
  const reader = (res.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  let onAbort: () => void = () => {};
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error("aborted"));
    if (signal.aborted) onAbort();
    else signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    while (size < cap) {
      const { done, value } = await Promise.race([reader.read(), aborted]);
      if (done) break;
      chunks.push(value.subarray(0, cap - size));
      size += Math.min(value.byteLength, cap - size);
    }
  } finally {
    signal.removeEventListener("abort", onAbort);
    reader.cancel().catch(() => undefined);
  }
  return Buffer.concat(chunks).toString("utf8");
}

const plural = (n: number): string => `${n} attempt${n === 1 ? "" : "s"}`;

export function createPoster(options: PosterOptions = {}): Poster {
  const timeoutInMs = options.timeoutInMs ?? 15_000;
  const maxAttempts = Math.max(1, options.maxAttempts ?? 4);
  const totalTimeoutInMs = options.totalTimeoutInMs ?? 120_000;
  const base = options.retryDelayInMs ?? 1_000;
  const cap = options.maxRetryDelayInMs ?? 60_000;
  const sleep = options.sleep ?? sleepReal;
  const random = options.random ?? Math.random;

  const backoff = (attempt: number): number =>
    Math.min(cap, Math.round(random() * base * 2 ** (attempt - 1)));

  /** Waits, unless the caller aborts first. */
  const wait = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
    signal
      ? Promise.race([
          sleep(ms),
          new Promise<void>((resolve) => signal.addEventListener("abort", () => resolve(), { once: true })),
        ])
      : sleep(ms);

  return {
    async post(url, request, call = {}) {
      const target = checkWebhookUrl(url);
      const outer = call.abortSignal;
      const deadline = Date.now() + totalTimeoutInMs;
      const stopped = (attempts: number): WebhookError =>
        new WebhookError(
          "aborted",
          `Posting to the webhook was stopped: the run ran out of time (${plural(attempts)}).`,
          null,
          attempts,
        );
      let last: WebhookError | null = null;
      for (let attempt = 1; attempt <= maxAttempts; attempt++) {
        if (outer?.aborted) throw stopped(attempt - 1);
        const budget = Math.min(timeoutInMs, deadline - Date.now());
        if (budget <= 0) break;
        const controller = new AbortController();
        const timer = setTimeout(
          () => controller.abort(new DOMException("timed out", "TimeoutError")),
          budget,
        );
        const forward = (): void => controller.abort(outer?.reason);
        outer?.addEventListener("abort", forward, { once: true });
        let status: number | null = null;
        let delay: number;
        try {
          const res = await fetch(target, {
            method: "POST",
            headers: { "content-type": request.contentType, ...request.headers },
            body: request.body,
            redirect: "manual",
            signal: controller.signal,
          });
          status = res.status;
          if (status >= 200 && status < 300) {
            // Accepted: the reply says nothing more that is needed, and it is not waited for.
            res.body?.cancel().catch(() => undefined);
            return { status, attempts: attempt };
          }
          if (status >= 300 && status < 400) {
            res.body?.cancel().catch(() => undefined);
            throw new WebhookError(
              "redirect",
              `The webhook answered HTTP ${status}: redirect refused (not followed, not retried). Set PULSE_WEBHOOK_URL to the address the webhook service gives.`,
              status,
              attempt,
            );
          }
          const code = replyCode(await readCapped(res, REPLY_CAP_BYTES, controller.signal));
          const retriable = status === 429 || status >= 500;
          last = new WebhookError(
            "status",
            `The webhook answered HTTP ${status}${code ? ` (${code})` : ""}${retriable ? "" : " (not retried: check the webhook and the payload)"} after ${plural(attempt)}.`,
            status,
            attempt,
          );
          if (!retriable) throw last;
          const after = status === 429 ? retryAfterMs(res.headers.get("retry-after")) : null;
          delay = after !== null ? Math.min(cap, after) : backoff(attempt);
        } catch (e) {
          if (e instanceof WebhookError) throw e;
          if (outer?.aborted) throw stopped(attempt);
          const timedOut = controller.signal.aborted;
          last = !timedOut
            ? new WebhookError(
                "network",
                `The webhook could not be reached (${networkCode(e)}) after ${plural(attempt)}.`,
                null,
                attempt,
              )
            : status === null
              ? new WebhookError(
                  "timeout",
                  `The webhook did not answer within ${budget} ms (${plural(attempt)}).`,
                  null,
                  attempt,
                )
              : new WebhookError(
                  "timeout",
                  `The webhook answered HTTP ${status} but did not finish its reply within ${budget} ms (${plural(attempt)}).`,
                  status,
                  attempt,
                );
          delay = backoff(attempt);
        } finally {
          clearTimeout(timer);
          outer?.removeEventListener("abort", forward);
        }
        if (attempt < maxAttempts && Date.now() + delay < deadline) {
          options.onRetry?.({ attempt, delayInMs: delay, reason: last.message });
          await wait(delay, outer);
        } else break;
      }
      throw last ?? stopped(0);
    },
  };
}
