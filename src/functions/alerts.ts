/**
 * Timer function `alerts`: on PULSE_ALERT_SCHEDULE (hourly at quarter past by default) it evaluates the alert
 * rules over the backup jobs whose rows arrived since its previous run, exactly as `backup-pulse alerts`
 * does, and posts what fired to the webhook once. Every alert is also written to the invocation log as a
 * warning (the only place it appears when PULSE_WEBHOOK_URL is not set).
 *
 * A bad setting (PULSE_ALERT_RULES included) is logged naming the setting and fails the invocation before any
 * I/O. An evaluation that read a workspace incompletely, or whose message was not delivered, also fails the
 * invocation so the host records it; the outbox posts an undelivered message on the next run, never twice.
 */
import { app, type InvocationContext, type Timer } from "@azure/functions";
import { alertRuleSet, DEFAULTS, type Env } from "../config.js";
import { runAlerts, type AlertRunResult } from "../pipeline/alerts.js";
import { retrySummary } from "../pipeline/deliver.js";
import { openAlertDeps, type AlertDepsOptions } from "../pipeline/deps.js";
import { scheduleBinding, timerHandler } from "./shared/timer.js";

export const ALERT_SCHEDULE_SETTING = "PULSE_ALERT_SCHEDULE";

/**
 * The timer's schedule: the `%PULSE_ALERT_SCHEDULE%` binding expression (the host reads the app setting) when
 * the setting exists, else the documented default, so an app without the setting still indexes.
 */
export function alertScheduleBinding(env: Env = process.env): string {
  return scheduleBinding(ALERT_SCHEDULE_SETTING, DEFAULTS.alertSchedule, env);
}

export interface AlertsTimerOptions {
  /** Settings (default: the app settings, read at each invocation). */
  env?: Env;
  /** Passed to openAlertDeps (credential, CA of local endpoints, table prefix, poster and outbox settings). */
  deps?: AlertDepsOptions;
  /** The clock (tests). */
  now?: () => Date;
}

/** Builds the timer handler. The registered one uses the app settings and managed identity. */
export function createAlertsTimer(
  options: AlertsTimerOptions = {},
): (timer: Timer, context: InvocationContext) => Promise<void> {
  return timerHandler({
    ...(options.env ? { env: options.env } : {}),
    check: alertRuleSet,
    advice: (problem) =>
      `backup-pulse alerts cannot run: ${problem}. Fix this app setting and restart the app.`,
    plan: (config, timer) => ({
      what: "The alert evaluation",
      opening: timer.isPastDue ? "This alert evaluation is late: the timer was past due." : null,
      run: async (log) =>
        runAlerts(config, await openAlertDeps(config, options.deps), {
          ...(options.now ? { now: options.now() } : {}),
          log,
        }),
      report: (result, { log, warn }) => {
        for (const a of result.alerts) warn(`Alert [${a.rule}] ${a.title}: ${a.detail}`);
        log(summariseAlerts(result));
      },
      unreadNote: "the next run reads them again",
      undelivered: (r) =>
        `the alert message was not delivered (${r.delivery ? retrySummary(r.delivery, Date.now()) : ""})`,
    }),
  });
}

/** One line a person can read in the invocation log. */
export function summariseAlerts(result: AlertRunResult): string {
  const d = result.delivery;
  const delivery =
    result.alerts.length === 0
      ? "nothing to post"
      : !d
        ? "no webhook set: alerts logged only"
        : d.posted.some((p) => p.key === result.deliveryKey)
          ? "alerts posted"
          : d.alreadyPosted.some((p) => p.key === result.deliveryKey)
            ? "alerts already posted earlier"
            : d.failed.some((p) => p.key === result.deliveryKey)
              ? "alerts NOT delivered"
              : "alerts being posted by another run";
  return (
    `Alerts since ${result.since}: ${result.newJobs} new job(s) of ${result.jobsRead} read, ` +
    `${result.alerts.length} alert(s), ${result.suppressed} within the cooldown` +
    (result.alreadySent ? `, ${result.alreadySent} already posted` : "") +
    `; ${result.workspaces.length} workspace(s)${result.complete ? "" : " (INCOMPLETE)"}; ${delivery}`
  );
}

export const alertsTimer = createAlertsTimer();

app.timer("alerts", { schedule: alertScheduleBinding(), handler: alertsTimer });
