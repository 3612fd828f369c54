/**
 * ARM's read throttling as the local ARM stand-in applies it when asked: a token bucket per subscription (per
 * principal and region in Azure; one principal and region here) that holds `burst` reads and refills at
 * `perSecond`. Each answer says what is left in `x-ms-ratelimit-remaining-subscription-reads`; a read that
 * finds the bucket empty gets 429 `SubscriptionRequestsThrottled` with `Retry-After` in seconds, as Azure's
 * "Understand how Azure Resource Manager throttles requests" describes (250 reads, 25 a second).
 */

export interface ReadLimit {
  /** Reads the bucket holds (Azure: 250). */
  burst: number;
  /** Reads added each second (Azure: 25). */
  perSecond: number;
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/** The outcome of one read: allowed with what is left, or throttled for `retryAfterSeconds`. */
export type ReadVerdict =
  { allowed: true; remaining: number } | { allowed: false; retryAfterSeconds: number };

export class ReadLimiter {
  private readonly buckets = new Map<string, Bucket>();
  /** Reads answered 429. */
  throttled = 0;

  constructor(
    private readonly limit: ReadLimit,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes one read from the bucket of the subscription that `path` names (a path without one is free). */
  take(path: string): ReadVerdict | null {
    const subscription = /^\/subscriptions\/([^/]+)/i.exec(path)?.[1]?.toLowerCase();
    if (!subscription) return null;
    const nowMs = this.now();
    const bucket = this.buckets.get(subscription) ?? { tokens: this.limit.burst, atMs: nowMs };
    bucket.tokens = Math.min(
      this.limit.burst,
      bucket.tokens + ((nowMs - bucket.atMs) / 1000) * this.limit.perSecond,
    );
    bucket.atMs = nowMs;
    this.buckets.set(subscription, bucket);
    if (bucket.tokens < 1) {
      this.throttled++;
      return {
        allowed: false,
        retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.limit.perSecond)),
      };
    }
    bucket.tokens -= 1;
    return { allowed: true, remaining: Math.floor(bucket.tokens) };
  }
}
