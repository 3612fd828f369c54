/**
 * What changed since yesterday, per VM: new failures, recoveries and downgrades below the expected
 * consistency. Pure.
 */
import type { ClassifiedJob } from "../model.js";
import { byVaultVm, isFailure, latestPerVm, type DigestDay } from "./day.js";
import { vmAction } from "./codes.js";
import type { CodeLookup, YesterdayOutcome } from "./input.js";
import type { ChangeKind, Digest, VmChange } from "./model.js";

function change(kind: ChangeKind, j: ClassifiedJob, day: DigestDay, lookup: CodeLookup): VmChange {
  return {
    kind,
    ...day.label(j),
    os: j.os,
    status: j.status,
    consistency: j.consistency,
    expectedConsistency: j.expectedConsistency,
    errorCode: j.errorCode,
    errorCategory: j.errorCategory,
    action: kind === "recovery" ? null : vmAction(j.errorCode, isFailure(j.status), lookup, day.messages),
  };
}

/**
 * Each VM's latest job today against its latest outcome yesterday; a job below expectation earlier in the day
 * is a downgrade even when a later job was fine.
 */
export function dayChanges(
  day: DigestDay,
  yesterday: readonly YesterdayOutcome[],
  lookup: CodeLookup,
): Digest["changes"] {
  const yesterdayByVm = latestPerVm(yesterday);
  const newFailures: VmChange[] = [];
  const recoveries: VmChange[] = [];
  const downgrades: VmChange[] = [];
  for (const [k, j] of day.byVm) {
    const y = yesterdayByVm.get(k);
    if (isFailure(j.status)) {
      if (!y || !isFailure(y.status)) newFailures.push(change("new-failure", j, day, lookup));
    } else {
      if (y && isFailure(y.status)) recoveries.push(change("recovery", j, day, lookup));
      // The latest job below expectation, else an earlier one of the day (a later good one does not hide it).
      const worst = day.worstByVm.get(k);
      const below = j.degraded ? j : worst?.degraded && !isFailure(worst.status) ? worst : null;
      if (below && !(y && y.degraded === true && !isFailure(y.status))) {
        downgrades.push(change("downgrade", below, day, lookup));
      }
    }
  }
  newFailures.sort(byVaultVm);
  recoveries.sort(byVaultVm);
  downgrades.sort(byVaultVm);
  return { newFailures, recoveries, downgrades };
}
