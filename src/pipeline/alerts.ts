/**
 * The alert evaluation: read the jobs whose rows arrived since the previous evaluation (plus the earlier jobs
 * the rules need as history, see {@link alertWindow}), classify them, apply the alert rules with their per-VM,
 * per-rule cooldown, post the alerts that fired as one message through the outbox, remember when each fired,
 * and move the checkpoint. An alert already posted for the same job is never posted again, so re-read rows
 * cannot page twice. The `alerts` timer function and `backup-pulse alerts` both call {@link runAlerts}.
 */
import { alertRuleSet, type Config } from "../config.js";
import type { Poster } from "../delivery/poster.js";
import { firingsOf, formatAlertRules, type Alert, type AlertRuleSet } from "../domain/alert-rules.js";
import type { BackupJob, ClassifiedJob } from "../domain/model.js";
import type { LogsClient } from "../logs/query-client.js";
import type { WorkspaceReport } from "../logs/workspace-report.js";
import type { RecoveryPointsClient } from "../recovery/recovery-points.js";
import type { AlertStateStore } from "../store/alert-state.js";
import type { Outbox } from "../store/outbox.js";
import type { StoredJob, TrendStore } from "../store/trend-store.js";
import { alertBatchKey, postAlerts } from "./alert-delivery.js";
import { evaluateWithCooldown } from "./alert-cooldown.js";
import { alertWindow, type AlertWindow, type SinceSource } from "./alert-window.js";
import type { DeliveryReport } from "./deliver.js";
import { noWorkspaceRead, noWorkspaceReadLine, webhookTarget } from "./outcome.js";
import { readAndClassify, type ClassifiedRead } from "./read-and-classify.js";
import { markSqlServer } from "./sql-in-play.js";
import { earlierApplicationVms } from "./store-days.js";

export interface AlertDeps {
  logs: LogsClient;
  /** Null when recovery-point look-ups are off. */
  recovery: RecoveryPointsClient | null;
  /** Null only for a dry run without a table target. */
  state: AlertStateStore | null;
  /** Null for a dry run, or without a table target. */
  outbox: Outbox | null;
  poster: Poster;
  /**
   * The trend store, read only for evidence: a Linux VM an earlier daily run saw application-consistent runs
   * scripts, so application consistency is expected of it (absent or null: no such evidence).
   */
  trends?: TrendStore | null;
}

export interface AlertRunOptions {
  /** Treat jobs whose rows arrived after this as new (default: the checkpoint, or the last hour). */
  since?: Date;
  /** The evaluation time (default: the clock). */
  now?: Date;
  /** Read and evaluate, but post, record and move nothing. */
  dryRun?: boolean;
  /** Human progress lines (stderr in the CLI, the invocation log in Azure). */
  log?: (line: string) => void;
  abortSignal?: AbortSignal;
}

export interface AlertRunResult {
  /** Rows generated after this counted as new, ISO-8601. */
  since: string;
  sinceSource: SinceSource;
  /** The evaluation time, ISO-8601 (the new checkpoint). */
  until: string;
  /** Jobs that started from here to `until` were read (new jobs and their history), ISO-8601. */
  windowStart: string;
  /** The rules applied, in the setting's syntax. */
  rules: string;
  /** Alerts to post (or posted), ordered by vault, VM and rule. */
  alerts: Alert[];
  /** Alerts that fired within the cooldown of an earlier one of the same VM and rule. */
  suppressed: number;
  /** Alerts already posted for the same job by an earlier run (re-read rows): not posted again. */
  alreadySent: number;
  jobsRead: number;
  newJobs: number;
  workspaces: WorkspaceReport[];
  /** True only when every workspace was read completely. */
  complete: boolean;
  recoveryPoints: { lookedUp: number; matched: number; failed: number };
  /** The outbox key of this run's message (null when nothing fired). */
  deliveryKey: string | null;
  /** What the outbox did; null when nothing was to be posted (dry run, no webhook, no table target). */
  delivery: DeliveryReport | null;
  /** True when the checkpoint was moved to `until`. */
  checkpointAdvanced: boolean;
  dryRun: boolean;
}

export async function runAlerts(
  config: Config,
  deps: AlertDeps,
  options: AlertRunOptions = {},
): Promise<AlertRunResult> {
  // A bad setting stops here, before any request (callers validate it earlier too).
  const rules: AlertRuleSet = alertRuleSet(config);
  const log = options.log ?? (() => undefined);
  const dryRun = options.dryRun ?? false;
  const nowMs = (options.now ?? new Date()).getTime();
  if (formatAlertRules(rules) === "off") return rulesOff(options.since, nowMs, dryRun, log);

  const checkpoint = deps.state ? await deps.state.readCheckpoint() : null;
  const window = alertWindow(rules, options.since, checkpoint, nowMs, log);
  const { sinceMs, source, windowStartMs } = window;
  const base = {
    since: new Date(sinceMs).toISOString(),
    sinceSource: source,
    until: new Date(nowMs).toISOString(),
    windowStart: new Date(windowStartMs).toISOString(),
    rules: formatAlertRules(rules),
    dryRun,
  };
  if (sinceMs >= nowMs) {
    throw new Error(`The start of the evaluation (${base.since}) must be before its time (${base.until})`);
  }

  const { read, newJobs } = await readNewJobs(config, deps, { ...window, nowMs }, base, log, options);
  await markSqlServer(newJobs, read.inventory);
  const evaluation = await evaluateWithCooldown({
    jobs: read.classified,
    newJobs,
    rules,
    nowMs,
    state: deps.state,
    locale: config.locale,
    timeZone: config.timeZone,
  });
  const { alerts, suppressed, alreadySent } = evaluation;
  log(
    `${alerts.length} alert(s) to post` +
      (suppressed ? `, ${suppressed} within their cooldown` : "") +
      (alreadySent ? `, ${alreadySent} already posted for the same job` : ""),
  );

  const deliveryKey = alerts.length > 0 ? alertBatchKey(alerts) : null;
  const delivery = dryRun
    ? null
    : await deliverAlerts(config, deps, alerts, deliveryKey, log, read.classified);
  const checkpointAdvanced =
    !dryRun && deps.state
      ? await recordRun(deps.state, alerts, read.jobs, read.query.complete, nowMs, log)
      : false;
  const { lookedUp, matched, failed } = read.recoveryPoints ?? { lookedUp: 0, matched: 0, failed: 0 };
  return {
    ...base,
    alerts,
    suppressed,
    alreadySent,
    jobsRead: read.jobs.length,
    newJobs: newJobs.length,
    workspaces: read.query.workspaces,
    complete: read.query.complete,
    recoveryPoints: { lookedUp, matched, failed },
    deliveryKey,
    delivery,
    checkpointAdvanced,
  };
}

/**
 * Reads and classifies the jobs that started in the window, up to `now`; the new ones are those whose latest
 * row was generated after "since" (only their recovery points are looked up).
 */
async function readNewJobs(
  config: Config,
  deps: AlertDeps,
  window: AlertWindow & { nowMs: number },
  said: { since: string; windowStart: string; rules: string },
  log: (line: string) => void,
  options: Pick<AlertRunOptions, "abortSignal">,
): Promise<{ read: ClassifiedRead; newJobs: StoredJob[] }> {
  const { sinceMs, windowStartMs, nowMs } = window;
  log(
    `Reading jobs whose rows arrived after ${said.since} (with their history from ${said.windowStart}) ` +
      `from ${config.workspaceIds.length} workspace(s); rules: ${said.rules}`,
  );
  const isNew = (job: BackupJob): boolean => job.timeGeneratedMs > sinceMs;
  const trends = deps.trends ?? null;
  const read = await readAndClassify(
    config,
    deps,
    // Only rows generated up to `now` belong to this evaluation (a later row is the next one's).
    {
      rangeStart: new Date(windowStartMs),
      rangeEnd: new Date(nowMs),
      generatedUpToMs: nowMs,
      lookUp: isNew,
      ...(trends
        ? { earlierApplication: (jobs: readonly BackupJob[]) => earlierApplicationVms(trends, jobs) }
        : {}),
    },
    options.abortSignal ? { abortSignal: options.abortSignal } : {},
  );
  for (const w of read.query.workspaces) {
    if (w.status === "failed" || !w.complete) {
      log(`  workspace ${w.workspaceId}: ${w.status}${w.complete ? "" : ", INCOMPLETE"} (${w.error ?? ""})`);
    }
  }
  if (noWorkspaceRead(read.query.workspaces)) log(noWorkspaceReadLine(read.query.workspaces));
  const fresh = new Set(read.jobs.filter(isNew).map((j) => j.jobId));
  const newJobs = read.classified.filter((j) => fresh.has(j.jobId));
  log(`${read.jobs.length} job(s) read, ${newJobs.length} new since ${said.since}`);
  return { read, newJobs };
}

/** Posts the alerts to the webhook through the outbox; null when there is no webhook or no outbox. */
async function deliverAlerts(
  config: Config,
  deps: AlertDeps,
  alerts: readonly Alert[],
  deliveryKey: string | null,
  log: (line: string) => void,
  fleet: readonly ClassifiedJob[],
): Promise<DeliveryReport | null> {
  const webhook = webhookTarget(config);
  if (webhook && deps.outbox) {
    return postAlerts(
      alerts,
      deliveryKey,
      { target: webhook, outbox: deps.outbox, poster: deps.poster },
      log,
      fleet,
      { locale: config.locale, timeZone: config.timeZone },
    );
  }
  if (alerts.length > 0 && !webhook) log("PULSE_WEBHOOK_URL is not set: the alerts are reported here only.");
  return null;
}

/** PULSE_ALERT_RULES=off: nothing is read, evaluated, posted or moved. */
function rulesOff(
  sinceOption: Date | undefined,
  nowMs: number,
  dryRun: boolean,
  log: (line: string) => void,
): AlertRunResult {
  log("PULSE_ALERT_RULES is off: no alerts are evaluated.");
  const at = new Date(nowMs).toISOString();
  const since = sinceOption?.toISOString() ?? at;
  return {
    since,
    sinceSource: sinceOption ? "option" : "checkpoint",
    until: at,
    windowStart: since,
    rules: "off",
    dryRun,
    alerts: [],
    suppressed: 0,
    alreadySent: 0,
    jobsRead: 0,
    newJobs: 0,
    workspaces: [],
    complete: true,
    recoveryPoints: { lookedUp: 0, matched: 0, failed: 0 },
    deliveryKey: null,
    delivery: null,
    checkpointAdvanced: false,
  };
}

/**
 * Remembers when each alert fired and, when every workspace was read completely, moves the checkpoint to `now`.
 * Returns whether the checkpoint moved.
 */
async function recordRun(
  state: AlertStateStore,
  alerts: readonly Alert[],
  jobs: readonly BackupJob[],
  complete: boolean,
  nowMs: number,
  log: (line: string) => void,
): Promise<boolean> {
  // The outbox owns retries of a failed post, so the firing is recorded either way: no second message.
  if (alerts.length > 0) await state.recordFired(firingsOf(alerts), nowMs);
  if (!complete) {
    log(
      "Not every workspace was read completely: the checkpoint stays where it was, so the next run reads " +
        "this stretch again (alerts already posted are not posted twice).",
    );
    return false;
  }
  const lastTg = jobs.reduce<number | null>(
    (m, j) => (m === null || j.timeGeneratedMs > m ? j.timeGeneratedMs : m),
    null,
  );
  await state.advanceCheckpoint({
    evaluatedToMs: nowMs,
    lastTimeGeneratedMs: lastTg,
    ranAt: new Date().toISOString(),
  });
  return true;
}
