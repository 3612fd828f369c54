/**
 * Reading the trend tables back: trends over a range of days for a scope, a day's jobs and VM days, VM
 * states and run records. A table that does not exist yet (a store opened without creating its tables) reads
 * as empty.
 */
import { odata, type TableClient } from "@azure/data-tables";
import type { Consistency, DailyTrend, JobStatus } from "../domain/model.js";
import { daysBetween, isDate } from "../domain/days.js";
import { addTrend, emptyTrend } from "../domain/trend-counts.js";
import type { TrendQuery } from "../domain/trend-query.js";
import type { VmDay } from "../domain/vm-day.js";
import type { VmState } from "../domain/vm-state.js";
import { str, type Row } from "./entity.js";
import {
  dateOfPartition,
  daysFilter,
  keys,
  rowKeyPrefixFilter,
  RUN_PARTITION,
  TABLE_NAMES,
  type TableRole,
} from "./keys.js";
import { getEntityOrNull, isNotFound, type Tables } from "./tables.js";
import {
  jobFromRow,
  observedFromRow,
  runFromRow,
  stateFromRow,
  trendFromRow,
  vmDayFromRow,
  type RunRecord,
  type StoredJob,
} from "./trend-entities.js";

export class TrendReader {
  protected constructor(protected readonly tables: Tables) {}

  protected client(role: TableRole): TableClient {
    return this.tables.table(TABLE_NAMES[role]);
  }

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
      const vm =
        query.vault !== undefined
          ? odata`RowKey eq ${keys.vmDay(query.vm, query.vault)}`
          : rowKeyPrefixFilter(keys.vmPrefix(query.vm));
      for (const row of await this.listRows("vmDaily", `${daysFilter(from, to)} and ${vm}`)) {
        const date = dateOfPartition(str(row.partitionKey) ?? "");
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

  /** The stored VM days of one day (one per VM and vault), vault by vault. */
  async readVmDays(date: string): Promise<VmDay[]> {
    return (await this.listRows("vmDaily", daysFilter(date))).map(vmDayFromRow);
  }

  /** One stored VM day (one point read), or null. */
  protected async readVmDay(date: string, vm: string, vault: string): Promise<VmDay | null> {
    const row = await this.getRow("vmDaily", keys.dayVault(date, vault), keys.vmDay(vm, vault));
    return row ? vmDayFromRow(row) : null;
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
