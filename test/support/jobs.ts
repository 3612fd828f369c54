/**
 * Classified backup jobs for tests: a clean, application-consistent backup of a Windows VM (`vm-app-01` in
 * `rsv-prod`) unless the fields given say otherwise. Each test names its own job ID and start.
 */
import type { ClassifiedJob } from "../../src/domain/model.js";
import type { StoredJob } from "../../src/store/trend-store.js";

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

let storedSeq = 0;

/**
 * A job as the trend store keeps it (`vm-app-01` in `vault-a`, started 2026-11-24 02:00 UTC, from one
 * workspace, 610 s long) unless `over` says otherwise; each call gets the next job ID.
 */
export function storedJob(over: Partial<StoredJob> = {}): StoredJob {
  storedSeq += 1;
  return {
    ...classifiedJob({
      jobId: `00000000-0000-0000-0000-${String(storedSeq).padStart(12, "0")}`,
      vault: "vault-a",
      start: "2026-11-24T02:00:00Z",
    }),
    workspaceId: "11111111-1111-1111-1111-111111111111",
    durationSec: 610,
    ...over,
  };
}
