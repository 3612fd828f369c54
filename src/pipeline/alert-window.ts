/**
 * Which rows an alert evaluation reads. "Since the previous evaluation": the checkpoint holds the run time up to
 * which rows were read. The next run treats as new every job whose latest row has a TimeGenerated after that
 * time, less a short overlap ({@link INGESTION_OVERLAP_MS}) for rows that Log Analytics made queryable a little
 * after they were generated. Without a checkpoint (first run) the last hour counts as new. The jobs that
 * started within the history the rules need are read too.
 */
import { historyNeeded, type AlertRuleSet } from "../domain/alert-rules.js";
import { DAY_MS, HOUR_MS } from "../domain/days.js";
import type { AlertCheckpoint } from "../store/alert-state.js";

/** Without a checkpoint (first run), jobs whose rows arrived in this last stretch count as new. */
const FIRST_RUN_WINDOW_MS = HOUR_MS;
/** How far before the checkpoint rows still count as new (late ingestion into Log Analytics). */
export const INGESTION_OVERLAP_MS = 60 * 60_000;
/** Jobs that started this many days before now at least are read, whatever the rules. */
const MIN_WINDOW_DAYS = 2;
/** A checkpoint older than this is not caught up in full: only this much is read (and said so). */
const MAX_CATCH_UP_MS = 7 * DAY_MS;

export type SinceSource = "option" | "checkpoint" | "first-run";

export interface AlertWindow {
  /** Jobs whose latest row was generated after this count as new (epoch ms). */
  sinceMs: number;
  source: SinceSource;
  /** Jobs that started from here to now are read: the new jobs and their history (epoch ms). */
  windowStartMs: number;
}

export function alertWindow(
  rules: AlertRuleSet,
  option: Date | undefined,
  checkpoint: AlertCheckpoint | null,
  nowMs: number,
  log: (line: string) => void,
): AlertWindow {
  const { sinceMs, source } = resolveSince(option, checkpoint, nowMs, log);
  // At least two days: a long backup (an initial one of a large VM) that fails is still read as new.
  const historyMs = Math.max(MIN_WINDOW_DAYS, historyNeeded(rules) + 1) * DAY_MS;
  return { sinceMs, source, windowStartMs: Math.min(sinceMs, nowMs - historyMs) };
}

function resolveSince(
  option: Date | undefined,
  checkpoint: AlertCheckpoint | null,
  nowMs: number,
  log: (line: string) => void,
): { sinceMs: number; source: SinceSource } {
  if (option) return { sinceMs: option.getTime(), source: "option" };
  if (!checkpoint) {
    log("No earlier evaluation is recorded: jobs from the last hour count as new.");
    return { sinceMs: nowMs - FIRST_RUN_WINDOW_MS, source: "first-run" };
  }
  const sinceMs = checkpoint.evaluatedToMs - INGESTION_OVERLAP_MS;
  if (nowMs - sinceMs > MAX_CATCH_UP_MS) {
    log(
      `The previous evaluation read up to ${new Date(checkpoint.evaluatedToMs).toISOString()}; only the last ` +
        `${MAX_CATCH_UP_MS / DAY_MS} days are caught up (run "backup-pulse alerts --since" for an older start).`,
    );
    return { sinceMs: nowMs - MAX_CATCH_UP_MS, source: "checkpoint" };
  }
  return { sinceMs, source: "checkpoint" };
}
