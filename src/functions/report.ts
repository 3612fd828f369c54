/**
 * HTTP function `report`: `GET /api/report?date=YYYY-MM-DD` (function key; default yesterday in PULSE_TIMEZONE). The
 * digest of a stored day as one self-contained HTML page, built from what the daily run stored: the day's
 * jobs, its run record (coverage) and the stored history. A day that was never stored answers 404.
 *
 * The page loads nothing: the Content-Security-Policy allows inline styles and data: images only, and no
 * referrer leaves it (the page's address carries the function key).
 */
import type { Locale } from "../domain/messages/index.js";
import { app, type HttpResponseInit } from "@azure/functions";
import { htmlDigest } from "../delivery/html.js";
import { isDate, yesterdayIn } from "../domain/days.js";
import { composeDigest } from "../pipeline/compose-digest.js";
import {
  FUNCTION_KEY_PARAMETER,
  lazyReadStore,
  serverError,
  digestWordsOf,
  type HttpHandler,
  type ReadFunctionOptions,
} from "./shared/http.js";

export const REPORT_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

function text(status: number, message: string): HttpResponseInit {
  return {
    status,
    body: `${message}\n`,
    headers: { "content-type": "text/plain; charset=utf-8", "cache-control": "no-store" },
  };
}

/** The day asked for, or the message of a 400 answer. */
export function parseReportQuery(
  params: URLSearchParams,
  yesterday: string,
): { date: string } | { error: string } {
  for (const name of new Set(params.keys())) {
    if (name !== "date" && name !== FUNCTION_KEY_PARAMETER) {
      const shown = name.length > 40 ? `${name.slice(0, 40)}…` : name;
      return { error: `Unknown parameter ${JSON.stringify(shown)}: the report takes only date (YYYY-MM-DD)` };
    }
  }
  const all = params.getAll("date");
  if (all.length > 1) return { error: `Give date once, not ${all.length} times` };
  const date = all[0]?.trim() ?? yesterday;
  if (!isDate(date)) {
    const shown = date.length > 40 ? `${date.slice(0, 40)}…` : date;
    return { error: `date must be a day (YYYY-MM-DD), not ${JSON.stringify(shown)}` };
  }
  return { date };
}

/** Builds the report handler. The registered one uses the app settings and managed identity. */
export function createReportHandler(options: ReadFunctionOptions = {}): HttpHandler {
  const store = options.store ?? lazyReadStore(options);
  return async (request, context) => {
    const env = options.env ?? process.env;
    let yesterday: string;
    let words: { locale: Locale; timeZone: string };
    try {
      words = digestWordsOf(env);
      yesterday = yesterdayIn(words.timeZone, options.now?.());
    } catch (error) {
      return text(500, serverError(context, "Reading PULSE_TIMEZONE and PULSE_LOCALE", error, env));
    }
    const parsed = parseReportQuery(request.query, yesterday);
    if ("error" in parsed) return text(400, parsed.error);
    const { date } = parsed;

    let html: string;
    try {
      const trends = await store();
      const run = await trends.readRun(date);
      if (!run) {
        return text(
          404,
          `No digest is stored for ${date}: the daily run has not stored that day (it runs for yesterday, in PULSE_TIMEZONE).`,
        );
      }
      const jobs = await trends.readDayJobs(date);
      html = htmlDigest(await composeDigest({ date, jobs, store: trends, run, ...words }));
    } catch (error) {
      return text(
        500,
        serverError(context, `Building the report for ${date}`, error, options.env ?? process.env),
      );
    }
    return {
      status: 200,
      body: html,
      headers: {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy": REPORT_CSP,
        "x-content-type-options": "nosniff",
        "referrer-policy": "no-referrer",
        "cache-control": "private, no-store",
      },
    };
  };
}

export const reportHttp = createReportHandler();

app.http("report", { methods: ["GET"], authLevel: "function", route: "report", handler: reportHttp });
