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

/** The line a run logs when no workspace could be read. */
export function noWorkspaceReadLine(workspaces: readonly WorkspaceReport[]): string {
  return `No workspace could be read (${workspaces.length} failed): NO DATA, the backup state of the fleet is unknown`;
}

/** True when the run did all it should: every workspace read completely and every message delivered. */
export function runSucceeded(result: Pick<RunOutcome, "complete" | "delivery">): boolean {
  return result.complete && (result.delivery === null || result.delivery.failed.length === 0);
}
