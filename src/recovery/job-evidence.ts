/**
 * Two reads through Azure Resource Manager that say more about a few jobs, made only where they can change the
 * verdict, through the run's paced ARM clients:
 *
 * - the job's REST details (`backupJobs/{jobName}`, `jobDetails.get`), only for umbrella codes: the inner error
 *   (`properties.errorDetails[].errorString`, else `extendedInfo.dynamicErrorMessage`);
 * - the VM's Activity Log (`Microsoft.Insights/eventtypes/management/values`, filtered on the VM's resource URI
 *   and the days before the job), only for crash-consistent points: its power operations.
 *
 * A read that fails leaves the job as it was (detail absent, power state `unknown`), never the run.
 */
import { createPipelineRequest } from "@azure/core-rest-pipeline";
import type { BackupJob } from "../domain/model.js";
import type { PowerEvent } from "../domain/job-evidence.js";
import { itemRefOf, type RecoveryPointsClient } from "./recovery-points.js";

/** How far before a job's start the Activity Log is read for the VM's last power operation. */
export const POWER_LOOKBACK_MS = 7 * 86_400_000;
const ACTIVITY_LOG_API_VERSION = "2015-04-01";

/** The inner error of one job, one line, or null when the details carry none (or could not be read). */
export async function readJobDetail(
  client: RecoveryPointsClient,
  job: Pick<BackupJob, "jobId" | "vaultId" | "container">,
  abortSignal?: AbortSignal,
): Promise<string | null> {
  const ref = itemRefOf(job);
  if (typeof ref === "string") return null;
  try {
    const resource = await client
      .forSubscription(ref.subscriptionId)
      .jobDetails.get(ref.vaultName, ref.resourceGroup, job.jobId, abortSignal ? { abortSignal } : {});
    const props = resource.properties as
      | {
          errorDetails?: { errorString?: string; errorTitle?: string }[];
          extendedInfo?: { dynamicErrorMessage?: string };
        }
      | undefined;
    const texts = (props?.errorDetails ?? [])
      .map((e) => e.errorString ?? e.errorTitle ?? "")
      .concat(props?.extendedInfo?.dynamicErrorMessage ?? "")
      .map((t) => t.replace(/\s+/g, " ").trim())
      .filter((t) => t !== "");
    return texts[0]?.slice(0, 300) ?? null;
  } catch {
    return null;
  }
}

/** The `$filter` of the Activity Log read: the VM's events from `fromMs` to `toMs`. */
export function activityLogFilter(vmId: string, fromMs: number, toMs: number): string {
  const iso = (ms: number): string => new Date(ms).toISOString();
  return `eventTimestamp ge '${iso(fromMs)}' and eventTimestamp le '${iso(toMs)}' and resourceUri eq '${vmId}'`;
}

interface EventData {
  operationName?: { value?: string };
  status?: { value?: string };
  eventTimestamp?: string;
}

/**
 * The power operations of a VM between `fromMs` and `toMs`, following `nextLink`; null when the Activity Log
 * could not be read.
 */
export async function readPowerEvents(
  client: RecoveryPointsClient,
  vmId: string,
  fromMs: number,
  toMs: number,
  abortSignal?: AbortSignal,
): Promise<PowerEvent[] | null> {
  const subscription = /^\/subscriptions\/([^/]+)\//i.exec(vmId)?.[1];
  if (!subscription) return null;
  const arm = client.forSubscription(subscription);
  const endpoint = client.endpoint;
  const query = new URLSearchParams({
    "api-version": ACTIVITY_LOG_API_VERSION,
    $filter: activityLogFilter(vmId, fromMs, toMs),
    $select: "operationName,status,eventTimestamp",
  });
  let url: string | undefined =
    `${endpoint}/subscriptions/${encodeURIComponent(subscription)}/providers/Microsoft.Insights/eventtypes/management/values?${query.toString().replace(/\+/g, "%20")}`;
  const events: PowerEvent[] = [];
  try {
    for (let page = 0; url && page < 20; page++) {
      const response = await arm.sendRequest(
        createPipelineRequest({ url, method: "GET", ...(abortSignal ? { abortSignal } : {}) }),
      );
      if (response.status !== 200) return null;
      const body = JSON.parse(response.bodyAsText ?? "{}") as { value?: EventData[]; nextLink?: string };
      for (const e of body.value ?? []) {
        const timeMs = Date.parse(e.eventTimestamp ?? "");
        if (Number.isNaN(timeMs)) continue;
        events.push({ operation: e.operationName?.value ?? "", status: e.status?.value ?? "", timeMs });
      }
      url = body.nextLink;
    }
    return events;
  } catch {
    return null;
  }
}
