/**
 * `backup-pulse trends`: prints the stored daily trends (JSON array oldest first, a table, or CSV). It takes
 * the same trend query as the trends HTTP function (domain/trend-query.ts), under option names.
 */
import { parseArgs } from "node:util";
import { loadConfig, redact, SettingError } from "../config.js";
import { renderCsv, renderTrendTable } from "../delivery/trend-table.js";
import { dayOf } from "../domain/days.js";
import type { StoredTrend } from "../domain/model.js";
import {
  MAX_RANGE_DAYS,
  parseTrendQuery,
  shown,
  trendProblemMessage,
  type TrendParameter,
  type TrendQueryProblem,
  unknownScopeNote,
} from "../domain/trend-query.js";
import { visible } from "../domain/visible-text.js";
import { openTrendReader, StoreLayoutError, type DepsOptions } from "../pipeline/deps.js";
import { writeChunk, type CommandIo } from "./io.js";

export const TRENDS_USAGE = `Usage: backup-pulse trends [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--vault NAME|ID] [--vm NAME|ID] [--error-code CODE] [--format json|table|csv]

Prints the daily trends stored by "backup-pulse run", one row per stored day (of PULSE_TIMEZONE), oldest first.

  --from        first day (default: 29 days before --to)
  --to          last day (default: yesterday, UTC)
  --vault       one vault instead of the whole fleet: its name (case-insensitive; several vaults of that
                name each get their own rows, told apart by vaultId) or its resource ID
  --vm          one VM: its name (several VMs of that name each get their own rows, told apart by vmId;
                add --vault to narrow) or its resource ID
  --error-code  one error or warning code's trend across the fleet, e.g.
                ExtensionFailedVssWriterInBadState (not with --vault or --vm)
  --format      json (default; a JSON array), table, or csv (with a header row)

At most ${MAX_RANGE_DAYS} days at a time. Only stored days appear, each marked "complete" or not; a vault or
VM has rows only on the days it had jobs: no data is not zero. An unknown vault or VM gives [] and a note.
Needs PULSE_TABLES_CONNECTION or PULSE_TABLES_URL (with a managed identity or other Azure credential).
`;

const FORMATS = ["json", "table", "csv"] as const;

/** The option each trend query parameter is given with. */
const OPTION: Record<TrendParameter, string> = {
  from: "--from",
  to: "--to",
  vault: "--vault",
  vm: "--vm",
  errorCode: "--error-code",
  format: "--format",
};

function problemMessage(problem: TrendQueryProblem): string {
  if (problem.kind === "not-a-date") {
    return `${OPTION[problem.parameter]} ${shown(problem.value)} is not a date (YYYY-MM-DD)`;
  }
  if (problem.kind === "empty") {
    return `${OPTION[problem.parameter]} needs a ${problem.parameter === "errorCode" ? "code" : "name"}`;
  }
  return trendProblemMessage(problem, (p) => OPTION[p]);
}

export interface TrendsOptions {
  /** The clock, for the default range. */
  now?: () => Date;
  /**
   * Passed to openTrendReader: a credential, the CA of a local HTTPS emulator, a table prefix (tests and
   * embedders; the command line passes none).
   */
  deps?: DepsOptions;
}

function usageError(io: CommandIo, message: string): number {
  io.stderr.write(`backup-pulse trends: ${message}\n`);
  return 2;
}

export async function runTrends(args: string[], io: CommandIo, options: TrendsOptions = {}): Promise<number> {
  let values: Partial<Record<TrendParameter, string>> & { help?: boolean };
  try {
    const { values: v } = parseArgs({
      args,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        vault: { type: "string" },
        vm: { type: "string" },
        "error-code": { type: "string" },
        format: { type: "string", short: "f" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    });
    const { "error-code": errorCode, ...rest } = v;
    values = { ...rest, ...(errorCode !== undefined ? { errorCode } : {}) };
  } catch (error) {
    return usageError(io, `${error instanceof Error ? error.message : String(error)} (see --help)`);
  }
  if (values.help) {
    io.stdout.write(TRENDS_USAGE);
    return 0;
  }
  let config;
  try {
    config = loadConfig(io.env);
  } catch (error) {
    if (error instanceof SettingError) return usageError(io, error.message);
    throw error;
  }
  // The default range ends yesterday in the operator's time zone, as the daily run's days do.
  const today = dayOf((options.now?.() ?? new Date()).getTime(), config.timeZone);
  const parsed = parseTrendQuery(values, today, FORMATS);
  if ("problem" in parsed) return usageError(io, problemMessage(parsed.problem));
  const { query, format } = parsed;
  if (!config.tables) {
    return usageError(
      io,
      "PULSE_TABLES_CONNECTION or PULSE_TABLES_URL is required: the Table Storage account where trends are kept",
    );
  }

  let trends: StoredTrend[];
  let note: string | null = null;
  try {
    const reader = await openTrendReader(config, options.deps);
    trends = await reader.readTrends(query);
    if (trends.length === 0 && !(await reader.knowsScope(query))) note = unknownScopeNote(query);
  } catch (error) {
    if (error instanceof StoreLayoutError) return usageError(io, error.message);
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      `backup-pulse trends: reading the trends failed: ${redact(message, io.env)}\n` +
        "Check that the Table Storage setting is right and that this identity may read its tables.\n",
    );
    return 1;
  }

  const scope =
    query.code !== undefined
      ? `code ${query.code}`
      : query.vm !== undefined
        ? `VM ${query.vm}`
        : query.vault !== undefined
          ? `vault ${query.vault}`
          : "the fleet";
  if (format === "json") await writeChunk(io.stdout, `${JSON.stringify(trends, null, 2)}\n`);
  else if (format === "csv") await writeChunk(io.stdout, renderCsv(trends));
  else await writeChunk(io.stdout, renderTrendTable(trends));
  const { from, to } = query;
  const days = new Set(trends.map((t) => t.date)).size;
  const series = new Set(trends.map((t) => `${t.vaultId ?? ""} ${t.vmId ?? ""}`)).size;
  const several =
    series > 1 ? ` (${series} ${query.vm !== undefined ? "VMs" : "vaults"}, each its own rows)` : "";
  io.stderr.write(
    visible(
      note ??
        (trends.length === 0
          ? `No trends stored for ${scope} from ${from} to ${to}: has "backup-pulse run" stored these days?`
          : `${days} day${days === 1 ? "" : "s"} of ${scope} from ${from} to ${to}${several}.`),
    ) + "\n",
  );
  return 0;
}
