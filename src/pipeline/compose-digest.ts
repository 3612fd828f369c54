/**
 * The digest of a day from its classified jobs and the stored history: used by the daily run (today's read, or
 * the stored day it kept) and by the `report` function (a stored day).
 */
import { lookupCode } from "../domain/catalogue.js";
import { buildDigest, type CoverageInput, type Digest } from "../domain/digest.js";
import { messagesFor, type Locale, type Messages } from "../domain/messages/index.js";
import type { ClassifiedJob } from "../domain/model.js";
import { addDays } from "../domain/days.js";
import type { WorkspaceReport } from "../logs/workspace-report.js";
import type { Inventory } from "../recovery/inventory.js";
import type { RunRecord, TrendStore } from "../store/trend-store.js";
import { dayBeforeOutcomes } from "./day-before.js";
import { knownVmsOfDay, VAULTS_IN_FLIGHT, type StoredVerdicts } from "./known-vms.js";

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
  /** Vaults the day's write judged as it stored their states (known-vms.ts, `judgeAsStored`): not read again. */
  judged?: StoredVerdicts;
} & DigestCoverageSource;

/**
 * Builds the digest of a day from its jobs and the stored history (trends, yesterday, VM states). For an
 * earlier day, each VM's streaks are counted on its history up to that day, not as they are now. The known
 * VMs are read and judged vault by vault ({@link knownVmsOfDay}): what the digest keeps of them is what it
 * shows.
 */
export async function composeDigest(input: ComposeDigestInput): Promise<Digest> {
  const { date, store } = input;
  const step = stepTimer(input.log);
  const m = messagesFor(input.locale);
  const [trends, yesterday] = store
    ? await Promise.all([
        store.readTrends({ from: addDays(date, -30), to: addDays(date, -1) }),
        // Only VMs with a job today are compared with the day before: their vaults' partitions of that day.
        dayBeforeOutcomes(store, addDays(date, -1), input.jobs),
      ])
    : [[], []];
  step(
    `read ${trends.length} trend day(s) and the day before (${yesterday.length} VM(s) whose latest job went wrong)`,
  );
  const known = store
    ? await knownVmsOfDay(
        {
          date,
          tz: input.timeZone ?? "UTC",
          jobs: input.jobs,
          store,
          inventory: input.inventory,
          markRetired: input.markRetired === true,
          messages: m,
        },
        input.judged,
      )
    : null;
  if (known) {
    const c = known.counts;
    const read = c.vaults - c.judgedAsStored;
    step(
      `judged ${c.states} VM state(s) vault by vault (${c.vaults} vault(s): ${c.judgedAsStored} as the day was stored, ${read} partition(s) read, ${VAULTS_IN_FLIGHT} at a time; the largest ${c.largestVault}; inventory of ${c.inventories} vault(s)): ${c.expected} expected`,
    );
    if (c.retired > 0) input.log?.(`  digest: marked ${c.retired} VM(s) retired`);
  }
  const digest = buildDigest({
    date,
    jobs: input.jobs,
    trends,
    yesterday,
    vmStates: known?.vmStates ?? [],
    knownVms: known?.knownVms ?? [],
    notes: known?.notes ?? [],
    coverage: {
      ...("run" in input ? coverageOfRun(input.run, m) : coverageOfRead(input, m)),
      vaultsKnown: known?.vaultNames ?? [],
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
