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
 *
 * The outbox only stores: it keeps items, hands out claims and records outcomes. Posting, and the order of
 * claim → post → record, is the delivery step's (src/pipeline/deliver.ts).
 */
import { createHash, randomUUID } from "node:crypto";
import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import { num, str } from "./entity.js";
import { tableKey } from "./keys.js";
import { getEntityOrNull, statusOf, type Tables } from "./tables.js";

export const OUTBOX_TABLE = "PulseOutbox";

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

/** The outbox writes "" for a value not known yet (no error, not posted). */
const stored = (v: unknown): string | null => (str(v) === "" ? null : str(v));
const kindOf = (e: Entity): OutboxKind => (e.partitionKey === "alert" ? "alert" : "digest");
const stateOf = (e: Entity): OutboxState => (stored(e.state) ?? "pending") as OutboxState;

function toRecord(e: Entity): OutboxRecord {
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
  };
}

function bodyOf(e: Entity): string {
  const parts = num(e.bodyParts) ?? 0;
  let out = "";
  for (let i = 0; i < parts; i++) out += str(e[`body${i}`]) ?? "";
  return out;
}

function toEntry(e: Entity): OutboxEntry {
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
    etag: e.etag,
  };
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
    const e = await getEntityOrNull(this.client, kind, this.rowKey(key, url));
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

  /** An entry as stored now (e.g. to see whether the run holding it has posted it), or null. */
  async reread(entry: OutboxEntry): Promise<OutboxEntry | null> {
    const e = await getEntityOrNull(this.client, entry.kind, entry.rowKey);
    return e ? toEntry(e) : null;
  }

  /**
   * Stores an item before it is posted. A new item is created `pending`; a pending item gets the newer payload
   * (e.g. a re-run with late data); a posted, in-flight or failed item is left as it is.
   */
  async enqueue(item: OutboxItem): Promise<OutboxEntry> {
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
      const existing = await getEntityOrNull(this.client, item.kind, rowKey);
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
    const e = await getEntityOrNull(this.client, item.kind, rowKey);
    if (!e) throw new Error(`The outbox record for ${item.kind} ${item.key} vanished after it was stored`);
    return toEntry(e);
  }

  /** True while another run's claim on the entry holds. */
  private held(entry: OutboxEntry): boolean {
    return entry.state === "posting" && entry.claimedAtMs + this.leaseInMs > this.now();
  }

  /**
   * Claims an entry for posting (state `posting`, conditional on the entry's ETag); null when it is posted,
   * failed, held by another run, or changed since it was read.
   */
  async claim(entry: OutboxEntry): Promise<Claim | null> {
    if (entry.state === "posted" || entry.state === "failed" || this.held(entry)) return null;
    const claimId = randomUUID();
    const atMs = this.now();
    try {
      const res = await this.client.updateEntity(
        { partitionKey: entry.kind, rowKey: entry.rowKey, state: "posting", claimId, claimedAtMs: atMs },
        "Merge",
        { etag: entry.etag },
      );
      return res.etag ? { etag: res.etag, claimId, atMs } : null;
    } catch (err) {
      if (statusOf(err) === 412) return null;
      throw err;
    }
  }

  /** Records that the claimed entry was posted (the webhook answered `status`). */
  async recordPosted(entry: OutboxEntry, claim: Claim, status: number): Promise<void> {
    await this.finish(entry, claim, {
      state: "posted",
      postedAt: this.iso(),
      attempts: entry.attempts + 1,
      lastError: "",
      lastStatus: status,
    });
  }

  /**
   * Records a failed post of the claimed entry: left `pending` for the next run, or `failed` once it has
   * used up its attempts. `error` must hold no secret.
   */
  async recordFailure(
    entry: OutboxEntry,
    claim: Claim,
    error: string,
  ): Promise<{ attempts: number; state: OutboxState }> {
    const attempts = entry.attempts + 1;
    const state: OutboxState = attempts >= this.maxAttempts ? "failed" : "pending";
    await this.finish(entry, claim, { state, attempts, lastError: error, lastAttemptAt: this.iso() });
    return { attempts, state };
  }

  private async finish(
    entry: OutboxEntry,
    claim: Claim,
    props: Record<string, string | number>,
  ): Promise<void> {
    const update = { partitionKey: entry.kind, rowKey: entry.rowKey, ...props };
    try {
      await this.client.updateEntity(update, "Merge", { etag: claim.etag });
    } catch (err) {
      // The claim expired and another run took the item over: record our outcome only if it is a success.
      if (statusOf(err) !== 412) throw err;
      if (props.state === "posted") await this.client.updateEntity(update, "Merge");
    }
  }

  /** Stored items still to post (pending, or claimed by a run whose lease has expired). */
  async pending(): Promise<OutboxEntry[]> {
    const out: OutboxEntry[] = [];
    const iter = this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: "state eq 'pending' or state eq 'posting'" },
    });
    for await (const e of iter) {
      const entry = toEntry(e);
      if (!this.held(entry)) out.push(entry);
    }
    return out;
  }
}
