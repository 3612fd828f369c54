/**
 * The plan of one day's write, made without touching the service: from the jobs of the day and the rows
 * stored before, which rows of which partition to create, replace or delete so that the day holds exactly
 * its latest result and rows that did not change are not written again. The store lists what it needs,
 * asks these functions what to write, and hands the answer to the batch writer (trend-writer.ts).
 */
import { buildDailyTrends } from "../domain/trends.js";
import { summariseVmDays, type VmDay } from "../domain/vm-day.js";
import { nextVmState, type VmDayLookup } from "../domain/vm-state.js";
import { str, type Row } from "./entity.js";
import { jobIdKey, keys, vaultOfDailyRow } from "./keys.js";
import {
  dailyRow,
  jobRow,
  runRow,
  stateFromRow,
  stateRow,
  vmDayRow,
  type RunInput,
  type StoredJob,
} from "./trend-entities.js";

export interface WriteDayInput extends RunInput {
  /** Every job that started on `date` (UTC): the day is replaced by exactly these. */
  jobs: readonly StoredJob[];
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

/** The day across the fleet, and the vaults whose partitions the day writes. */
interface DayPlan {
  /** The jobs of the day, one per job ID (the last given wins). */
  jobs: StoredJob[];
  /** New and changed `PulseDaily` rows: written first, so that its `vault:` rows name every vault stored. */
  dailyWrites: PlannedRow[];
  /** `PulseDaily` rows the day no longer has: deleted last, once the vaults' partitions are written. */
  dailyDeletes: PlannedRow[];
  /** By vault key: the vault's jobs now, and whether it had rows stored before (to be listed and replaced). */
  vaults: Map<string, { jobs: StoredJob[]; stored: boolean }>;
}

/** A VM whose state the day changes, with its day (null when a re-run left it no job on the day). */
export interface TouchedVm {
  vm: string;
  vault: string;
  day: VmDay | null;
}

/** One vault's day: its jobs and VM days, and the VMs whose state they change. */
interface VaultPlan {
  jobs: PlannedRow[];
  vmDays: PlannedRow[];
  /** By VM key (`keys.vm`). */
  touched: Map<string, TouchedVm>;
  /** VMs with jobs on the day. */
  vms: number;
}

/** A stored VM day a state needs before it can be planned. */
interface MissingVmDay {
  /** The VM's key (`keys.vm`), as in `touched`. */
  vmKey: string;
  vm: string;
  vault: string;
  date: string;
}

/** Plans the day across the fleet from its jobs and the day's stored `PulseDaily` rows. */
export function planDay(date: string, allJobs: readonly StoredJob[], storedDaily: readonly Row[]): DayPlan {
  const jobs = latestPerJobId(allJobs);
  const stored = byRowKey(storedDaily);
  const vaults = new Map<string, { jobs: StoredJob[]; stored: boolean }>();
  for (const rowKey of stored.keys()) {
    const vk = vaultOfDailyRow(rowKey);
    if (vk !== null) vaults.set(vk, { jobs: [], stored: true });
  }
  for (const j of jobs) {
    const vk = keys.vault(j.vault);
    const v = vaults.get(vk);
    if (v) v.jobs.push(j);
    else vaults.set(vk, { jobs: [j], stored: false });
  }
  const trends = buildDailyTrends(date, jobs, { vms: false });
  const daily = planRows(trends, keys.daily, (t) => dailyRow(date, t), stored);
  return {
    jobs,
    dailyWrites: daily.filter((p) => p.make !== null),
    dailyDeletes: daily.filter((p) => p.make === null),
    vaults,
  };
}

/** Plans one vault's partitions of the day from its jobs and the rows its partitions held before. */
export function planVault(
  date: string,
  jobs: readonly StoredJob[],
  storedJobs: readonly Row[],
  storedVmDays: readonly Row[],
): VaultPlan {
  const vmDays = summariseVmDays(date, jobs);
  // VMs whose state the day changes: those with jobs now, and those that had jobs before a re-run.
  const touched = new Map<string, TouchedVm>();
  for (const row of storedVmDays) {
    const vm = str(row.vm) ?? "";
    touched.set(keys.vm(vm), { vm, vault: str(row.vault) ?? "", day: null });
  }
  for (const d of vmDays) touched.set(keys.vm(d.vm), { vm: d.vm, vault: d.vault, day: d });
  return {
    jobs: planRows(jobs, keys.job, (j) => jobRow(date, j), byRowKey(storedJobs)),
    vmDays: planRows(vmDays, (d) => keys.vmDay(d.vm, d.vault), vmDayRow, byRowKey(storedVmDays)),
    touched,
    vms: vmDays.length,
  };
}

/**
 * Plans the new states of a vault's touched VMs: writes of changed states, deletes of states nothing is left
 * of. A state may need stored VM days of earlier days (`known`, by VM key and date): those not known yet
 * are listed in `missing`, and their VMs are left out of `rows` until they are.
 */
export function planStates(
  date: string,
  vaultKey: string,
  touched: ReadonlyMap<string, TouchedVm>,
  storedStates: readonly Row[],
  known: ReadonlyMap<string, VmDayLookup> = new Map(),
): { rows: PlannedRow[]; missing: MissingVmDay[] } {
  const stored = byRowKey(storedStates);
  const rows: PlannedRow[] = [];
  const missing: MissingVmDay[] = [];
  for (const [vmKey, t] of touched) {
    const prevRow = stored.get(vmKey);
    const prev = prevRow ? stateFromRow(prevRow) : null;
    const step = nextVmState(prev, date, t.day, t, known.get(vmKey));
    if (step.missing) {
      for (const d of step.missing) missing.push({ vmKey, vm: t.vm, vault: t.vault, date: d });
    } else if (step.state) {
      const row = stateRow(vaultKey, vmKey, step.state);
      if (!prevRow || !sameEntity(row, prevRow))
        rows.push({ rowKey: vmKey, stored: prevRow !== undefined, make: () => row });
    } else if (prevRow) {
      rows.push({ rowKey: vmKey, stored: true, make: null });
    }
  }
  return { rows, missing };
}

/** The run record of the day: written last, it says the day was stored completely. */
export function planRun(input: RunInput, jobs: readonly StoredJob[], vms: number): PlannedRow[] {
  const run = runRow(input, jobs, vms);
  return [{ rowKey: input.date, stored: null, make: () => run }];
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
