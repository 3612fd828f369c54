/**
 * What the sample estate's ARM stand-in says beyond recovery points: the Activity Log of its VMs (the stopped
 * VM is deallocated an hour before each of its backups, as an auto-shutdown dev VM is) and job details (the
 * umbrella-code job's name a VSS writer in a bad state; any other job is a 404).
 */
import { vmResourceId } from "../domain/identity.js";
import type { ArmEvidenceProviders, LocalActivityEvent } from "../local/arm-evidence.js";
import type { EstateVm } from "./fleet.js";
import type { EstateJob } from "./jobs.js";
import { UMBRELLA_CODE } from "./scenarios.js";

const HOUR_MS = 3_600_000;

export function createArmEvidence(
  jobs: readonly EstateJob[],
  stopped: EstateVm,
  umbrellaVss: EstateVm,
): ArmEvidenceProviders {
  const umbrella = new Set(
    jobs.filter((j) => j.vm === umbrellaVss && j.code === UMBRELLA_CODE).map((j) => j.jobId.toLowerCase()),
  );
  const stoppedId = vmResourceId(stopped.vault.subscriptionId, stopped.resourceGroup, stopped.name);
  const events: LocalActivityEvent[] = jobs
    .filter((j) => j.vm === stopped)
    .flatMap((j) => [
      { operation: "Microsoft.Compute/virtualMachines/start/action", time: j.startMs - 10 * HOUR_MS },
      { operation: "Microsoft.Compute/virtualMachines/deallocate/action", time: j.startMs - HOUR_MS },
    ]);
  return {
    activityLog: (vmId) => (vmId === stoppedId ? events : []),
    jobDetails: ({ job }) =>
      umbrella.has(job.toLowerCase())
        ? {
            status: "Failed",
            entityFriendlyName: umbrellaVss.name,
            errors: [
              {
                errorCode: 400,
                errorString:
                  "Snapshot operation failed due to VSS Writers in bad state. Restart VSS (Volume Shadow Copy) service.",
              },
            ],
          }
        : null,
  };
}
