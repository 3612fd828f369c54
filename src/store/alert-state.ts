/**
 * What the alert timer remembers between runs (Table Storage, table `PulseAlertState`):
 *
 * - the checkpoint (PartitionKey `checkpoint`, RowKey `alerts`): up to when the previous evaluation read the
 *   jobs (`evaluatedToMs`, the run time), the latest row TimeGenerated it saw, and when it ran;
 * - one record per alert key (PartitionKey `fired`, RowKey `tableKey(alertKey(rule, vault, vm))`): when that
 *   alert was last posted and for which job, so the cooldown survives restarts and the same job never pages
 *   twice.
 *
 * Two runs at once (the timer and `backup-pulse alerts`) cannot move the checkpoint backwards: it is updated
 * with an ETag condition and only ever forwards.
 */
import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import { double, num, str } from "./entity.js";
import { tableKey } from "./keys.js";
import { getEntityOrNull, MAX_TRANSACTION_ACTIONS, statusOf, type Tables } from "./tables.js";

export const ALERT_STATE_TABLE = "PulseAlertState";

const CHECKPOINT_PK = "checkpoint";
const CHECKPOINT_RK = "alerts";
const FIRED_PK = "fired";
/** getEntity calls in flight at once when reading firing records. */
const READ_CONCURRENCY = 8;

export interface AlertCheckpoint {
  /** Rows generated up to this time (epoch ms) have been evaluated: the run time of that evaluation. */
  evaluatedToMs: number;
  /** Latest TimeGenerated among the rows that evaluation read (epoch ms), null when it read none. */
  lastTimeGeneratedMs: number | null;
  /** When the evaluation ran, ISO-8601. */
  ranAt: string;
}

/** The last posting of one alert key. */
export interface FiredRecord {
  key: string;
  firedAtMs: number;
  /** The job whose alert was posted. */
  jobId: string;
  rule: string;
  vault: string;
  vm: string;
}

export type FiredInput = Omit<FiredRecord, "firedAtMs">;

type Entity = TableEntityResult<Record<string, unknown>>;

export class AlertStateStore {
  constructor(readonly client: TableClient) {}

  /** Opens the state table of a storage account, creating it when missing. */
  static async open(tables: Tables): Promise<AlertStateStore> {
    await tables.ensureTables([ALERT_STATE_TABLE]);
    return new AlertStateStore(tables.table(ALERT_STATE_TABLE));
  }

  /** Opens the state table without creating it (a dry run only reads; a missing table reads as empty). */
  static forReading(tables: Tables): AlertStateStore {
    return new AlertStateStore(tables.table(ALERT_STATE_TABLE));
  }

  private async get(partitionKey: string, rowKey: string): Promise<Entity | null> {
    return getEntityOrNull(this.client, partitionKey, rowKey); // no such entity, or no table yet
  }

  async readCheckpoint(): Promise<AlertCheckpoint | null> {
    const e = await this.get(CHECKPOINT_PK, CHECKPOINT_RK);
    return e ? checkpointOf(e) : null;
  }

  /**
   * Moves the checkpoint forward to `next`. A stored checkpoint that is already later stays (another run got
   * further). Returns the checkpoint as stored afterwards.
   */
  async advanceCheckpoint(next: AlertCheckpoint): Promise<AlertCheckpoint> {
    const props = {
      evaluatedToMs: double(next.evaluatedToMs),
      evaluatedTo: new Date(next.evaluatedToMs).toISOString(),
      lastTimeGeneratedMs: double(next.lastTimeGeneratedMs ?? -1),
      ranAt: next.ranAt,
    };
    for (let attempt = 1; ; attempt++) {
      const current = await this.get(CHECKPOINT_PK, CHECKPOINT_RK);
      const stored = current ? checkpointOf(current) : null;
      if (stored && stored.evaluatedToMs >= next.evaluatedToMs) return stored;
      try {
        if (!current) {
          await this.client.createEntity({ partitionKey: CHECKPOINT_PK, rowKey: CHECKPOINT_RK, ...props });
        } else {
          await this.client.updateEntity(
            { partitionKey: CHECKPOINT_PK, rowKey: CHECKPOINT_RK, ...props },
            "Replace",
            { etag: current.etag },
          );
        }
        return next;
      } catch (e) {
        // 409: created meanwhile; 412: changed meanwhile. Read again and decide again.
        const status = statusOf(e);
        if ((status !== 409 && status !== 412) || attempt >= 5) throw e;
      }
    }
  }

  /** The firing records of the given alert keys (keys never posted are absent from the map). */
  async readFired(keys: readonly string[]): Promise<Map<string, FiredRecord>> {
    const out = new Map<string, FiredRecord>();
    const queue = [...new Set(keys)];
    const worker = async (): Promise<void> => {
      for (let key = queue.shift(); key !== undefined; key = queue.shift()) {
        const e = await this.get(FIRED_PK, tableKey(key));
        const record = e ? firedOf(e) : null;
        if (record) out.set(key, record);
      }
    };
    await Promise.all(Array.from({ length: Math.min(READ_CONCURRENCY, queue.length) }, worker));
    return out;
  }

  /** Every firing record (for inspection and tests), oldest first. */
  async listFired(): Promise<FiredRecord[]> {
    const out: FiredRecord[] = [];
    const iter = this.client.listEntities<Record<string, unknown>>({
      queryOptions: { filter: odata`PartitionKey eq ${FIRED_PK}` },
    });
    for await (const e of iter) {
      const record = firedOf(e);
      if (record) out.push(record);
    }
    return out.sort((a, b) => a.firedAtMs - b.firedAtMs || a.key.localeCompare(b.key));
  }

  /** Records that each alert was posted at `firedAtMs` (upserts, in transactions of at most 100). */
  async recordFired(alerts: readonly FiredInput[], firedAtMs: number): Promise<void> {
    const byKey = new Map(alerts.map((a) => [tableKey(a.key), a]));
    const actions = [...byKey].map(
      ([rowKey, a]) =>
        [
          "upsert",
          {
            partitionKey: FIRED_PK,
            rowKey,
            key: a.key,
            firedAtMs: double(firedAtMs),
            firedAt: new Date(firedAtMs).toISOString(),
            jobId: a.jobId,
            rule: a.rule,
            vault: a.vault,
            vm: a.vm,
          },
          "Replace",
        ] as const,
    );
    for (let i = 0; i < actions.length; i += MAX_TRANSACTION_ACTIONS) {
      await this.client.submitTransaction(actions.slice(i, i + MAX_TRANSACTION_ACTIONS).map((a) => [...a]));
    }
  }
}

function checkpointOf(e: Entity): AlertCheckpoint | null {
  const evaluatedToMs = num(e.evaluatedToMs);
  if (evaluatedToMs === null) return null;
  const last = num(e.lastTimeGeneratedMs);
  return {
    evaluatedToMs,
    lastTimeGeneratedMs: last === null || last < 0 ? null : last,
    ranAt: str(e.ranAt) ?? "",
  };
}

function firedOf(e: Entity): FiredRecord | null {
  const firedAtMs = num(e.firedAtMs);
  if (firedAtMs === null) return null;
  return {
    key: str(e.key) ?? "",
    firedAtMs,
    jobId: str(e.jobId) ?? "",
    rule: str(e.rule) ?? "",
    vault: str(e.vault) ?? "",
    vm: str(e.vm) ?? "",
  };
}
