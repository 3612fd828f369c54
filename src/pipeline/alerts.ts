/**
 * The alert evaluation: read the jobs whose rows arrived since the previous evaluation (plus the earlier jobs
 * the rules need as history), classify them, apply the alert rules with their per-VM, per-rule cooldown, post
 * the alerts that fired as one message through the outbox, remember when each fired, and move the checkpoint.
 * The `alerts` timer function and `backup-pulse alerts` both call {@link runAlerts}.
 *
 * "Since the previous evaluation": the checkpoint holds the run time up to which rows were read. The next run
 * treats as new every job whose latest row has a TimeGenerated after that time, less a short overlap
 * ({@link INGESTION_OVERLAP_MS}) for rows that Log Analytics made queryable a little after they were generated.
 * An alert already posted for the same job is never posted again, so the overlap cannot page twice. Without a
 * checkpoint (first run) the last hour counts as new.
 */
import { createHash } from "node:crypto";
import { alertRuleSet, type Config } from "../config.js";
import type { AlertView } from "../delivery/alert.js";
import type { Poster } from "../delivery/poster.js";
import { renderAlert } from "../delivery/render.js";
import {
  evaluateAlerts,
  formatAlertRules,
  historyNeeded,
  type Alert,
  type AlertRuleSet,
} from "../domain/alert-rules.js";
import { DAY_MS, HOUR_MS } from "../domain/days.js";
import type { ClassifiedJob, ObservedPoint } from "../domain/model.js";
import { queryJobs, type LogsClient, type WorkspaceReport } from "../logs/query.js";
import { lookupRecoveryPoints, type RecoveryPointsClient } from "../recovery/recovery-points.js";
import { AlertStateStore, type AlertCheckpoint, type FiredRecord } from "../store/alert-state.js";
import { deliver, flushPending, Outbox, type DeliveryReport, type DeliveryTarget } from "../store/outbox.js";
import { openTables } from "../store/tables.js";
import { classifyWithPoints } from "./daily.js";
import { openDeps, type DepsOptions } from "./deps.js";

/** Without a checkpoint (first run), jobs whose rows arrived in this last stretch count as new. */
export const FIRST_RUN_WINDOW_MS = HOUR_MS;
/** How far before the checkpoint rows still count as new (late ingestion into Log Analytics). */
/** Jobs that started this many days before now at least are read, whatever the rules. */
export const MIN_WINDOW_DAYS = 2;
export const INGESTION_OVERLAP_MS = 60 * 60_000;
/** A checkpoint older than this is not caught up in full: only this much is read (and said so). */
export const MAX_CATCH_UP_MS = 7 * DAY_MS;

export interface AlertDeps {
  logs: LogsClient;
  /** Null when recovery-point look-ups are off. */
  recovery: RecoveryPointsClient | null;
  /** Null only for a dry run without a table target. */
  state: AlertStateStore | null;
  /** Null for a dry run, or without a table target. */
  outbox: Outbox | null;
  poster: Poster;
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

export type SinceSource = "option" | "checkpoint" | "first-run";

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

/** The outbox key of a batch of alerts: the same alerts for the same jobs always give the same key. */
export function alertBatchKey(alerts: readonly Pick<Alert, "key" | "jobId">[]): string {
  const text = alerts
    .map((a) => `${a.key}@${a.jobId}`)
    .sort()
    .join("\n");
  return `alerts-${createHash("sha256").update(text, "utf8").digest("hex").slice(0, 24)}`;
}

/** What the renderers show of an alert. */
export function alertView(alert: Alert): AlertView {
  return {
    rule: alert.rule,
    vm: alert.vm,
    vault: alert.vault,
    jobId: alert.jobId,
    at: alert.at,
    title: alert.title,
    detail: alert.detail,
    errorCode: alert.errorCode,
    action: alert.action,
    hints: alert.hints,
    docUrl: alert.docUrl,
  };
}

const vmKey = (vault: string, vm: string): string => `${vault.toLowerCase()}|${vm.toLowerCase()}`;

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
  const signal = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  const webhook: DeliveryTarget | null = config.webhookUrl
    ? { url: config.webhookUrl, format: config.webhookFormat, secret: config.webhookSecret }
    : null;

  if (formatAlertRules(rules) === "off") {
    log("PULSE_ALERT_RULES is off: no alerts are evaluated.");
    const at = new Date(nowMs).toISOString();
    const since = options.since?.toISOString() ?? at;
    return {
      since,
      sinceSource: options.since ? "option" : "checkpoint",
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

  const checkpoint = deps.state ? await deps.state.readCheckpoint() : null;
  const { sinceMs, source } = resolveSince(options.since, checkpoint, nowMs, log);
  // At least two days: a long backup (an initial one of a large VM) that fails is still read as new.
  const historyMs = Math.max(MIN_WINDOW_DAYS, historyNeeded(rules) + 1) * DAY_MS;
  const windowStartMs = Math.min(sinceMs, nowMs - historyMs);
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

  log(
    `Reading jobs whose rows arrived after ${base.since} (with their history from ${base.windowStart}) ` +
      `from ${config.workspaceIds.length} workspace(s); rules: ${base.rules}`,
  );
  const read = await queryJobs({
    client: deps.logs,
    workspaceIds: config.workspaceIds,
    rangeStart: new Date(windowStartMs),
    rangeEnd: new Date(nowMs),
    ...signal,
  });
  for (const w of read.workspaces) {
    if (w.status === "failed" || !w.complete) {
      log(`  workspace ${w.workspaceId}: ${w.status}${w.complete ? "" : ", INCOMPLETE"} (${w.error ?? ""})`);
    }
  }

  // Only rows generated up to `now` belong to this evaluation (a later row is the next one's).
  const jobs = read.read.jobs.filter((j) => j.timeGeneratedMs <= nowMs);
  const fresh = jobs.filter((j) => j.timeGeneratedMs > sinceMs);
  const points =
    deps.recovery && config.recoveryPoints !== "off" && fresh.length > 0
      ? await lookupRecoveryPoints({
          client: deps.recovery,
          jobs: fresh,
          mode: config.recoveryPoints,
          ...signal,
        })
      : new Map<string, { point: ObservedPoint } | { error: string }>();
  const recoveryPoints = { lookedUp: points.size, matched: 0, failed: 0 };
  for (const p of points.values()) {
    if ("point" in p) recoveryPoints.matched++;
    else recoveryPoints.failed++;
  }

  const classified: ClassifiedJob[] = classifyWithPoints(jobs, config, points);
  const freshIds = new Set(fresh.map((j) => j.jobId));
  const newJobs = classified.filter((j) => freshIds.has(j.jobId));
  const byVm = new Map<string, ClassifiedJob[]>();
  for (const job of classified) {
    const key = vmKey(job.vault, job.vm);
    const list = byVm.get(key);
    if (list) list.push(job);
    else byVm.set(key, [job]);
  }
  const history = (vault: string, vm: string): readonly ClassifiedJob[] => byVm.get(vmKey(vault, vm)) ?? [];
  log(`${jobs.length} job(s) read, ${newJobs.length} new since ${base.since}`);

  // First pass without cooldowns finds the keys to look up; the second applies the stored firing times.
  const candidates = evaluateAlerts({ newJobs, history, rules, nowMs, lastFiredMs: () => undefined });
  const fired: Map<string, FiredRecord> =
    deps.state && candidates.alerts.length > 0
      ? await deps.state.readFired(candidates.alerts.map((a) => a.key))
      : new Map<string, FiredRecord>();
  const evaluation = evaluateAlerts({
    newJobs,
    history,
    rules,
    nowMs,
    lastFiredMs: (key) => fired.get(key)?.firedAtMs,
  });
  const alerts = evaluation.alerts.filter((a) => fired.get(a.key)?.jobId !== a.jobId);
  const alreadySent = evaluation.alerts.length - alerts.length;
  log(
    `${alerts.length} alert(s) to post` +
      (evaluation.suppressed ? `, ${evaluation.suppressed} within their cooldown` : "") +
      (alreadySent ? `, ${alreadySent} already posted for the same job` : ""),
  );

  const deliveryKey = alerts.length > 0 ? alertBatchKey(alerts) : null;
  let delivery: DeliveryReport | null = null;
  if (!dryRun && webhook && deps.outbox) {
    delivery =
      deliveryKey !== null
        ? await deliver({
            outbox: deps.outbox,
            poster: deps.poster,
            items: [
              {
                kind: "alert",
                key: deliveryKey,
                target: webhook,
                payload: renderAlert(config.webhookFormat, alerts.map(alertView)),
              },
            ],
          })
        : // Nothing new: still retry what an earlier run could not post.
          await flushPending({ outbox: deps.outbox, poster: deps.poster, targets: [webhook] });
    logDelivery(delivery, log);
  } else if (!dryRun && alerts.length > 0 && !webhook) {
    log("PULSE_WEBHOOK_URL is not set: the alerts are reported here only.");
  }

  let checkpointAdvanced = false;
  if (!dryRun && deps.state) {
    // The outbox owns retries of a failed post, so the firing is recorded either way: no second message.
    if (alerts.length > 0) await deps.state.recordFired(alerts, nowMs);
    if (read.complete) {
      const lastTg = jobs.reduce<number | null>(
        (m, j) => (m === null || j.timeGeneratedMs > m ? j.timeGeneratedMs : m),
        null,
      );
      await deps.state.advanceCheckpoint({
        evaluatedToMs: nowMs,
        lastTimeGeneratedMs: lastTg,
        ranAt: new Date().toISOString(),
      });
      checkpointAdvanced = true;
    } else {
      log(
        "Not every workspace was read completely: the checkpoint stays where it was, so the next run reads " +
          "this stretch again (alerts already posted are not posted twice).",
      );
    }
  }

  return {
    ...base,
    alerts,
    suppressed: evaluation.suppressed,
    alreadySent,
    jobsRead: jobs.length,
    newJobs: newJobs.length,
    workspaces: read.workspaces,
    complete: read.complete,
    recoveryPoints,
    deliveryKey,
    delivery,
    checkpointAdvanced,
  };
}

function logDelivery(report: DeliveryReport, log: (line: string) => void): void {
  for (const p of report.posted) log(`Posted the ${p.kind} message ${p.key} (HTTP ${p.status})`);
  for (const p of report.alreadyPosted) log(`The ${p.kind} message ${p.key} was already posted`);
  for (const p of report.inFlight) log(`The ${p.kind} message ${p.key} is being posted by another run`);
  for (const f of report.failed) {
    log(
      `The ${f.kind} message ${f.key} was not delivered (${f.error})` +
        (f.state === "failed"
          ? "; it is given up after too many attempts"
          : "; it is retried on the next run"),
    );
  }
}

export interface AlertDepsOptions extends DepsOptions {
  /** Outbox settings (lease, attempts, clock): tests and tools. */
  outbox?: ConstructorParameters<typeof Outbox>[1];
  /** Read-only: the state table is not created and the outbox is not opened. */
  dryRun?: boolean;
}

/**
 * Builds the adapters of an alert evaluation from validated settings: the shared clients of the composition
 * root, plus the alert state and the outbox on the configured Table Storage account.
 */
export async function openAlertDeps(config: Config, options: AlertDepsOptions = {}): Promise<AlertDeps> {
  const base = await openDeps(config, { ...options, withoutStore: true });
  let state: AlertStateStore | null = null;
  let outbox: Outbox | null = null;
  if (config.tables) {
    const tables = openTables(config.tables, base.credential, {
      ...(options.tablePrefix ? { tablePrefix: options.tablePrefix } : {}),
      ...(options.tlsCa ? { ca: options.tlsCa } : {}),
    });
    if (options.dryRun) {
      state = AlertStateStore.forReading(tables);
    } else {
      state = await AlertStateStore.open(tables);
      outbox = await Outbox.open(tables, options.outbox);
    }
  }
  return { logs: base.logs, recovery: base.recovery, state, outbox, poster: base.poster };
}
