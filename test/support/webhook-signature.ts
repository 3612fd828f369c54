/**
 * The receiving side of a signed generic webhook, for tests: what docs/webhooks.md tells a receiver to do.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

/**
 * Checks a received payload as a receiver would (the recipe in docs/webhooks.md): same HMAC, compared in
 * constant time, and a timestamp no older than `toleranceSec`.
 */
export function verifySignature(options: {
  rawBody: string;
  secret: string;
  timestamp: string | undefined;
  signature: string | undefined;
  nowSec?: number;
  toleranceSec?: number;
}): boolean {
  const { rawBody, secret, timestamp, signature } = options;
  if (!timestamp || !signature || !/^\d+$/.test(timestamp)) return false;
  const now = options.nowSec ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - Number(timestamp)) > (options.toleranceSec ?? 300)) return false;
  const expected = `sha256=${createHmac("sha256", secret).update(`${timestamp}.${rawBody}`, "utf8").digest("hex")}`;
  const a = Buffer.from(expected);
  const b = Buffer.from(signature);
  return a.length === b.length && timingSafeEqual(a, b);
}
