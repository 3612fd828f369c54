/**
 * The digest of a day from its classified jobs and the stored history: used by the daily run (today's read, or
 * the stored day it kept) and by the `report` function (a stored day).
 */
import { lookupCode } from "../domain/catalogue.js";
import { buildDigest, type CoverageInput, type Digest } from "../domain/digest.js";
import { messagesFor, type Locale, type Messages } from "../domain/messages/index.js";
import type { ClassifiedJob } from "../domain/model.js";
import { addDays } from "../domain/days.js";
import { expectedVms } from "../domain/expected-vms.js";
import { vmIdentityKey } from "../domain/identity.js";
import { vmKey } from "../domain/names.js";
import type { ItemFacts } from "../domain/schedule.js";
import { stateAsOf } from "../domain/vm-state.js";
import type { WorkspaceReport } from "../logs/workspace-report.js";
import type { Inventory, VaultInventory } from "../recovery/inventory.js";
import type { RunRecord, StoredVmState, TrendStore } from "../store/trend-store.js";

/** What was read for the day: the workspaces of this run, or the stored run record of an earlier run. */
export type DigestCoverageSource =
  | {
      workspaces: readonly WorkspaceReport[];
      complete: boolean;
      rowsRejected: number;
      rowsUnstorable?: number;
      /** Every workspace answered without a row; how many VMs the store expects to back up. */
      emptyRead?: { vmsExpected: number };
    }
  | { run: RunRecord };

export type ComposeDigestInput = {
  date: string;
  jobs: readonly ClassifiedJob[];
  store: TrendStore | null;
  /** The digest's language and time zone (PULSE_LOCALE, PULSE_TIMEZONE: also the days of schedules and of
   * "no job for 14 days"); default English, UTC. */
  locale?: Locale;
  timeZone?: string;
  /** The run's vault inventory; null or absent: schedules unknown (due daily, lapsed after 14 days). */
  inventory?: Inventory | null;
  /** Store the day VMs are first found retired (the daily run; not a dry run, not a report). */
  markRetired?: boolean;
  /** Progress lines: what each step read and how long it took. */
  log?: (line: string) => void;
} & DigestCoverageSource;

/**
 * Builds the digest of a day from its jobs and the stored history (trends, yesterday, VM states). For an
 * earlier day, each VM's streaks are counted on its history up to that day, not as they are now.
 */
export async function composeDigest(input: ComposeDigestInput): Promise<Digest> {
  const { date, store } = input;
  const step = stepTimer(input.log);
  const [trends, yesterday, states] = store
    ? await Promise.all([
        store.readTrends({ from: addDays(date, -30), to: addDays(date, -1) }),
        // Only VMs with a job today are compared with the day before: their vaults' partitions of that day.
        input.jobs.length > 0 ? store.readDayOutcomes(addDays(date, -1), input.jobs) : [],
        collect(store.readVmStates()),
      ])
    : [[], [], []];
  step(
    `read ${states.length} VM state(s), ${yesterday.length} job(s) of the day before, ${trends.length} trend day(s)`,
  );
  // VMs first seen after this day are not expected to have had a job on it.
  const seen = states
    .filter((s) => s.historyEnd !== "" && firstDayOf(s) <= date)
    .map((s) => stateAsOf(s, date));
  const m = messagesFor(input.locale);
  const judged = await judgeKnownVms(input, seen, m, step);
  const expectedKeys = new Set(judged.expected.map(vmIdentityKey));
  const known = seen.filter((s) => expectedKeys.has(vmIdentityKey(s)));
  const digest = buildDigest({
    date,
    jobs: input.jobs,
    trends,
    yesterday,
    vmStates: known,
    knownVms: judged.expected,
    notes: judged.notes,
    coverage: {
      ...("run" in input ? coverageOfRun(input.run, m) : coverageOfRead(input, m)),
      vaultsKnown: [...new Set(known.map((s) => s.vault))],
    },
    lookup: lookupCode,
    locale: input.locale,
    timeZone: input.timeZone,
  });
  step(`built: ${digest.persisting.noJobToday.length} VM(s) without a job, ${digest.vms.length} with one`);
  return digest;
}

/** A progress line per step, with the time since the previous one. */
function stepTimer(log: ((line: string) => void) | undefined): (what: string) => void {
  let last = performance.now();
  return (what) => {
    const now = performance.now();
    log?.(`  digest: ${what} (${((now - last) / 1000).toFixed(1)} s)`);
    last = now;
  };
}

/**
 * What is expected of each known VM on the day: due (listed under "no backup job" when it had none), not due,
 * retired or lapsed (said once in the notes, then left out). Stores the day a VM is first found retired.
 */
async function judgeKnownVms(
  input: ComposeDigestInput,
  seen: StoredVmState[],
  m: Messages,
  step: (what: string) => void,
) {
  const withJob = new Set(input.jobs.map((j) => j.vmId ?? vmKey(j.vm, j.vault)));
  const vaults: Map<string, VaultInventory> = input.inventory
    ? await input.inventory.vaultsOf(seen.flatMap((s) => (s.vmId && s.vaultId ? [s.vaultId] : [])))
    : new Map<string, VaultInventory>();
  step(`inventory of ${vaults.size} vault(s)`);
  const itemOf = (s: Pick<StoredVmState, "vmId" | "vaultId">): ItemFacts | null | undefined => {
    const v = s.vmId && s.vaultId ? vaults.get(s.vaultId.toLowerCase()) : undefined;
    if (!v || v.error !== null || !s.vmId) return undefined;
    return v.items.get(s.vmId) ?? null;
  };
  const judged = expectedVms({
    date: input.date,
    tz: input.timeZone ?? "UTC",
    known: seen.map((s) => ({ ...s, retiredOn: s.retiredOn ?? null })),
    hadJob: (s) => withJob.has(s.vmId ?? vmKey(s.vm, s.vault)),
    itemOf,
    messages: m,
  });
  step(`judged ${seen.length} known VM(s): ${judged.expected.length} expected`);
  if (input.markRetired && input.store && judged.newlyRetired.length > 0) {
    await input.store.markRetired(judged.newlyRetired, input.date);
    step(`marked ${judged.newlyRetired.length} VM(s) retired`);
  }
  return judged;
}

function coverageOfRead(
  read: Exclude<DigestCoverageSource, { run: RunRecord }>,
  m: Messages,
): Omit<CoverageInput, "vaultsKnown"> {
  return {
    workspacesQueried: read.workspaces.map((w) => w.workspaceId),
    workspacesFailed: read.workspaces
      .filter((w) => w.status === "failed")
      .map((w) => ({ workspaceId: w.workspaceId, reason: w.error ?? m.coverage.queryFailed })),
    partial: !read.complete,
    rowsRejected: read.rowsRejected,
    rowsUnstorable: read.rowsUnstorable ?? 0,
    ...(read.emptyRead ? { emptyRead: read.emptyRead } : {}),
  };
}

/**
 * Coverage as the run record kept it: the failed workspaces by ID, the others by count only (the digest
 * shows how many workspaces were queried, not which), and no count of rejected rows.
 */
function coverageOfRun(run: RunRecord, m: Messages): Omit<CoverageInput, "vaultsKnown"> {
  return {
    workspacesQueried:
      run.workspaceIds.length > 0
        ? run.workspaceIds
        : [
            ...run.failedWorkspaceIds,
            ...Array.from({ length: run.workspacesOk }, (_, i) => `workspace ${i + 1} read`),
          ],
    workspacesFailed: run.failedWorkspaceIds.map((workspaceId) => ({
      workspaceId,
      reason: m.coverage.notReadOnRun(run.runAt || null),
    })),
    partial: !run.complete,
    rowsRejected: run.rowsRejected,
    rowsUnstorable: run.rowsUnstorable ?? 0,
  };
}

function firstDayOf(state: { history: string; historyEnd: string }): string {
  return addDays(state.historyEnd, -(state.history.length - 1));
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}
