/**
 * The labels the digest shows for VMs and vaults: names as Azure gives them, with the resource group (and the
 * subscription) added only where names collide anywhere in the fleet the digest knows. Pure.
 */
import { displayLabels, normaliseId, type Named } from "../identity.js";
import type { DigestInput } from "./input.js";
import type { VmIdentity } from "./model.js";

interface Identified {
  vm: string;
  vault: string;
  vmId?: string | null;
  vaultId?: string | null;
}

export type Labeller = (x: Identified) => VmIdentity;

/** One labeller for the whole digest: collisions are judged over every VM and vault it mentions. */
export function digestLabeller(input: Pick<DigestInput, "jobs" | "knownVms" | "vmStates">): Labeller {
  const all: Identified[] = [...input.jobs, ...input.knownVms, ...input.vmStates];
  // Labels depend on the IDs alone: each ID once (a VM is in the jobs, the known VMs and the states).
  const ids = (id: (x: Identified) => string | null | undefined): Named[] =>
    [...new Set(all.map(id))].map((i) => ({ name: "", id: i }));
  const vmLabel = displayLabels(ids((x) => x.vmId));
  const vaultLabel = displayLabels(ids((x) => x.vaultId));
  return (x) => ({
    vm: x.vm,
    vault: x.vault,
    vmId: normaliseId(x.vmId),
    vaultId: normaliseId(x.vaultId),
    vmLabel: vmLabel({ name: x.vm, id: x.vmId }),
    vaultLabel: vaultLabel({ name: x.vault, id: x.vaultId }),
  });
}
