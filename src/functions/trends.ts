/**
 * HTTP function `trends`: `GET /api/trends?from=&to=&vault=&vm=&errorCode=&format=json|csv` (function key).
 * The stored daily trends, one entry per day, oldest first: the same JSON array as `backup-pulse trends
 * --format json`, or the same CSV as its `--format csv`.
 *
 * - `from`, `to`: UTC days (YYYY-MM-DD); default the 30 days up to yesterday; at most 400 days.
 * - `vault`: one Recovery Services vault; `vm`: one VM (with `vault` when the name exists in several vaults);
 *   `errorCode`: one error or warning code. Without them the scope is the whole fleet (`all`).
 *   (`code` is not a filter: Azure Functions reserves it for the function key.)
 * A bad parameter answers 400 with `{ "error": "…" }`. Names reach Table Storage only through the SDK's
 * `odata` template (inside the trend store), so a quote in a name cannot change the query.
 */
import { app, type HttpRequest, type HttpResponseInit, type InvocationContext } from "@azure/functions";
import type { TokenCredential } from "@azure/core-auth";
import { MAX_RANGE_DAYS, renderCsv } from "../commands/trends.js";
import { loadConfig, redact, SettingError, type Env } from "../config.js";
import type { DailyTrend } from "../domain/model.js";
import { addDays, daysBetween, isDate } from "../domain/days.js";
import { azureCredential } from "../pipeline/deps.js";
import { TrendStore, type TrendQuery, type TrendStoreOptions } from "../store/trend-store.js";

const DEFAULT_RANGE_DAYS = 30;

/** The query parameter Azure Functions reads the function key from: never a filter, never echoed. */
export const FUNCTION_KEY_PARAMETER = "code";

export interface ReadStoreOptions {
  /** Settings (default: the app settings). Read when the store is first needed. */
  env?: Env;
  /** Credential for PULSE_TABLES_URL (default: the process's DefaultAzureCredential). */
  credential?: TokenCredential;
  /** Table options (a CA for a local HTTPS emulator, a table prefix). */
  tables?: TrendStoreOptions;
}

/**
 * The trend store for reading, opened on first use and then shared by every request of the process. An open
 * that fails is not kept: the next request tries again.
 */
export function lazyReadStore(options: ReadStoreOptions = {}): () => Promise<TrendStore> {
  let opening: Promise<TrendStore> | null = null;
  return () => {
    opening ??= openReadStore(options).catch((error: unknown) => {
      opening = null;
      throw error;
    });
    return opening;
  };
}

async function openReadStore(options: ReadStoreOptions): Promise<TrendStore> {
  const target = loadConfig(options.env ?? process.env).tables;
  if (!target) {
    throw new SettingError(
      "PULSE_TABLES_URL",
      "is required (or PULSE_TABLES_CONNECTION): the Table Storage account where trends are kept",
    );
  }
  const credential = target.kind === "url" ? (options.credential ?? azureCredential()) : undefined;
  return TrendStore.open(target, credential, { ...options.tables, createTables: false });
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

export interface TrendsRequest {
  query: TrendQuery;
  format: "json" | "csv";
}

const TRENDS_PARAMETERS = ["from", "to", "vault", "vm", "errorCode", "format"] as const;
type TrendsParameter = (typeof TRENDS_PARAMETERS)[number];

/** Recovery Services vault names: 2 to 50 letters, digits or hyphens, starting with a letter. */
const VAULT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,49}$/;
/** Error codes are identifiers such as `UserErrorGuestAgentStatusUnavailable` or `Pre-ScriptTimeout`. */
const ERROR_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
const MAX_VM_NAME = 80;

function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/**
 * Reads and checks the parameters of a trends request. Returns the store query and format, or the message
 * of a 400 answer.
 */
export function parseTrendsQuery(params: URLSearchParams, today: string): TrendsRequest | { error: string } {
  const values: Partial<Record<TrendsParameter, string>> = {};
  for (const name of new Set(params.keys())) {
    if (name === FUNCTION_KEY_PARAMETER) continue;
    if (!(TRENDS_PARAMETERS as readonly string[]).includes(name)) {
      return {
        error: `Unknown parameter ${shown(name)}: use ${TRENDS_PARAMETERS.join(", ")} (the error-code filter is errorCode)`,
      };
    }
    const all = params.getAll(name);
    if (all.length > 1) return { error: `Give ${name} once, not ${all.length} times` };
    values[name as TrendsParameter] = (all[0] ?? "").trim();
  }

  const format = values.format ?? "json";
  if (format !== "json" && format !== "csv") {
    return { error: `format must be json or csv, not ${shown(format)}` };
  }
  for (const name of ["from", "to"] as const) {
    const v = values[name];
    if (v !== undefined && !isDate(v))
      return { error: `${name} must be a date (YYYY-MM-DD), not ${shown(v)}` };
  }
  for (const name of ["vault", "vm", "errorCode"] as const) {
    if (values[name] === "") return { error: `${name} needs a value, or leave it out` };
  }
  const { vault, vm, errorCode } = values;
  if (vault !== undefined && !VAULT_NAME.test(vault)) {
    return {
      error: `vault ${shown(vault)} is not a Recovery Services vault name (2 to 50 letters, digits or hyphens, starting with a letter)`,
    };
  }
  if (vm !== undefined && (vm.length > MAX_VM_NAME || /\p{Cc}/u.test(vm))) {
    return { error: `vm must be a VM name of at most ${MAX_VM_NAME} printable characters` };
  }
  if (errorCode !== undefined) {
    if (!ERROR_CODE.test(errorCode)) {
      return {
        error: `errorCode ${shown(errorCode)} is not an error code (letters, digits, '-', '_' or '.')`,
      };
    }
    if (vault !== undefined || vm !== undefined) {
      return { error: "errorCode gives the whole fleet's trend of one code: leave out vault and vm" };
    }
  }

  const yesterday = addDays(today, -1);
  const to = values.to ?? (values.from !== undefined && values.from > yesterday ? values.from : yesterday);
  const from = values.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (daysBetween(from, to) < 0) return { error: `from (${from}) is after to (${to})` };
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) {
    return { error: `${from} to ${to} is more than ${MAX_RANGE_DAYS} days: ask for a shorter range` };
  }
  const query: TrendQuery = { from, to };
  if (vault !== undefined) query.vault = vault;
  if (vm !== undefined) query.vm = vm;
  if (errorCode !== undefined) query.code = errorCode;
  return { query, format };
}

export interface TrendsFunctionOptions extends ReadStoreOptions {
  /** The clock, for the default range. */
  now?: () => number;
  /** The store to read (default: opened once from the settings, see lazyReadStore). */
  store?: () => Promise<TrendStore>;
}

export type HttpHandler = (request: HttpRequest, context: InvocationContext) => Promise<HttpResponseInit>;

/** Builds the trends handler. The registered one uses the app settings and managed identity. */
export function createTrendsHandler(options: TrendsFunctionOptions = {}): HttpHandler {
  const store = options.store ?? lazyReadStore(options);
  return async (request, context) => {
    const today = new Date(options.now?.() ?? Date.now()).toISOString().slice(0, 10);
    const parsed = parseTrendsQuery(request.query, today);
    if ("error" in parsed) return errorResponse(400, parsed.error);

    let trends: DailyTrend[];
    try {
      trends = await (await store()).readTrends(parsed.query);
    } catch (error) {
      return errorResponse(
        500,
        serverError(context, "Reading the trends", error, options.env ?? process.env),
      );
    }
    const { from, to } = parsed.query;
    if (parsed.format === "csv") {
      return {
        status: 200,
        body: renderCsv(trends),
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="backup-pulse-trends-${from}-${to}.csv"`,
        },
      };
    }
    return { status: 200, jsonBody: trends };
  };
}

export const trendsHttp = createTrendsHandler();

app.http("trends", { methods: ["GET"], authLevel: "function", route: "trends", handler: trendsHttp });
