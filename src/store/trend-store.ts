/**
 * The trend store in Azure Table Storage: per-day aggregates, per-VM days, per-job facts, per-VM state and
 * run records. Schema and example queries: docs/tables.md.
 *
 * Writes are idempotent: deterministic keys, upserts (Replace) in transactions of at most 100 actions per
 * partition, and the rows a re-run no longer produces are deleted, so a day always holds exactly its latest
 * result. Counts are stored as Int32 (durations as Double) and read back as plain numbers.
 *
 * The per-VM and per-job tables of a day are split by vault (PartitionKey `<date>|<vault>`): a partition
 * then holds one vault's day (about a thousand rows at most), which Table Storage writes and looks up
 * quickly, while a day across the fleet is still one PartitionKey range (`<date>|` up to `<date>}`).
 */
import {
  odata,
  RestError,
  type TableClient,
  type TableEntity,
  type TransactionAction,
} from "@azure/data-tables";
import type { TokenCredential } from "@azure/core-auth";
import type { TablesTarget } from "../config.js";
import type {
  ClassifiedJob,
  Consistency,
  ConsistencySource,
  DailyTrend,
  ErrorCategory,
  ExpectedConsistency,
  JobStatus,
  OsType,
} from "../domain/model.js";
import {
  addTrend,
  buildDailyTrends,
  daysBetween,
  emptyTrend,
  isDate,
  nameKey,
  nextVmState,
  summariseVmDays,
  TREND_COUNTERS,
  type DayMark,
  type ScopedTrend,
  type VmDay,
  type VmState,
} from "../domain/trends.js";
import { openTables, tableKey, type Tables, type TablesOptions } from "./tables.js";

export const TABLE_NAMES = {
  daily: "PulseDaily",
  vmDaily: "PulseVmDaily",
  jobs: "PulseJobs",
  vmState: "PulseVmState",
  runs: "PulseRuns",
} as const;
type TableRole = keyof typeof TABLE_NAMES;

const RUN_PARTITION = "run";
/** RowKey prefix of a vault's row in `PulseDaily`. */
const VAULT_SCOPE = "vault:";
const MAX_ACTIONS = 100;

/** A classified job with the facts only the reader knows (where it came from, how long it ran). */
export type StoredJob = ClassifiedJob & { workspaceId?: string | null; durationSec?: number | null };

export interface WorkspaceOutcome {
  workspaceId: string;
  ok: boolean;
}

export interface WriteDayInput {
  date: string;
  /** Every job that started on `date` (UTC): the day is replaced by exactly these. */
  jobs: readonly StoredJob[];
  /** False when some workspace failed or a result was partial. */
  complete: boolean;
  workspaces: readonly WorkspaceOutcome[];
  /** When the run happened (default: now). */
  runAt?: Date;
  /** Rows the run's read could not read (rejected), kept in the run record. */
  rowsRejected?: number;
}

export interface WriteDayResult {
  transactions: number;
  /** Entities upserted or deleted. */
  entities: number;
  /** Transactions per table (by base name, e.g. `PulseJobs`). */
  transactionsByTable: Record<string, number>;
  /** Entities upserted or deleted per table (by base name). */
  entitiesByTable: Record<string, number>;
  /**
   * Partitions written (table and PartitionKey). Each gets ceil(its entities / 100) transactions (the
   * day's `PulseDaily` partition one more when a re-run also removes some of its rows).
   */
  partitions: number;
}

export interface RunRecord {
  date: string;
  complete: boolean;
  runAt: string;
  jobs: number;
  vaults: number;
  vms: number;
  failed: number;
  degraded: number;
  workspacesOk: number;
  workspacesFailed: number;
  /** IDs of the workspaces that failed. */
  failedWorkspaceIds: string[];
  /** IDs of every workspace queried (empty for records written before this was kept). */
  workspaceIds: string[];
  /** Rows the run's read could not read (rejected), over its whole window. */
  rowsRejected: number;
}

export interface TrendQuery {
  from: string;
  to: string;
  vault?: string;
  vm?: string;
  code?: string;
}

export interface TrendStoreOptions extends TablesOptions {
  /** Create missing tables on open (default true). Readers pass false: they need no write permission. */
  createTables?: boolean;
  /** Vaults written at the same time, each one transaction at a time (default 8). */
  concurrency?: number;
}

type Row = Record<string, unknown>;
type Action = TransactionAction;

/** Row keys. Names are case-insensitive in Azure: keys are lower case, display names are columns. */
const keys = {
  /** PartitionKey of a vault's day in `PulseVmDaily` and `PulseJobs`. */
  dayVault: (date: string, vault: string) => `${date}|${tableKey(nameKey(vault))}`,
  scope: (kind: "vault" | "code", name: string) =>
    `${kind === "vault" ? VAULT_SCOPE : "code:"}${tableKey(nameKey(name))}`,
  vmPrefix: (vm: string) => `${tableKey(nameKey(vm))}|`,
  vmDay: (vm: string, vault: string) => `${tableKey(nameKey(vm))}|${tableKey(nameKey(vault))}`,
  job: (j: ClassifiedJob) =>
    `${tableKey(nameKey(j.vault))}|${tableKey(nameKey(j.vm))}|${tableKey(j.jobId.trim().toLowerCase())}`,
  vault: (vault: string) => tableKey(nameKey(vault)),
  vm: (vm: string) => tableKey(nameKey(vm)),
};

export class TrendStore {
  /** Transactions sent since the store was opened (for benchmarks). */
  transactionsSent = 0;
  private readonly concurrency: number;

  private constructor(
    private readonly tables: Tables,
    options: TrendStoreOptions,
  ) {
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

  private client(role: TableRole): TableClient {
    return this.tables.table(TABLE_NAMES[role]);
  }

  // -------------------------------------------------------------------------------------------- writing

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
    const jobs = latestPerJobId(input.jobs);
    const trends = buildDailyTrends(date, jobs, { vms: false });
    const oldDaily = byRowKey(await this.listRows("daily", odata`PartitionKey eq ${date}`));

    // The day by vault: the vaults with jobs now, and those with rows stored before (to be replaced).
    const vaults = new Map<string, { jobs: StoredJob[]; stored: boolean }>();
    for (const rowKey of oldDaily.keys()) {
      if (rowKey.startsWith(VAULT_SCOPE))
        vaults.set(rowKey.slice(VAULT_SCOPE.length), { jobs: [], stored: true });
    }
    for (const j of jobs) {
      const vk = keys.vault(j.vault);
      const v = vaults.get(vk);
      if (v) v.jobs.push(j);
      else vaults.set(vk, { jobs: [j], stored: false });
    }

    const written = new Set<string>();
    const result: WriteDayResult = {
      transactions: 0,
      entities: 0,
      transactionsByTable: {},
      entitiesByTable: {},
      partitions: 0,
    };
    const write = async (role: TableRole, partition: string, plan: readonly PlannedRow[]): Promise<void> => {
      if (plan.length === 0) return;
      written.add(`${role}/${partition}`);
      result.partitions = written.size;
      await this.writePartition(role, partition, plan, result);
    };

    const daily = planRows(trends, dailyRowKey, (t) => dailyRow(date, t), oldDaily);
    await write(
      "daily",
      date,
      daily.filter((p) => p.make !== null),
    );
    let vms = 0;
    await mapLimit([...vaults], this.concurrency, async ([vk, v]) => {
      const vmDays = summariseVmDays(date, v.jobs);
      vms += vmDays.length;
      const dayPartition = `${date}|${vk}`;
      const [oldJobs, oldVmDays] = v.stored
        ? await Promise.all([
            this.listRows("jobs", odata`PartitionKey eq ${dayPartition}`),
            this.listRows("vmDaily", odata`PartitionKey eq ${dayPartition}`),
          ])
        : [[], []];
      await write(
        "jobs",
        dayPartition,
        planRows(v.jobs, keys.job, (j) => jobRow(date, j), byRowKey(oldJobs)),
      );
      const vmDayKey = (d: VmDay): string => keys.vmDay(d.vm, d.vault);
      await write("vmDaily", dayPartition, planRows(vmDays, vmDayKey, vmDayRow, byRowKey(oldVmDays)));
      // VMs whose state the day changes: those with jobs now, and those that had jobs before a re-run.
      const touched = new Map<string, TouchedVm>();
      for (const row of oldVmDays) {
        const vm = str(row.vm) ?? "";
        touched.set(keys.vm(vm), { vm, vault: str(row.vault) ?? "", day: null });
      }
      for (const d of vmDays) touched.set(keys.vm(d.vm), { vm: d.vm, vault: d.vault, day: d });
      await write("vmState", vk, await this.planStates(date, vk, touched));
    });
    await write(
      "daily",
      date,
      daily.filter((p) => p.make === null),
    );

    const run = runRow(input, jobs, vms);
    await write("runs", RUN_PARTITION, [{ rowKey: date, stored: null, make: () => run }]);
    return result;
  }

  /** The new states of a vault's touched VMs: writes of changed states, deletes of states nothing is left of. */
  private async planStates(
    date: string,
    vaultKey: string,
    touched: ReadonlyMap<string, TouchedVm>,
  ): Promise<PlannedRow[]> {
    const stored = byRowKey(await this.listRows("vmState", odata`PartitionKey eq ${vaultKey}`));
    const plan: PlannedRow[] = [];
    for (const [rowKey, t] of touched) {
      const prevRow = stored.get(rowKey);
      const prev = prevRow ? stateFromRow(prevRow) : null;
      let step = nextVmState(prev, date, t.day, t);
      if (step.missing) {
        const lookup = new Map<string, VmDay | null>();
        for (const d of step.missing) lookup.set(d, await this.readVmDay(d, t.vm, t.vault));
        step = nextVmState(prev, date, t.day, t, lookup);
      }
      if (step.state) {
        const row: Row = { partitionKey: vaultKey, rowKey, ...stateColumns(step.state) };
        if (!prevRow || !sameEntity(row, prevRow))
          plan.push({ rowKey, stored: prevRow !== undefined, make: () => row });
      } else if (prevRow) {
        plan.push({ rowKey, stored: true, make: null });
      }
    }
    return plan;
  }

  private async readVmDay(date: string, vm: string, vault: string): Promise<VmDay | null> {
    const row = await this.getRow("vmDaily", keys.dayVault(date, vault), keys.vmDay(vm, vault));
    return row ? vmDayFromRow(row) : null;
  }

  /**
   * Sends one partition's rows in transactions of at most 100, one after another. Each transaction's
   * entities are built just before it is sent.
   */
  private async writePartition(
    role: TableRole,
    partition: string,
    plan: readonly PlannedRow[],
    result: WriteDayResult,
  ): Promise<void> {
    if (plan.length === 0) return;
    for (let i = 0; i < plan.length; i += MAX_ACTIONS) {
      const actions = plan
        .slice(i, i + MAX_ACTIONS)
        .map((p): Action =>
          p.make
            ? writeAction(p.make(), p.stored)
            : ["delete", { partitionKey: partition, rowKey: p.rowKey }],
        );
      await this.submit(role, partition, actions, result);
    }
  }

  /**
   * One transaction. Creates and updates are chosen from the rows listed before writing; when the partition
   * changed in between (another run wrote the same day), the transaction fails as a whole and is sent once
   * more as upserts, with the deletes made one by one (a row already gone is fine).
   */
  private async submit(
    role: TableRole,
    partition: string,
    actions: Action[],
    result: WriteDayResult,
  ): Promise<void> {
    const client = this.client(role);
    const count = (): void => {
      this.transactionsSent += 1;
      result.transactions += 1;
      const name = TABLE_NAMES[role];
      result.transactionsByTable[name] = (result.transactionsByTable[name] ?? 0) + 1;
    };
    try {
      try {
        await client.submitTransaction(actions);
        count();
      } catch (error) {
        if (!isConflict(error)) throw error;
        count();
        const upserts = actions.flatMap((a): Action[] =>
          a[0] === "delete" ? [] : [["upsert", a[1] as TableEntity<Row>, "Replace"]],
        );
        if (upserts.length > 0) {
          await client.submitTransaction(upserts);
          count();
        }
        for (const a of actions) {
          if (a[0] !== "delete") continue;
          try {
            await client.deleteEntity(a[1].partitionKey, a[1].rowKey);
          } catch (e) {
            if (!isNotFound(e)) throw e;
          }
        }
      }
    } catch (error) {
      throw new Error(
        `Storing ${actions.length} rows of ${TABLE_NAMES[role]} (partition ${partition}) failed: ${describe(error)}`,
        { cause: error },
      );
    }
    result.entities += actions.length;
    const name = TABLE_NAMES[role];
    result.entitiesByTable[name] = (result.entitiesByTable[name] ?? 0) + actions.length;
  }

  // -------------------------------------------------------------------------------------------- reading

  /**
   * Daily trends from `from` to `to` (inclusive), oldest first. Scope: `all`, or one vault, VM (optionally
   * within a vault) or error code. Days with a stored run but nothing for the scope give zero counts;
   * days without a stored run are left out (no data is not zero).
   */
  async readTrends(query: TrendQuery): Promise<DailyTrend[]> {
    const { from, to } = query;
    if (!isDate(from) || !isDate(to)) throw new RangeError("from and to must be dates (YYYY-MM-DD)");
    if (daysBetween(from, to) < 0) throw new RangeError(`from (${from}) is after to (${to})`);

    const runDays = (
      await this.listRows(
        "runs",
        odata`PartitionKey eq ${RUN_PARTITION} and RowKey ge ${from} and RowKey le ${to}`,
        ["RowKey"],
      )
    ).map((r) => str(r.rowKey) ?? "");

    const byDate = new Map<string, DailyTrend>();
    let scope: string;
    if (query.vm !== undefined) {
      scope = `vm:${query.vm.trim()}`;
      const days = odata`PartitionKey ge ${`${from}|`} and PartitionKey lt ${`${to}}`}`;
      const filter =
        query.vault !== undefined
          ? `${days} and ${odata`RowKey eq ${keys.vmDay(query.vm, query.vault)}`}`
          : `${days} and ${rowKeyPrefixFilter(keys.vmPrefix(query.vm))}`;
      for (const row of await this.listRows("vmDaily", filter)) {
        const date = dateOfPartition(row.partitionKey);
        const t = trendFromRow(date, `vm:${str(row.vm) ?? query.vm}`, row);
        const seen = byDate.get(date);
        if (seen) addTrend(seen, t);
        else byDate.set(date, t);
        scope = t.scope;
      }
    } else {
      let rowKey = "all";
      scope = "all";
      if (query.vault !== undefined) {
        rowKey = keys.scope("vault", query.vault);
        scope = `vault:${query.vault.trim()}`;
      } else if (query.code !== undefined) {
        rowKey = keys.scope("code", query.code);
        scope = `code:${query.code.trim()}`;
      }
      const filter = odata`PartitionKey ge ${from} and PartitionKey le ${to} and RowKey eq ${rowKey}`;
      for (const row of await this.listRows("daily", filter)) {
        const t = trendFromRow(str(row.partitionKey) ?? "", str(row.scope) ?? scope, row);
        byDate.set(t.date, t);
        scope = t.scope;
      }
    }
    for (const d of runDays) if (!byDate.has(d)) byDate.set(d, emptyTrend(d, scope));
    return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  /** The stored jobs of one day, vault by vault, then by VM and job ID. */
  async readDayJobs(date: string): Promise<StoredJob[]> {
    return (await this.listRows("jobs", dayRangeFilter(date))).map(jobFromRow);
  }

  /**
   * The jobs of one day whose consistency was observed on their recovery point: job ID → consistency (and
   * status, so a job that changed since is looked up again). Lets a re-read skip look-ups already made.
   */
  async readObservedJobs(
    date: string,
  ): Promise<Map<string, { consistency: Consistency; status: JobStatus }>> {
    const filter = `${dayRangeFilter(date)} and ${odata`consistencySource eq ${"observed"}`}`;
    const rows = await this.listRows("jobs", filter, ["jobId", "consistency", "status"]);
    return new Map(
      rows.map((r) => [
        str(r.jobId) ?? "",
        {
          consistency: oneOf(r.consistency, CONSISTENCIES, "unknown"),
          status: oneOf(r.status, STATUSES, "Failed"),
        },
      ]),
    );
  }

  /** The stored VM days of one day (one per VM and vault), vault by vault. */
  async readVmDays(date: string): Promise<VmDay[]> {
    return (await this.listRows("vmDaily", dayRangeFilter(date))).map(vmDayFromRow);
  }

  /** Every VM's state, vault by vault. */
  async *readVmStates(): AsyncIterable<VmState> {
    try {
      for await (const row of this.client("vmState").listEntities<Row>()) yield stateFromRow(row);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** One VM's state (one point read), or null when the VM is unknown. */
  async readVmState(vm: string, vault: string): Promise<VmState | null> {
    const row = await this.getRow("vmState", keys.vault(vault), keys.vm(vm));
    return row ? stateFromRow(row) : null;
  }

  /** The run record of a day, or null when the day was never stored. */
  async readRun(date: string): Promise<RunRecord | null> {
    const row = await this.getRow("runs", RUN_PARTITION, date);
    return row ? runFromRow(row) : null;
  }

  private async listRows(role: TableRole, filter: string, select?: string[]): Promise<Row[]> {
    const rows: Row[] = [];
    const queryOptions = select ? { filter, select } : { filter };
    try {
      for await (const row of this.client(role).listEntities<Row>({ queryOptions })) rows.push(row);
    } catch (error) {
      if (isNotFound(error)) return []; // opened without creating tables: nothing stored yet
      throw error;
    }
    return rows;
  }

  private async getRow(role: TableRole, partitionKey: string, rowKey: string): Promise<Row | null> {
    try {
      return await this.client(role).getEntity<Row>(partitionKey, rowKey);
    } catch (error) {
      if (isNotFound(error)) return null;
      throw error;
    }
  }
}

/** 404: no such table (opened without creating tables) or no such row. */
function isNotFound(error: unknown): boolean {
  return error instanceof RestError && error.statusCode === 404;
}

/**
 * Every partition of one day in the tables keyed `<date>|<vault>`: from `<date>|` up to, not including,
 * `<date>}` (`}` follows `|` in code-point order, and a vault key never holds a raw `|`).
 */
function dayRangeFilter(date: string): string {
  return odata`PartitionKey ge ${`${date}|`} and PartitionKey lt ${`${date}}`}`;
}

/** `RowKey` starting with `prefix`, which ends in the `|` separator. */
function rowKeyPrefixFilter(prefix: string): string {
  const end = `${prefix.slice(0, -1)}}`;
  return odata`RowKey ge ${prefix} and RowKey lt ${end}`;
}

/** The day of a `<date>|<vault>` (or plain `<date>`) PartitionKey. */
function dateOfPartition(partitionKey: unknown): string {
  const pk = str(partitionKey) ?? "";
  const bar = pk.indexOf("|");
  return bar < 0 ? pk : pk.slice(0, bar);
}

// ------------------------------------------------------------------------------------------------ batches

/**
 * One row of a partition to write: `make` builds its entity (when its transaction is sent), or is null to
 * delete the stored row. `stored` says whether the row was found stored when the partition was listed
 * (null: not listed).
 */
interface PlannedRow {
  rowKey: string;
  stored: boolean | null;
  make: (() => Row) | null;
}

interface TouchedVm {
  vm: string;
  vault: string;
  day: VmDay | null;
}

/**
 * Writing a whole row: an insert for a row known not to be stored, a replace for one known to be stored,
 * an upsert when that was not looked up. (An upsert does either; saying which spares the service a
 * look-up. Table Storage bills them alike.)
 */
function writeAction(row: Row, stored: boolean | null): Action {
  const entity = row as TableEntity<Row>;
  if (stored === null) return ["upsert", entity, "Replace"];
  return stored ? ["update", entity, "Replace"] : ["create", entity];
}

/**
 * Replaces one partition: `items` written (as `toRow` makes them) where they are new or differ from the
 * `stored` rows, plus deletes of the stored rows the items no longer have.
 */
function planRows<T>(
  items: readonly T[],
  rowKeyOf: (item: T) => string,
  toRow: (item: T) => Row,
  stored: ReadonlyMap<string, Row>,
): PlannedRow[] {
  const plan: PlannedRow[] = [];
  const fresh = new Set<string>();
  for (const item of items) {
    const rowKey = rowKeyOf(item);
    fresh.add(rowKey);
    const old = stored.get(rowKey);
    if (old === undefined) plan.push({ rowKey, stored: false, make: () => toRow(item) });
    else if (!sameEntity(toRow(item), old)) plan.push({ rowKey, stored: true, make: () => toRow(item) });
  }
  for (const rowKey of stored.keys()) if (!fresh.has(rowKey)) plan.push({ rowKey, stored: true, make: null });
  return plan;
}

function byRowKey(rows: readonly Row[]): Map<string, Row> {
  return new Map(rows.map((r) => [str(r.rowKey) ?? "", r]));
}

/** Properties that are not the entity's content. */
const METADATA = new Set(["partitionKey", "rowKey", "etag", "timestamp"]);

/**
 * True when the entity about to be written has exactly the properties and values of the stored one (as
 * the SDK reads it back: DateTime as Date, numbers as numbers). Anything unsure counts as different.
 */
function sameEntity(fresh: Row, stored: Row): boolean {
  const names = Object.keys(fresh).filter((k) => !METADATA.has(k));
  if (names.length !== Object.keys(stored).filter((k) => !METADATA.has(k)).length) return false;
  return names.every((k) => Object.hasOwn(stored, k) && comparable(fresh[k]) === comparable(stored[k]));
}

function comparable(value: unknown): unknown {
  if (value instanceof Date) return `\u0000date:${value.toISOString()}`;
  if (typeof value === "object" && value !== null && "type" in value && "value" in value) {
    const { type, value: v } = value;
    return type === "Double" || type === "Int32" ? Number(v) : { unsure: true };
  }
  if (typeof value === "object" && value !== null) return { unsure: true }; // never equal
  return value;
}

/** 409 (a row to insert exists) or 404 (a row to replace or delete is gone): the partition changed. */
function isConflict(error: unknown): boolean {
  return error instanceof RestError && (error.statusCode === 409 || error.statusCode === 404);
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

/** Of several jobs with one ID (case-insensitive), the last given wins. */
function latestPerJobId(jobs: readonly StoredJob[]): StoredJob[] {
  const byId = new Map<string, StoredJob>();
  for (const j of jobs) byId.set(j.jobId.trim().toLowerCase(), j);
  return [...byId.values()];
}

function describe(error: unknown): string {
  if (error instanceof RestError) return `${error.statusCode ?? "no status"} ${error.code ?? ""}`.trim();
  return error instanceof Error ? error.message : String(error);
}

// ------------------------------------------------------------------------------------------ entity shapes

function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}
function num(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "bigint") return Number(v);
  if (typeof v === "string" && v !== "" && !Number.isNaN(Number(v))) return Number(v);
  return 0;
}
function iso(v: unknown): string | null {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === "string" && !Number.isNaN(Date.parse(v))) return new Date(Date.parse(v)).toISOString();
  return null;
}
/** A Date column (Edm.DateTime), or nothing when null: absent properties read back as null. */
function dateCol(name: string, value: string | null | undefined): Row {
  return value ? { [name]: new Date(value) } : {};
}
function optCol(name: string, value: string | number | null | undefined): Row {
  return value === null || value === undefined ? {} : { [name]: value };
}
function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return typeof v === "string" && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

const STATUSES: readonly JobStatus[] = ["Completed", "CompletedWithWarnings", "Failed", "Cancelled"];
const CONSISTENCIES: readonly Consistency[] = ["application", "file-system", "crash", "none", "unknown"];
const EXPECTED: readonly ExpectedConsistency[] = ["application", "file-system", "crash", "unknown"];
const OSES: readonly OsType[] = ["Windows", "Linux", "unknown"];
const MARKS: readonly DayMark[] = ["-", "X", "A", "F", "C", "f", "c", "U"];

function dailyRowKey(t: ScopedTrend): string {
  return t.kind === "all" ? "all" : keys.scope(t.kind === "code" ? "code" : "vault", t.key);
}

function dailyRow(date: string, t: ScopedTrend): Row {
  return { partitionKey: date, rowKey: dailyRowKey(t), ...trendColumns(t.trend) };
}

function trendColumns(t: DailyTrend): Row {
  const row: Row = { scope: t.scope };
  for (const k of TREND_COUNTERS) row[k] = t[k];
  return row;
}

function trendFromRow(date: string, scope: string, row: Row): DailyTrend {
  const t = emptyTrend(date, scope);
  for (const k of TREND_COUNTERS) t[k] = num(row[k]);
  return t;
}

function vmDayRow(d: VmDay): Row {
  return {
    partitionKey: keys.dayVault(d.date, d.vault),
    rowKey: keys.vmDay(d.vm, d.vault),
    vm: d.vm,
    vault: d.vault,
    mark: d.mark,
    ...trendColumns(d.trend),
    ...dateCol("lastJobAt", d.lastJobAt),
    lastJobId: d.lastJobId,
    lastStatus: d.lastStatus,
    lastConsistency: d.lastConsistency,
    os: d.os,
    expectedConsistency: d.expectedConsistency,
    ...dateCol("lastGoodPointAt", d.lastGoodPointAt),
  };
}

function vmDayFromRow(row: Row): VmDay {
  const date = dateOfPartition(row.partitionKey);
  return {
    date,
    vm: str(row.vm) ?? "",
    vault: str(row.vault) ?? "",
    mark: oneOf(row.mark, MARKS, "-"),
    trend: trendFromRow(date, str(row.scope) ?? `vm:${str(row.vm) ?? ""}`, row),
    lastJobAt: iso(row.lastJobAt) ?? `${date}T00:00:00.000Z`,
    lastJobId: str(row.lastJobId) ?? "",
    lastStatus: oneOf(row.lastStatus, STATUSES, "Failed"),
    lastConsistency: oneOf(row.lastConsistency, CONSISTENCIES, "unknown"),
    os: oneOf(row.os, OSES, "unknown"),
    expectedConsistency: oneOf(row.expectedConsistency, EXPECTED, "unknown"),
    lastGoodPointAt: iso(row.lastGoodPointAt),
  };
}

function jobRow(date: string, j: StoredJob): Row {
  return {
    partitionKey: keys.dayVault(date, j.vault),
    rowKey: keys.job(j),
    jobId: j.jobId,
    vm: j.vm,
    vault: j.vault,
    os: j.os,
    status: j.status,
    ...dateCol("start", j.start),
    consistency: j.consistency,
    consistencySource: j.consistencySource,
    expectedConsistency: j.expectedConsistency,
    degraded: j.degraded,
    ...optCol("errorCode", j.errorCode),
    ...optCol("errorCategory", j.errorCategory),
    ...optCol("workspaceId", j.workspaceId),
    ...(typeof j.durationSec === "number" && Number.isFinite(j.durationSec)
      ? { durationSec: { value: String(j.durationSec), type: "Double" } }
      : {}),
  };
}

function jobFromRow(row: Row): StoredJob {
  return {
    jobId: str(row.jobId) ?? "",
    vm: str(row.vm) ?? "",
    vault: str(row.vault) ?? "",
    os: oneOf(row.os, OSES, "unknown"),
    status: oneOf(row.status, STATUSES, "Failed"),
    start: iso(row.start) ?? "",
    consistency: oneOf(row.consistency, CONSISTENCIES, "unknown"),
    consistencySource: oneOf<ConsistencySource>(row.consistencySource, ["observed", "inferred"], "inferred"),
    expectedConsistency: oneOf(row.expectedConsistency, EXPECTED, "unknown"),
    degraded: row.degraded === true,
    errorCode: str(row.errorCode),
    errorCategory: str(row.errorCategory) as ErrorCategory | null,
    workspaceId: str(row.workspaceId),
    durationSec: row.durationSec === undefined || row.durationSec === null ? null : num(row.durationSec),
  };
}

function stateColumns(s: VmState): Row {
  return {
    vm: s.vm,
    vault: s.vault,
    failingDays: s.failingDays,
    belowExpectedDays: s.belowExpectedDays,
    ...dateCol("lastGoodPointAt", s.lastGoodPointAt),
    ...dateCol("lastJobAt", s.lastJobAt),
    ...optCol("lastJobId", s.lastJobId),
    ...optCol("lastStatus", s.lastStatus),
    ...optCol("lastConsistency", s.lastConsistency),
    expectedConsistency: s.expectedConsistency,
    os: s.os,
    historyEnd: s.historyEnd,
    history: s.history,
  };
}

function stateFromRow(row: Row): VmState {
  return {
    vm: str(row.vm) ?? "",
    vault: str(row.vault) ?? "",
    failingDays: num(row.failingDays),
    belowExpectedDays: num(row.belowExpectedDays),
    lastGoodPointAt: iso(row.lastGoodPointAt),
    lastJobAt: iso(row.lastJobAt),
    lastJobId: str(row.lastJobId),
    lastStatus: row.lastStatus === undefined ? null : oneOf(row.lastStatus, STATUSES, "Failed"),
    lastConsistency:
      row.lastConsistency === undefined ? null : oneOf(row.lastConsistency, CONSISTENCIES, "unknown"),
    expectedConsistency: oneOf(row.expectedConsistency, EXPECTED, "unknown"),
    os: oneOf(row.os, OSES, "unknown"),
    historyEnd: str(row.historyEnd) ?? "",
    history: str(row.history) ?? "",
  };
}

function runRow(input: WriteDayInput, jobs: readonly StoredJob[], vms: number): Row {
  const failed = input.workspaces.filter((w) => !w.ok).map((w) => w.workspaceId);
  return {
    partitionKey: RUN_PARTITION,
    rowKey: input.date,
    complete: input.complete,
    runAt: input.runAt ?? new Date(),
    jobs: jobs.length,
    vaults: new Set(jobs.map((j) => nameKey(j.vault))).size,
    vms,
    failed: jobs.filter((j) => j.status === "Failed").length,
    degraded: jobs.filter((j) => j.degraded).length,
    workspacesOk: input.workspaces.length - failed.length,
    workspacesFailed: failed.length,
    failedWorkspaceIds: failed.join(","),
    workspaceIds: input.workspaces.map((w) => w.workspaceId).join(","),
    rowsRejected: input.rowsRejected ?? 0,
  };
}

function runFromRow(row: Row): RunRecord {
  const list = (v: unknown): string[] => (str(v) ?? "").split(",").filter((id) => id !== "");
  return {
    date: str(row.rowKey) ?? "",
    complete: row.complete === true,
    runAt: iso(row.runAt) ?? "",
    jobs: num(row.jobs),
    vaults: num(row.vaults),
    vms: num(row.vms),
    failed: num(row.failed),
    degraded: num(row.degraded),
    workspacesOk: num(row.workspacesOk),
    workspacesFailed: num(row.workspacesFailed),
    failedWorkspaceIds: list(row.failedWorkspaceIds),
    workspaceIds: list(row.workspaceIds),
    rowsRejected: num(row.rowsRejected),
  };
}
