/**
 * The outbox's records: what an item is as stored and as read back (entries to post, records to list), the
 * pause between attempts, and the fingerprint that stands for a webhook URL. The outbox itself: outbox.ts.
 */
import { createHash } from "node:crypto";
import type { TableEntityResult } from "@azure/data-tables";
import { num, str } from "./entity.js";

export type OutboxKind = "digest" | "alert";
export type OutboxState = "pending" | "posting" | "posted" | "failed";

/** A payload as the outbox keeps it (a rendered payload). */
export interface StoredPayload {
  format: string;
  contentType: string;
  body: string;
}

/** What to store before posting: the item, its payload, and the webhook it goes to. */
export interface OutboxItem {
  kind: OutboxKind;
  /** The day (`YYYY-MM-DD`) for a digest, the alert's key for an alert. */
  key: string;
  /** The webhook URL is a secret: only its fingerprint is stored. */
  target: { url: URL | string };
  payload: StoredPayload;
  /** What the message holds, in a few words (e.g. "3 alert(s): vm-a, vm-b"): named if it is given up. */
  summary?: string;
}

/** A stored item as a run reads it to post it (its payload whole, no URL). */
export interface OutboxEntry {
  kind: OutboxKind;
  rowKey: string;
  key: string;
  fingerprint: string;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  payload: StoredPayload;
  /** When it was claimed (epoch ms), 0 when never. */
  claimedAtMs: number;
  /** When its first failed post was (ISO-8601), null when none failed. */
  firstFailedAt: string | null;
  /** Not to be posted again before this time (epoch ms); 0: at the next run. */
  nextAttemptAtMs: number;
  etag: string;
}

/** An outbox record as read back (no payload, no URL). */
export interface OutboxRecord {
  kind: OutboxKind;
  key: string;
  fingerprint: string;
  format: string;
  state: OutboxState;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  postedAt: string | null;
  bodyBytes: number;
  /** What the message holds, in a few words ("" when not said). */
  summary: string;
  firstFailedAt: string | null;
  /** When the next attempt may be made (ISO-8601); null when posted, given up, or due at the next run. */
  nextAttemptAt: string | null;
  /** When it was given up (state `failed`), else null. */
  givenUpAt: string | null;
}

/** A run's hold on an entry: only its holder may post the entry. */
export interface Claim {
  etag: string;
  claimId: string;
  /** When it was taken (epoch ms, from the outbox's clock). */
  atMs: number;
}

export interface OutboxOptions {
  /** How long a claim holds before another run may take the item over. Default 5 minutes. */
  leaseInMs?: number;
  /**
   * An item is given up (marked `failed`, no longer retried) once it has failed this many times AND its first
   * failure is at least `retryForMs` old. Default 10.
   */
  maxAttempts?: number;
  /** See `maxAttempts`. Default one day. */
  retryForMs?: number;
  now?: () => number;
}

const MINUTE_MS = 60_000;
export const DEFAULT_RETRY_FOR_MS = 24 * 60 * MINUTE_MS;

/**
 * The pause after the `attempts`-th failed post before the next attempt: none after the first two (the next
 * run retries), then 15 minutes, doubling up to 6 hours.
 */
export function retryDelayMs(attempts: number): number {
  if (attempts <= 2) return 0;
  return Math.min(15 * MINUTE_MS * 2 ** (attempts - 3), 6 * 60 * MINUTE_MS);
}

/** Fingerprint of a webhook URL: the first 16 hex digits of its SHA-256. Safe to store and show. */
export function targetFingerprint(url: URL | string): string {
  const href = typeof url === "string" ? new URL(url).href : url.href;
  return createHash("sha256").update(href, "utf8").digest("hex").slice(0, 16);
}

/** Table string properties hold at most 64 KiB (32K UTF-16 characters): bodies are split into parts. */
export const PART_CHARS = 30_000;
export const MAX_PARTS = 16;

export type Entity = TableEntityResult<Record<string, unknown>>;

/** The outbox writes "" for a value not known yet (no error, not posted). */
export const stored = (v: unknown): string | null => (str(v) === "" ? null : str(v));
const kindOf = (e: Entity): OutboxKind => (e.partitionKey === "alert" ? "alert" : "digest");
const stateOf = (e: Entity): OutboxState => (stored(e.state) ?? "pending") as OutboxState;

const isoOf = (ms: number): string | null => (ms > 0 ? new Date(ms).toISOString() : null);

export function toRecord(e: Entity): OutboxRecord {
  const state = stateOf(e);
  return {
    kind: kindOf(e),
    key: str(e.key) ?? "",
    fingerprint: str(e.fingerprint) ?? "",
    format: str(e.format) ?? "",
    state: stateOf(e),
    attempts: num(e.attempts) ?? 0,
    lastError: stored(e.lastError),
    createdAt: str(e.createdAt) ?? "",
    postedAt: stored(e.postedAt),
    bodyBytes: num(e.bodyBytes) ?? 0,
    summary: str(e.summary) ?? "",
    firstFailedAt: stored(e.firstFailedAt),
    nextAttemptAt: state === "pending" || state === "posting" ? isoOf(num(e.nextAttemptAtMs) ?? 0) : null,
    givenUpAt: stored(e.givenUpAt),
  };
}

export function bodyOf(e: Entity): string {
  const parts = num(e.bodyParts) ?? 0;
  let out = "";
  for (let i = 0; i < parts; i++) out += str(e[`body${i}`]) ?? "";
  return out;
}

export function toEntry(e: Entity): OutboxEntry {
  return {
    kind: kindOf(e),
    rowKey: e.rowKey ?? "",
    key: stored(e.key) ?? e.rowKey ?? "",
    fingerprint: str(e.fingerprint) ?? "",
    state: stateOf(e),
    attempts: num(e.attempts) ?? 0,
    lastError: stored(e.lastError),
    payload: {
      format: stored(e.format) ?? "generic",
      contentType: stored(e.contentType) ?? "application/json",
      body: bodyOf(e),
    },
    claimedAtMs: num(e.claimedAtMs) ?? 0,
    firstFailedAt: stored(e.firstFailedAt),
    nextAttemptAtMs: num(e.nextAttemptAtMs) ?? 0,
    etag: e.etag,
  };
}

/** The columns of an {@link OutboxRecord} (no payload). */
export const RECORD_COLUMNS = [
  "PartitionKey",
  "RowKey",
  "key",
  "fingerprint",
  "format",
  "state",
  "attempts",
  "lastError",
  "createdAt",
  "postedAt",
  "bodyBytes",
  "summary",
  "firstFailedAt",
  "nextAttemptAtMs",
  "givenUpAt",
];
