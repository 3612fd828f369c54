/**
 * What the timer functions share: the schedule binding, settings read before any I/O, and an invocation that
 * fails (so the Functions host records it) when the run throws or does not finish cleanly. Every line they
 * log is redacted. This folder holds no function: the host loads only the files directly in functions/.
 */
import type { InvocationContext } from "@azure/functions";
import { loadConfig, redact, SettingError, type Config, type Env } from "../../config.js";
import type { WorkspaceReport } from "../../logs/query.js";

/**
 * A timer's schedule: the `%SETTING%` binding expression (the host reads the app setting) when the setting
 * exists, else the documented default, so an app without the setting still indexes.
 */
export function scheduleBinding(setting: string, fallback: string, env: Env): string {
  return env[setting]?.trim() ? `%${setting}%` : fallback;
}

export interface TimerSettingsOptions {
  /** Further checks of the settings (they throw SettingError). */
  check?: (config: Config) => void;
  /** The line logged for a bad setting, from the SettingError's message. */
  advice: (problem: string) => string;
}

/** Reads the settings of a real run; a bad one is logged, then fails the invocation before any I/O. */
export function timerSettings(env: Env, context: InvocationContext, options: TimerSettingsOptions): Config {
  try {
    const config = loadConfig(env, { requireRunSettings: true });
    options.check?.(config);
    return config;
  } catch (error) {
    if (error instanceof SettingError) context.error(options.advice(error.message));
    throw error;
  }
}

/** Writes a line to the invocation log, with the secrets of `env` redacted. */
export function redactedLog(context: InvocationContext, env: Env): (line: string) => void {
  return (line) => context.log(redact(line, env));
}

/**
 * Runs `work`; when it throws, logs and fails the invocation with "`what` failed: …" (redacted), keeping the
 * original error as the cause.
 */
export async function runOrFail<R>(
  context: InvocationContext,
  env: Env,
  what: string,
  work: () => Promise<R>,
): Promise<R> {
  try {
    return await work();
  } catch (error) {
    const message = redact(error instanceof Error ? error.message : String(error), env);
    context.error(`${what} failed: ${message}`);
    throw new Error(`${what} failed: ${message}`, { cause: error });
  }
}

/** Logs and fails the invocation of a run that did not finish cleanly, with its reasons. */
export function failUnclean(context: InvocationContext, what: string, reasons: readonly string[]): never {
  const message = `${what} did not finish cleanly: ${reasons.join("; ")}`;
  context.error(message);
  throw new Error(message);
}

/** The reason to give for the workspaces a run did not read completely. */
export function unreadWorkspaces(workspaces: readonly WorkspaceReport[]): string {
  const failed = workspaces.filter((w) => w.status === "failed" || !w.complete);
  return `${failed.length} workspace(s) were not read completely (${failed.map((w) => w.workspaceId).join(", ")})`;
}
