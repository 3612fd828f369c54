/**
 * Reading the trend tables back: trends over a range of days for a scope, a day's jobs and VM days, VM
 * states and run records. A table that does not exist yet (a store opened without creating its tables) reads
 * as empty. Opening checks the layout version first ({@link checkSchema}).
 */
import { odata, type TableClient } from "@azure/data-tables";
import type { Consistency, DailyTrend, JobStatus } from "../domain/model.js";
import { daysBetween, isDate } from "../domain/days.js";
import { nameKey } from "../domain/names.js";
import { addTrend, emptyTrend } from "../domain/trend-counts.js";
import type { TrendQuery } from "../domain/trend-query.js";
import { summariseVmDay, type VmDay } from "../domain/vm-day.js";
import { num, str, type Row } from "./entity.js";
import {
  daysFilter,
  keys,
  namePrefix,
  partitionPrefixFilter,
  RUN_PARTITION,
  SCHEMA_KEY,
  SCHEMA_VERSION,
  TABLE_NAMES,
  V1_DAILY_TABLE,
  vaultKeyOf,
  vmKeyOf,
  vmKeyOfJobRow,
  type TableRole,
} from "./keys.js";
import { getEntityOrNull, isNotFound, type Tables } from "./tables.js";
import {
  jobFromRow,
  observedFromRow,
  runFromRow,
  stateFromRow,
  trendFromRow,
  VM_STATE_COLUMNS,
  type RunRecord,
  type StoredJob,
  type StoredVmState,
} from "./trend-entities.js";
import { trendsFromDays } from "./vm-days.js";

/** The Table Storage account holds trend tables of another layout: they are never read as this one. */
export class StoreLayoutError extends Error {
  constructor(found: string) {
    super(
      `this Table Storage account holds backup-pulse trend tables of an older layout (${found}); point PULSE_TABLES_* at a new account or delete the Pulse* tables`,
    );
    this.name = "StoreLayoutError";
  }
}

/**
 * Checks the layout version of the store (`PulseRuns` row `meta`/`schema`). Returns true when the store holds
 * no trend tables of any layout yet (the version row is then to be written); throws
 * {@link StoreLayoutError} for another version, or for a store of the first layout (rows in `PulseDaily`).
 */
export async function checkSchema(tables: Tables): Promise<boolean> {
  const row = await getEntityOrNull(
    tables.table(TABLE_NAMES.runs),
    SCHEMA_KEY.partitionKey,
    SCHEMA_KEY.rowKey,
  );
  if (row) {
    const version = num(row.version);
    if (version === SCHEMA_VERSION) return false;
    throw new StoreLayoutError(version === null ? "unknown version" : `v${version}`);
  }
  try {
    const pages = tables.table(V1_DAILY_TABLE).listEntities({ queryOptions: { select: ["PartitionKey"] } });
    for await (const page of pages.byPage({ maxPageSize: 1 })) {
      if (page.length > 0) throw new StoreLayoutError("v1");
      break;
    }
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
  return true;
}

export class TrendReader {
  protected constructor(protected readonly tables: Tables) {}

  protected client(role: TableRole): TableClient {
    return this.tables.table(TABLE_NAMES[role]);
  }

  /**
   * Daily trends from `from` to `to` (inclusive), oldest first. Scope: `all`, or one vault, VM (optionally
   * within a vault) or error code, by name. Days with a stored run but nothing for the scope give zero
   * counts; days without a stored run are left out (no data is not zero).
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
    const add = (t: DailyTrend): void => {
      const seen = byDate.get(t.date);
      if (seen) addTrend(seen, t);
      else byDate.set(t.date, t);
    };
    let scope: string;
    const days = odata`RowKey ge ${from} and RowKey le ${to}`;
    if (query.vm !== undefined) {
      scope = `vm:${query.vm.trim()}`;
      for (const s of await this.readVmsNamed(query.vm, query.vault)) {
        scope = `vm:${s.vm}`;
        for (const t of trendsFromDays(s, s.days, from, to, scope)) add(t);
      }
    } else if (query.vault !== undefined) {
      scope = `vault:${query.vault.trim()}`;
      const filter = `${partitionPrefixFilter(`vault|${namePrefix(query.vault)}`)} and ${days}`;
      for (const row of await this.listRows("trends", filter)) {
        scope = str(row.scope) ?? scope;
        add(trendFromRow(str(row.rowKey) ?? "", scope, row));
      }
    } else {
      const pk = query.code !== undefined ? keys.codeScope(query.code) : keys.allScope;
      scope = query.code !== undefined ? `code:${query.code.trim()}` : "all";
      for (const row of await this.listRows("trends", `${odata`PartitionKey eq ${pk}`} and ${days}`)) {
        scope = str(row.scope) ?? scope;
        add(trendFromRow(str(row.rowKey) ?? "", scope, row));
      }
    }
    for (const t of byDate.values()) t.scope = scope;
    for (const d of runDays) if (!byDate.has(d)) byDate.set(d, emptyTrend(d, scope));
    return [...byDate.values()].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  }

  /**
   * The stored states (with their `days`) of every VM called `vm` (optionally only in vaults called
   * `vault`): one partition of `PulseVmNames`, then one point read per VM.
   */
  protected async readVmsNamed(vm: string, vault?: string): Promise<(StoredVmState & { days: string })[]> {
    const names = await this.listRows("vmNames", odata`PartitionKey eq ${keys.vmName(vm)}`);
    const wanted = names.filter((r) => vault === undefined || nameKey(str(r.vault) ?? "") === nameKey(vault));
    const rows = await Promise.all(
      wanted.map((r) => this.getRow("vms", str(r.vaultKey) ?? "", str(r.rowKey) ?? "")),
    );
    return rows.flatMap((row) => (row ? [{ ...stateFromRow(row), days: str(row.days) ?? "" }] : []));
  }

  /** The stored jobs of one day, vault by vault, then by VM and job ID. */
  async readDayJobs(date: string): Promise<StoredJob[]> {
    return (await this.listRows("jobs", daysFilter(date))).map(jobFromRow);
  }

  /**
   * The jobs of one day whose consistency was observed on their recovery point: job ID → consistency (and
   * status, so a job that changed since is looked up again). Lets a re-read skip look-ups already made.
   */
  async readObservedJobs(
    date: string,
  ): Promise<Map<string, { consistency: Consistency; status: JobStatus }>> {
    const filter = `${daysFilter(date)} and ${odata`consistencySource eq ${"observed"}`}`;
    const rows = await this.listRows("jobs", filter, ["jobId", "consistency", "status"]);
    return new Map(rows.map(observedFromRow));
  }

  /** What each VM's day came to (one per VM), from the day's stored jobs, vault by vault. */
  async readVmDays(date: string): Promise<VmDay[]> {
    const byVm = new Map<string, StoredJob[]>();
    for (const row of await this.listRows("jobs", daysFilter(date))) {
      const k = `${str(row.partitionKey) ?? ""}\u0000${vmKeyOfJobRow(str(row.rowKey) ?? "")}`;
      byVm.set(k, [...(byVm.get(k) ?? []), jobFromRow(row)]);
    }
    return [...byVm.values()].map((jobs) => summariseVmDay(date, jobs));
  }

  /** Every VM's state, vault by vault (without the VMs' per-day counters). */
  async *readVmStates(): AsyncIterable<StoredVmState> {
    try {
      const rows = this.client("vms").listEntities<Row>({ queryOptions: { select: VM_STATE_COLUMNS } });
      for await (const row of rows) yield stateFromRow(row);
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
  }

  /** One VM's state (one point read), or null when the VM is unknown. Without IDs, the VM is keyed on names. */
  async readVmState(
    vm: string,
    vault: string,
    ids: { vmId?: string | null; vaultId?: string | null } = {},
  ): Promise<StoredVmState | null> {
    const row = await this.getRow("vms", vaultKeyOf({ vault, ...ids }), vmKeyOf({ vm, vault, ...ids }));
    return row ? stateFromRow(row) : null;
  }

  /** The run record of a day, or null when the day was never stored. */
  async readRun(date: string): Promise<RunRecord | null> {
    const row = await this.getRow("runs", RUN_PARTITION, date);
    return row ? runFromRow(row) : null;
  }

  protected async listRows(role: TableRole, filter: string, select?: string[]): Promise<Row[]> {
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

  protected async getRow(role: TableRole, partitionKey: string, rowKey: string): Promise<Row | null> {
    return getEntityOrNull(this.client(role), partitionKey, rowKey);
  }
}
