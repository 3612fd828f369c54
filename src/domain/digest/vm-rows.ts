/**
 * One row per VM with a job today, problems first: failed, then below the expected consistency, then of
 * unknown consistency, then fine. Pure.
 */
import { byVaultVm, isFailure, type DigestDay } from "./day.js";
import type { VmRow } from "./model.js";

const severity = (r: VmRow): number =>
  isFailure(r.status) ? 0 : r.degraded ? 1 : r.consistency === "unknown" ? 2 : 3;

export function vmRows(day: DigestDay): VmRow[] {
  return [...day.byVm.entries()]
    .map(([k, j]) => ({
      ...day.label(j),
      os: j.os,
      status: j.status,
      consistency: j.consistency,
      expectedConsistency: j.expectedConsistency,
      degraded: j.degraded,
      errorCode: j.errorCode,
      jobs: day.jobsPerVm.get(k) ?? 1,
      start: j.start,
    }))
    .sort((a, b) => severity(a) - severity(b) || byVaultVm(a, b));
}
