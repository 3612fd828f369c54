/**
 * Daily trends and per-VM state, computed from classified jobs. Pure: no I/O, no Azure imports.
 *
 * Everything here is a function of the per-day facts, never of how often a day was applied: a day can be
 * re-computed (re-runs, late rows) and the result is the same.
 */
import type {
  ClassifiedJob,
  Consistency,
  DailyTrend,
  ExpectedConsistency,
  JobStatus,
  OsType,
} from "./model.js";

/** UTC day (`YYYY-MM-DD`) of an ISO-8601 instant. Throws on an unreadable time. */
export function utcDay(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`"${iso}" is not an ISO-8601 time`);
  return new Date(ms).toISOString().slice(0, 10);
}

const DAY_MS = 86_400_000;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === value;
}

/** `date` moved by `days` (negative: earlier). */
export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

export function emptyTrend(date: string, scope: string): DailyTrend {
  return {
    date,
    scope,
    jobs: 0,
    completed: 0,
    completedWithWarnings: 0,
    failed: 0,
    application: 0,
    fileSystem: 0,
    crash: 0,
    none: 0,
    unknown: 0,
    degraded: 0,
  };
}

/** The counters of a trend, in output order (every field except date and scope). */
export const TREND_COUNTERS = [
  "jobs",
  "completed",
  "completedWithWarnings",
  "failed",
  "application",
  "fileSystem",
  "crash",
  "none",
  "unknown",
  "degraded",
] as const;
export type TrendCounter = (typeof TREND_COUNTERS)[number];

const CONSISTENCY_COUNTER: Record<Consistency, TrendCounter> = {
  application: "application",
  "file-system": "fileSystem",
  crash: "crash",
  none: "none",
  unknown: "unknown",
};

/**
 * Adds one job to a trend. `jobs` counts every job; a `Cancelled` job is counted in `jobs` and by its
 * consistency (`none`) but in none of completed / completedWithWarnings / failed.
 */
export function countJob(trend: DailyTrend, job: ClassifiedJob): void {
  trend.jobs += 1;
  if (job.status === "Completed") trend.completed += 1;
  else if (job.status === "CompletedWithWarnings") trend.completedWithWarnings += 1;
  else if (job.status === "Failed") trend.failed += 1;
  trend[CONSISTENCY_COUNTER[job.consistency]] += 1;
  if (job.degraded) trend.degraded += 1;
}

/** Adds the counters of `b` into `a`. */
export function addTrend(a: DailyTrend, b: DailyTrend): void {
  for (const k of TREND_COUNTERS) a[k] += b[k];
}

/** Case-insensitive grouping key of a vault, VM or code name. */
export function nameKey(name: string): string {
  return name.trim().toLowerCase();
}

export type ScopeKind = "all" | "vault" | "vm" | "code";

/** A daily trend with the normalised key of its scope (for storage) next to the display scope. */
export interface ScopedTrend {
  kind: ScopeKind;
  /** Normalised name (lower case); "" for `all`. */
  key: string;
  trend: DailyTrend;
}

/**
 * The aggregates of one UTC day: `all`, one `vault:NAME` per vault, one `vm:NAME` per VM name (unless
 * `vms` is false) and one `code:CODE` per error/warning code (clean successes have no code). Names are
 * grouped case-insensitively; the display name is the smallest spelling seen, so the result does not depend
 * on job order. Every job must start on `date` (see {@link groupJobsByDay}).
 */
export function buildDailyTrends(
  date: string,
  jobs: readonly ClassifiedJob[],
  options: { vms?: boolean } = {},
): ScopedTrend[] {
  const vms = options.vms ?? true;
  const all = emptyTrend(date, "all");
  const groups = new Map<string, { kind: ScopeKind; key: string; names: string[]; trend: DailyTrend }>();
  const add = (kind: ScopeKind, name: string, job: ClassifiedJob): void => {
    const key = nameKey(name);
    const id = `${kind}\u0000${key}`;
    let g = groups.get(id);
    if (!g) {
      g = { kind, key, names: [], trend: emptyTrend(date, "") };
      groups.set(id, g);
    }
    g.names.push(name);
    countJob(g.trend, job);
  };
  for (const job of jobs) {
    assertOnDay(job, date);
    countJob(all, job);
    add("vault", job.vault, job);
    if (vms) add("vm", job.vm, job);
    if (job.errorCode) add("code", job.errorCode, job);
  }
  const order: Record<ScopeKind, number> = { all: 0, vault: 1, vm: 2, code: 3 };
  const scoped = [...groups.values()].map((g) => {
    g.trend.scope = `${g.kind}:${displayName(g.names)}`;
    return { kind: g.kind, key: g.key, trend: g.trend };
  });
  scoped.sort((a, b) => order[a.kind] - order[b.kind] || compare(a.key, b.key));
  return [{ kind: "all", key: "", trend: all }, ...scoped];
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The smallest spelling (code-point order) of a name seen in several spellings. */
function displayName(names: readonly string[]): string {
  let best = names[0] ?? "";
  for (const n of names) if (n.trim() < best.trim()) best = n;
  return best.trim();
}

function assertOnDay(job: ClassifiedJob, date: string): void {
  const day = utcDay(job.start);
  if (day !== date) {
    throw new RangeError(
      `job ${job.jobId} started on ${day}, not on ${date}: group jobs by the UTC day of their start first`,
    );
  }
}

/** Groups jobs by the UTC day of their start (a job belongs to the day it started, whenever it arrived). */
export function groupJobsByDay<J extends ClassifiedJob>(jobs: readonly J[]): Map<string, J[]> {
  const days = new Map<string, J[]>();
  for (const job of jobs) {
    const day = utcDay(job.start);
    const list = days.get(day);
    if (list) list.push(job);
    else days.set(day, [job]);
  }
  return days;
}

// ---------------------------------------------------------------------------------------------------------
// Per-VM state

/**
 * One character per day of a VM's history:
 * - `-` no job that day;
 * - `X` jobs ran but none left a recovery point (failed or cancelled);
 * - `A` / `F` / `C` a recovery point at or above the expected consistency (best level of the day);
 * - `f` / `c` the best point of the day is below the expected consistency;
 * - `U` recovery points of unknown consistency only.
 * A day with a point that met expectation shows it, whatever else ran that day.
 */
export type DayMark = "-" | "X" | "A" | "F" | "C" | "f" | "c" | "U";

/** Days of history kept in a VM's state. */
export const HISTORY_DAYS = 90;

const RANK: Record<Consistency, number> = {
  application: 3,
  "file-system": 2,
  crash: 1,
  unknown: 0,
  none: -1,
};
function hasPoint(job: ClassifiedJob): boolean {
  return (job.status === "Completed" || job.status === "CompletedWithWarnings") && job.consistency !== "none";
}

/** A recovery point known to be at or above what is expected of the VM. */
export function isGoodPoint(job: ClassifiedJob): boolean {
  return hasPoint(job) && job.consistency !== "unknown" && !job.degraded;
}

/** What one day of one VM comes to. Stored per day; the VM's state is derived from these. */
export interface VmDay {
  date: string;
  vm: string;
  vault: string;
  mark: DayMark;
  /** Counts of the VM's jobs that day (scope `vm:NAME`). */
  trend: DailyTrend;
  /** The latest job of the day. */
  lastJobAt: string;
  lastJobId: string;
  lastStatus: JobStatus;
  lastConsistency: Consistency;
  os: OsType;
  expectedConsistency: ExpectedConsistency;
  /** Start of the latest job of the day whose point met expectation, or null. */
  lastGoodPointAt: string | null;
}

/** Latest job first; ties broken by job ID so the result does not depend on input order. */
function later(a: ClassifiedJob, b: ClassifiedJob): boolean {
  const d = Date.parse(a.start) - Date.parse(b.start);
  return d > 0 || (d === 0 && a.jobId > b.jobId);
}

/** Summarises the jobs of one VM (one vault) on one day. `jobs` must not be empty. */
export function summariseVmDay(date: string, jobs: readonly ClassifiedJob[]): VmDay {
  const first = jobs[0];
  if (!first) throw new RangeError("summariseVmDay needs at least one job");
  let last = first;
  let bestGood: ClassifiedJob | null = null;
  let bestBelow: ClassifiedJob | null = null;
  let lastGood: ClassifiedJob | null = null;
  let unknownPoint = false;
  // Display names as in buildDailyTrends: the smallest spelling, whatever the order of the jobs.
  const vm = displayName(jobs.map((j) => j.vm));
  const vault = displayName(jobs.map((j) => j.vault));
  const trend = emptyTrend(date, `vm:${vm}`);
  for (const job of jobs) {
    assertOnDay(job, date);
    countJob(trend, job);
    if (later(job, last)) last = job;
    if (isGoodPoint(job)) {
      if (!bestGood || RANK[job.consistency] > RANK[bestGood.consistency]) bestGood = job;
      if (!lastGood || later(job, lastGood)) lastGood = job;
    } else if (hasPoint(job) && job.consistency !== "unknown") {
      if (!bestBelow || RANK[job.consistency] > RANK[bestBelow.consistency]) bestBelow = job;
    } else if (hasPoint(job)) {
      unknownPoint = true;
    }
  }
  let mark: DayMark = "X";
  if (bestGood) mark = markOf(bestGood.consistency, true);
  else if (bestBelow) mark = markOf(bestBelow.consistency, false);
  else if (unknownPoint) mark = "U";
  return {
    date,
    vm,
    vault,
    mark,
    trend,
    lastJobAt: new Date(Date.parse(last.start)).toISOString(),
    lastJobId: last.jobId,
    lastStatus: last.status,
    lastConsistency: last.consistency,
    os: last.os,
    expectedConsistency: last.expectedConsistency,
    lastGoodPointAt: lastGood ? new Date(Date.parse(lastGood.start)).toISOString() : null,
  };
}

function markOf(level: Consistency, met: boolean): DayMark {
  if (level === "application") return "A";
  if (level === "file-system") return met ? "F" : "f";
  if (level === "crash") return met ? "C" : "c";
  return "U";
}

/** Groups a day's jobs by VM (case-insensitive `vm` + `vault`) and summarises each. */
export function summariseVmDays(date: string, jobs: readonly ClassifiedJob[]): VmDay[] {
  const byVm = new Map<string, ClassifiedJob[]>();
  for (const job of jobs) {
    const key = vmKey(job.vm, job.vault);
    const list = byVm.get(key);
    if (list) list.push(job);
    else byVm.set(key, [job]);
  }
  return [...byVm.keys()].sort().map((k) => summariseVmDay(date, byVm.get(k) ?? []));
}

/** Identity of a VM: its name within its vault, case-insensitive. */
export function vmKey(vm: string, vault: string): string {
  return `${nameKey(vm)}\u0000${nameKey(vault)}`;
}

/** A VM's state: streaks and latest facts, plus its recent history as one character per day. */
export interface VmState {
  vm: string;
  vault: string;
  /** Consecutive days with jobs, counted back from the latest such day, on which no job left a point. */
  failingDays: number;
  /**
   * Consecutive days with jobs, counted back from the latest such day, without a point at or above the
   * expected consistency (failed days count; a day with only unknown-consistency points ends the streak).
   */
  belowExpectedDays: number;
  /** Start of the latest job whose point met expectation; null when none is known. */
  lastGoodPointAt: string | null;
  lastJobAt: string | null;
  lastJobId: string | null;
  lastStatus: JobStatus | null;
  lastConsistency: Consistency | null;
  expectedConsistency: ExpectedConsistency;
  os: OsType;
  /** Last day of `history` (`YYYY-MM-DD`): the latest day with a job. Days after it had no job. */
  historyEnd: string;
  /**
   * One {@link DayMark} per day, oldest first, ending on `historyEnd`; at most {@link HISTORY_DAYS}
   * (see {@link markOn}).
   */
  history: string;
}

/** The mark of `date` in a state's history ("-" when outside it). */
export function markOn(state: { history: string; historyEnd: string | null }, date: string): DayMark {
  if (state.historyEnd === null) return "-";
  const i = state.history.length - 1 - daysBetween(date, state.historyEnd);
  const c = i >= 0 && i < state.history.length ? state.history[i] : undefined;
  return (c ?? "-") as DayMark;
}

/**
 * The history with `date` set to `mark`, in canonical form: it ends on the latest day with a job, starts on
 * a day with a job, and covers at most {@link HISTORY_DAYS} days. So the same day marks give the same
 * history, whatever order they were set in. An empty history has `historyEnd` null.
 */
export function setMark(
  history: string,
  historyEnd: string | null,
  date: string,
  mark: DayMark,
): { history: string; historyEnd: string | null } {
  if (historyEnd === null || history === "") {
    return mark === "-" ? { history: "", historyEnd: null } : { history: mark, historyEnd: date };
  }
  const start = addDays(historyEnd, -(history.length - 1));
  const first = date < start ? date : start;
  const last = date > historyEnd ? date : historyEnd;
  const chars = (
    "-".repeat(daysBetween(first, start)) +
    history +
    "-".repeat(daysBetween(historyEnd, last))
  ).split("");
  chars[daysBetween(first, date)] = mark;
  const lastJob = chars.findLastIndex((c) => c !== "-");
  if (lastJob < 0) return { history: "", historyEnd: null };
  const kept = chars.slice(Math.max(0, lastJob - HISTORY_DAYS + 1), lastJob + 1).join("");
  return { history: kept.replace(/^-+/, ""), historyEnd: addDays(first, lastJob) };
}

/** Streaks read from a history string. */
export function streaks(history: string): { failingDays: number; belowExpectedDays: number } {
  let failingDays = 0;
  let belowExpectedDays = 0;
  let failing = true;
  let below = true;
  for (let i = history.length - 1; i >= 0 && (failing || below); i--) {
    const c = history[i];
    if (c === "-") continue;
    if (failing && c === "X") failingDays += 1;
    else failing = false;
    if (below && (c === "X" || c === "f" || c === "c")) belowExpectedDays += 1;
    else below = false;
  }
  return { failingDays, belowExpectedDays };
}

/** The date of the latest day in the history whose mark passes `test`, or null. */
function latestDay(history: string, historyEnd: string, test: (c: string) => boolean): string | null {
  for (let i = history.length - 1; i >= 0; i--) {
    const c = history[i];
    if (c !== undefined && test(c)) return addDays(historyEnd, i - (history.length - 1));
  }
  return null;
}

const metExpectation = (c: string): boolean => c === "A" || c === "F" || c === "C";

/** The facts of a VM's latest job, as both a day summary and a state carry them. */
type LatestFacts = Pick<
  VmState,
  "vm" | "vault" | "lastJobAt" | "lastJobId" | "lastStatus" | "lastConsistency" | "expectedConsistency" | "os"
>;

/** Stored days the state computation may need beyond the day being applied (null: no row stored). */
export type VmDayLookup = ReadonlyMap<string, VmDay | null>;

/** The result of {@link nextVmState}: the new state, or the days whose stored facts are needed first. */
export type VmStateStep =
  { state: VmState | null; missing?: undefined } | { state?: undefined; missing: string[] };

/**
 * Applies the facts of one VM on one day (`day`, or null when the VM had no job that day, e.g. a re-run
 * that no longer has its jobs) to its previous state. The state depends only on per-day facts: the history,
 * the facts of the latest day with a job and the latest good point. When one of those lies on an earlier
 * day whose facts the previous state does not carry (the day applied used to be the latest and lost its
 * jobs), the step asks for that day (`missing`): call again with it in `lookup`.
 * Returns `state: null` when nothing is known of the VM any more.
 */
export function nextVmState(
  prev: VmState | null,
  date: string,
  day: VmDay | null,
  identity: { vm: string; vault: string },
  lookup: VmDayLookup = new Map(),
): VmStateStep {
  const { history, historyEnd } = setMark(
    prev?.history ?? "",
    prev?.historyEnd ?? null,
    date,
    day?.mark ?? "-",
  );
  if (historyEnd === null) return { state: null }; // no day with a job is known any more
  const missing: string[] = [];
  // Facts of day `d` (a day with a job): from the day applied, the lookup, or the previous state when it
  // was derived from that same day (which this call does not change).
  const factsOn = (d: string, prevDay: string | null): VmDay | "prev" | null => {
    if (d === date) return day;
    if (lookup.has(d)) return lookup.get(d) ?? null;
    if (prev && prevDay === d) return "prev";
    missing.push(d);
    return null;
  };
  const dayOf = (at: string | null | undefined): string | null => (at ? utcDay(at) : null);
  const prevGoodDay = dayOf(prev?.lastGoodPointAt);

  // The history ends on the latest day with a job.
  const latest = factsOn(historyEnd, dayOf(prev?.lastJobAt));
  const goodDay = latestDay(history, historyEnd, metExpectation);
  let lastGoodPointAt: string | null;
  if (goodDay !== null) {
    const f = goodDay === historyEnd ? latest : factsOn(goodDay, prevGoodDay);
    lastGoodPointAt = f === "prev" ? (prev?.lastGoodPointAt ?? null) : (f?.lastGoodPointAt ?? null);
  } else {
    // None in the kept history: a good point older than the history still stands.
    const windowStart = addDays(historyEnd, -(HISTORY_DAYS - 1));
    lastGoodPointAt =
      prevGoodDay !== null && prevGoodDay < windowStart ? (prev?.lastGoodPointAt ?? null) : null;
  }
  if (missing.length > 0) return { missing: [...new Set(missing)] };

  const src: LatestFacts | null = latest === "prev" ? prev : latest;
  return {
    state: {
      vm: src?.vm ?? identity.vm,
      vault: src?.vault ?? identity.vault,
      ...streaks(history),
      lastGoodPointAt,
      lastJobAt: src?.lastJobAt ?? null,
      lastJobId: src?.lastJobId ?? null,
      lastStatus: src?.lastStatus ?? null,
      lastConsistency: src?.lastConsistency ?? null,
      expectedConsistency: src?.expectedConsistency ?? "unknown",
      os: src?.os ?? "unknown",
      historyEnd,
      history,
    },
  };
}
