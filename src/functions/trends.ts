/**
 * HTTP function `trends`: `GET /api/trends?from=&to=&vault=&vm=&errorCode=&format=json|csv` (function key).
 * The stored daily trends, one entry per day, oldest first: the same JSON array as `backup-pulse trends
 * --format json`, or the same CSV as its `--format csv`.
 *
 * The parameters are the trend query (see domain/trend-query.ts, shared with `backup-pulse trends`):
 * - `from`, `to`: UTC days (YYYY-MM-DD); default the 30 days up to yesterday; at most 400 days.
 * - `vault`: a Recovery Services vault, `vm`: a VM, each by name (every one of that name, its own rows) or
 *   resource ID; `errorCode`: one error or warning code. Without them the scope is the whole fleet (`all`).
 *   (`code` is not a filter: Azure Functions reserves it for the function key.)
 * A vault or VM not stored at all answers `[]` with the reason in the `x-pulse-note` header.
 * A bad parameter answers 400 with `{ "error": "…" }`. Names reach Table Storage only through the SDK's
 * `odata` template (inside the trend store), so a quote in a name cannot change the query.
 */
import { app } from "@azure/functions";
import { renderCsv } from "../delivery/trend-table.js";
import { dayOf } from "../domain/days.js";
import type { StoredTrend } from "../domain/model.js";
import {
  parseTrendQuery,
  shown,
  TREND_PARAMETERS,
  trendProblemMessage,
  type TrendParameter,
  type TrendRequest,
  unknownScopeNote,
} from "../domain/trend-query.js";
import {
  errorResponse,
  FUNCTION_KEY_PARAMETER,
  lazyReadStore,
  serverError,
  timeZoneOf,
  type HttpHandler,
  type ReadFunctionOptions,
} from "./shared/http.js";

const FORMATS = ["json", "csv"] as const;

/** The header that says why an answer is empty: the vault or VM asked for is not stored at all. */
export const NOTE_HEADER = "x-pulse-note";

/** A header value: printable ASCII only (anything else written as `\\uXXXX`). */
function headerText(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/**
 * Reads and checks the parameters of a trends request. Returns the trend query and format, or the message
 * of a 400 answer.
 */
export function parseTrendsParameters(
  params: URLSearchParams,
  today: string,
): TrendRequest<(typeof FORMATS)[number]> | { error: string } {
  const values: Partial<Record<TrendParameter, string>> = {};
  for (const name of new Set(params.keys())) {
    if (name === FUNCTION_KEY_PARAMETER) continue;
    if (!(TREND_PARAMETERS as readonly string[]).includes(name)) {
      return {
        error: `Unknown parameter ${shown(name)}: use ${TREND_PARAMETERS.join(", ")} (the error-code filter is errorCode)`,
      };
    }
    const all = params.getAll(name);
    if (all.length > 1) return { error: `Give ${name} once, not ${all.length} times` };
    values[name as TrendParameter] = all[0] ?? "";
  }
  const parsed = parseTrendQuery(values, today, FORMATS);
  return "problem" in parsed ? { error: trendProblemMessage(parsed.problem, (p) => p) } : parsed;
}

/** Builds the trends handler. The registered one uses the app settings and managed identity. */
export function createTrendsHandler(options: ReadFunctionOptions = {}): HttpHandler {
  const store = options.store ?? lazyReadStore(options);
  return async (request, context) => {
    const env = options.env ?? process.env;
    let today: string;
    try {
      today = dayOf(options.now?.() ?? Date.now(), timeZoneOf(env));
    } catch (error) {
      return errorResponse(500, serverError(context, "Reading PULSE_TIMEZONE", error, env));
    }
    const parsed = parseTrendsParameters(request.query, today);
    if ("error" in parsed) return errorResponse(400, parsed.error);

    let trends: StoredTrend[];
    let note: string | null = null;
    try {
      const reader = await store();
      trends = await reader.readTrends(parsed.query);
      if (trends.length === 0 && !(await reader.knowsScope(parsed.query)))
        note = unknownScopeNote(parsed.query);
    } catch (error) {
      return errorResponse(
        500,
        serverError(context, "Reading the trends", error, options.env ?? process.env),
      );
    }
    const { from, to } = parsed.query;
    const noted: Record<string, string> = note !== null ? { [NOTE_HEADER]: headerText(note) } : {};
    if (parsed.format === "csv") {
      return {
        status: 200,
        body: renderCsv(trends),
        headers: {
          "content-type": "text/csv; charset=utf-8",
          "content-disposition": `attachment; filename="backup-pulse-trends-${from}-${to}.csv"`,
          ...noted,
        },
      };
    }
    return { status: 200, jsonBody: trends, headers: noted };
  };
}

export const trendsHttp = createTrendsHandler();

app.http("trends", { methods: ["GET"], authLevel: "function", route: "trends", handler: trendsHttp });
