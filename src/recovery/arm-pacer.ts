/**
 * One pacer for every Azure Resource Manager call of a run (recovery-point look-ups, the vault inventory, the
 * doctor's probes). ARM throttles reads per subscription and per principal (a bucket of 250 that refills at
 * 25 a second), and says how much is left in `x-ms-ratelimit-remaining-subscription-reads`; a throttled read
 * gets 429 with `Retry-After`. The pacer keeps, per subscription:
 *
 * - at most `maxInFlight` requests in flight (default 16), fewer when the remaining reads run low (a quarter
 *   of what is left, at least one), and a short pause when almost none are left;
 * - after a 429, no request at all until its `Retry-After` has passed (the SDK's retry policy then retries);
 * - the run's abort signal: a request still waiting for its turn when the run's budget runs out is not sent.
 *
 * Install it in a client with {@link pacedOptions} (a per-retry pipeline policy, so retries are paced too).
 */
import { BudgetError, type PipelinePolicy } from "../deadline.js";

/** Requests in flight per subscription when ARM's budget allows. */
export const ARM_MAX_IN_FLIGHT = 16;
/** With this few reads left, the pacer waits {@link LOW_READS_PAUSE_MS} before the next request. */
const LOW_READS = 5;
const LOW_READS_PAUSE_MS = 1_000;
/** Wait after a 429 that gave no usable Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 5_000;
/** Longest Retry-After honoured (a longer one is ARM telling the run to stop; the budget decides). */
const MAX_RETRY_AFTER_MS = 5 * 60_000;

export interface ArmPacerOptions {
  /** Requests in flight per subscription (default {@link ARM_MAX_IN_FLIGHT}). */
  maxInFlight?: number;
  /** The run's signal: requests still waiting for their turn are not sent once it aborts. */
  abortSignal?: AbortSignal;
}

/** What the pacer saw during a run (for the log and the benchmark). */
export interface ArmPacerStats {
  /** Requests sent (each try of a retried request counts). */
  requests: number;
  /** 429 answers. */
  throttled: number;
  /** Highest number of requests in flight at once, over all subscriptions. */
  maxInFlight: number;
}

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

interface SubscriptionState {
  inFlight: number;
  waiting: Waiter[];
  /** No request is sent before this instant (epoch ms): after a 429, or when reads run low. */
  pausedUntil: number;
  /** The last `x-ms-ratelimit-remaining-subscription-reads` seen, or null. */
  remaining: number | null;
  timer: ReturnType<typeof setTimeout> | null;
}

/** `Retry-After` in milliseconds: seconds or an HTTP date; null when absent or unreadable. */
export function retryAfterMs(value: string | null | undefined, now = Date.now()): number | null {
  if (value === null || value === undefined || value.trim() === "") return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The subscription a request addresses (lower case), or `-` when its URL names none. */
function subscriptionOf(url: string): string {
  return /\/subscriptions\/([^/?#]+)/i.exec(url)?.[1]?.toLowerCase() ?? "-";
}

interface PacedRequest {
  url: string;
  abortSignal?: unknown;
}
interface PacedResponse {
  status: number;
  headers: { get(name: string): string | undefined };
}

export class ArmPacer {
  readonly maxInFlight: number;
  readonly stats: ArmPacerStats = { requests: 0, throttled: 0, maxInFlight: 0 };
  private readonly subscriptions = new Map<string, SubscriptionState>();
  private readonly abortSignal: AbortSignal | undefined;
  private inFlight = 0;

  constructor(options: ArmPacerOptions = {}) {
    this.maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? ARM_MAX_IN_FLIGHT));
    this.abortSignal = options.abortSignal;
  }

  /** The pipeline policy that paces every try of every request of a client. */
  policy(): PipelinePolicy {
    return {
      name: "backupPulseArmPacer",
      sendRequest: async (request, next) => {
        const req = request as unknown as PacedRequest;
        const sub = subscriptionOf(req.url);
        await this.acquire(sub, req.abortSignal as AbortSignal | undefined);
        let response: PacedResponse | undefined;
        try {
          response = (await next(request)) as unknown as PacedResponse;
          return response as never;
        } finally {
          this.release(sub, response);
        }
      },
    };
  }

  /** Requests of the subscription that may be in flight now. */
  private limit(state: SubscriptionState): number {
    if (state.remaining === null) return this.maxInFlight;
    return Math.max(1, Math.min(this.maxInFlight, Math.floor(state.remaining / 4)));
  }

  private state(sub: string): SubscriptionState {
    let state = this.subscriptions.get(sub);
    if (!state) {
      state = { inFlight: 0, waiting: [], pausedUntil: 0, remaining: null, timer: null };
      this.subscriptions.set(sub, state);
    }
    return state;
  }

  private acquire(sub: string, own: AbortSignal | undefined): Promise<void> {
    const signals = [...new Set([this.abortSignal, own])].filter((s): s is AbortSignal => s !== undefined);
    if (signals.some((s) => s.aborted)) return Promise.reject(new BudgetError());
    const state = this.state(sub);
    // A child signal of this request's own (AbortSignal.any adds no listener to its sources), so thousands of
    // waiting requests add no listener to the run's signal.
    const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    return new Promise<void>((resolve, reject) => {
      const onAbort = (): void => {
        const i = state.waiting.indexOf(waiter);
        if (i >= 0) state.waiting.splice(i, 1);
        reject(new BudgetError());
      };
      const waiter: Waiter = {
        resolve: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
        reject,
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      state.waiting.push(waiter);
      this.pump(state);
    });
  }

  private release(sub: string, response: PacedResponse | undefined): void {
    const state = this.state(sub);
    state.inFlight -= 1;
    this.inFlight -= 1;
    if (response) {
      const remaining = Number(response.headers.get("x-ms-ratelimit-remaining-subscription-reads"));
      if (Number.isFinite(remaining) && response.headers.get("x-ms-ratelimit-remaining-subscription-reads")) {
        state.remaining = remaining;
        if (remaining <= LOW_READS) {
          state.pausedUntil = Math.max(state.pausedUntil, Date.now() + LOW_READS_PAUSE_MS);
        }
      }
      if (response.status === 429) {
        this.stats.throttled += 1;
        const wait = retryAfterMs(response.headers.get("retry-after")) ?? DEFAULT_RETRY_AFTER_MS;
        state.pausedUntil = Math.max(state.pausedUntil, Date.now() + Math.min(wait, MAX_RETRY_AFTER_MS));
      }
    }
    this.pump(state);
  }

  /** Lets waiting requests go while the subscription's limit and pause allow. */
  private pump(state: SubscriptionState): void {
    const now = Date.now();
    if (state.pausedUntil > now) {
      if (state.waiting.length > 0 && state.timer === null) {
        state.timer = setTimeout(() => {
          state.timer = null;
          this.pump(state);
        }, state.pausedUntil - now);
      }
      return;
    }
    while (state.waiting.length > 0 && state.inFlight < this.limit(state)) {
      const waiter = state.waiting.shift();
      if (!waiter) break;
      state.inFlight += 1;
      this.inFlight += 1;
      this.stats.requests += 1;
      this.stats.maxInFlight = Math.max(this.stats.maxInFlight, this.inFlight);
      waiter.resolve();
    }
  }
}

/** Client options that route every try of every request through the pacer. */
export function pacedPolicy(pacer: ArmPacer): { policy: PipelinePolicy; position: "perRetry" } {
  return { policy: pacer.policy(), position: "perRetry" };
}
