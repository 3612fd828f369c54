/**
 * The scaffold of the timer functions: the schedule binding, settings read before any I/O, a run whose every
 * log line is redacted, and an invocation that fails (so the Functions host records it) when the run throws
 * or does not finish cleanly. Each timer says only what differs: its settings check, what it runs and what
 * it logs. This folder holds no function: the host loads only the files directly in functions/.
 */
import type { InvocationContext, Timer } from "@azure/functions";
import { loadConfig, redact, SettingError, type Config, type Env } from "../../config.js";
import type { WorkspaceReport } from "../../logs/workspace-report.js";
import { noWorkspaceRead, runSucceeded, type RunOutcome } from "../../pipeline/outcome.js";

/**
 * A timer's schedule: the `%SETTING%` binding expression (the host reads the app setting) when the setting
 * exists, else the documented default, so an app without the setting still indexes.
 */
export function scheduleBinding(setting: string, fallback: string, env: Env): string {
  return env[setting]?.trim() ? `%${setting}%` : fallback;
}

/** Where a timer's run writes: redacted lines in the invocation log. */
export interface TimerLog {
  log: (line: string) => void;
  warn: (line: string) => void;
}

/** One invocation of a timer: what differs from one timer to the other. */
export interface TimerRun<R extends RunOutcome> {
  /** Names the run in the log and in the failure: "The alert evaluation", "The daily run for 2026-11-24". */
  what: string;
  /** The first line logged, or null. */
  opening: string | null;
  run: (log: (line: string) => void) => Promise<R>;
  /** Logs the outcome of a run that did not throw (a summary line, warnings). */
  report: (result: R, out: TimerLog) => void;
  /** Appended to the reason given for workspaces not read completely, e.g. what the next run does. */
  unreadNote?: string;
  /** The reason given when something was not delivered, from what the delivery says of it. */
  undelivered: (result: R) => string;
}

export interface TimerSpec<R extends RunOutcome> {
  /** Settings (default: the app settings, read at each invocation). */
  env?: Env;
  /** Further checks of the settings (they throw SettingError). */
  check?: (config: Config) => void;
  /** The line logged for a bad setting, from the SettingError's message. */
  advice: (problem: string) => string;
  /** The run of one invocation, from valid settings. */
  plan: (config: Config, timer: Timer) => TimerRun<R>;
}

/** The reason to give for the workspaces a run did not read completely. */
function unreadWorkspaces(workspaces: readonly WorkspaceReport[]): string {
  if (noWorkspaceRead(workspaces))
    return `no workspace could be read (${workspaces.map((w) => w.workspaceId).join(", ")}): NO DATA`;
  const failed = workspaces.filter((w) => w.status === "failed" || !w.complete);
  return `${failed.length} workspace(s) were not read completely (${failed.map((w) => w.workspaceId).join(", ")})`;
}

/** Reads the settings of a real run; a bad one is logged, then fails the invocation before any I/O. */
function timerSettings<R extends RunOutcome>(
  env: Env,
  context: InvocationContext,
  spec: TimerSpec<R>,
): Config {
  try {
    const config = loadConfig(env, { requireRunSettings: true });
    spec.check?.(config);
    return config;
  } catch (error) {
    if (error instanceof SettingError) context.error(spec.advice(error.message));
    throw error;
  }
}

/** Builds a timer handler from what is particular to the timer. */
export function timerHandler<R extends RunOutcome>(
  spec: TimerSpec<R>,
): (timer: Timer, context: InvocationContext) => Promise<void> {
  return async (timer, context) => {
    const env = spec.env ?? process.env;
    const config = timerSettings(env, context, spec);
    const out: TimerLog = {
      log: (line) => context.log(redact(line, env)),
      warn: (line) => context.warn(redact(line, env)),
    };
    const job = spec.plan(config, timer);
    if (job.opening !== null) out.log(job.opening);

    let result: R;
    try {
      result = await job.run(out.log);
    } catch (error) {
      const message = redact(error instanceof Error ? error.message : String(error), env);
      context.error(`${job.what} failed: ${message}`);
      throw new Error(`${job.what} failed: ${message}`, { cause: error });
    }

    job.report(result, out);
    if (runSucceeded(result)) return;
    const reasons: string[] = [];
    if (!result.complete) {
      const unread = unreadWorkspaces(result.workspaces);
      reasons.push(job.unreadNote ? `${unread}; ${job.unreadNote}` : unread);
    }
    if (result.noData) reasons.push(result.noData);
    if ((result.delivery?.failed.length ?? 0) > 0) reasons.push(job.undelivered(result));
    const message = `${job.what} did not finish cleanly: ${reasons.join("; ")}`;
    context.error(message);
    throw new Error(message);
  };
}
