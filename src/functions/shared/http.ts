/**
 * What the HTTP functions share: the trend store opened once per process through the composition root, JSON
 * error answers, and server errors logged with secrets redacted. This folder holds no function: the host
 * loads only the files directly in functions/.
 */
import type { Locale } from "../../domain/messages/index.js";
import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { loadConfig, redact, SettingError, type Env } from "../../config.js";
import { openTrendReader, type DepsOptions } from "../../pipeline/deps.js";
import type { TrendStore } from "../../store/trend-store.js";

/** The query parameter Azure Functions reads the function key from: never a filter, never echoed. */
export const FUNCTION_KEY_PARAMETER = "code";

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

export interface ReadStoreOptions {
  /** Settings (default: the app settings). Read when the store is first needed. */
  env?: Env;
  /** Passed to openTrendReader (credential, CA of a local HTTPS emulator, table prefix). */
  deps?: DepsOptions;
}

export interface ReadFunctionOptions extends ReadStoreOptions {
  /** The clock (epoch ms), for the default day or range. */
  now?: () => number;
  /** The store to read (default: opened once from the settings, see lazyReadStore). */
  store?: () => Promise<TrendStore>;
}

/**
 * The trend store for reading, opened on first use and then shared by every request of the process. An open
 * that fails is not kept: the next request tries again.
 */
export function lazyReadStore(options: ReadStoreOptions = {}): () => Promise<TrendStore> {
  let opening: Promise<TrendStore> | null = null;
  return () => {
    opening ??= Promise.resolve()
      .then(() => openTrendReader(loadConfig(options.env ?? process.env), options.deps))
      .catch((error: unknown) => {
        opening = null;
        throw error;
      });
    return opening;
  };
}

/** The operator's time zone (PULSE_TIMEZONE), read alone: a request that needs only its days needs no other setting. */
export function timeZoneOf(env: Env): string {
  return loadConfig({ PULSE_TIMEZONE: env.PULSE_TIMEZONE }).timeZone;
}

/** The digest's language and time zone (PULSE_LOCALE, PULSE_TIMEZONE); a bad value throws SettingError. */
export function digestWordsOf(env: Env): { locale: Locale; timeZone: string } {
  const config = loadConfig({ PULSE_TIMEZONE: env.PULSE_TIMEZONE, PULSE_LOCALE: env.PULSE_LOCALE });
  return { locale: config.locale, timeZone: config.timeZone };
}

/** A JSON error answer. */
export function errorResponse(status: number, message: string): HttpResponseInit {
  return { status, jsonBody: { error: message }, headers: { "cache-control": "no-store" } };
}

/** Logs what went wrong (secrets redacted) and answers 500 with a message that reveals nothing. */
export function serverError(context: InvocationContext, what: string, error: unknown, env: Env): string {
  const detail = redact(error instanceof Error ? error.message : String(error), env);
  context.error(`${what} failed: ${detail}`);
  return error instanceof SettingError
    ? `${what} failed: the function app's settings are incomplete (see the function's log)`
    : `${what} failed (see the function's log)`;
}
