/**
 * Reading the trend tables back: trends over a range of days for a scope, a day's jobs and VM days, VM
 * states and run records. A table that does not exist yet (a store opened without creating its tables) reads
 * as empty. Opening checks the layout version first ({@link checkSchema}).
 */
import { odata, type TableClient } from "@azure/data-tables";
import type { Consistency, JobStatus, StoredTrend } from "../domain/model.js";
import { daysBetween, isDate } from "../domain/days.js";
import { emptyTrend } from "../domain/trend-counts.js";
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
  type VaultIdentity,
} from "./keys.js";
import { mapOrdered } from "./map-limit.js";
import { getEntityOrNull, isNotFound, type Tables } from "./tables.js";
import {
  jobFromRow,
  observedFromRow,
  OUTCOME_COLUMNS,
  outcomeFromRow,
  runFromRow,
  stateFromRow,
  trendFromRow,
  VM_STATE_COLUMNS,
  type JobOutcome,
  type RunRecord,
  type StoredJob,
  type StoredVmState,
} from "./trend-entities.js";
import { trendsFromDays } from "./vm-days.js";
import { NAMES_ROW, unpackNames, type VmNameEntry } from "./vm-names.js";

/** The Table Storage account holds trend tables of another layout: they are never read as this one. */
export class StoreLayoutError extends Error {
  constructor(found: string, upgradable = false) {
    super(
      upgradable
        ? `this Table Storage account holds backup-pulse trend tables of layout ${found}, which the next daily run (or \`backup-pulse run\`) upgrades in place; until then they are not read`
        : `this Table Storage account holds backup-pulse trend tables of an older layout (${found}); point PULSE_TABLES_* at a new account or delete the Pulse* tables`,
    );
    this.name = "StoreLayoutError";
  }
}

/** The layout before this one: the same tables but for the VM name index, which a daily run rebuilds in place. */
export const UPGRADABLE_VERSION = 3;

/**
 * Checks the layout version of the store (`PulseRuns` row `meta`/`schema`): `fresh` when the store holds no
 * trend tables of any layout yet (the version row is then to be written), `upgrade` for a store of
 * {@link UPGRADABLE_VERSION}; throws {@link StoreLayoutError} for another version, or for a store of the first
 * layout (rows in `PulseDaily`).
 */
export async function checkSchema(tables: Tables): Promise<"fresh" | "current" | "upgrade"> {
  const row = await getEntityOrNull(
    tables.table(TABLE_NAMES.runs),
    SCHEMA_KEY.partitionKey,
    SCHEMA_KEY.rowKey,
  );
  if (row) {
    const version = num(row.version);
    if (version === SCHEMA_VERSION) return "current";
    if (version === UPGRADABLE_VERSION) return "upgrade";
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
  return "fresh";
}

/** The `PulseTrends` partitions of the vaults a query names: one for an ID, every vault of that name else. */
function vaultPartitions(query: TrendQuery): string {
  const vault = query.vault ?? "";
  return query.vaultId !== undefined
    ? odata`PartitionKey eq ${keys.vaultScope(vaultKeyOf({ vault, vaultId: query.vaultId }))}`
    : partitionPrefixFilter(`vault|${namePrefix(vault)}`);
}

/** The distinct vault keys of these vaults (each job of a day may be given), in key order. */
function vaultKeysOf(vaults: Iterable<VaultIdentity>): string[] {
  const byId = new Map<string, Map<string, VaultIdentity>>();
  for (const v of vaults) {
    const named = byId.get(v.vaultId ?? "") ?? new Map<string, VaultIdentity>();
    if (!named.has(v.vault)) byId.set(v.vaultId ?? "", named.set(v.vault, v));
  }
  const out = new Set<string>();
  for (const named of byId.values()) for (const v of named.values()) out.add(vaultKeyOf(v));
  return [...out].sort();
}

/** The part of a VM or vault key after its name: the hash of the resource ID (or of the names). */
const idPart = (key: string): string => key.slice(key.lastIndexOf("|") + 1);

/** Partitions read at the same time by {@link TrendReader.readVmStates} and {@link TrendReader.readDayOutcomes}. */
const READ_AHEAD = 8;

export class TrendReader {
  protected constructor(protected readonly tables: Tables) {}

  protected client(role: TableRole): TableClient {
    return this.tables.table(TABLE_NAMES[role]);
  }

  /**
   * Daily trends from `from` to `to` (inclusive), oldest first, of the stored days only (a day without its run
   * record is not stored). Scope: `all`, an error code, or every vault or VM the query names (by name or
   * resource ID), each with its own rows (`vaultId`, `vmId`). The fleet and a code have a row on every stored
   * day (a code's zero is a count); a vault or VM only on the days it had jobs. `complete` is the day's.
   */
  async readTrends(query: TrendQuery): Promise<StoredTrend[]> {
    const { from, to } = query;
    if (!isDate(from) || !isDate(to)) throw new RangeError("from and to must be dates (YYYY-MM-DD)");
    if (daysBetween(from, to) < 0) throw new RangeError(`from (${from}) is after to (${to})`);

    const [runs, found] = await Promise.all([
      this.listRows(
        "runs",
        odata`PartitionKey eq ${RUN_PARTITION} and RowKey ge ${from} and RowKey le ${to}`,
        ["RowKey", "complete"],
      ),
      this.readScopeTrends(query),
    ]);
    const complete = new Map(runs.map((r) => [str(r.rowKey) ?? "", r.complete === true]));
    const trends: StoredTrend[] = [];
    for (const t of found) {
      const dayComplete = complete.get(t.date);
      if (dayComplete !== undefined) trends.push({ ...t, complete: dayComplete });
    }
    if (query.vault === undefined && query.vm === undefined) {
      // The fleet's stored day counted every code: one that no job carried counted zero.
      const scope = trends[0]?.scope ?? (query.code !== undefined ? `code:${query.code.trim()}` : "all");
      const seen = new Set(trends.map((t) => t.date));
      for (const [date, dayComplete] of complete) {
        if (!seen.has(date)) trends.push({ ...emptyTrend(date, scope), complete: dayComplete });
      }
    }
    const order = (t: StoredTrend): string => `${t.date}\u0000${t.vaultId ?? ""}\u0000${t.vmId ?? ""}`;
    return trends.sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0));
  }

  /** The stored trend rows of the query's scope over its range (with or without a run record). */
  private async readScopeTrends(query: TrendQuery): Promise<Omit<StoredTrend, "complete">[]> {
    const { from, to } = query;
    if (query.vm !== undefined) {
      return (await this.readVmsNamed(query)).flatMap((s) =>
        trendsFromDays(s, s.days, from, to, `vm:${s.vm}`).map((t) => ({
          ...t,
          vaultId: s.vaultId,
          vmId: s.vmId,
        })),
      );
    }
    const days = odata`RowKey ge ${from} and RowKey le ${to}`;
    if (query.vault !== undefined) {
      const rows = await this.listRows("trends", `${vaultPartitions(query)} and ${days}`);
      return rows.map((row) => ({
        ...trendFromRow(str(row.rowKey) ?? "", `vault:${str(row.name) ?? query.vault ?? ""}`, row),
        vaultId: str(row.id),
      }));
    }
    const pk = query.code !== undefined ? keys.codeScope(query.code) : keys.allScope;
    const rows = await this.listRows("trends", `${odata`PartitionKey eq ${pk}`} and ${days}`);
    const name = rows.map((r) => str(r.name)).find((n) => n !== null) ?? query.code?.trim();
    const scope = query.code !== undefined ? `code:${name ?? ""}` : "all";
    return rows.map((row) => trendFromRow(str(row.rowKey) ?? "", scope, row));
  }

  /**
   * Whether the vault or VM a trend query names is stored at all (any day): when it is not, an empty answer
   * means "no such vault or VM", not "no data in this range". Always true for the fleet and a code.
   */
  async knowsScope(query: TrendQuery): Promise<boolean> {
    if (query.vm !== undefined) return (await this.vmNamesOf(query)).length > 0;
    if (query.vault === undefined) return true;
    const pages = this.client("trends")
      .listEntities<Row>({ queryOptions: { filter: vaultPartitions(query), select: ["PartitionKey"] } })
      .byPage({ maxPageSize: 1 });
    try {
      for await (const page of pages) if (page.length > 0) return true;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return false;
  }

  /**
   * The `PulseVms` rows of the VMs a query names, from the name index (one point read of the name's bucket):
   * by name or ID, optionally in a vault (name or ID). Keys hold the lower-case name and a hash of the ID, so
   * the index answers without reading the rows.
   */
  private async vmNamesOf(query: TrendQuery): Promise<VmNameEntry[]> {
    const vm = query.vm ?? "";
    const prefix = namePrefix(vm);
    const vmKey = query.vmId !== undefined ? vmKeyOf({ vm, vault: "", vmId: query.vmId }) : null;
    const vaultKey =
      query.vaultId !== undefined ? vaultKeyOf({ vault: query.vault ?? "", vaultId: query.vaultId }) : null;
    const vaultPrefix = query.vault !== undefined ? namePrefix(query.vault) : null;
    const bucket = await this.getRow("vmNames", keys.vmNameBucket(vm), NAMES_ROW);
    return unpackNames(bucket).filter(
      (e) =>
        e.vmKey.startsWith(prefix) &&
        (vmKey === null || idPart(e.vmKey) === idPart(vmKey)) &&
        (vaultKey !== null
          ? idPart(e.vaultKey) === idPart(vaultKey)
          : vaultPrefix === null || e.vaultKey.startsWith(vaultPrefix)),
    );
  }

  /** The stored states (with their `days`) of the VMs a query names: one point read per VM. */
  private async readVmsNamed(query: TrendQuery): Promise<(StoredVmState & { days: string })[]> {
    const rows = await Promise.all(
      (await this.vmNamesOf(query)).map((e) => this.getRow("vms", e.vaultKey, e.vmKey)),
    );
    return rows.flatMap((row) => (row ? [{ ...stateFromRow(row), days: str(row.days) ?? "" }] : []));
  }

  /** The stored jobs of one day, vault by vault, then by VM and job ID. */
  async readDayJobs(date: string): Promise<StoredJob[]> {
    return (await this.listRows("jobs", daysFilter(date))).map(jobFromRow);
  }

  /**
   * The outcome of each job of one day in the given vaults (status, degraded, start and identity, nothing
   * else): their `PulseJobs` partitions of the day, several at a time.
   */
  async readDayOutcomes(date: string, vaults: Iterable<VaultIdentity>): Promise<JobOutcome[]> {
    const out: JobOutcome[] = [];
    for await (const outcomes of this.readDayOutcomesByVault(date, vaults)) out.push(...outcomes);
    return out;
  }

  /**
   * {@link readDayOutcomes} vault partition by vault partition, in key order, a few read ahead: what the digest
   * compares today with, without holding the whole day before.
   */
  async *readDayOutcomesByVault(date: string, vaults: Iterable<VaultIdentity>): AsyncIterable<JobOutcome[]> {
    const wanted = vaultKeysOf(vaults);
    if (wanted.length === 0) return;
    // Only the vaults the day's index lists have jobs stored that day: the others are not read.
    const stored = await this.vaultsOfDay(date);
    const partitions = wanted.filter((k) => stored.has(k)).map((k) => keys.dayVault(date, k));
    yield* mapOrdered(partitions, READ_AHEAD, async (pk) =>
      (await this.listRows("jobs", odata`PartitionKey eq ${pk}`, OUTCOME_COLUMNS)).map(outcomeFromRow),
    );
  }

  /** The vault keys of the vaults with jobs stored on a day, from the day's index (one partition). */
  private async vaultsOfDay(date: string): Promise<Set<string>> {
    const prefix = keys.vaultScope("");
    const rows = await this.listRows("runs", odata`PartitionKey eq ${keys.dayIndex(date)}`, ["RowKey"]);
    return new Set(
      rows.flatMap((r) => {
        const rk = str(r.rowKey) ?? "";
        return rk.startsWith(prefix) ? [rk.slice(prefix.length)] : [];
      }),
    );
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

  /**
   * Every VM's state, vault by vault in key order (without the VMs' per-day counters). The vaults come from
   * the register ({@link readVaultKeys}), and their `PulseVms` partitions are read several at a time.
   */
  async *readVmStates(): AsyncIterable<StoredVmState> {
    yield* this.statesOfPartitions(await this.readVaultKeys());
  }

  /**
   * The states of the VMs of these vaults (without their per-day counters), vault by vault: one query per
   * vault partition, several at a time, never one read per VM.
   */
  readVmStatesOfVaults(
    vaults: Iterable<{ vault: string; vaultId?: string | null }>,
  ): AsyncIterable<StoredVmState> {
    return this.statesOfPartitions(vaultKeysOf(vaults));
  }

  /**
   * The vault keys of the register (`PulseRuns`, partition `vaults`), in key order: the `PulseVms` partitions
   * that hold VM states, one per vault.
   */
  async readVaultKeys(): Promise<string[]> {
    return [...(await this.registeredVaults())].sort();
  }

  /** The states of one vault's VMs (without their per-day counters): one query of its `PulseVms` partition. */
  async readVmStatesOfVault(vaultKey: string): Promise<StoredVmState[]> {
    const rows = await this.listRows("vms", odata`PartitionKey eq ${vaultKey}`, VM_STATE_COLUMNS);
    return rows.map(stateFromRow);
  }

  /** The states of these partitions, in their order, up to READ_AHEAD partitions read at a time. */
  private async *statesOfPartitions(vaultKeys: readonly string[]): AsyncIterable<StoredVmState> {
    for await (const states of mapOrdered(vaultKeys, READ_AHEAD, (k) => this.readVmStatesOfVault(k)))
      yield* states;
  }

  /** True when some day before `date` is stored (one short query). */
  async hasDayBefore(date: string): Promise<boolean> {
    try {
      const pages = this.client("runs")
        .listEntities({
          queryOptions: {
            filter: odata`PartitionKey eq ${RUN_PARTITION} and RowKey lt ${date}`,
            select: ["RowKey"],
          },
        })
        .byPage({ maxPageSize: 1 });
      // A page may come back empty with a continuation: read on until a row or the end.
      for await (const page of pages) if (page.length > 0) return true;
    } catch (error) {
      if (!isNotFound(error)) throw error;
    }
    return false;
  }

  /** The vault keys of the register, unordered (see {@link readVaultKeys}). */
  protected async registeredVaults(): Promise<Set<string>> {
    const rows = await this.listRows("runs", odata`PartitionKey eq ${keys.vaults}`, ["RowKey"]);
    return new Set(rows.map((r) => str(r.rowKey) ?? ""));
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
