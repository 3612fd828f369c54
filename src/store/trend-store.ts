/**
 * The trend store in Azure Table Storage (layout version 4): per-day trends of the fleet, each vault and
 * each error code, per-job facts, per-VM state with its 90 days, a VM name index and run records. Schema and
 * example queries: docs/tables.md.
 *
 * Writes are idempotent: deterministic keys (keys.ts), upserts (Replace) in transactions of at most 100
 * actions per partition (trend-writer.ts), and the rows a re-run no longer produces are deleted
 * (trend-plan.ts), so a day always holds exactly its latest result. Entities: trend-entities.ts; reading
 * back: trend-reader.ts.
 */
import { odata, type TableEntity, type TransactionAction } from "@azure/data-tables";
import type { TokenCredential } from "@azure/core-auth";
import type { TablesTarget } from "../config.js";
import { isDate } from "../domain/days.js";
import { summariseVmDay, type VmDay } from "../domain/vm-day.js";
import { str, type Row } from "./entity.js";
import {
  keys,
  rowKeyPrefixFilter,
  RUN_PARTITION,
  SCHEMA_KEY,
  vaultKeyOf,
  SCHEMA_VERSION,
  TABLE_NAMES,
  vmKeyOf,
} from "./keys.js";
import { screenJobs, type UnstorableJob } from "./row-limits.js";
import { MAX_TRANSACTION_ACTIONS, openTables, type Tables, type TablesOptions } from "./tables.js";
import { jobFromRow, stateFromRow, type StoredVmState } from "./trend-entities.js";
import {
  planDay,
  planRun,
  planStates,
  planVault,
  planVaultTrend,
  vaultDayHash,
  type PlannedRow,
  type TouchedVm,
  type VaultDay,
  type WriteDayInput,
} from "./trend-plan.js";
import { scopesFromIndex, type ScopeWrite, type StoredScope } from "./trend-index.js";
import { mapLimit } from "./map-limit.js";
import { checkSchema, StoreLayoutError, TrendReader, UPGRADABLE_VERSION } from "./trend-reader.js";
import { applyNameChanges, upgradeNameIndex, type VmNameChange } from "./vm-names.js";
import { BatchWriter, PartitionNotEmptyError, type WriteDayResult } from "./trend-writer.js";

export { StoreLayoutError } from "./trend-reader.js";
export type { RunRecord, StoredJob, StoredVmState } from "./trend-entities.js";
export type { WriteDayResult } from "./trend-writer.js";
export type { WriteDayInput } from "./trend-plan.js";
export type { UnstorableJob } from "./row-limits.js";

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

  /**
   * Opens the store: creates its tables when missing (unless `createTables` is false) and checks the layout
   * version. A store of the layout before this one is upgraded when the store is opened for writing (its VM
   * name index rebuilt from `PulseVms`); a store of another layout is refused ({@link StoreLayoutError}), never
   * misread.
   */
  static async open(
    target: TablesTarget,
    credential?: TokenCredential,
    options: TrendStoreOptions = {},
  ): Promise<TrendStore> {
    const tables = openTables(target, credential, options);
    const writable = options.createTables !== false;
    if (writable) await tables.ensureTables(Object.values(TABLE_NAMES));
    const layout = await checkSchema(tables);
    if (layout === "upgrade") {
      if (!writable) throw new StoreLayoutError(`v${UPGRADABLE_VERSION}`, true);
      await upgradeNameIndex(tables.table(TABLE_NAMES.vms), tables.table(TABLE_NAMES.vmNames));
    }
    if (layout !== "current" && writable) {
      await tables
        .table(TABLE_NAMES.runs)
        .upsertEntity({ ...SCHEMA_KEY, version: SCHEMA_VERSION }, "Replace");
    }
    return new TrendStore(tables, options);
  }

  /**
   * Records the day VMs were first found retired (protection stopped, or gone from their vault) on their
   * `PulseVms` rows (a merge of `retiredOn`), so that the digest says so once. A VM that backs up again gets
   * its row rewritten without it. Vault partition by vault partition (several at a time), in transactions of
   * up to 100 merges.
   */
  async markRetired(
    vms: readonly { vm: string; vault: string; vmId: string | null; vaultId: string | null }[],
    date: string,
  ): Promise<void> {
    if (!isDate(date)) throw new RangeError(`"${date}" is not a date (YYYY-MM-DD)`);
    const byVault = new Map<string, Map<string, TableEntity<Row>>>();
    for (const v of vms) {
      const partitionKey = vaultKeyOf(v);
      const rowKey = vmKeyOf(v);
      const rows = byVault.get(partitionKey) ?? new Map<string, TableEntity<Row>>();
      byVault.set(partitionKey, rows.set(rowKey, { partitionKey, rowKey, retiredOn: date }));
    }
    await mapLimit([...byVault.values()], this.concurrency, async (rows) => {
      const merges = [...rows.values()].map((e): TransactionAction => ["update", e, "Merge"]);
      for (let i = 0; i < merges.length; i += MAX_TRANSACTION_ACTIONS) {
        await this.client("vms").submitTransaction(merges.slice(i, i + MAX_TRANSACTION_ACTIONS));
        this.transactionsSent += 1;
      }
    });
  }

  /**
   * Stores one day: its jobs, VM states, trends and the run record. Running it again with the same jobs
   * writes only the run record; with other jobs the day becomes exactly the new result. Days must be written
   * one after another (not concurrently), since VM states read what earlier days left.
   *
   * Vault by vault (at most `concurrency` at a time, so only their rows are in memory): the vault-day's hash
   * is compared with the one its stored `PulseTrends` row holds; when equal nothing of the vault is written.
   * Otherwise its `PulseJobs` partition is listed and replaced and its `PulseVms` rows written; the
   * changes to the `PulseVmNames` index (VMs that appeared or went) are gathered by name bucket. Then each
   * changed name bucket (one entity each), then the vaults' `PulseTrends` rows with their new
   * hashes, then the fleet and error-code rows, then the run record, which says the day was stored
   * completely. A run that fails half-way has not stored the new hashes, so the next run writes those vaults
   * again.
   */
  async writeDay(input: WriteDayInput): Promise<WriteDayResult & { unstorable: UnstorableJob[] }> {
    const { date } = input;
    if (!isDate(date)) throw new RangeError(`"${date}" is not a date (YYYY-MM-DD)`);
    // A job with a row the service would refuse is left out alone (counted in the run record).
    const { storable, unstorable } = input.screened
      ? { storable: input.jobs, unstorable: [] }
      : screenJobs(date, input.jobs);
    const day = planDay(date, storable, await this.storedScopes(date), input.complete);
    const writer = new BatchWriter(
      (role) => this.client(role),
      () => {
        this.transactionsSent += 1;
      },
    );

    const registered = await this.registeredVaults();
    let vms = 0;
    let vaults = 0;
    // Changes to the VM name index, by bucket: each bucket is written once, after the vaults.
    const names = new Map<string, VmNameChange[]>();
    const vaultRows: [string, ScopeWrite][] = [];
    await mapLimit([...day.vaults.values()], this.concurrency, async (v) => {
      if (v.jobs.length > 0) vaults += 1;
      const hash = vaultDayHash(date, v);
      const unchanged = v.stored !== null && str(v.stored.hash) === hash;
      if (unchanged) {
        vms += new Set(v.jobs.map(vmKeyOf)).size;
      } else {
        const written = await this.writeVault(writer, date, v, registered, input.onVaultStates);
        // read `vms` only after the await
        vms += written.vms;
        for (const [pk, changes] of written.names) {
          const bucket = names.get(pk);
          if (bucket) for (const c of changes) bucket.push(c);
          else names.set(pk, changes);
        }
      }
      const trend = planVaultTrend(date, v, hash, input.complete);
      if (trend) vaultRows.push([keys.vaultScope(v.vaultKey), trend]);
    });
    // The vault rows, with their hashes, only once everything they vouch for is stored; the day's index once
    // the rows it lists are; the run record last.
    await mapLimit([...names], this.concurrency, async ([bucket, changes]) => {
      if (await applyNameChanges(this.client("vmNames"), bucket, changes)) writer.count("vmNames", bucket, 1);
    });
    await writer.write("runs", keys.vaults, unregistered(day.vaults, registered));
    const scopes = [...vaultRows, ...day.scopes];
    for (const [pk, write] of scopes) await writer.write("trends", pk, [write.trend]);
    await writer.write(
      "runs",
      keys.dayIndex(date),
      scopes.map(([, write]) => write.index),
    );
    const rowsUnstorable = (input.rowsUnstorable ?? 0) + unstorable.length;
    await writer.write("runs", RUN_PARTITION, planRun({ ...input, rowsUnstorable }, day.jobs, vms, vaults));
    return { ...writer.result, unstorable };
  }

  /** The day's stored `PulseTrends` rows, from its index: one partition. */
  private async storedScopes(date: string): Promise<Map<string, StoredScope>> {
    return scopesFromIndex(await this.listRows("runs", odata`PartitionKey eq ${keys.dayIndex(date)}`));
  }

  /**
   * Writes one vault's jobs of the day and its VMs' states; gives the number of VMs with jobs and the name
   * changes to write. A partition that should hold no rows is not listed: the vault-day's `PulseJobs`
   * partition when the day's index has no row of the vault, the vault's `PulseVms` partition when the vault is
   * not registered (the index and the register are written once the rows are). Should it hold rows after all
   * (a run that stopped half-way), a row to create is found there: it is then listed and planned again.
   */
  private async writeVault(
    writer: BatchWriter,
    date: string,
    v: VaultDay,
    registered: ReadonlySet<string>,
    onVaultStates?: WriteDayInput["onVaultStates"],
  ): Promise<{ vms: number; names: Map<string, VmNameChange[]> }> {
    const partition = keys.dayVault(date, v.vaultKey);
    const vault = await this.planAndWrite(
      writer,
      "jobs",
      partition,
      v.stored === null,
      (stored) => planVault(date, v, stored),
      (plan) => plan.jobs,
    );
    // Name entries of every plan tried: rows a first try created are no longer new to the second.
    const names = new Map<string, VmNameChange[]>();
    let listed: readonly Row[] = [];
    const states = await this.planAndWrite(
      writer,
      "vms",
      v.vaultKey,
      !registered.has(v.vaultKey),
      async (stored) => {
        listed = stored;
        const plan = await this.planVaultStates(date, v.vaultKey, vault.touched, stored);
        for (const [pk, changes] of plan.names) names.set(pk, [...(names.get(pk) ?? []), ...changes]);
        return plan;
      },
      (plan) => plan.rows,
    );
    if (onVaultStates) await onVaultStates(v.vaultKey, statesAfter(listed, states.rows));
    return { vms: vault.vms, names };
  }

  /**
   * Plans a partition's rows from what it holds (listed, or nothing when `empty`) and writes them; a partition
   * assumed empty that was not is listed and planned again.
   */
  private async planAndWrite<P>(
    writer: BatchWriter,
    role: "jobs" | "vms",
    partition: string,
    empty: boolean,
    plan: (stored: readonly Row[]) => P | Promise<P>,
    rowsOf: (plan: P) => readonly PlannedRow[],
  ): Promise<P> {
    const list = (): Promise<Row[]> => this.listRows(role, odata`PartitionKey eq ${partition}`);
    if (empty) {
      const planned = await plan([]);
      try {
        await writer.write(role, partition, rowsOf(planned), true);
        return planned;
      } catch (error) {
        if (!(error instanceof PartitionNotEmptyError)) throw error;
      }
    }
    const planned = await plan(await list());
    await writer.write(role, partition, rowsOf(planned));
    return planned;
  }

  /** Plans a vault's VM states from its stored rows, reading the earlier VM days the plan asks for. */
  private async planVaultStates(
    date: string,
    vaultKey: string,
    touched: ReadonlyMap<string, TouchedVm>,
    stored: readonly Row[],
  ): Promise<{ rows: PlannedRow[]; names: Map<string, VmNameChange[]> }> {
    const known = new Map<string, Map<string, VmDay | null>>();
    for (;;) {
      const plan = planStates(date, vaultKey, touched, stored, known);
      if (plan.missing.length === 0) return plan;
      for (const m of plan.missing) {
        const days = known.get(m.vmKey) ?? new Map<string, VmDay | null>();
        known.set(m.vmKey, days);
        days.set(m.date, await this.readVmDayOf(m.date, vaultKey, m.vmKey));
      }
    }
  }

  /** One VM's day, summarised from its stored jobs (one partition, one VM's key range), or null. */
  private async readVmDayOf(date: string, vaultKey: string, vmKey: string): Promise<VmDay | null> {
    const filter = `${odata`PartitionKey eq ${keys.dayVault(date, vaultKey)}`} and ${rowKeyPrefixFilter(`${vmKey}|`)}`;
    const jobs = (await this.listRows("jobs", filter)).map(jobFromRow);
    return jobs.length > 0 ? summariseVmDay(date, jobs) : null;
  }
}

/** Register rows for the vaults of the day that `PulseVms` has no register entry for yet. */
function unregistered(vaults: ReadonlyMap<string, VaultDay>, registered: ReadonlySet<string>): PlannedRow[] {
  const fresh = [...vaults.values()].filter((v) => v.jobs.length > 0 && !registered.has(v.vaultKey));
  return fresh.map(({ vaultKey }) => ({
    rowKey: vaultKey,
    stored: false,
    make: () => ({ partitionKey: keys.vaults, rowKey: vaultKey }),
  }));
}

/** A partition's VM states after a write: its rows as listed, with the planned rows written and deleted. */
function statesAfter(listed: readonly Row[], planned: readonly PlannedRow[]): StoredVmState[] {
  const rows = new Map<string, Row>();
  for (const row of listed) rows.set(str(row.rowKey) ?? "", row);
  for (const p of planned) {
    if (p.make) rows.set(p.rowKey, p.make());
    else rows.delete(p.rowKey);
  }
  const inKeyOrder = [...rows].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return inKeyOrder.map(([, row]) => stateFromRow(row));
}
