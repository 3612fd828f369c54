/**
 * The reading rules every row shape shares: a job's status and OS in any spelling, which jobs are left out
 * (and why), and how a job is built from its row. Nothing here throws on bad data.
 */
import type { BackupJob, ExclusionReason, JobStatus, OsType } from "../domain/model.js";
import { first, firstCell, type Plan } from "./normalise-fields.js";
import { containerFromInstanceId, getJobsIsVm } from "./normalise-get-jobs.js";
import type { KeptPlace, SharedTexts } from "./normalise-intern.js";
import { cellDateMs, cellNumber, cellText } from "./normalise-values.js";

type RowStatus = JobStatus | "in-progress";

function readStatus(text: string): RowStatus | null {
  // The constants, not the row's text: a job keeps no part of the file's text alive.
  switch (text) {
    case "Completed":
      return "Completed";
    case "CompletedWithWarnings":
      return "CompletedWithWarnings";
    case "Failed":
      return "Failed";
    case "Cancelled":
      return "Cancelled";
    case "InProgress":
      return "in-progress";
  }
  switch (text.toLowerCase()) {
    case "completed":
      return "Completed";
    case "completedwithwarnings":
      return "CompletedWithWarnings";
    case "failed":
      return "Failed";
    case "cancelled":
    case "canceled":
      return "Cancelled";
    case "inprogress":
    case "cancelling":
    case "canceling":
      return "in-progress";
    default:
      return null;
  }
}

export function readOs(text: string): OsType {
  if (text === "Windows") return "Windows";
  if (text === "Linux") return "Linux";
  if (text === "") return "unknown";
  const lower = text.toLowerCase();
  return lower === "windows" ? "Windows" : lower === "linux" ? "Linux" : "unknown";
}

/** Shortens a cell for a message (a file may hold huge or odd values). */
function show(value: string): string {
  const s = value.length > 60 ? `${value.slice(0, 57)}...` : value;
  return JSON.stringify(s);
}

export function lastSegment(text: string, separator: string): string {
  const i = text.lastIndexOf(separator);
  return i < 0 ? text : text.slice(i + 1);
}

function isVmWorkload(plan: Plan, row: readonly unknown[]): boolean {
  const managementText = first(row, plan.management);
  const management = managementText === "IaaSVM" ? "iaasvm" : managementText.toLowerCase();
  if (management !== "") {
    if (management !== "iaasvm" && management !== "azureiaasvm") return false;
  } else if (!getJobsIsVm(plan, row)) {
    return false;
  }
  if (plan.itemType.length === 0) return true;
  const itemType = first(row, plan.itemType).toLowerCase();
  return itemType === "" || itemType === "vm";
}

/** Order matters for the counts: a SQL log backup is counted as a log backup, a MAB restore as not-backup. */
export function exclusionOf(plan: Plan, row: readonly unknown[], status: RowStatus): ExclusionReason | null {
  const operation = first(row, plan.operation);
  if (operation !== "" && operation !== "Backup" && operation.toLowerCase() !== "backup") return "not-backup";
  const subType = first(row, plan.subType);
  if (subType !== "") {
    const lower = subType.toLowerCase();
    if (lower === "log" || lower === "recovery point_log") return "log-backup";
  }
  if (!isVmWorkload(plan, row)) return "not-vm";
  if (plan.state.length > 0) {
    const state = first(row, plan.state);
    if (state !== "" && state !== "Active" && state.toLowerCase() === "deleted") return "deleted";
  }
  if (status === "in-progress") return "in-progress";
  return null;
}

/** What a row says of its job before the job is built: enough to deduplicate and to leave it out. */
export interface RowHead {
  jobId: string;
  status: RowStatus;
  startMs: number;
  /** 0 when the table has no TimeGenerated. */
  timeGeneratedMs: number;
}

/** Reads a row's job ID, status, start and TimeGenerated; a string is why the row cannot be read. */
export function readRowHead(plan: Plan, row: readonly unknown[]): RowHead | string {
  const jobId = first(row, plan.jobId);
  if (jobId === "") return "no job ID (JobUniqueId is empty)";
  const statusText = first(row, plan.status);
  const status = readStatus(statusText);
  if (status === null) {
    return statusText === ""
      ? "no job status"
      : `unknown job status ${show(statusText)} (job ${show(jobId)})`;
  }
  const startCell = firstCell(row, plan.start);
  const startMs = cellDateMs(startCell);
  if (startMs === null) {
    return startCell === undefined
      ? `no job start time (job ${show(jobId)})`
      : `job start time ${show(cellText(startCell))} is not a date (job ${show(jobId)})`;
  }
  let timeGeneratedMs = 0;
  const tgCell = firstCell(row, plan.timeGenerated);
  if (tgCell !== undefined) {
    const tg = cellDateMs(tgCell);
    if (tg === null) return `TimeGenerated ${show(cellText(tgCell))} is not a date (job ${show(jobId)})`;
    timeGeneratedMs = tg;
  }
  return { jobId, status, startMs, timeGeneratedMs };
}

/** Where a kept row's job ran: its VM, vault and their IDs, with texts kept once. */
export function placeOf(plan: Plan, row: readonly unknown[], shared: SharedTexts): KeptPlace {
  const container = first(row, plan.container) || containerFromInstanceId(first(row, plan.instanceId));
  const itemId = first(row, plan.itemId);
  const vm =
    first(row, plan.itemName) ||
    (container !== "" ? lastSegment(container, ";") : "") ||
    first(row, plan.containerFriendlyName) ||
    "unknown";
  const vaultId = first(row, plan.vaultId);
  const vault = first(row, plan.vault) || (vaultId !== "" ? lastSegment(vaultId, "/") : "") || "unknown";
  return shared.place(itemId, { vm, vault, vaultId, container, datasourceId: first(row, plan.vmId) });
}

/** A kept row's failure or warning code (null for none and `Success`), kept once. */
export function codeOf(plan: Plan, row: readonly unknown[], shared: SharedTexts): string | null {
  const code = first(row, plan.code);
  return code === "" || code === "Success" || code.toLowerCase() === "success" ? null : shared.code(code);
}

/** The job of a row that is kept (an in-progress row is only built when nothing else left it out). */
export function toJob(
  plan: Plan,
  row: readonly unknown[],
  head: RowHead,
  workspaceId: string | null,
  shared: SharedTexts,
): BackupJob {
  const place = placeOf(plan, row, shared);
  return {
    jobId: head.jobId,
    vm: place.vm,
    vault: place.vault,
    vaultId: place.vaultId,
    vmId: place.vmId,
    container: place.container,
    itemId: place.itemId,
    os: readOs(first(row, plan.os)),
    status: head.status === "in-progress" ? "Completed" : head.status,
    startMs: head.startMs,
    durationSec: cellNumber(firstCell(row, plan.duration)),
    code: codeOf(plan, row, shared),
    timeGeneratedMs: head.timeGeneratedMs,
    workspaceId,
  };
}
