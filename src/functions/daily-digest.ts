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
import { runDaily, runSucceeded, yesterdayUtc, type DailyResult } from "../pipeline/daily.js";
import {
  failUnclean,
  redactedLog,
  runOrFail,
  scheduleBinding,
  timerSettings,
  unreadWorkspaces,
} from "./shared/timer.js";

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
  return async (timer, context) => {
    const env = options.env ?? process.env;
    const config = timerSettings(env, context, {
      advice: (problem) => `backup-pulse cannot run: ${problem}. Correct this app setting.`,
    });

    const date = yesterdayUtc(options.now?.() ?? Date.now());
    const log = redactedLog(context, env);
    log(`Daily digest for ${date}${timer.isPastDue ? " (this run is late: the timer was past due)" : ""}`);

    const result = await runOrFail(context, env, `The daily run for ${date}`, async () => {
      const deps = await openDeps(config, options.deps);
      return runDaily(config, deps, { date, log });
    });

    const summary = summarise(result);
    log(summary);
    if (!runSucceeded(result)) {
      const reasons: string[] = [];
      if (!result.complete) reasons.push(unreadWorkspaces(result.workspaces));
      const undelivered = result.delivery?.failed.length ?? 0;
      if (undelivered > 0) reasons.push("the digest was not delivered (it is retried on the next run)");
      failUnclean(context, `The daily run for ${date}`, reasons);
    }
  };
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
    `${result.workspaces.length} workspace(s)${result.complete ? "" : " (INCOMPLETE)"}; ${delivery}`
  );
}

export const dailyDigestTimer = createDailyDigestTimer();

app.timer("dailyDigest", { schedule: digestScheduleBinding(), handler: dailyDigestTimer });
