/**
 * Timer function `dailyDigest`: once a day (PULSE_DIGEST_SCHEDULE, NCRONTAB) it runs the daily job for
 * yesterday (UTC), exactly as `backup-pulse run` does: query, classify, store, digest, deliver.
 *
 * A bad setting is logged naming the setting and fails the invocation before any I/O. A run that read a
 * workspace incompletely, or whose digest was not delivered, also fails the invocation, so the Functions
 * host records it; the outbox posts an undelivered digest on the next run, never twice.
 */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { DEFAULTS, type Env } from "../config.js";
import { openDeps, type DepsOptions } from "../pipeline/deps.js";
import { yesterdayIn } from "../domain/days.js";
import { runDaily, type DailyResult } from "../pipeline/daily.js";
import { retrySummary } from "../pipeline/deliver.js";
import { scheduleBinding, timerHandler } from "./shared/timer.js";

export const DIGEST_SCHEDULE_SETTING = "PULSE_DIGEST_SCHEDULE";

/**
 * The timer's schedule: the `%PULSE_DIGEST_SCHEDULE%` binding expression (the host reads the app setting)
 * when the setting exists, else the documented default, so an app without the setting still indexes.
 */
export function digestScheduleBinding(env: Env = process.env): string {
  return scheduleBinding(DIGEST_SCHEDULE_SETTING, DEFAULTS.digestSchedule, env);
}

export interface DailyDigestOptions {
  /** Settings (default: the app settings, read at each invocation). */
  env?: Env;
  /** Passed to openDeps (credential, CA of local endpoints, table prefix, retries). */
  deps?: DepsOptions;
  /** The clock, for "yesterday". */
  now?: () => number;
}

/** Builds the timer handler. The registered one uses the app settings and managed identity. */
export function createDailyDigestTimer(
  options: DailyDigestOptions = {},
): (timer: Timer, context: InvocationContext) => Promise<void> {
  return timerHandler({
    ...(options.env ? { env: options.env } : {}),
    advice: (problem) => `backup-pulse cannot run: ${problem}. Correct this app setting.`,
    plan: (config, timer) => {
      const date = yesterdayIn(config.timeZone, options.now?.() ?? Date.now());
      return {
        what: `The daily run for ${date}`,
        opening: `Daily digest for ${date}${timer.isPastDue ? " (this run is late: the timer was past due)" : ""}`,
        run: async (log) => runDaily(config, await openDeps(config, options.deps), { date, log }),
        report: (result, { log }) => log(summarise(result)),
        undelivered: (r) =>
          `the digest was not delivered (${r.delivery ? retrySummary(r.delivery, Date.now()) : ""})`,
      };
    },
  });
}

/** One line a person can read in the invocation log. */
export function summarise(result: DailyResult): string {
  const c = result.digest.headline.counts;
  const delivery = result.delivery
    ? result.delivery.posted.length > 0
      ? "digest posted"
      : result.delivery.alreadyPosted.length > 0
        ? "digest already posted earlier"
        : result.delivery.failed.length > 0
          ? "digest NOT delivered"
          : "digest being posted by another run"
    : "no webhook set: digest not posted";
  return (
    `${result.date}: ${c.jobs} job(s) on ${c.vms} VM(s), ${c.failed} failed, ` +
    `${c.completedWithWarnings} with warnings, ${c.degraded} below the expected consistency; ` +
    `${result.workspaces.length} workspace(s)${result.complete ? "" : " (INCOMPLETE)"}; ` +
    `${result.noData ? "NO DATA; " : ""}${delivery}`
  );
}

export const dailyDigestTimer = createDailyDigestTimer();

app.timer("dailyDigest", { schedule: digestScheduleBinding(), handler: dailyDigestTimer });
