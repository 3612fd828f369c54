/**
 * The evidence step of read-and-classify: after the first classification, the few jobs whose verdict more facts
 * can change are read again through ARM (paced like every ARM call of the run) and classified again:
 * - Linux VMs whose jobs show pre/post scripts expect application consistency (no ARM call);
 * - umbrella codes get the inner error of the job's details (one `backupJobs/{job}` read each);
 * - crash-consistent points get the VM's power state at backup time (one Activity Log read each), except under
 *   a crash-only policy, whose crash points are what it asks for.
 * A Linux VM an earlier run saw with an application-consistent point (its stored state) runs scripts too.
 */
import { classifyJob, classifyCode, type JobEvidence } from "../domain/classify.js";
import { isScriptWarning } from "../domain/catalogue.js";
import { isUmbrellaCode, linuxScriptVms, powerStateAt } from "../domain/job-evidence.js";
import { vmKey } from "../domain/names.js";
import type { BackupJob, ClassifyOptions, ObservedPoint } from "../domain/model.js";
import { POWER_LOOKBACK_MS, readJobDetail, readPowerEvents } from "../recovery/job-evidence.js";
import type { RecoveryPointsClient } from "../recovery/recovery-points.js";
import type { StoredJob } from "../store/trend-store.js";

export interface EvidenceCounts {
  /** Job details read (umbrella codes only). */
  jobDetails: number;
  /** Activity Log reads (crash-consistent points only). */
  activityLogs: number;
}

/** A VM's key: its resource ID when known, else vault and name. */
export function vmKeyOfJob(job: Pick<BackupJob, "vmId" | "vm" | "vault">): string {
  return job.vmId?.toLowerCase() ?? vmKey(job.vm, job.vault);
}

/** Reads at once per kind. */
const CONCURRENCY = 4;

async function eachLimited<T>(items: readonly T[], work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items];
  const worker = async (): Promise<void> => {
    for (let it = queue.shift(); it !== undefined; it = queue.shift()) await work(it);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, queue.length) }, worker));
}

/** The jobs classified with the evidence that applies; ARM is read only when `client` is given. */
export async function classifyWithEvidence(
  jobs: readonly BackupJob[],
  options: ClassifyOptions,
  pointOf: (job: BackupJob) => ObservedPoint | null,
  extra: (job: BackupJob) => Pick<StoredJob, "workspaceId" | "durationSec">,
  client: RecoveryPointsClient | null,
  /** Which jobs ARM may be read for (the alert evaluation reads only for its new jobs). */
  readFor: (job: BackupJob) => boolean,
  abortSignal?: AbortSignal,
  /** Linux VMs (by {@link vmKeyOfJob}) an earlier run saw with an application-consistent point. */
  earlierApplication: ReadonlySet<string> = new Set(),
): Promise<{ classified: StoredJob[]; counts: EvidenceCounts | null }> {
  const scriptVms = linuxScriptVms(
    jobs.map((job) => {
      const entry = classifyCode(job.code).entry;
      return {
        key: vmKeyOfJob(job),
        os: job.os,
        scriptCode: entry !== null && isScriptWarning(entry),
        applicationPoint:
          pointOf(job)?.recoveryPointType.toLowerCase() === "appconsistent" ||
          earlierApplication.has(vmKeyOfJob(job)),
      };
    }),
  );
  const evidence = new Map<string, JobEvidence>();
  const evidenceOf = (job: BackupJob): JobEvidence => {
    let e = evidence.get(job.jobId);
    if (!e) {
      e = scriptVms.has(vmKeyOfJob(job)) ? { linuxScripts: true } : {};
      evidence.set(job.jobId, e);
    }
    return e;
  };
  // Object.assign on the fresh verdict, not a spread into a literal: a fleet's jobs are held until stored, and
  // a spread copy takes nearly three times the memory.
  const classify = (job: BackupJob): StoredJob =>
    Object.assign(classifyJob(job, options, pointOf(job), evidenceOf(job)), extra(job));
  const classified = jobs.map(classify);
  if (client === null) return { classified, counts: null };

  const counts: EvidenceCounts = { jobDetails: 0, activityLogs: 0 };
  const umbrella = jobs.filter((j) => readFor(j) && isUmbrellaCode(classifyCode(j.code).errorCode));
  await eachLimited(umbrella, async (job) => {
    counts.jobDetails++;
    const detail = await readJobDetail(client, job, abortSignal);
    if (detail !== null) evidenceOf(job).errorDetail = detail;
  });
  // A crash-only policy's crash point is what it asks for: the VM's power state changes nothing.
  const crash = jobs.filter(
    (job, i) => readFor(job) && !job.policy?.crashOnly && classified[i]?.consistency === "crash",
  );
  await eachLimited(crash, async (job) => {
    const vmId = job.vmId?.toLowerCase();
    if (!vmId) {
      evidenceOf(job).powerState = "unknown";
      return;
    }
    counts.activityLogs++;
    const endMs = job.startMs + (job.durationSec ?? 0) * 1000;
    const events = await readPowerEvents(client, vmId, job.startMs - POWER_LOOKBACK_MS, endMs, abortSignal);
    evidenceOf(job).powerState = events === null ? "unknown" : powerStateAt(events, job.startMs);
  });
  const again = new Set([...umbrella, ...crash]);
  return {
    classified: jobs.map((job, i) => (again.has(job) ? classify(job) : (classified[i] as StoredJob))),
    counts,
  };
}
