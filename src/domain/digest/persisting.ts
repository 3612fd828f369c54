/**
 * What persists: VMs failing or below their expected consistency several days in a row, and known VMs
 * without a job today. Pure.
 */
import { vmIdentityKey } from "../identity.js";
import { vmAction } from "./codes.js";
import { byVaultVm, type DigestDay } from "./day.js";
import type { CodeLookup, DigestThresholds, KnownVm, VmStreakState } from "./input.js";
import type { Digest, MissingVm, VmStreak } from "./model.js";

/** The known VMs by {@link vmIdentityKey} (a VM listed twice counts once, with its last entry). */
export function knownVmsByKey(knownVms: readonly KnownVm[]): Map<string, KnownVm> {
  const known = new Map<string, KnownVm>();
  for (const v of knownVms) known.set(vmIdentityKey(v), v);
  return known;
}

/** A streak, with the code of the VM's job of the day and what to do about it. */
function streak(
  s: VmStreakState,
  days: number,
  failing: boolean,
  day: DigestDay,
  lookup: CodeLookup,
): VmStreak {
  const errorCode = day.byVm.get(vmIdentityKey(s))?.errorCode ?? null;
  return {
    ...day.label(s),
    days,
    expectedConsistency: s.expectedConsistency ?? null,
    lastGoodPointAt: s.lastGoodPointAt ?? null,
    errorCode,
    action: vmAction(errorCode, failing, lookup, day.messages),
  };
}

const byDaysThenName = (a: VmStreak, b: VmStreak): number => b.days - a.days || byVaultVm(a, b);

/** Streaks of at least `listStreakDays` (a shorter failure is a change, not something that persists). */
export function persisting(
  day: DigestDay,
  vmStates: readonly VmStreakState[],
  known: ReadonlyMap<string, KnownVm>,
  th: DigestThresholds,
  lookup: CodeLookup,
): Digest["persisting"] {
  const failing = vmStates
    .filter((s) => s.failingDays >= th.listStreakDays)
    .map((s) => streak(s, s.failingDays, true, day, lookup))
    .sort(byDaysThenName);
  const belowExpected = vmStates
    .filter((s) => s.belowExpectedDays >= th.listStreakDays && s.failingDays < th.listStreakDays)
    .map((s) => streak(s, s.belowExpectedDays, false, day, lookup))
    .sort(byDaysThenName);
  const noJobToday: MissingVm[] = [...known.entries()]
    .filter(([k]) => !day.byVm.has(k))
    // The labels' own object, given the line's fields: every VM of a silent vault may be listed.
    .map(([, v]): MissingVm => {
      const row: MissingVm = Object.assign(day.label(v), { lastJobAt: v.lastJobAt ?? null });
      if (v.policy) row.policy = v.policy;
      return row;
    })
    .sort(byVaultVm);
  return { failing, belowExpected, noJobToday };
}
