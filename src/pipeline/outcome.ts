/**
 * How a run of the daily job or of the alert evaluation ends: where its message goes, and whether the run did
 * all it should, as the timers and the commands judge it.
 */
import type { Config } from "../config.js";
import type { WorkspaceReport } from "../logs/workspace-report.js";
import type { WebhookTarget } from "../delivery/send.js";

/** What both runs report: whether every workspace was read completely, and what delivery did. */
export interface RunOutcome {
  complete: boolean;
  workspaces: readonly WorkspaceReport[];
  /** Null when nothing was to be posted (no webhook, or a dry run). */
  delivery: { failed: readonly unknown[] } | null;
  /**
   * Why the run is NO DATA though every workspace answered: none returned a job while VMs are expected. Absent
   * or null otherwise.
   */
  noData?: string | null;
}

/** The configured webhook, or null when PULSE_WEBHOOK_URL is not set. */
export function webhookTarget(
  config: Pick<Config, "webhookUrl" | "webhookFormat" | "webhookSecret">,
): WebhookTarget | null {
  return config.webhookUrl
    ? { url: config.webhookUrl, format: config.webhookFormat, secret: config.webhookSecret }
    : null;
}

/** True when every workspace queried failed: the run read nothing, and its digest says NO DATA. */
export function noWorkspaceRead(workspaces: readonly WorkspaceReport[]): boolean {
  return workspaces.length > 0 && workspaces.every((w) => w.status === "failed");
}

/** True when every workspace answered in full and none returned a row: nothing failed, nothing was read. */
export function emptyRead(workspaces: readonly WorkspaceReport[]): boolean {
  return (
    workspaces.length > 0 && workspaces.every((w) => w.status !== "failed" && w.complete && w.rowsRead === 0)
  );
}

/** Why a run whose workspaces all answered without a row is NO DATA: VMs are expected to back up. */
export function emptyReadLine(
  workspaces: readonly WorkspaceReport[],
  span: { firstDay: string; date: string },
  vmsExpected: number,
): string {
  const days = span.firstDay === span.date ? span.date : `${span.firstDay} to ${span.date}`;
  return (
    `every workspace answered (${workspaces.length}) but none returned a backup job for ${days}, while ` +
    `${vmsExpected} VM(s) are expected: NO DATA, the job reports are not arriving (check the vaults' diagnostic settings)`
  );
}

/** The line a run logs when no workspace could be read. */
export function noWorkspaceReadLine(workspaces: readonly WorkspaceReport[]): string {
  return `No workspace could be read (${workspaces.length} failed): NO DATA, the backup state of the fleet is unknown`;
}

/**
 * True when the run did all it should: every workspace read completely, some data where VMs are expected, and
 * every message delivered.
 */
export function runSucceeded(result: Pick<RunOutcome, "complete" | "delivery" | "noData">): boolean {
  return (
    result.complete && !result.noData && (result.delivery === null || result.delivery.failed.length === 0)
  );
}
