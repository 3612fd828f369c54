/**
 * The delivery outbox (Table Storage, table `PulseOutbox`): a digest or alert is stored before it is posted,
 * posted once per target, left `pending` with its attempt count and last error when the webhook fails, and
 * retried on the next run. A `posted` record always wins, so a re-run never posts a second digest.
 *
 * Keys: PartitionKey = kind (`digest` | `alert`), RowKey = `<date or alert key>|<target fingerprint>`, where
 * the fingerprint is a SHA-256 prefix of the webhook URL: the URL itself (a secret) is never stored.
 *
 * Two runs at once: an item is claimed (state `posting`) with an ETag-conditional update before it is posted,
 * so only one run can post it. A claim expires after `leaseInMs`: if a run dies between posting and recording
 * it, the next run posts again (the only case where a second post can happen).
 */
import { createHash, randomUUID } from "node:crypto";
import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import type { WebhookFormat } from "../config.js";
import type { RenderedPayload } from "../delivery/alert.js";
import { signatureHeaders } from "../delivery/generic.js";
import type { Poster } from "../delivery/poster.js";
import { tableKey, type Tables } from "./tables.js";

export const OUTBOX_TABLE = "PulseOutbox";

export type OutboxKind = "digest" | "alert";
export type OutboxState = "pending" | "posting" | "posted" | "failed";

export interface DeliveryTarget {
  /** The webhook URL (a secret: used to post and to fingerprint, never stored or shown). */
  url: URL | string;
  format: WebhookFormat;
  /** HMAC key for generic payloads (PULSE_WEBHOOK_SECRET). */
  secret?: string | null;
}

export interface DeliveryItem {
  kind: OutboxKind;
  /** The day (`YYYY-MM-DD`) for a digest, the alert's key for an alert. */
  key: string;
  target: DeliveryTarget;
  payload: RenderedPayload;
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
}

export interface OutboxRef {
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

export interface OutboxOptions {
  /** How long a claim holds before another run may take the item over. Default 5 minutes. */
  leaseInMs?: number;
  /** After this many failed posts an item is marked `failed` and no longer retried. Default 10. */
  maxAttempts?: number;
  now?: () => number;
}

/** Fingerprint of a webhook URL: the first 16 hex digits of its SHA-256. Safe to store and show. */
export function targetFingerprint(url: URL | string): string {
  const href = typeof url === "string" ? new URL(url).href : url.href;
  return createHash("sha256").update(href, "utf8").digest("hex").slice(0, 16);
}

/** Table string properties hold at most 64 KiB (32K UTF-16 characters): bodies are split into parts. */
const PART_CHARS = 30_000;
const MAX_PARTS = 16;

type Entity = TableEntityResult<Record<string, unknown>>;

function statusOf(e: unknown): number | undefined {
  return typeof e === "object" && e !== null && "statusCode" in e && typeof e.statusCode === "number"
    ? e.statusCode
    : undefined;
}

const str = (v: unknown): string | null => (typeof v === "string" && v !== "" ? v : null);
const num = (v: unknown): number => (typeof v === "number" ? v : Number(v ?? 0) || 0);

function toRecord(e: Entity): OutboxRecord {
  return {
    kind: pk(e),
    key: str(e.key) ?? "",
    fingerprint: str(e.fingerprint) ?? "",
    format: str(e.format) ?? "",
    state: (str(e.state) ?? "pending") as OutboxState,
    attempts: num(e.attempts),
    lastError: str(e.lastError),
    createdAt: str(e.createdAt) ?? "",
    postedAt: str(e.postedAt),
    bodyBytes: num(e.bodyBytes),
  };
}

const pk = (e: Entity): OutboxKind => (e.partitionKey === "alert" ? "alert" : "digest");
const rk = (e: Entity): string => e.rowKey ?? "";

function bodyOf(e: Entity): string {
  const parts = num(e.bodyParts);
  let out = "";
  for (let i = 0; i < parts; i++) out += str(e[`body${i}`]) ?? "";
  return out;
}

export class Outbox {
  private readonly leaseInMs: number;
  private readonly maxAttempts: number;
  private readonly now: () => number;

  constructor(
    readonly client: TableClient,
    options: OutboxOptions = {},
  ) {
    this.leaseInMs = options.leaseInMs ?? 5 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.now = options.now ?? Date.now;
  }

  /** Opens the outbox table of a storage account, creating it when missing. */
  static async open(tables: Tables, options: OutboxOptions = {}): Promise<Outbox> {
    await tables.ensureTables([OUTBOX_TABLE]);
    return new Outbox(tables.table(OUTBOX_TABLE), options);
  }

  rowKey(key: string, url: URL | string): string {
    return `${tableKey(key)}|${targetFingerprint(url)}`;
  }

  private iso(): string {
    return new Date(this.now()).toISOString();
  }

  async read(kind: OutboxKind, key: string, url: URL | string): Promise<OutboxRecord | null> {
    const e = await this.getEntity(kind, this.rowKey(key, url));
    return e ? toRecord(e) : null;
  }

  async list(kind?: OutboxKind): Promise<OutboxRecord[]> {
    const out: OutboxRecord[] = [];
    const filter = kind ? odata`PartitionKey eq ${kind}` : undefined;
    for await (const e of this.client.listEntities<Record<string, unknown>>({ queryOptions: { filter } })) {
      out.push(toRecord(e));
    }
    return out;
  }

  private async getEntity(kind: OutboxKind, rowKey: string): Promise<Entity | null> {
    try {
      return await this.client.getEntity<Record<string, unknown>>(kind, rowKey);
    } catch (e) {
      if (statusOf(e) === 404) return null;
      throw e;
    }
  }

  /**
   * Stores an item before it is posted. A new item is created `pending`; a pending item gets the newer payload
   * (e.g. a re-run with late data); a posted, in-flight or failed item is left as it is.
   */
  async enqueue(item: DeliveryItem): Promise<Entity> {
    const { body } = item.payload;
    const partsCount = Math.ceil(body.length / PART_CHARS);
    if (partsCount > MAX_PARTS) {
      throw new Error(
        `The ${item.kind} payload for ${item.key} is ${body.length} characters: too large for the outbox (render it with a smaller cap)`,
      );
    }
    const parts: Record<string, string> = {};
    for (let i = 0; i < partsCount; i++) parts[`body${i}`] = body.slice(i * PART_CHARS, (i + 1) * PART_CHARS);
    const rowKey = this.rowKey(item.key, item.target.url);
    const payloadProps = {
      format: item.payload.format,
      contentType: item.payload.contentType,
      bodyParts: partsCount,
      bodyBytes: Buffer.byteLength(body, "utf8"),
      ...parts,
    };
    try {
      await this.client.createEntity({
        partitionKey: item.kind,
        rowKey,
        key: item.key,
        fingerprint: targetFingerprint(item.target.url),
        state: "pending",
        attempts: 0,
        lastError: "",
        createdAt: this.iso(),
        postedAt: "",
        claimId: "",
        claimedAtMs: 0,
        ...payloadProps,
      });
    } catch (e) {
      if (statusOf(e) !== 409) throw e;
      const existing = await this.getEntity(item.kind, rowKey);
      if (existing && str(existing.state) === "pending" && bodyOf(existing) !== body) {
        try {
          await this.client.updateEntity({ partitionKey: item.kind, rowKey, ...payloadProps }, "Merge", {
            etag: existing.etag,
          });
        } catch (err) {
          if (statusOf(err) !== 412) throw err; // someone else changed it meanwhile: theirs stands
        }
      }
    }
    const stored = await this.getEntity(item.kind, rowKey);
    if (!stored)
      throw new Error(`The outbox record for ${item.kind} ${item.key} vanished after it was stored`);
    return stored;
  }

  /** Claims an item for posting; null when it is posted, failed, or held by another run. */
  private async claim(e: Entity): Promise<{ etag: string; claimId: string } | null> {
    const state = str(e.state);
    if (state === "posted" || state === "failed") return null;
    if (state === "posting" && num(e.claimedAtMs) + this.leaseInMs > this.now()) return null;
    const claimId = randomUUID();
    try {
      const res = await this.client.updateEntity(
        { partitionKey: pk(e), rowKey: rk(e), state: "posting", claimId, claimedAtMs: this.now() },
        "Merge",
        { etag: e.etag },
      );
      return res.etag ? { etag: res.etag, claimId } : null;
    } catch (err) {
      if (statusOf(err) === 412) return null;
      throw err;
    }
  }

  /**
   * Posts one stored item to its target unless it was already posted or another run holds it.
   * Returns what happened, for the delivery report.
   */
  async attempt(
    e: Entity,
    target: DeliveryTarget,
    poster: Poster,
  ): Promise<
    | { outcome: "posted"; status: number }
    | { outcome: "already-posted" }
    | { outcome: "in-flight" }
    | { outcome: "failed"; attempts: number; error: string; state: OutboxState }
  > {
    if (str(e.state) === "posted") return { outcome: "already-posted" };
    if (str(e.state) === "failed") {
      return { outcome: "failed", attempts: num(e.attempts), error: str(e.lastError) ?? "", state: "failed" };
    }
    const claim = await this.claim(e);
    if (!claim) {
      const now = await this.getEntity(pk(e), rk(e));
      return now && str(now.state) === "posted" ? { outcome: "already-posted" } : { outcome: "in-flight" };
    }
    const body = bodyOf(e);
    const format = str(e.format) ?? "generic";
    const headers =
      format === "generic" && target.secret
        ? signatureHeaders(body, target.secret, Math.floor(this.now() / 1000))
        : undefined;
    const attempts = num(e.attempts) + 1;
    try {
      const res = await poster.post(target.url, {
        body,
        contentType: str(e.contentType) ?? "application/json",
        ...(headers ? { headers } : {}),
      });
      await this.finish(e, claim.etag, {
        state: "posted",
        postedAt: this.iso(),
        attempts,
        lastError: "",
        lastStatus: res.status,
      });
      return { outcome: "posted", status: res.status };
    } catch (err) {
      // Poster errors never carry the URL; anything else is reduced to its type so no secret can leak.
      const message =
        err instanceof Error && err.name === "WebhookError"
          ? err.message
          : `Posting failed (${err instanceof Error ? err.name : "unknown error"}).`;
      const state: OutboxState = attempts >= this.maxAttempts ? "failed" : "pending";
      await this.finish(e, claim.etag, { state, attempts, lastError: message, lastAttemptAt: this.iso() });
      return { outcome: "failed", attempts, error: message, state };
    }
  }

  private async finish(e: Entity, etag: string, props: Record<string, string | number>): Promise<void> {
    try {
      await this.client.updateEntity({ partitionKey: pk(e), rowKey: rk(e), ...props }, "Merge", {
        etag,
      });
    } catch (err) {
      // The claim expired and another run took the item over: record our outcome only if it is a success.
      if (statusOf(err) !== 412) throw err;
      if (props.state === "posted") {
        await this.client.updateEntity({ partitionKey: pk(e), rowKey: rk(e), ...props }, "Merge");
      }
    }
  }

  /** Stored items still to post (pending, or claimed by a run whose lease has expired). */
  async pending(): Promise<Entity[]> {
    const out: Entity[] = [];
    const iter = this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: "state eq 'pending' or state eq 'posting'" },
    });
    for await (const e of iter) {
      if (str(e.state) === "posting" && num(e.claimedAtMs) + this.leaseInMs > this.now()) continue;
      out.push(e);
    }
    return out;
  }
}

function emptyReport(): DeliveryReport {
  return { posted: [], alreadyPosted: [], inFlight: [], failed: [] };
}

function record(report: DeliveryReport, ref: OutboxRef, r: Awaited<ReturnType<Outbox["attempt"]>>): void {
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

function refOf(e: Entity): OutboxRef {
  return { kind: pk(e), key: str(e.key) ?? rk(e) };
}

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
    if (options.skip?.has(`${pk(e)}|${rk(e)}`)) continue;
    const target = byFingerprint.get(str(e.fingerprint) ?? "");
    if (!target) continue;
    record(report, refOf(e), await options.outbox.attempt(e, target, options.poster));
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
    handled.add(`${pk(e)}|${rk(e)}`);
    record(
      report,
      { kind: item.kind, key: item.key },
      await options.outbox.attempt(e, item.target, options.poster),
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
