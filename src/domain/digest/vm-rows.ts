/**
 * One row per VM with a job today, problems first (by its worst job of the day): failed, then below the
 * expected consistency, then of unknown consistency, then fine. Each row is the VM's latest job (the point
 * the vault keeps), with its worst job when that was worse. Pure.
 */
import { byVaultVm, severityOf, type DigestDay } from "./day.js";
import type { VmRow } from "./model.js";

/** Problems first: by the VM's worst job of the day. */
const severity = (r: VmRow): number => -severityOf(r.worst ?? r);

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
      ...worstOf(day.worstByVm.get(k)),
    }))
    .map((row) => ({ row, severity: severity(row) })) // once per row, not on every comparison
    .sort((a, b) => a.severity - b.severity || byVaultVm(a.row, b.row))
    .map((r) => r.row);
}

function worstOf(w: DigestDay["jobs"][number] | undefined): Pick<VmRow, "worst"> {
  if (!w) return {};
  const { status, consistency, degraded, errorCode, start } = w;
  return { worst: { status, consistency, degraded, errorCode, start } };
}
