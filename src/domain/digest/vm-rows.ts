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
  const rows: { row: VmRow; severity: number }[] = [];
  for (const [k, j] of day.byVm) {
    // The labels' own object, given the row's fields (a spread into a new literal makes a fleet of rows
    // several times larger, and slow to build).
    const row: VmRow = Object.assign(day.label(j), {
      os: j.os,
      status: j.status,
      consistency: j.consistency,
      expectedConsistency: j.expectedConsistency,
      degraded: j.degraded,
      errorCode: j.errorCode,
      jobs: day.jobsPerVm.get(k) ?? 1,
      start: j.start,
    });
    const w = day.worstByVm.get(k);
    if (w) {
      const { status, consistency, degraded, errorCode, start } = w;
      row.worst = { status, consistency, degraded, errorCode, start };
    }
    rows.push({ row, severity: severity(row) }); // once per row, not on every comparison
  }
  return rows.sort((a, b) => a.severity - b.severity || byVaultVm(a.row, b.row)).map((r) => r.row);
}
