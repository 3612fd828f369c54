/**
 * The trend store in Azure Table Storage: per-day aggregates, per-VM days, per-job facts, per-VM state and
 * run records. Schema and example queries: docs/tables.md.
 *
 * Writes are idempotent: deterministic keys (keys.ts), upserts (Replace) in transactions of at most 100
 * actions per partition (trend-writer.ts), and the rows a re-run no longer produces are deleted
 * (trend-plan.ts), so a day always holds exactly its latest result. Entities: trend-entities.ts; reading
 * back: trend-reader.ts.
 */
import { odata } from "@azure/data-tables";
import type { TokenCredential } from "@azure/core-auth";
import type { TablesTarget } from "../config.js";
import { isDate } from "../domain/days.js";
import type { VmDay } from "../domain/vm-day.js";
import { dayVaultPartition, RUN_PARTITION, TABLE_NAMES } from "./keys.js";
import { openTables, type Tables, type TablesOptions } from "./tables.js";
import {
  planDay,
  planRun,
  planStates,
  planVault,
  type PlannedRow,
  type TouchedVm,
  type WriteDayInput,
} from "./trend-plan.js";
import { TrendReader } from "./trend-reader.js";
import { BatchWriter, type WriteDayResult } from "./trend-writer.js";

export { TABLE_NAMES } from "./keys.js";
export type { RunRecord, StoredJob } from "./trend-entities.js";
export type { WriteDayResult } from "./trend-writer.js";

export interface TrendStoreOptions extends TablesOptions {
  /** Create missing tables on open (default true). Readers pass false: they need no write permission. */
  createTables?: boolean;
  /** Vaults written at the same time, each one transaction at a time (default 8). */
  concurrency?: number;
}

export class TrendStore extends TrendReader {
  /** Transactions sent since the store was opened (for benchmarks). */
  transactionsSent = 0;
  private readonly concurrency: number;

  private constructor(tables: Tables, options: TrendStoreOptions) {
    super(tables);
    this.concurrency = Math.max(1, options.concurrency ?? 8);
  }

  /** Opens the store and creates its tables when missing. */
  static async open(
    target: TablesTarget,
    credential?: TokenCredential,
    options: TrendStoreOptions = {},
  ): Promise<TrendStore> {
    const tables = openTables(target, credential, options);
    if (options.createTables !== false) await tables.ensureTables(Object.values(TABLE_NAMES));
    return new TrendStore(tables, options);
  }

  /**
   * Stores one UTC day: aggregates, VM days, job facts, VM states and the run record. Running it again
   * with the same jobs changes nothing; with other jobs the day becomes exactly the new result. Days must
   * be written one after another (not concurrently), since VM states read what earlier days left.
   *
   * Order, so that a run that fails half-way leaves nothing the next run cannot find:
   * 1. the day's aggregates (`PulseDaily`), new and changed rows only. Its `vault:` rows thereby name
   *    every vault that has rows of the day in `PulseJobs` and `PulseVmDaily`;
   * 2. vault by vault (at most `concurrency` at a time, so only their rows are in memory): the vault's jobs,
   *    VM days and VM states, each partition listed and then replaced (rows that did not change are not
   *    written again);
   * 3. the aggregates the day no longer has (e.g. a vault's row, once its partitions are emptied);
   * 4. the run record, which says the day was stored completely.
   */
  async writeDay(input: WriteDayInput): Promise<WriteDayResult> {
    const { date } = input;
    if (!isDate(date)) throw new RangeError(`"${date}" is not a date (YYYY-MM-DD)`);
    const day = planDay(date, input.jobs, await this.listRows("daily", odata`PartitionKey eq ${date}`));
    const writer = new BatchWriter(
      (role) => this.client(role),
      () => {
        this.transactionsSent += 1;
      },
    );

    await writer.write("daily", date, day.dailyWrites);
    let vms = 0;
    await mapLimit([...day.vaults], this.concurrency, async ([vaultKey, v]) => {
      const partition = dayVaultPartition(date, vaultKey);
      const [storedJobs, storedVmDays] = v.stored
        ? await Promise.all([
            this.listRows("jobs", odata`PartitionKey eq ${partition}`),
            this.listRows("vmDaily", odata`PartitionKey eq ${partition}`),
          ])
        : [[], []];
      const vault = planVault(date, v.jobs, storedJobs, storedVmDays);
      vms += vault.vms;
      await writer.write("jobs", partition, vault.jobs);
      await writer.write("vmDaily", partition, vault.vmDays);
      await writer.write("vmState", vaultKey, await this.planVaultStates(date, vaultKey, vault.touched));
    });
    await writer.write("daily", date, day.dailyDeletes);
    await writer.write("runs", RUN_PARTITION, planRun(input, day.jobs, vms));
    return writer.result;
  }

  /** Plans a vault's VM states, reading the earlier VM days the plan asks for. */
  private async planVaultStates(
    date: string,
    vaultKey: string,
    touched: ReadonlyMap<string, TouchedVm>,
  ): Promise<PlannedRow[]> {
    const stored = await this.listRows("vmState", odata`PartitionKey eq ${vaultKey}`);
    const known = new Map<string, Map<string, VmDay | null>>();
    for (;;) {
      const plan = planStates(date, vaultKey, touched, stored, known);
      if (plan.missing.length === 0) return plan.rows;
      for (const m of plan.missing) {
        const days = known.get(m.vmKey) ?? new Map<string, VmDay | null>();
        known.set(m.vmKey, days);
        days.set(m.date, await this.readVmDay(m.date, m.vm, m.vault));
      }
    }
  }
}

/** Runs `fn` over `items` with at most `limit` at a time; after a failure no new item starts, and the first failure is thrown once the running ones settle. */
async function mapLimit<T>(
  items: readonly T[],
  limit: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  let failure: { error: unknown } | null = null;
  const worker = async (): Promise<void> => {
    while (next < items.length && !failure) {
      const item = items[next++] as T;
      try {
        await fn(item);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  if (failure) throw (failure as { error: unknown }).error;
}
