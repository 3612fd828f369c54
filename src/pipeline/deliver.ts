/**
 * Delivering messages through the outbox, exactly once per target: each item is stored, claimed, posted and
 * its outcome recorded; a failed post stays pending and is retried on the next run, and a posted record
 * always wins, so a re-run never posts a second digest. The outbox (src/store/outbox.ts) stores and claims;
 * the poster (src/delivery/) posts.
 */
import type { RenderedPayload } from "../delivery/alert.js";
import type { Poster } from "../delivery/poster.js";
import { failureMessage, sendPayload, type DeliveryTarget } from "../delivery/send.js";
import {
  targetFingerprint,
  type Outbox,
  type OutboxEntry,
  type OutboxKind,
  type OutboxState,
} from "../store/outbox.js";

export interface DeliveryItem {
  kind: OutboxKind;
  /** The day (`YYYY-MM-DD`) for a digest, the alert's key for an alert. */
  key: string;
  target: DeliveryTarget;
  payload: RenderedPayload;
}

interface OutboxRef {
  kind: OutboxKind;
  key: string;
}

export interface DeliveryReport {
  posted: (OutboxRef & { status: number })[];
  alreadyPosted: OutboxRef[];
  /** Another run holds the item right now. */
  inFlight: OutboxRef[];
  /** Left pending (or given up): retried on the next run unless `state` is `failed`. */
  failed: (OutboxRef & { attempts: number; error: string; state: OutboxState })[];
}

type AttemptOutcome =
  | { outcome: "posted"; status: number }
  | { outcome: "already-posted" }
  | { outcome: "in-flight" }
  | { outcome: "failed"; attempts: number; error: string; state: OutboxState };

/**
 * Posts one stored entry to its target unless it was already posted or another run holds it: claim, post,
 * record. Returns what happened, for the delivery report.
 */
export async function attempt(
  outbox: Outbox,
  entry: OutboxEntry,
  target: DeliveryTarget,
  poster: Poster,
): Promise<AttemptOutcome> {
  if (entry.state === "posted") return { outcome: "already-posted" };
  if (entry.state === "failed") {
    return { outcome: "failed", attempts: entry.attempts, error: entry.lastError ?? "", state: "failed" };
  }
  const claim = await outbox.claim(entry);
  if (!claim) {
    const now = await outbox.reread(entry);
    return now?.state === "posted" ? { outcome: "already-posted" } : { outcome: "in-flight" };
  }
  try {
    const res = await sendPayload(poster, target, entry.payload, claim.atMs);
    await outbox.recordPosted(entry, claim, res.status);
    return { outcome: "posted", status: res.status };
  } catch (err) {
    const error = failureMessage(err);
    const { attempts, state } = await outbox.recordFailure(entry, claim, error);
    return { outcome: "failed", attempts, error, state };
  }
}

function emptyReport(): DeliveryReport {
  return { posted: [], alreadyPosted: [], inFlight: [], failed: [] };
}

function record(report: DeliveryReport, ref: OutboxRef, r: AttemptOutcome): void {
  switch (r.outcome) {
    case "posted":
      report.posted.push({ ...ref, status: r.status });
      break;
    case "already-posted":
      report.alreadyPosted.push(ref);
      break;
    case "in-flight":
      report.inFlight.push(ref);
      break;
    case "failed":
      report.failed.push({ ...ref, attempts: r.attempts, error: r.error, state: r.state });
      break;
  }
}

const entryId = (e: OutboxEntry): string => `${e.kind}|${e.rowKey}`;

/**
 * Retries every pending item addressed to one of `targets` (matched by fingerprint). Items for a target no
 * longer configured are left as they are.
 */
export async function flushPending(options: {
  outbox: Outbox;
  poster: Poster;
  targets: readonly DeliveryTarget[];
  skip?: ReadonlySet<string>;
}): Promise<DeliveryReport> {
  const report = emptyReport();
  const byFingerprint = new Map(options.targets.map((t) => [targetFingerprint(t.url), t]));
  for (const e of await options.outbox.pending()) {
    if (options.skip?.has(entryId(e))) continue;
    const target = byFingerprint.get(e.fingerprint);
    if (!target) continue;
    record(report, { kind: e.kind, key: e.key }, await attempt(options.outbox, e, target, options.poster));
  }
  return report;
}

/**
 * Delivers items exactly once per target: each is stored, then posted unless a posted record exists; then
 * earlier items left pending for the same targets are retried.
 */
export async function deliver(options: {
  outbox: Outbox;
  poster: Poster;
  items: readonly DeliveryItem[];
}): Promise<DeliveryReport> {
  const report = emptyReport();
  const handled = new Set<string>();
  for (const item of options.items) {
    const e = await options.outbox.enqueue(item);
    handled.add(entryId(e));
    record(
      report,
      { kind: item.kind, key: item.key },
      await attempt(options.outbox, e, item.target, options.poster),
    );
  }
  const targets = [
    ...new Map(options.items.map((i) => [targetFingerprint(i.target.url), i.target])).values(),
  ];
  const rest = await flushPending({ outbox: options.outbox, poster: options.poster, targets, skip: handled });
  report.posted.push(...rest.posted);
  report.alreadyPosted.push(...rest.alreadyPosted);
  report.inFlight.push(...rest.inFlight);
  report.failed.push(...rest.failed);
  return report;
}
