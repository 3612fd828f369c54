/**
 * Classified backup jobs for tests: a clean, application-consistent backup of a Windows VM (`vm-app-01` in
 * `rsv-prod`) unless the fields given say otherwise. Each test names its own job ID and start.
 */
import type { ClassifiedJob } from "../../src/domain/model.js";

export function classifiedJob({
  jobId,
  start,
  ...fields
}: Partial<ClassifiedJob> & Pick<ClassifiedJob, "jobId" | "start">): ClassifiedJob {
  return {
    jobId,
    vm: "vm-app-01",
    vault: "rsv-prod",
    os: "Windows",
    status: "Completed",
    start,
    consistency: "application",
    consistencySource: "inferred",
    expectedConsistency: "application",
    degraded: false,
    errorCode: null,
    errorCategory: null,
    vmId: null,
    vaultId: null,
    ...fields,
  };
}
