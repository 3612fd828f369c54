/**
 * The known VMs of a day's digest, judged vault by vault: each vault's `PulseVms` partition is read (unless
 * the day's write judged the vault as it stored its states), its VMs judged (due, not due, retired, lapsed)
 * and its newly retired VMs stored, a few vaults at a time. Only what
 * the digest shows is kept of a vault once it is judged, so memory holds the states of the vaults in flight,
 * never the fleet's.
 */
import { addDays } from "../domain/days.js";
import { DEFAULT_THRESHOLDS, type KnownVm, type VmStreakState } from "../domain/digest/input.js";
import { expectedVms } from "../domain/expected-vms.js";
import { vmIdentityKey } from "../domain/identity.js";
import type { Messages } from "../domain/messages/index.js";
import type { ClassifiedJob } from "../domain/model.js";
import { vmKey } from "../domain/names.js";
import type { ItemFacts } from "../domain/schedule.js";
import { stateAsOf } from "../domain/vm-state.js";
import type { Inventory, VaultInventory } from "../recovery/inventory.js";
import { mapOrdered } from "../store/map-limit.js";
import type { StoredVmState, TrendStore } from "../store/trend-store.js";

/** Vaults read and judged at the same time: each holds its VMs' states only until it is judged. */
export const VAULTS_IN_FLIGHT = 8;

export interface KnownVmsInput {
  date: string;
  /** The days of schedules and of "no job for 14 days" (PULSE_TIMEZONE). */
  tz: string;
  jobs: readonly ClassifiedJob[];
  store: TrendStore;
  /** The run's vault inventory; null or absent: schedules unknown. */
  inventory?: Inventory | null;
  /** Store the day VMs are first found retired, vault by vault as they are found. */
  markRetired?: boolean;
  messages: Messages;
}

/** What the digest takes of the fleet's known VMs. */
export interface KnownVmsOfDay {
  /**
   * The VMs a job is expected of, in vault order: a VM with a job today is given as that job (the same
   * identity, no copy held), a VM without one as it is listed under "no backup job".
   */
  knownVms: KnownVm[];
  /** The states of expected VMs with a streak long enough to be listed under "what persists". */
  vmStates: VmStreakState[];
  /** The vault names of the expected VMs' states (the vaults known to report). */
  vaultNames: string[];
  /** Lines said once on this day (a VM no longer expected). */
  notes: string[];
  /** Counts for the progress lines. */
  counts: {
    states: number;
    vaults: number;
    /** Vaults judged as the day's write stored them (not read again). */
    judgedAsStored: number;
    largestVault: number;
    inventories: number;
    expected: number;
    retired: number;
  };
}

type VaultVerdict = Omit<KnownVmsOfDay, "counts" | "vaultNames"> & {
  vaultNames: Set<string>;
  states: number;
  inventories: number;
  retired: number;
};

/** Verdicts of the vaults judged as the day's write stored their states, by vault key. */
export type StoredVerdicts = Map<string, VaultVerdict>;

/** Today's job of each VM, by the key the judging matches on. */
function jobsByVm(jobs: readonly ClassifiedJob[]): Map<string, ClassifiedJob> {
  const withJob = new Map<string, ClassifiedJob>();
  for (const j of jobs) withJob.set(j.vmId ?? vmKey(j.vm, j.vault), j);
  return withJob;
}

/**
 * Judges each vault as the day's write stores its VM states (the same verdict as reading them back gives),
 * into `verdicts`: the digest then reads only the vaults the write left alone. `jobs`: the day's jobs.
 */
export function judgeAsStored(
  input: Omit<KnownVmsInput, "jobs">,
  verdicts: StoredVerdicts,
): (jobs: readonly ClassifiedJob[]) => (vaultKey: string, states: StoredVmState[]) => Promise<void> {
  return (jobs) => {
    const withJob = jobsByVm(jobs);
    return async (vaultKey, states) => {
      verdicts.set(vaultKey, await judgeVault({ ...input, jobs }, withJob, states));
    };
  };
}

/**
 * Reads and judges every registered vault's VMs, {@link VAULTS_IN_FLIGHT} vaults at a time, in key order; a
 * vault judged as its states were stored ({@link judgeAsStored}) is taken as judged, not read again.
 */
export async function knownVmsOfDay(
  input: KnownVmsInput,
  judged: ReadonlyMap<string, VaultVerdict> = new Map(),
): Promise<KnownVmsOfDay> {
  const withJob = jobsByVm(input.jobs);
  const vaultKeys = await input.store.readVaultKeys();
  const out: KnownVmsOfDay = {
    knownVms: [],
    vmStates: [],
    vaultNames: [],
    notes: [],
    counts: {
      states: 0,
      vaults: vaultKeys.length,
      judgedAsStored: 0,
      largestVault: 0,
      inventories: 0,
      expected: 0,
      retired: 0,
    },
  };
  const names = new Set<string>();
  const verdicts = mapOrdered(vaultKeys, VAULTS_IN_FLIGHT, async (key) => {
    const early = judged.get(key);
    if (early) out.counts.judgedAsStored++;
    return early ?? judgeVault(input, withJob, await input.store.readVmStatesOfVault(key));
  });
  for await (const v of verdicts) {
    for (const k of v.knownVms) out.knownVms.push(k);
    for (const s of v.vmStates) out.vmStates.push(s);
    for (const n of v.vaultNames) names.add(n);
    for (const n of v.notes) out.notes.push(n);
    const c = out.counts;
    c.states += v.states;
    c.largestVault = Math.max(c.largestVault, v.states);
    c.inventories += v.inventories;
    c.expected += v.knownVms.length;
    c.retired += v.retired;
  }
  out.vaultNames = [...names];
  return out;
}

/** One vault's VMs judged; its states are not kept past this. */
async function judgeVault(
  input: KnownVmsInput,
  withJob: ReadonlyMap<string, ClassifiedJob>,
  states: readonly StoredVmState[],
): Promise<VaultVerdict> {
  const { date } = input;
  // VMs first seen after this day are not expected to have had a job on it.
  const seen = states
    .filter((s) => s.historyEnd !== "" && firstDayOf(s) <= date)
    .map((s) => stateAsOf(s, date));
  const vaults: Map<string, VaultInventory> = input.inventory
    ? await input.inventory.vaultsOf(seen.flatMap((s) => (s.vmId && s.vaultId ? [s.vaultId] : [])))
    : new Map<string, VaultInventory>();
  const itemOf = (s: Pick<StoredVmState, "vmId" | "vaultId">): ItemFacts | null | undefined => {
    const v = s.vmId && s.vaultId ? vaults.get(s.vaultId.toLowerCase()) : undefined;
    if (!v || v.error !== null || !s.vmId) return undefined;
    return v.items.get(s.vmId) ?? null;
  };
  const jobOf = (s: { vm: string; vault: string; vmId?: string | null }): ClassifiedJob | undefined =>
    withJob.get(s.vmId ?? vmKey(s.vm, s.vault));
  const judged = expectedVms({
    date,
    tz: input.tz,
    known: seen.map((s) => ({ ...s, retiredOn: s.retiredOn ?? null })),
    hadJob: (s) => jobOf(s) !== undefined,
    itemOf,
    messages: input.messages,
  });
  if (input.markRetired && judged.newlyRetired.length > 0) {
    await input.store.markRetired(judged.newlyRetired, date);
  }
  const expectedKeys = new Set(judged.expected.map(vmIdentityKey));
  const known = seen.filter((s) => expectedKeys.has(vmIdentityKey(s)));
  const listed = DEFAULT_THRESHOLDS.listStreakDays;
  return {
    knownVms: judged.expected.map((e) => {
      // A VM with a job today: its job says the same (identity is all the digest reads of it).
      const j = jobOf(e);
      return j && j.vm === e.vm && j.vault === e.vault && j.vmId === e.vmId && j.vaultId === e.vaultId
        ? j
        : e;
    }),
    vmStates: known
      .filter((s) => s.failingDays >= listed || s.belowExpectedDays >= listed)
      .map((s) => ({
        vm: s.vm,
        vault: s.vault,
        vmId: s.vmId,
        vaultId: s.vaultId,
        failingDays: s.failingDays,
        belowExpectedDays: s.belowExpectedDays,
        expectedConsistency: s.expectedConsistency,
        lastGoodPointAt: s.lastGoodPointAt,
      })),
    vaultNames: new Set(known.map((s) => s.vault)),
    notes: judged.notes,
    states: states.length,
    inventories: vaults.size,
    retired: judged.newlyRetired.length,
  };
}

function firstDayOf(state: { history: string; historyEnd: string }): string {
  return addDays(state.historyEnd, -(state.history.length - 1));
}
