/**
 * What the sample estate's ARM stand-in says beyond recovery points: the Activity Log of its VMs (the stopped
 * VM is deallocated an hour before each of its backups, as an auto-shutdown dev VM is) and job details (none
 * of its jobs carries an umbrella code, so every job-details read is a 404).
 */
import { vmResourceId } from "../domain/identity.js";
import type { ArmEvidenceProviders, LocalActivityEvent } from "../local/arm-evidence.js";
import type { EstateVm } from "./fleet.js";
import type { EstateJob } from "./jobs.js";

const HOUR_MS = 3_600_000;

export function createArmEvidence(jobs: readonly EstateJob[], stopped: EstateVm): ArmEvidenceProviders {
  const stoppedId = vmResourceId(stopped.vault.subscriptionId, stopped.resourceGroup, stopped.name);
  const events: LocalActivityEvent[] = jobs
    .filter((j) => j.vm === stopped)
    .flatMap((j) => [
      { operation: "Microsoft.Compute/virtualMachines/start/action", time: j.startMs - 10 * HOUR_MS },
      { operation: "Microsoft.Compute/virtualMachines/deallocate/action", time: j.startMs - HOUR_MS },
    ]);
  return {
    activityLog: (vmId) => (vmId === stoppedId ? events : []),
    jobDetails: () => null,
  };
}
