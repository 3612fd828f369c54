/**
 * `backup-pulse alerts [--since ISO-8601] [--dry-run] [--format text|json]`: one alert evaluation, exactly
 * what the `alerts` timer function does: read the jobs since the previous evaluation, apply the rules, post
 * what fired to the webhook once, remember it for the cooldown, and move the checkpoint.
 */
import { parseArgs } from "node:util";
import { alertRuleSet, redact, SettingError, type Config } from "../config.js";
import type { Alert } from "../domain/alert-rules.js";
import { DAY_MS } from "../domain/days.js";
import { visible, visibleLines } from "../domain/visible-text.js";
import { runAlerts, type AlertRunResult } from "../pipeline/alerts.js";
import { openAlertDeps, type AlertDepsOptions } from "../pipeline/deps.js";
import { runSucceeded } from "../pipeline/outcome.js";
import { writeChunk, type CommandIo } from "./io.js";
import { runConfig, UsageError } from "./run.js";

/** The longest look-back `--since` accepts. */
export const MAX_SINCE_DAYS = 30;

export const ALERTS_USAGE = `Usage: backup-pulse alerts [--since ISO-8601] [--dry-run] [--format text|json]

Evaluates the alert rules (PULSE_ALERT_RULES) once, as the alerts timer does: reads the backup jobs whose
rows arrived since the previous evaluation from every workspace in PULSE_WORKSPACE_IDS, posts the alerts
that fire to PULSE_WEBHOOK_URL as one message, and remembers them so the same VM and rule stay quiet for
the cooldown. Without an earlier evaluation, the last hour counts as new.

Options:
  --since ISO-8601    count as new the jobs whose rows arrived after this time, e.g. 2026-11-24T06:00:00Z
                      (default: the previous evaluation; at most ${MAX_SINCE_DAYS} days back)
  --dry-run           post, record and move nothing; print the alerts that would be posted
  --format text|json  how the result is printed on stdout (default: text)

Exit codes: 0 done (whether or not alerts fired), 1 the evaluation failed or was incomplete (a workspace
failed, the message was not delivered), 2 bad usage or settings.
`;

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Reads `--since`: an ISO-8601 date-time with its zone, in the past, at most MAX_SINCE_DAYS back. */
export function parseSince(value: string | undefined, nowMs: number): Date | undefined {
  if (value === undefined) return undefined;
  const shown = value.slice(0, 40);
  const ms = ISO_DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new UsageError(
      `--since must be an ISO-8601 date-time with a zone, e.g. 2026-11-24T06:00:00Z, not "${shown}"`,
    );
  }
  if (ms >= nowMs) throw new UsageError(`--since must be in the past, not "${shown}"`);
  if (nowMs - ms > MAX_SINCE_DAYS * DAY_MS) {
    throw new UsageError(`--since may go back at most ${MAX_SINCE_DAYS} days, not "${shown}"`);
  }
  return new Date(ms);
}

export interface AlertsCommandOptions {
  /** The clock (tests). */
  now?: () => Date;
  /** Adapters' options: credential, CA for local endpoints, table prefix, poster and outbox settings. */
  deps?: AlertDepsOptions;
}

/** The alerts as a person reads them in a terminal (names as received, hidden characters shown as escapes). */
export function formatAlertsText(result: AlertRunResult): string {
  const lines: string[] = [];
  const head =
    result.alerts.length === 0
      ? "No alerts"
      : `${result.alerts.length} alert${result.alerts.length === 1 ? "" : "s"}`;
  lines.push(`${head} (new jobs since ${result.since}: ${result.newJobs}; rules: ${result.rules})`);
  for (const a of result.alerts) lines.push("", ...alertLines(a));
  const quiet: string[] = [];
  if (result.suppressed) quiet.push(`${result.suppressed} within the cooldown`);
  if (result.alreadySent) quiet.push(`${result.alreadySent} already posted for the same job`);
  if (quiet.length) lines.push("", `Not posted again: ${quiet.join(", ")}.`);
  return visibleLines(lines) + "\n";
}

function alertLines(a: Alert): string[] {
  const out = [`[${a.rule}] ${a.title}`, `  ${a.detail}`];
  if (a.action) out.push(`  What to do: ${a.action}`);
  for (const hint of a.hints) out.push(`  Also: ${hint}`);
  if (a.docUrl) out.push(`  More: ${a.docUrl}`);
  return out;
}

export async function runAlertsCommand(
  args: string[],
  io: CommandIo,
  options: AlertsCommandOptions = {},
): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`backup-pulse alerts: ${message}\n`);
    return 2;
  };
  const now = (options.now ?? (() => new Date()))();
  let values: { since?: string; "dry-run"?: boolean; format?: string; help?: boolean };
  let config: Config;
  let since: Date | undefined;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        since: { type: "string" },
        "dry-run": { type: "boolean" },
        format: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
    if (values.help) {
      io.stdout.write(ALERTS_USAGE);
      return 0;
    }
    if (values.format !== undefined && values.format !== "text" && values.format !== "json") {
      throw new UsageError(`--format must be text or json, not "${values.format.slice(0, 40)}"`);
    }
    since = parseSince(values.since, now.getTime());
    config = runConfig(io.env, values["dry-run"] ?? false);
    alertRuleSet(config); // a bad PULSE_ALERT_RULES stops here, before anything is opened
  } catch (error) {
    if (error instanceof SettingError || error instanceof UsageError) return fail(error.message);
    return fail(`${error instanceof Error ? error.message : String(error)} (see --help)`);
  }

  const dryRun = values["dry-run"] ?? false;
  const log = (line: string): void => void io.stderr.write(`${visible(redact(line, io.env))}\n`);
  let result: AlertRunResult;
  try {
    const deps = await openAlertDeps(config, { env: io.env, ...options.deps, dryRun });
    result = await runAlerts(config, deps, { ...(since ? { since } : {}), now, dryRun, log });
  } catch (error) {
    log(
      `backup-pulse alerts: the evaluation failed: ${error instanceof Error ? error.message : String(error)}`,
    );
    return 1;
  }

  if (values.format === "json") await writeChunk(io.stdout, JSON.stringify(result, null, 2) + "\n");
  else await writeChunk(io.stdout, redact(formatAlertsText(result), io.env));
  if (dryRun) log("Dry run: nothing was posted, recorded or moved.");
  return runSucceeded(result) ? 0 : 1;
}
