/**
 * The read-and-classify step the daily run and the alert evaluation share: read the jobs that started in a
 * window from every configured workspace, read the inventory of their vaults through ARM (each job's policy:
 * crash-only, Enhanced), look up recovery points as configured (reusing what an earlier run already
 * observed), and classify each job.
 */
import type { Config } from "../config.js";
import type { BackupJob, Consistency, JobStatus } from "../domain/model.js";
import type { LogsClient } from "../logs/query-client.js";
import { queryJobs, type QueryJobsResult } from "../logs/query.js";
import type { QueryProgress } from "../logs/workspace-report.js";
import { Inventory } from "../recovery/inventory.js";
import {
  lookupRecoveryPoints,
  type LookupOptions,
  type RecoveryPointLookup,
  type RecoveryPointsClient,
} from "../recovery/recovery-points.js";
import type { StoredJob } from "../store/trend-store.js";
import { classifyWithEvidence, type EvidenceCounts } from "./job-evidence.js";

export interface ReadDeps {
  logs: LogsClient;
  /** Null when recovery-point look-ups are off. */
  recovery: RecoveryPointsClient | null;
}

/** What an earlier run stored of a job it classified. */
export type ObservedJob = { consistency: Consistency; status: JobStatus };

export interface ReadRequest {
  /** Jobs that started in [rangeStart, rangeEnd) are read. */
  rangeStart: Date;
  rangeEnd: Date;
  /** Rows generated after this instant (epoch ms) are left out: they belong to a later read. */
  generatedUpToMs?: number;
  /** Only these jobs' recovery points are looked up; the others keep their inferred consistency. */
  lookUp?: (job: BackupJob) => boolean;
  /**
   * The jobs an earlier run classified from an observed point; a job whose status has not changed since keeps
   * that consistency instead of a new look-up. Called only when look-ups are on.
   */
  observedEarlier?: () => Promise<ReadonlyMap<string, ObservedJob>>;
  onProgress?: (progress: QueryProgress) => void;
  /**
   * The Linux VMs among these jobs' that an earlier run saw with an application-consistent point (keyed by
   * lower-case resource ID, else by vault and name): they run scripts, so application consistency is expected of them.
   */
  earlierApplication?: (jobs: readonly BackupJob[]) => Promise<ReadonlySet<string>>;
  /** The run's vault inventory (default: a new one when look-ups are on; none when they are off). */
  inventory?: Inventory | null;
}

/** Options of the calls this step makes (cancellation). */
export interface ReadCallOptions {
  abortSignal?: AbortSignal;
}

export interface PointCounts {
  /** Jobs looked up on this run. */
  lookedUp: number;
  matched: number;
  /** Look-ups that found no point: those jobs keep their inferred consistency. */
  failed: number;
  /** Jobs whose point an earlier run observed (not looked up again). */
  reused: number;
}

export interface ClassifiedRead {
  /** The Log Analytics read: per-workspace reports, completeness and row counts. */
  query: QueryJobsResult;
  /** The jobs kept from the read (see `generatedUpToMs`). */
  jobs: BackupJob[];
  /** `jobs`, classified, in the same order. */
  classified: StoredJob[];
  /** Present when recovery-point look-ups are on. */
  recoveryPoints: PointCounts | null;
  /** The run's vault inventory (null when recovery points are off: no ARM call at all). */
  inventory: Inventory | null;
  /** ARM reads of job details (umbrella codes) and Activity Logs (crash points); null when ARM is off. */
  evidence: EvidenceCounts | null;
}

/** The recovery-point type that reads back as each observed level. */
const POINT_TYPE: Record<Consistency, string> = {
  application: "AppConsistent",
  "file-system": "FileSystemConsistent",
  crash: "CrashConsistent",
  none: "None",
  unknown: "Unknown",
};

export async function readAndClassify(
  config: Pick<Config, "workspaceIds" | "recoveryPoints" | "linuxAppConsistentVms" | "timeZone">,
  deps: ReadDeps,
  request: ReadRequest,
  options: ReadCallOptions = {},
): Promise<ClassifiedRead> {
  const query = await queryJobs({
    client: deps.logs,
    workspaceIds: config.workspaceIds,
    rangeStart: request.rangeStart,
    rangeEnd: request.rangeEnd,
    ...(request.onProgress ? { onProgress: request.onProgress } : {}),
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
  const upTo = request.generatedUpToMs;
  const jobs =
    upTo === undefined ? query.read.jobs : query.read.jobs.filter((j) => j.timeGeneratedMs <= upTo);

  const armOn = deps.recovery !== null && config.recoveryPoints !== "off";
  const inventory =
    request.inventory !== undefined
      ? request.inventory
      : armOn && deps.recovery
        ? new Inventory(deps.recovery, options.abortSignal)
        : null;
  if (inventory) await attachPolicies(jobs, inventory);
  const { points, recoveryPoints } =
    deps.recovery && armOn
      ? await pointsOf(jobs, deps.recovery, config, request, options)
      : { points: new Map<string, RecoveryPointLookup>(), recoveryPoints: null };
  const { classified, counts } = await classifyWithEvidence(
    jobs,
    { linuxAppConsistentVms: config.linuxAppConsistentVms },
    (job) => {
      const found = points.get(job.jobId);
      return found && "point" in found ? found.point : null;
    },
    (job) => ({ workspaceId: job.workspaceId, durationSec: job.durationSec }),
    deps.recovery && config.recoveryPoints !== "off" ? deps.recovery : null,
    (job) => !request.lookUp || request.lookUp(job),
    options.abortSignal,
    request.earlierApplication ? await request.earlierApplication(jobs) : new Set<string>(),
  );
  return { query, jobs, classified, recoveryPoints, inventory, evidence: counts };
}

/** Each job's policy, from its vault's inventory (one policy list and one item list per vault). */
async function attachPolicies(jobs: BackupJob[], inventory: Inventory): Promise<void> {
  const vaults = await inventory.vaultsOf(jobs.flatMap((j) => (j.vaultId ? [j.vaultId] : [])));
  for (const job of jobs) {
    const item =
      job.vmId && job.vaultId ? vaults.get(job.vaultId.toLowerCase())?.items.get(job.vmId) : undefined;
    if (item?.policy) {
      job.policy = { name: item.policy.name, type: item.policy.type, crashOnly: item.policy.crashOnly };
    }
  }
}

/** The recovery points of the jobs read: reused from an earlier run where it observed them, else looked up. */
async function pointsOf(
  jobs: readonly BackupJob[],
  client: RecoveryPointsClient,
  config: { recoveryPoints: LookupOptions["mode"]; timeZone: string },
  request: Pick<ReadRequest, "lookUp" | "observedEarlier">,
  options: ReadCallOptions,
): Promise<{ points: Map<string, RecoveryPointLookup>; recoveryPoints: PointCounts }> {
  const points = new Map<string, RecoveryPointLookup>();
  const counts: PointCounts = { lookedUp: 0, matched: 0, failed: 0, reused: 0 };
  const known = request.observedEarlier ? await request.observedEarlier() : new Map<string, ObservedJob>();
  const toLookUp: BackupJob[] = [];
  for (const job of jobs) {
    const seen = known.get(job.jobId);
    if (seen && seen.status === job.status) {
      points.set(job.jobId, {
        point: { recoveryPointType: POINT_TYPE[seen.consistency], timeMs: job.startMs },
      });
      counts.reused++;
    } else if (!request.lookUp || request.lookUp(job)) {
      toLookUp.push(job);
    }
  }
  const found = await lookupRecoveryPoints({
    client,
    jobs: toLookUp,
    mode: config.recoveryPoints,
    timeZone: config.timeZone,
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
  for (const [jobId, p] of found) {
    points.set(jobId, p);
    counts.lookedUp++;
    if ("point" in p) counts.matched++;
    else counts.failed++;
  }
  return { points, recoveryPoints: counts };
}
