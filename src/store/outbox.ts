/**
 * The delivery outbox (Table Storage, table `PulseOutbox`): a digest or alert is stored before it is posted,
 * posted once per target, left `pending` with its attempt count, last error and next attempt time when the
 * webhook fails, and retried with growing pauses (see {@link retryDelayMs}). It is given up (`failed`) only
 * once it has failed `maxAttempts` times over at least `retryForMs` (a day by default); given-up items keep
 * when and why, so the next digest and `backup-pulse doctor` can name them. A `posted` record always wins,
 * so a re-run never posts a second digest.
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
import { randomUUID } from "node:crypto";
import { odata, type TableClient } from "@azure/data-tables";
import { str } from "./entity.js";
import { tableKey } from "./keys.js";
import {
  bodyOf,
  DEFAULT_RETRY_FOR_MS,
  MAX_PARTS,
  PART_CHARS,
  RECORD_COLUMNS,
  retryDelayMs,
  targetFingerprint,
  toEntry,
  toRecord,
  type Claim,
  type OutboxEntry,
  type OutboxItem,
  type OutboxKind,
  type OutboxOptions,
  type OutboxRecord,
  type OutboxState,
} from "./outbox-records.js";
import { getEntityOrNull, statusOf, type Tables } from "./tables.js";

export {
  retryDelayMs,
  targetFingerprint,
  type OutboxEntry,
  type OutboxItem,
  type OutboxKind,
  type OutboxOptions,
  type OutboxRecord,
  type OutboxState,
} from "./outbox-records.js";

export const OUTBOX_TABLE = "PulseOutbox";

/** The columns of an item that has not failed yet. */
const FRESH_START = {
  state: "pending",
  attempts: 0,
  lastError: "",
  firstFailedAt: "",
  nextAttemptAtMs: 0,
  givenUpAt: "",
};

export class Outbox {
  private readonly leaseInMs: number;
  private readonly maxAttempts: number;
  private readonly retryForMs: number;
  readonly now: () => number;

  constructor(
    readonly client: TableClient,
    options: OutboxOptions = {},
  ) {
    this.leaseInMs = options.leaseInMs ?? 5 * 60_000;
    this.maxAttempts = options.maxAttempts ?? 10;
    this.retryForMs = options.retryForMs ?? DEFAULT_RETRY_FOR_MS;
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
   * (e.g. a re-run with late data); a given-up (`failed`) item delivered again (a re-run of its day) starts a
   * new round of attempts with the new payload; a posted or in-flight item is left as it is.
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
        ...FRESH_START,
        createdAt: this.iso(),
        postedAt: "",
        claimId: "",
        claimedAtMs: 0,
        summary: item.summary ?? "",
        ...payloadProps,
      });
    } catch (e) {
      if (statusOf(e) !== 409) throw e;
      const existing = await getEntityOrNull(this.client, item.kind, rowKey);
      const state = existing ? str(existing.state) : null;
      const update =
        state === "failed"
          ? { ...payloadProps, ...FRESH_START } // delivered again on purpose: a new round of attempts
          : state === "pending" && existing && bodyOf(existing) !== body
            ? payloadProps
            : null;
      if (existing && update) {
        try {
          await this.client.updateEntity({ partitionKey: item.kind, rowKey, ...update }, "Merge", {
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
   * Records a failed post of the claimed entry: left `pending` with the time of its next attempt, or `failed`
   * (given up) once it has failed `maxAttempts` times over at least `retryForMs`. `error` must hold no secret.
   */
  async recordFailure(
    entry: OutboxEntry,
    claim: Claim,
    error: string,
  ): Promise<{ attempts: number; state: OutboxState }> {
    const attempts = entry.attempts + 1;
    const nowMs = this.now();
    const firstFailedAt = entry.firstFailedAt ?? new Date(nowMs).toISOString();
    const givenUp = attempts >= this.maxAttempts && nowMs - Date.parse(firstFailedAt) >= this.retryForMs;
    await this.finish(entry, claim, {
      state: givenUp ? "failed" : "pending",
      attempts,
      lastError: error,
      lastAttemptAt: new Date(nowMs).toISOString(),
      firstFailedAt,
      nextAttemptAtMs: givenUp ? 0 : nowMs + retryDelayMs(attempts),
      givenUpAt: givenUp ? new Date(nowMs).toISOString() : "",
    });
    return { attempts, state: givenUp ? "failed" : "pending" };
  }

  /** True when the entry may be posted now: its pause after a failed post is over. */
  due(entry: OutboxEntry): boolean {
    return entry.nextAttemptAtMs <= this.now();
  }

  /** The given-up items (state `failed`), without their payloads. */
  async givenUp(): Promise<OutboxRecord[]> {
    return this.records("state eq 'failed'");
  }

  /** True when the outbox holds a digest of a day before `date` for the target `url` (in any state). */
  async hasEarlierDigest(date: string, url: URL | string): Promise<boolean> {
    const fingerprint = targetFingerprint(url);
    const iter = this.client.listEntities<Record<string, unknown>>({
      queryOptions: {
        filter: odata`PartitionKey eq 'digest' and fingerprint eq ${fingerprint} and key lt ${date}`,
        select: ["key"],
      },
    });
    for await (const _ of iter) return true;
    return false;
  }

  /** When the latest digest was posted (ISO-8601), or null when none was. */
  async lastDigestPostedAt(): Promise<string | null> {
    let last: string | null = null;
    for (const r of await this.records("PartitionKey eq 'digest' and state eq 'posted'"))
      if (r.postedAt && (last === null || r.postedAt > last)) last = r.postedAt;
    return last;
  }

  private async records(filter: string): Promise<OutboxRecord[]> {
    const out: OutboxRecord[] = [];
    const iter = this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter, select: RECORD_COLUMNS },
    });
    for await (const e of iter) out.push(toRecord(e));
    return out;
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
