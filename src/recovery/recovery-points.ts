/**
 * Recovery-point look-ups through Azure Resource Manager: the authoritative snapshot consistency of a job's
 * recovery point (`properties.recoveryPointType` of an `IaasVMRecoveryPoint`).
 *
 * No ID links a job to its recovery point, so the item's points are listed once for the window its jobs
 * cover, and each job gets the point whose `recoveryPointTime` falls within its run (start to start +
 * duration, with a few minutes' slack). A job whose item cannot be looked up gets an error and keeps its
 * inferred consistency.
 */
import { RecoveryServicesBackupClient } from "@azure/arm-recoveryservicesbackup";
import type { TokenCredential } from "@azure/core-auth";
import type { RecoveryPointMode } from "../config.js";
import { BudgetError, deadlinePolicy, DeadlineError } from "../deadline.js";
import { dayOf } from "../domain/days.js";
import type { BackupJob, ObservedPoint } from "../domain/model.js";
import { pointInDoubt } from "../domain/point-doubt.js";
import { ArmPacer, pacedPolicy } from "./arm-pacer.js";

export type { RecoveryPointMode };

export interface RecoveryPointsClientOptions {
  /** ARM endpoint (`PULSE_ARM_ENDPOINT`), e.g. `https://management.azure.com`. */
  endpoint: string;
  credential: TokenCredential;
  /** Extra CA to trust (PEM), for a local endpoint with its own certificate. */
  tlsCa?: string;
  /** SDK retry settings (the SDK retries 5xx with back-off and honours Retry-After on 429). */
  retry?: { maxRetries?: number; retryDelayInMs?: number; maxRetryDelayInMs?: number };
  /** Longest time one ARM request (answer and body) may take. Default 60,000 ms. */
  requestTimeoutInMs?: number;
  /** The run's signal: when it aborts, no further request is sent and those in flight are cancelled. */
  abortSignal?: AbortSignal;
  /** The pacer of the run's ARM calls (default: a new one with this signal). */
  pacer?: ArmPacer;
}

export const ARM_REQUEST_TIMEOUT_MS = 60_000;

/**
 * ARM clients per subscription (the SDK binds a client to one subscription), all paced by one
 * {@link ArmPacer}: recovery-point look-ups, the vault inventory and the doctor's probes.
 */
export interface RecoveryPointsClient {
  forSubscription(subscriptionId: string): RecoveryServicesBackupClient;
  readonly pacer: ArmPacer;
  /** The ARM endpoint the clients call, without a trailing slash. */
  readonly endpoint: string;
}

export function createRecoveryPointsClient(options: RecoveryPointsClientOptions): RecoveryPointsClient {
  const endpoint = options.endpoint.replace(/\/+$/, "");
  const clients = new Map<string, RecoveryServicesBackupClient>();
  const pacer =
    options.pacer ?? new ArmPacer(options.abortSignal ? { abortSignal: options.abortSignal } : {});
  return {
    pacer,
    endpoint,
    forSubscription(subscriptionId) {
      const key = subscriptionId.toLowerCase();
      let client = clients.get(key);
      if (!client) {
        client = new RecoveryServicesBackupClient(options.credential, subscriptionId, {
          endpoint,
          // The operations build their URLs from $host, not from endpoint: both must point at the same place.
          $host: endpoint,
          ...(options.tlsCa ? { tlsOptions: { ca: options.tlsCa } } : {}),
          ...(options.retry ? { retryOptions: options.retry } : {}),
          // The pacer first: the time a request waits for its turn does not count against its deadline.
          additionalPolicies: [
            pacedPolicy(pacer),
            {
              policy: deadlinePolicy({
                requestTimeoutInMs: options.requestTimeoutInMs ?? ARM_REQUEST_TIMEOUT_MS,
                ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
              }),
              position: "perRetry",
            },
          ],
        });
        clients.set(key, client);
      }
      return client;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The $filter of RecoveryPoints_List

/** `2026-11-24 06:05:00 PM`: the UTC date format the recovery-points `$filter` expects (12-hour clock). */
export function formatFilterDate(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number): string => String(n).padStart(2, "0");
  const h = d.getUTCHours();
  const h12 = h % 12 === 0 ? 12 : h % 12;
  return (
    `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ` +
    `${pad(h12)}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} ${h < 12 ? "AM" : "PM"}`
  );
}

/** `startDate eq '…' and endDate eq '…'`, covering [startMs, endMs] to the second. */
export function recoveryPointFilter(startMs: number, endMs: number): string {
  const start = Math.floor(startMs / 1000) * 1000;
  const end = Math.ceil(endMs / 1000) * 1000;
  return `startDate eq '${formatFilterDate(start)}' and endDate eq '${formatFilterDate(end)}'`;
}

// ---------------------------------------------------------------------------------------------------------
// Which jobs, which item

/**
 * Jobs whose consistency is worth a look-up in the given mode (finished jobs that made a point only; in
 * `warnings`, those in doubt: see domain/point-doubt.ts). `timeZone` sets the job's day for the weekly
 * rotation of Linux look-ups.
 */
export function needsLookup(job: BackupJob, mode: RecoveryPointMode, timeZone = "UTC"): boolean {
  return pointInDoubt(job, mode, dayOf(job.startMs, timeZone));
}

export interface ItemRef {
  subscriptionId: string;
  resourceGroup: string;
  vaultName: string;
  /** `IaasVMContainer;iaasvmcontainerv2;<rg>;<vm>`. */
  containerName: string;
  /** `VM;iaasvmcontainerv2;<rg>;<vm>`. */
  protectedItemName: string;
}

/** The REST names of a job's protected item, or a message saying what is missing. */
export function itemRefOf(job: Pick<BackupJob, "vaultId" | "container">): ItemRef | string {
  const vault =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.RecoveryServices\/vaults\/([^/]+)\/?$/i.exec(
      job.vaultId ?? "",
    );
  if (!vault?.[1] || !vault[2] || !vault[3]) {
    return "the vault's resource ID is not known (no ResourceId column), so its recovery points cannot be listed";
  }
  const container = (job.container ?? "").replace(/^IaasVMContainer;/i, "");
  if (!/^iaasvmcontainer(v2)?;[^;]+;[^;]+$/i.test(container)) {
    return "the VM's container name is not known (no ProtectedContainerName), so its recovery points cannot be listed";
  }
  return {
    subscriptionId: vault[1],
    resourceGroup: vault[2],
    vaultName: vault[3],
    containerName: `IaasVMContainer;${container}`,
    protectedItemName: `VM;${container}`,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Look-ups

export type RecoveryPointLookup = { point: ObservedPoint } | { error: string };

export interface LookupOptions {
  client: RecoveryPointsClient;
  jobs: readonly BackupJob[];
  mode: RecoveryPointMode;
  /** Items listed at once (default {@link LOOKUP_WORKERS}); the client's pacer bounds each subscription. */
  concurrency?: number;
  /** PULSE_TIMEZONE: the days of the weekly rotation of Linux look-ups (default UTC). */
  timeZone?: string;
  /** Slack around a job's run when matching a point's time (default 10 minutes). */
  slackMs?: number;
  abortSignal?: AbortSignal;
}

const DEFAULT_SLACK_MS = 10 * 60_000;
/** Items listed at once over all subscriptions; the pacer keeps each subscription within its own bound. */
export const LOOKUP_WORKERS = 20;
/** Run length assumed when a job's duration is not known. */
const UNKNOWN_DURATION_MS = 6 * 3_600_000;

interface RawPoint {
  type: string;
  timeMs: number;
}

/** What went wrong with an ARM read of `what` (e.g. "this vault's recovery points"), in one line. */
export function describeArmError(error: unknown, what: string): string {
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown; name?: unknown };
  const status = typeof e.statusCode === "number" ? e.statusCode : null;
  const code = typeof e.code === "string" ? e.code : null;
  if (error instanceof DeadlineError) return `ARM gave ${error.message}`;
  if (error instanceof BudgetError) return "not read: the run's time budget ran out";
  if (e.name === "AbortError") return "the read was cancelled";
  if (status === 404) return `ARM does not know ${what} (404${code ? ` ${code}` : ""})`;
  if (status === 403 || status === 401) {
    return `not allowed to read ${what} (${status}${code ? ` ${code}` : ""}): give the identity the Backup Reader role on the vault`;
  }
  const text = typeof e.message === "string" ? e.message.split("\n")[0]?.slice(0, 200) : String(error);
  return `the list of ${what} failed${status ? ` (${status}${code ? ` ${code}` : ""})` : ""}: ${text ?? "unknown error"}`;
}

function describeError(error: unknown): string {
  const e = error as { statusCode?: unknown; name?: unknown };
  if (error instanceof DeadlineError) return `ARM gave ${error.message}: the consistency stays inferred`;
  if (error instanceof BudgetError) return "not looked up: the run's time budget ran out";
  if (e.name === "AbortError") return "the look-up was cancelled";
  if (e.statusCode === 404) return describeArmError(error, "this protected item");
  if (e.statusCode === 403 || e.statusCode === 401)
    return describeArmError(error, "this vault's recovery points");
  return describeArmError(error, "recovery points").replace(
    "the list of recovery points failed",
    "the recovery-point list failed",
  );
}

/** The recovery points of one protected item whose time falls in [startMs, endMs], as ARM pages them. */
export function listItemPoints(
  client: RecoveryPointsClient,
  ref: ItemRef,
  startMs: number,
  endMs: number,
  abortSignal?: AbortSignal,
) {
  return client
    .forSubscription(ref.subscriptionId)
    .recoveryPoints.list(
      ref.vaultName,
      ref.resourceGroup,
      "Azure",
      ref.containerName,
      ref.protectedItemName,
      {
        filter: recoveryPointFilter(startMs, endMs),
        ...(abortSignal ? { abortSignal } : {}),
      },
    );
}

async function listPoints(
  client: RecoveryPointsClient,
  ref: ItemRef,
  startMs: number,
  endMs: number,
  abortSignal: AbortSignal | undefined,
): Promise<RawPoint[]> {
  const points: RawPoint[] = [];
  const iterator = listItemPoints(client, ref, startMs, endMs, abortSignal);
  for await (const resource of iterator) {
    const props = resource.properties;
    if (!props || !("recoveryPointType" in props) || !("recoveryPointTime" in props)) continue;
    const type = props.recoveryPointType;
    const time = props.recoveryPointTime;
    if (typeof type !== "string" || !(time instanceof Date) || Number.isNaN(time.getTime())) continue;
    points.push({ type, timeMs: time.getTime() });
  }
  return points;
}

function runEndMs(job: Pick<BackupJob, "startMs" | "durationSec">): number {
  return job.durationSec === null ? job.startMs + UNKNOWN_DURATION_MS : job.startMs + job.durationSec * 1000;
}

/** The point within the job's run (with slack), nearest to the run's start. */
export function matchPoint(
  job: Pick<BackupJob, "startMs" | "durationSec">,
  points: readonly { type: string; timeMs: number }[],
  slackMs = DEFAULT_SLACK_MS,
): ObservedPoint | null {
  const from = job.startMs - slackMs;
  const to = runEndMs(job) + slackMs;
  let best: ObservedPoint | null = null;
  for (const p of points) {
    if (p.timeMs < from || p.timeMs > to) continue;
    if (!best || Math.abs(p.timeMs - job.startMs) < Math.abs(best.timeMs - job.startMs)) {
      best = { recoveryPointType: p.type, timeMs: p.timeMs };
    }
  }
  return best;
}

/**
 * Looks up the recovery points of the jobs the mode selects: one list call per protected item, covering all
 * of that item's selected jobs, at most `concurrency` items at once. Returns an entry per selected job.
 */
export async function lookupRecoveryPoints(
  options: LookupOptions,
): Promise<Map<string, RecoveryPointLookup>> {
  const result = new Map<string, RecoveryPointLookup>();
  const slackMs = options.slackMs ?? DEFAULT_SLACK_MS;
  const groups = new Map<string, { ref: ItemRef; jobs: BackupJob[] }>();
  for (const job of options.jobs) {
    if (!needsLookup(job, options.mode, options.timeZone)) continue;
    const ref = itemRefOf(job);
    if (typeof ref === "string") {
      result.set(job.jobId, { error: ref });
      continue;
    }
    const key = [ref.subscriptionId, ref.resourceGroup, ref.vaultName, ref.protectedItemName]
      .join("|")
      .toLowerCase();
    const group = groups.get(key);
    if (group) group.jobs.push(job);
    else groups.set(key, { ref, jobs: [job] });
  }

  const queue = [...groups.values()];
  const workers = Math.max(1, Math.min(options.concurrency ?? LOOKUP_WORKERS, queue.length));
  const work = async (): Promise<void> => {
    for (let group = queue.shift(); group; group = queue.shift()) {
      if (options.abortSignal?.aborted) {
        const message = describeError(new BudgetError());
        for (const job of group.jobs) result.set(job.jobId, { error: message });
        continue;
      }
      const startMs = Math.min(...group.jobs.map((j) => j.startMs)) - slackMs;
      const endMs = Math.max(...group.jobs.map(runEndMs)) + slackMs;
      try {
        const points = await listPoints(options.client, group.ref, startMs, endMs, options.abortSignal);
        for (const job of group.jobs) {
          const point = matchPoint(job, points, slackMs);
          result.set(
            job.jobId,
            point
              ? { point }
              : {
                  error:
                    "no recovery point was found within the job's run, so its consistency stays inferred",
                },
          );
        }
      } catch (error) {
        const message = describeError(error);
        for (const job of group.jobs) result.set(job.jobId, { error: message });
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, work));
  return result;
}
