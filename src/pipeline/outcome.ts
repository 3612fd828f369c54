/**
 * How a run of the daily job or of the alert evaluation ended, as the timers and the commands judge it.
 */
import type { WorkspaceReport } from "../logs/query.js";

/** What both runs report: whether every workspace was read completely, and what delivery did. */
export interface RunOutcome {
  complete: boolean;
  workspaces: readonly WorkspaceReport[];
  /** Null when nothing was to be posted (no webhook, or a dry run). */
  delivery: { failed: readonly unknown[] } | null;
}

/** True when the run did all it should: every workspace read completely and every message delivered. */
export function runSucceeded(result: Pick<RunOutcome, "complete" | "delivery">): boolean {
  return result.complete && (result.delivery === null || result.delivery.failed.length === 0);
}
