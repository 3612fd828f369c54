/**
 * What the day's figures cover: workspaces read or failed, vaults seen or silent, VMs with a job. Pure.
 */
import type { DigestDay } from "./day.js";
import type { CoverageInput, KnownVm } from "./input.js";
import type { DigestCoverage } from "./model.js";

export function digestCoverage(
  day: DigestDay,
  input: CoverageInput,
  knownVms: readonly KnownVm[],
  vmsKnown: number,
): DigestCoverage {
  const seen = new Map<string, string>();
  for (const j of day.jobs) if (!seen.has(j.vault.toLowerCase())) seen.set(j.vault.toLowerCase(), j.vault);
  const knownVaults = new Map<string, string>();
  for (const v of input.vaultsKnown ?? []) knownVaults.set(v.toLowerCase(), v);
  for (const v of knownVms)
    if (!knownVaults.has(v.vault.toLowerCase())) knownVaults.set(v.vault.toLowerCase(), v.vault);
  const vaultsSilent = [...knownVaults.entries()]
    .filter(([k]) => !seen.has(k))
    .map(([, v]) => v)
    .sort((a, b) => a.localeCompare(b));
  const workspacesFailed = [...(input.workspacesFailed ?? [])].map((w) => ({
    workspaceId: w.workspaceId,
    reason: w.reason,
  }));
  return {
    workspacesQueried: input.workspacesQueried.length,
    workspacesFailed,
    vaultsSeen: [...seen.values()].sort((a, b) => a.localeCompare(b)),
    vaultsSilent,
    vmsKnown,
    vmsWithJob: day.byVm.size,
    partial: input.partial === true || workspacesFailed.length > 0,
    rowsRejected: input.rowsRejected ?? 0,
  };
}
