/**
 * Delivering messages through the outbox, exactly once per target: each item is stored, claimed, posted and
 * its outcome recorded; a failed post stays pending and is retried by later runs once its pause is over (the
 * outbox gives it up only after a day of failures), and a posted record always wins, so a re-run never posts
 * a second digest. The outbox (src/store/outbox.ts) stores and claims; the poster (src/delivery/) posts.
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
  /** What the message holds, in a few words: named if the message is given up. */
  summary?: string;
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
  /**
   * Not delivered: left `pending` (retried at `nextAttemptAt`, or at the next run when that time has passed)
   * or given up (`state` `failed`, `nextAttemptAt` null).
   */
  failed: (OutboxRef & FailedDelivery)[];
  /** Earlier items not tried on this run: their pause after a failed post is not over. */
  waiting: (OutboxRef & { attempts: number; nextAttemptAt: string })[];
}

interface FailedDelivery {
  attempts: number;
  error: string;
  state: OutboxState;
  /** When it is tried again (ISO-8601); null or absent when given up or due at the next run. */
  nextAttemptAt?: string | null;
  /** When the first post of it failed (ISO-8601). */
  firstFailedAt?: string | null;
}

type AttemptOutcome =
  | { outcome: "posted"; status: number }
  | { outcome: "already-posted" }
  | { outcome: "in-flight" }
  | ({ outcome: "failed" } & FailedDelivery);

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
    return {
      outcome: "failed",
      attempts: entry.attempts,
      error: entry.lastError ?? "",
      state: "failed",
      nextAttemptAt: null,
      firstFailedAt: entry.firstFailedAt,
    };
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
    const now = await outbox.reread(entry); // when it is tried again, as recorded
    const nextAttemptAt =
      state === "failed" || !now?.nextAttemptAtMs ? null : new Date(now.nextAttemptAtMs).toISOString();
    return { outcome: "failed", attempts, error, state, nextAttemptAt, firstFailedAt: now?.firstFailedAt };
  }
}

function emptyReport(): DeliveryReport {
  return { posted: [], alreadyPosted: [], inFlight: [], failed: [], waiting: [] };
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
    case "failed": {
      const { outcome: _outcome, ...failed } = r;
      report.failed.push({ ...ref, ...failed });
      break;
    }
  }
}

const entryId = (e: OutboxEntry): string => `${e.kind}|${e.rowKey}`;

/**
 * Retries every pending item addressed to one of `targets` (matched by fingerprint) whose pause after its
 * last failed post is over; the others are reported `waiting`. Items for a target no longer configured are
 * left as they are.
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
    if (!options.outbox.due(e)) {
      const nextAttemptAt = new Date(e.nextAttemptAtMs).toISOString();
      report.waiting.push({ kind: e.kind, key: e.key, attempts: e.attempts, nextAttemptAt });
      continue;
    }
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
  report.waiting.push(...rest.waiting);
  return report;
}

/**
 * What happens next to a message that was not delivered, truthfully: retried at the next run, retried after
 * a time, or given up (with how long it was tried).
 */
export function retryNote(
  f: Pick<FailedDelivery, "state" | "attempts" | "nextAttemptAt" | "firstFailedAt">,
  nowMs: number,
): string {
  if (f.state === "failed") {
    const since = f.firstFailedAt ? ` since ${f.firstFailedAt}` : "";
    return `it was given up after ${f.attempts} failed attempt(s)${since}; backup-pulse doctor lists it`;
  }
  if (!f.nextAttemptAt || Date.parse(f.nextAttemptAt) <= nowMs) return "it is retried on the next run";
  return `it is retried on the first run after ${f.nextAttemptAt}`;
}

/** What happens next to the messages of a report that were not delivered (one clause per distinct fate). */
export function retrySummary(report: DeliveryReport, nowMs: number): string {
  return [...new Set(report.failed.map((f) => retryNote(f, nowMs)))].join("; ");
}

/**
 * One line per message the report says was not delivered, or is waiting for its next attempt; `channel`
 * (e.g. "by e-mail") says where it was going.
 */
export function undeliveredLines(report: DeliveryReport, nowMs: number, channel = ""): string[] {
  const to = channel ? ` ${channel}` : "";
  const what = (r: OutboxRef): string =>
    r.kind === "digest" ? `The digest for ${r.key}` : `The ${r.kind} message ${r.key}`;
  return [
    ...report.failed.map((f) => `${what(f)} was not delivered${to} (${f.error}); ${retryNote(f, nowMs)}`),
    ...report.waiting.map(
      (w) =>
        `${what(w)} was not tried${to} on this run: after ${w.attempts} failed attempt(s) it waits until ${w.nextAttemptAt}`,
    ),
  ];
}
