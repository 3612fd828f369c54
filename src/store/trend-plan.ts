/**
 * The plan of one day's write, made without touching the service: from the jobs of the day and the rows
 * stored before, which rows of which partition to create, replace or delete so that the day holds exactly
 * its latest result and rows that did not change are not written again. The store lists what it needs,
 * asks these functions what to write, and hands the answer to the batch writer (trend-writer.ts).
 */
import { createHash } from "node:crypto";
import { countJob, emptyTrend } from "../domain/trend-counts.js";
import { buildDailyTrends } from "../domain/trends.js";
import { summariseVmDay, type VmDay } from "../domain/vm-day.js";
import { nextVmState, type VmDayLookup } from "../domain/vm-state.js";
import { str, type Row } from "./entity.js";
import { jobIdKey, keys, vaultKeyOf, vmKeyOf, vmKeyOfJobRow } from "./keys.js";
import {
  jobRow,
  runRow,
  stateFromRow,
  trendRow,
  vmRow,
  type RunInput,
  type StoredJob,
} from "./trend-entities.js";
import { planScope, type ScopeWrite, type StoredScope } from "./trend-index.js";
import type { StoredVmState } from "./trend-entities.js";
import { encodeDays } from "./vm-days.js";
import type { VmNameChange } from "./vm-names.js";

export interface WriteDayInput extends RunInput {
  /** Every job that started on `date`: the day is replaced by exactly these. */
  jobs: readonly StoredJob[];
  /** The caller already left out the jobs Table Storage cannot store (`screenJobs`): they are not checked again. */
  screened?: boolean;
  /**
   * Called with each written vault's VM states once its `PulseVms` rows are stored: every VM of the vault, as
   * a read of its partition would give them now (a vault whose day is unchanged is not written, nor given).
   */
  onVaultStates?: (vaultKey: string, states: StoredVmState[]) => Promise<void>;
}

/**
 * One row of a partition to write: `make` builds its entity (when its transaction is sent), or is null to
 * delete the stored row. `stored` says whether the row was found stored when the partition was listed
 * (null: not listed).
 */
export interface PlannedRow {
  rowKey: string;
  stored: boolean | null;
  make: (() => Row) | null;
}

/** One vault's jobs of the day, and its identity. */
export interface VaultDay {
  vaultKey: string;
  vault: string;
  vaultId: string | null;
  jobs: StoredJob[];
  /** The vault's `PulseTrends` row of the day as stored, if any. */
  stored: StoredScope | null;
}

/** The day across the fleet: its jobs, its vaults, and its fleet and code rows of `PulseTrends`. */
interface DayPlan {
  /** The jobs of the day, one per job ID (the last given wins). */
  jobs: StoredJob[];
  /** By vault key: the vaults with jobs now or with a row stored before. */
  vaults: Map<string, VaultDay>;
  /** `all` and `code|…` rows that changed, by PartitionKey (each one row: the day). */
  scopes: Map<string, ScopeWrite>;
}

/** A VM whose state the day changes, with its day (null when a re-run left it no job on the day). */
export interface TouchedVm {
  vm: string;
  vault: string;
  vmId: string | null;
  vaultId: string | null;
  day: VmDay | null;
}

/** One vault's day: its jobs, its vault row, and the VMs whose state they change. */
interface VaultPlan {
  jobs: PlannedRow[];
  /** By VM key. */
  touched: Map<string, TouchedVm>;
  /** VMs with jobs on the day. */
  vms: number;
}

/** A stored VM day a state needs before it can be planned. */
interface MissingVmDay {
  vmKey: string;
  date: string;
}

/**
 * Plans the day across the fleet from its jobs and its stored scopes (from the day's index, see
 * {@link scopesFromIndex}).
 */
export function planDay(
  date: string,
  allJobs: readonly StoredJob[],
  stored: ReadonlyMap<string, StoredScope>,
  complete: boolean,
): DayPlan {
  const jobs = latestPerJobId(allJobs);
  const vaults = new Map<string, VaultDay>();
  for (const [pk, scope] of stored) {
    if (!pk.startsWith("vault|")) continue;
    const vaultKey = pk.slice("vault|".length);
    vaults.set(vaultKey, { vaultKey, vault: scope.name, vaultId: scope.id, jobs: [], stored: scope });
  }
  for (const j of jobs) {
    const vaultKey = vaultKeyOf(j);
    let v = vaults.get(vaultKey);
    if (!v) {
      v = { vaultKey, vault: j.vault, vaultId: j.vaultId, jobs: [], stored: null };
      vaults.set(vaultKey, v);
    }
    if (v.jobs.length === 0) {
      v.vault = j.vault;
      v.vaultId = j.vaultId;
    }
    v.jobs.push(j);
  }
  const scopes = new Map<string, ScopeWrite>();
  const fresh = new Set<string>();
  for (const t of buildDailyTrends(date, jobs, { vms: false })) {
    if (t.kind === "vault") continue; // vaults are keyed on their IDs: planned vault by vault
    const pk = t.kind === "all" ? keys.allScope : keys.codeScope(t.key);
    fresh.add(pk);
    const row = trendRow(pk, t.trend, {
      complete,
      ...(t.kind === "code" ? { name: t.trend.scope.slice("code:".length) } : {}),
    });
    const write = planScope(date, pk, row, stored.get(pk));
    if (write) scopes.set(pk, write);
  }
  for (const [pk, old] of stored) {
    if (pk.startsWith("vault|") || fresh.has(pk)) continue;
    const write = planScope(date, pk, null, old);
    if (write) scopes.set(pk, write);
  }
  return { jobs, vaults, scopes };
}

/**
 * The hash of a vault-day: sha256 of its jobs' stored columns in job-key order, so the same jobs give the
 * same hash whatever order they were read in.
 */
export function vaultDayHash(date: string, v: VaultDay): string {
  const rows = v.jobs
    .map((j) => {
      const vmKey = vmKeyOf(j);
      const row = jobRow(date, v.vaultKey, vmKey, j);
      const start = row.start instanceof Date ? row.start.toISOString() : null;
      return [str(row.rowKey) ?? "", JSON.stringify({ ...row, start })] as const;
    })
    .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const hash = createHash("sha256");
  for (const [, json] of rows) hash.update(json).update("\n");
  return hash.digest("hex");
}

/** The vault's `PulseTrends` row of the day and its index entry (null: unchanged). */
export function planVaultTrend(
  date: string,
  v: VaultDay,
  hash: string,
  complete: boolean,
): ScopeWrite | null {
  const pk = keys.vaultScope(v.vaultKey);
  if (v.jobs.length === 0) return planScope(date, pk, null, v.stored ?? undefined);
  const names = v.jobs.map((j) => j.vault.trim()).sort();
  const trend = emptyTrend(date, `vault:${names[0] ?? v.vault}`);
  for (const j of v.jobs) countJob(trend, j);
  const row = trendRow(keys.vaultScope(v.vaultKey), trend, {
    complete,
    name: names[0] ?? v.vault,
    id: v.vaultId,
    hash,
    jobCount: v.jobs.length,
  });
  return planScope(date, pk, row, v.stored ?? undefined);
}

/** Plans one vault's `PulseJobs` partition of the day from its jobs and the rows it held before. */
export function planVault(date: string, v: VaultDay, storedJobs: readonly Row[]): VaultPlan {
  const byVm = new Map<string, StoredJob[]>();
  const jobKeys = new Map<StoredJob, string>();
  for (const j of v.jobs) {
    const vmKey = vmKeyOf(j);
    jobKeys.set(j, vmKey);
    const list = byVm.get(vmKey);
    if (list) list.push(j);
    else byVm.set(vmKey, [j]);
  }
  // VMs whose state the day changes: those with jobs now, and those that had jobs before a re-run.
  const touched = new Map<string, TouchedVm>();
  for (const row of storedJobs) {
    const vmKey = vmKeyOfJobRow(str(row.rowKey) ?? "");
    touched.set(vmKey, {
      vm: str(row.vm) ?? "",
      vault: str(row.vault) ?? "",
      vmId: str(row.vmId),
      vaultId: str(row.vaultId),
      day: null,
    });
  }
  for (const [vmKey, list] of byVm) {
    const first = list[0] as StoredJob;
    touched.set(vmKey, {
      vm: first.vm,
      vault: first.vault,
      vmId: first.vmId,
      vaultId: first.vaultId,
      day: summariseVmDay(date, list),
    });
  }
  return {
    jobs: planRows(
      v.jobs,
      (j) => keys.job(jobKeys.get(j) ?? "", j.jobId),
      (j) => jobRow(date, v.vaultKey, jobKeys.get(j) ?? "", j),
      byRowKey(storedJobs),
    ),
    touched,
    vms: byVm.size,
  };
}

/**
 * Plans the new states of a vault's touched VMs: writes of changed `PulseVms` rows, deletes of states nothing
 * is left of, and the changes to the `PulseVmNames` index of VMs that appear or go (by name bucket). A state may need stored VM
 * days of earlier days (`known`, by VM key and date): those not known yet are listed in `missing`, and their
 * VMs are left out of `rows` until they are.
 */
export function planStates(
  date: string,
  vaultKey: string,
  touched: ReadonlyMap<string, TouchedVm>,
  storedStates: readonly Row[],
  known: ReadonlyMap<string, VmDayLookup> = new Map(),
): { rows: PlannedRow[]; names: Map<string, VmNameChange[]>; missing: MissingVmDay[] } {
  const stored = byRowKey(storedStates);
  const rows: PlannedRow[] = [];
  const names = new Map<string, VmNameChange[]>();
  const name = (vm: string, vmKey: string, add: boolean): void => {
    const pk = keys.vmNameBucket(vm);
    const change = { vmKey, vaultKey, add };
    const bucket = names.get(pk);
    if (bucket) bucket.push(change);
    else names.set(pk, [change]);
  };
  const missing: MissingVmDay[] = [];
  for (const [vmKey, t] of touched) {
    const prevRow = stored.get(vmKey);
    const prev = prevRow ? stateFromRow(prevRow) : null;
    const step = nextVmState(prev, date, t.day, t, known.get(vmKey));
    if (step.missing) {
      for (const d of step.missing) missing.push({ vmKey, date: d });
    } else if (step.state) {
      const ids = {
        vmId: t.day ? t.vmId : (prev?.vmId ?? t.vmId),
        vaultId: t.day ? t.vaultId : (prev?.vaultId ?? t.vaultId),
      };
      const prevDays = prevRow
        ? { ...prev!, historyEnd: prev!.historyEnd, days: str(prevRow.days) ?? "" }
        : null;
      const row = vmRow(
        vaultKey,
        vmKey,
        step.state,
        ids,
        encodeDays(prevDays, step.state, date, t.day?.trend ?? null),
      );
      if (!prevRow || !sameEntity(row, prevRow)) rows.push(planned(vmKey, prevRow !== undefined, row));
      if (!prevRow) name(step.state.vm, vmKey, true);
    } else if (prevRow) {
      rows.push({ rowKey: vmKey, stored: true, make: null });
      name(prev?.vm ?? t.vm, vmKey, false);
    }
  }
  return { rows, names, missing };
}

/**
 * A row to write, built already. (Its own function, so that the closure holds this row alone: closures made in
 * one scope share it, and a name row kept until its bucket is written would keep the VM's state row too.)
 */
function planned(rowKey: string, stored: boolean | null, row: Row): PlannedRow {
  return { rowKey, stored, make: () => row };
}

/** The run record of the day: written last, it says the day was stored completely. */
export function planRun(
  input: RunInput,
  jobs: readonly StoredJob[],
  vms: number,
  vaults: number,
): PlannedRow[] {
  return [planned(input.date, null, runRow(input, jobs, vms, vaults))];
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

/** Of several jobs with one ID (case-insensitive), the last given wins. */
function latestPerJobId(jobs: readonly StoredJob[]): StoredJob[] {
  const byId = new Map<string, StoredJob>();
  for (const j of jobs) byId.set(jobIdKey(j.jobId), j);
  return [...byId.values()];
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
