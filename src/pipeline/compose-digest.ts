/**
 * The digest of a day from its classified jobs and the stored history: used by the daily run (today's read, or
 * the stored day it kept) and by the `report` function (a stored day).
 */
import { lookupCode } from "../domain/catalogue.js";
import { buildDigest, type CoverageInput, type Digest } from "../domain/digest.js";
import type { ClassifiedJob } from "../domain/model.js";
import { addDays } from "../domain/days.js";
import { stateAsOf } from "../domain/vm-state.js";
import type { WorkspaceReport } from "../logs/workspace-report.js";
import type { RunRecord, TrendStore } from "../store/trend-store.js";

/** What was read for the day: the workspaces of this run, or the stored run record of an earlier run. */
export type DigestCoverageSource =
  { workspaces: readonly WorkspaceReport[]; complete: boolean; rowsRejected: number } | { run: RunRecord };

export type ComposeDigestInput = {
  date: string;
  jobs: readonly ClassifiedJob[];
  store: TrendStore | null;
} & DigestCoverageSource;

/**
 * Builds the digest of a day from its jobs and the stored history (trends, yesterday, VM states). For an
 * earlier day, each VM's streaks are counted on its history up to that day, not as they are now.
 */
export async function composeDigest(input: ComposeDigestInput): Promise<Digest> {
  const { date, store } = input;
  const [trends, yesterday, states] = store
    ? await Promise.all([
        store.readTrends({ from: addDays(date, -30), to: addDays(date, -1) }),
        store.readDayJobs(addDays(date, -1)),
        collect(store.readVmStates()),
      ])
    : [[], [], []];
  // VMs first seen after this day are not expected to have had a job on it.
  const known = states
    .filter((s) => s.historyEnd !== "" && firstDayOf(s) <= date)
    .map((s) => stateAsOf(s, date));
  return buildDigest({
    date,
    jobs: input.jobs,
    trends,
    yesterday,
    vmStates: known,
    knownVms: known.map((s) => ({ vm: s.vm, vault: s.vault, lastJobAt: s.lastJobAt })),
    coverage: {
      ...("run" in input ? coverageOfRun(input.run) : coverageOfRead(input)),
      vaultsKnown: [...new Set(known.map((s) => s.vault))],
    },
    lookup: lookupCode,
  });
}

function coverageOfRead(read: {
  workspaces: readonly WorkspaceReport[];
  complete: boolean;
  rowsRejected: number;
}): Omit<CoverageInput, "vaultsKnown"> {
  return {
    workspacesQueried: read.workspaces.map((w) => w.workspaceId),
    workspacesFailed: read.workspaces
      .filter((w) => w.status === "failed")
      .map((w) => ({ workspaceId: w.workspaceId, reason: w.error ?? "query failed" })),
    partial: !read.complete,
    rowsRejected: read.rowsRejected,
  };
}

/**
 * Coverage as the run record kept it: the failed workspaces by ID, the others by count only (the digest
 * shows how many workspaces were queried, not which), and no count of rejected rows.
 */
function coverageOfRun(run: RunRecord): Omit<CoverageInput, "vaultsKnown"> {
  const when = run.runAt ? ` on the run of ${run.runAt}` : "";
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
      reason: `not read completely${when}; the reason is in that run's log`,
    })),
    partial: !run.complete,
    rowsRejected: run.rowsRejected,
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
