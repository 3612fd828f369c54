/**
 * Storing what the daily run read, day by day. A lesser read never replaces what is stored: an incomplete
 * read never replaces a day stored complete, a read that finds nothing keeps the stored day (rows past the
 * workspace's retention), and two incomplete reads keep each other's jobs of the workspaces they could not read.
 */
import { addDays } from "../domain/days.js";
import { hadApplicationPoint } from "../domain/job-evidence.js";
import type { BackupJob } from "../domain/model.js";
import { groupJobsByDay } from "../domain/trends.js";
import type { WorkspaceReport } from "../logs/workspace-report.js";
import { screenJobs } from "../store/row-limits.js";
import type { StoredJob, TrendStore, WriteDayInput, WriteDayResult } from "../store/trend-store.js";
import { vmKeyOfJob } from "./job-evidence.js";
import type { ObservedJob } from "./read-and-classify.js";

export interface DayWritten {
  date: string;
  jobs: number;
  complete: boolean;
  /** Jobs of the day read but left out: Table Storage refuses a row they make (counted in the run record). */
  unstorable: number;
  /** Why a day was not written (e.g. a stored complete day kept over an incomplete re-read). */
  skipped?: string;
  /** True when the stored complete day was kept because this read was incomplete. */
  keptStored?: boolean;
  result?: WriteDayResult;
}

/** How the read went, as stored with each day. */
export interface ReadOutcome {
  complete: boolean;
  workspaces: readonly WorkspaceReport[];
  rowsRejected: number;
}

export interface StoreDaysInput {
  /** The days from `firstDay` to `lastDay`, both included, are stored (a day without jobs too). */
  firstDay: string;
  lastDay: string;
  /** PULSE_TIMEZONE: each job belongs to the calendar day of its start there. */
  timeZone: string;
  /** The run's jobs: each gets its `day` set in place (a fleet's jobs are not copied). */
  jobs: readonly StoredJob[];
  outcome: ReadOutcome;
  /** Null: nothing is stored (a dry run, or no table target). */
  store: TrendStore | null;
  /**
   * Every workspace answered without a row: no day is stored as a day without jobs (a stored day is kept),
   * for nothing says that no backup ran rather than that no report arrived.
   */
  emptyRead?: boolean;
  /**
   * Given the last day's jobs, what the write of that day hands each vault's stored VM states to (the digest's
   * judging, so that it need not read them back).
   */
  judgeStored?: (jobs: readonly StoredJob[]) => WriteDayInput["onVaultStates"];
  log: (line: string) => void;
}

/**
 * Stores each day of the read; returns the jobs of each day and what was written. A job Table Storage cannot
 * store (a name too long for a key, text that is not valid UTF-16) is left out of its day, said in the log and
 * counted; the rest of the day is stored.
 */
export async function storeDays(
  input: StoreDaysInput,
): Promise<{ byDay: Map<string, StoredJob[]>; days: DayWritten[] }> {
  const { store, outcome, log } = input;
  const byDay = groupJobsByDay(input.jobs, input.timeZone, { inPlace: true });
  const days: DayWritten[] = [];
  // Look-back days before the first job read are days before the workspaces had data, unless the store
  // already holds an earlier day: they are not stored as days without jobs.
  const firstJobDay = [...byDay.keys()].sort()[0] ?? input.lastDay;
  const beforeData =
    store !== null && input.firstDay < firstJobDay && !(await store.hasDayBefore(input.firstDay));
  for (let d = input.firstDay; d <= input.lastDay; d = addDays(d, 1)) {
    const { storable: jobs, unstorable } = screenJobs(d, byDay.get(d) ?? []);
    if (unstorable.length > 0) {
      byDay.set(d, jobs);
      log(`  ${d}: ${unstorable.length} job(s) left out: Table Storage cannot store them`);
      for (const u of unstorable.slice(0, 5)) log(`    job ${u.jobId} (VM ${u.vm}): ${u.reason}`);
    }
    if (input.emptyRead && store && !((await store.readRun(d))?.jobs ?? 0)) {
      log(`  ${d}: not stored: no workspace returned a job (NO DATA is not a day without backups)`);
      days.push({ date: d, jobs: 0, complete: outcome.complete, skipped: "no job read", unstorable: 0 });
      continue;
    }
    if (beforeData && d < firstJobDay && (await store?.readRun(d)) === null) {
      log(`  ${d}: not stored: no job was read on or before it, and nothing is stored before it`);
      days.push({
        date: d,
        jobs: 0,
        complete: outcome.complete,
        skipped: "before the first data",
        unstorable: 0,
      });
      continue;
    }
    const onVaultStates = d === input.lastDay ? input.judgeStored?.(jobs) : undefined;
    const written = store
      ? await storeDay(
          store,
          { date: d, timeZone: input.timeZone, ...(onVaultStates ? { onVaultStates } : {}) },
          jobs,
          { ...outcome, rowsUnstorable: unstorable.length },
          log,
        )
      : { date: d, jobs: jobs.length, complete: outcome.complete, skipped: "dry run" };
    days.push({ ...written, unstorable: unstorable.length });
  }
  return { byDay, days };
}

/**
 * Stores one day. An incomplete read never replaces a day already stored complete, and is stored marked
 * incomplete otherwise (so it is never taken for a complete day).
 */
async function storeDay(
  store: TrendStore,
  day: Pick<WriteDayInput, "date" | "timeZone" | "onVaultStates">,
  read: StoredJob[],
  outcome: ReadOutcome & { rowsUnstorable: number },
  log: (line: string) => void,
): Promise<Omit<DayWritten, "unstorable">> {
  const { date, timeZone = "UTC" } = day;
  const { complete, workspaces } = outcome;
  const stored = await store.readRun(date);
  const keep = (why: string, line: string): Omit<DayWritten, "unstorable"> => {
    log(`  ${date}: ${line}`);
    return { date, jobs: read.length, complete, skipped: why, keptStored: true };
  };
  if (!complete && stored?.complete) {
    return keep(
      "stored day is complete; this read was not",
      "kept the stored complete day (this read was incomplete)",
    );
  }
  if (read.length === 0 && stored && stored.jobs > 0) {
    // Rows past the workspace's retention read as nothing: the stored history outlives them.
    return keep(
      "this read found no job for a stored day",
      `kept the ${stored.jobs} stored job(s): this read found none (past the workspace's retention?)`,
    );
  }
  const jobs = complete || !stored ? read : await withUnreadCarried(store, date, read, workspaces, log);
  const result = await store.writeDay({
    date,
    jobs,
    // Screened by storeDays; jobs carried over from the store were stored, so they can be.
    screened: true,
    complete,
    workspaces: workspaces.map((w) => ({
      workspaceId: w.workspaceId,
      ok: w.status !== "failed" && w.complete,
    })),
    rowsRejected: outcome.rowsRejected,
    timeZone,
    rowsUnstorable: outcome.rowsUnstorable,
    ...(day.onVaultStates ? { onVaultStates: day.onVaultStates } : {}),
  });
  if (stored && stored.timeZone !== timeZone) {
    log(
      `  ${date}: the stored day was cut in ${stored.timeZone}; it is now cut in ${timeZone} (PULSE_TIMEZONE)`,
    );
  }
  log(
    `  ${date}: stored ${jobs.length} job(s)${complete ? "" : " (marked incomplete)"} in ${result.transactions} transaction(s)`,
  );
  return { date, jobs: jobs.length, complete, result };
}

/** Both reads are incomplete: keep what the earlier one stored from the workspaces this one could not read. */
async function withUnreadCarried(
  store: TrendStore,
  date: string,
  read: StoredJob[],
  workspaces: readonly WorkspaceReport[],
  log: (line: string) => void,
): Promise<StoredJob[]> {
  const unread = new Set(
    workspaces.filter((w) => w.status === "failed" || !w.complete).map((w) => w.workspaceId),
  );
  const seen = new Set(read.map((j) => j.jobId));
  const carried = (await store.readDayJobs(date)).filter(
    (j) => j.workspaceId && unread.has(j.workspaceId) && !seen.has(j.jobId),
  );
  if (carried.length === 0) return read;
  log(`  ${date}: kept ${carried.length} stored job(s) of workspace(s) this read could not read completely`);
  return [...read, ...carried];
}

/** The VMs the store knows that are still expected to back up (seen, not retired). */
export async function vmsExpected(store: TrendStore): Promise<number> {
  let n = 0;
  for await (const s of store.readVmStates()) if (s.historyEnd !== "" && !s.retiredOn) n++;
  return n;
}

/**
 * The Linux VMs among `jobs` that an earlier run saw with an application-consistent point (keys as the
 * evidence step's): their stored states, one read per vault partition of the jobs' vaults, vault by vault.
 */
export async function earlierApplicationVms(
  store: TrendStore,
  jobs: readonly BackupJob[],
): Promise<Set<string>> {
  const linux = jobs.filter((j) => j.os === "Linux");
  const out = new Set<string>();
  if (linux.length === 0) return out;
  const wanted = new Set(linux.map(vmKeyOfJob));
  for await (const s of store.readVmStatesOfVaults(linux)) {
    const key = vmKeyOfJob(s);
    if (wanted.has(key) && s.os === "Linux" && hadApplicationPoint(s)) out.add(key);
  }
  return out;
}

/** Observed consistencies stored for the days from `firstDay` up to, not including, `date`. */
export async function observedBefore(
  store: TrendStore,
  firstDay: string,
  date: string,
): Promise<Map<string, ObservedJob>> {
  const out = new Map<string, ObservedJob>();
  for (let d = firstDay; d < date; d = addDays(d, 1)) {
    for (const [jobId, seen] of await store.readObservedJobs(d)) out.set(jobId, seen);
  }
  return out;
}
