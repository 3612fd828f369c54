/**
 * Daily trends: the figures of one UTC day for the fleet, each vault, each VM and each code, computed from
 * classified jobs. Pure: no I/O, no Azure imports.
 *
 * Everything here is a function of the per-day facts, never of how often a day was applied: a day can be
 * re-computed (re-runs, late rows) and the result is the same.
 */
import { dayOfIso, UTC } from "./days.js";
import type { ClassifiedJob, DailyTrend } from "./model.js";
import { displayName, nameKey } from "./names.js";
import { assertOnDay, countJob, emptyTrend } from "./trend-counts.js";

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

/**
 * Groups jobs by the calendar day of their start in time zone `tz` (`PULSE_TIMEZONE`): a job belongs to the
 * day it started, whenever it arrived. Each job of the result carries that `day`: a copy of the job, or with
 * `inPlace` the job itself (for a caller that owns a fleet's jobs and need not hold them twice).
 */
export function groupJobsByDay<J extends ClassifiedJob>(
  jobs: readonly J[],
  tz: string = UTC,
  options: { inPlace?: boolean } = {},
): Map<string, J[]> {
  const days = new Map<string, J[]>();
  for (const job of jobs) {
    const started = dayOfIso(job.start, tz);
    const list = days.get(started);
    // The jobs of a day share one string of it.
    const day = list?.[0]?.day ?? started;
    const dated: J = options.inPlace ? Object.assign(job, { day }) : { ...job, day };
    if (list) list.push(dated);
    else days.set(day, [dated]);
  }
  return days;
}
