/**
 * A VM's state: streaks and latest facts, plus its recent history as one character per day, derived only
 * from per-day facts so that re-applying a day gives the same state. Pure.
 */
import { addDays, daysBetween, utcDay } from "./days.js";
import type { Consistency, ExpectedConsistency, JobStatus, OsType } from "./model.js";
import type { DayMark, VmDay } from "./vm-day.js";

/** Days of history kept in a VM's state. */
export const HISTORY_DAYS = 90;

/** A VM's state: streaks and latest facts, plus its recent history as one character per day. */
export interface VmState {
  vm: string;
  vault: string;
  /** Consecutive days with jobs, counted back from the latest such day, on which no job left a point. */
  failingDays: number;
  /**
   * Consecutive days with jobs, counted back from the latest such day, whose latest point is below the
   * expected consistency (failed days count; a day whose latest point is of unknown consistency ends it).
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
   * One {@link DayMark} per day, oldest first, ending on `historyEnd`; at most {@link HISTORY_DAYS}.
   */
  history: string;
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

/**
 * A state as it stood at the end of `date`, for the digest of an earlier day: the history cut after that day
 * and the streaks counted on it. The facts of the latest job and the last good point stay the latest known
 * (they are not kept day by day). A state whose history ends on or before `date` is returned as it is.
 */
export function stateAsOf<S extends VmState>(state: S, date: string): S {
  if (!state.historyEnd || date >= state.historyEnd) return state;
  const kept = state.history.length - daysBetween(date, state.historyEnd);
  if (kept <= 0) return { ...state, failingDays: 0, belowExpectedDays: 0 };
  const cut = state.history.slice(0, kept);
  const history = cut.replace(/-+$/, "");
  return {
    ...state,
    ...streaks(history),
    history,
    historyEnd: addDays(date, -(cut.length - history.length)),
  };
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
  // The days the previous state's facts come from, read from its own history (so whatever time zone the
  // days are of): its latest job is on its historyEnd, its latest good point on its latest day that met the
  // expectation, or before its history when that holds none.
  const prevGood = prev?.historyEnd ? latestDay(prev.history, prev.historyEnd, metExpectation) : null;
  const prevGoodDay =
    prevGood ??
    (prev?.lastGoodPointAt ? addDays(prev.historyEnd ?? utcDay(prev.lastGoodPointAt), -HISTORY_DAYS) : null);

  // The history ends on the latest day with a job.
  const latest = factsOn(historyEnd, prev?.historyEnd ?? null);
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
  // The latest day may hold a good point though its mark is below expectation (a degraded job after it). When
  // an earlier day is applied, that point is read from the latest day's stored facts: the previous state's
  // good point may come from the day applied, which this call replaces.
  const latestMark = history[history.length - 1];
  const latestMayHoldGood = latestMark === "f" || latestMark === "c" || latestMark === "U";
  const latestFacts = latest === "prev" && latestMayHoldGood ? factsOn(historyEnd, null) : latest;
  const latestDayGood = latestFacts !== "prev" ? (latestFacts?.lastGoodPointAt ?? null) : null;
  if (latestDayGood !== null && (lastGoodPointAt === null || latestDayGood > lastGoodPointAt)) {
    lastGoodPointAt = latestDayGood;
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
