/**
 * What the day's figures cover: workspaces read or failed, vaults seen or silent, VMs with a job. Pure.
 */
import { vaultIdentityKey } from "../identity.js";
import type { DigestDay } from "./day.js";
import type { CoverageInput, KnownVm } from "./input.js";
import type { DigestCoverage } from "./model.js";

export function digestCoverage(
  day: DigestDay,
  input: CoverageInput,
  knownVms: readonly KnownVm[],
  vmsKnown: number,
): DigestCoverage {
  // Vaults by resource ID where known (two vaults may share a name), shown by their labels.
  const seen = new Map<string, string>();
  const seenNames = new Set<string>();
  for (const j of day.jobs) {
    const k = vaultIdentityKey(j);
    if (!seen.has(k)) seen.set(k, day.label(j).vaultLabel);
    seenNames.add(j.vault.toLowerCase());
  }
  const knownVaults = new Map<string, string>();
  for (const v of knownVms) {
    const k = vaultIdentityKey(v);
    if (!knownVaults.has(k)) knownVaults.set(k, day.label(v).vaultLabel);
  }
  // Vaults known only by name: silent unless a vault of that name reported.
  const knownLabels = new Set([...knownVaults.values()].map((l) => l.toLowerCase()));
  for (const v of input.vaultsKnown ?? []) {
    if (knownLabels.has(v.toLowerCase()) || seenNames.has(v.toLowerCase())) continue;
    knownVaults.set(vaultIdentityKey({ vault: v }), v);
    knownLabels.add(v.toLowerCase());
  }
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
    rowsUnstorable: input.rowsUnstorable ?? 0,
  };
}
