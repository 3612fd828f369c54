/**
 * `backup-pulse trends`: prints the stored daily trends (JSON array oldest first, a table, or CSV).
 */
import { parseArgs } from "node:util";
import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import { loadConfig, redact, SettingError } from "../config.js";
import type { DailyTrend } from "../domain/model.js";
import { addDays, daysBetween, isDate } from "../domain/days.js";
import { TREND_COUNTERS } from "../domain/trend-counts.js";
import { visible, visibleLines } from "../domain/visible-text.js";
import { TrendStore, type TrendStoreOptions } from "../store/trend-store.js";
import { writeChunk, type CommandIo } from "./io.js";

/** Longest range, in days (inclusive), one call may read. */
export const MAX_RANGE_DAYS = 400;
const DEFAULT_RANGE_DAYS = 30;

export const TRENDS_USAGE = `Usage: backup-pulse trends [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--vault NAME] [--vm NAME] [--format json|table|csv]

Prints the daily trends stored by "backup-pulse run", one row per UTC day, oldest first.

  --from    first day (default: 29 days before --to)
  --to      last day (default: yesterday, UTC)
  --vault   one vault instead of the whole fleet (names are case-insensitive)
  --vm      one VM (add --vault when the same VM name exists in several vaults)
  --format  json (default; a JSON array), table, or csv (with a header row)

At most ${MAX_RANGE_DAYS} days at a time. Days on which no run was stored are left out: no data is not zero.
Needs PULSE_TABLES_CONNECTION or PULSE_TABLES_URL (with a managed identity or other Azure credential).
`;

export interface TrendsDeps {
  /** Credential for PULSE_TABLES_URL (default: DefaultAzureCredential). */
  credential?: TokenCredential;
  /** Table options (e.g. a CA to trust for a local HTTPS emulator, a table prefix). */
  tables?: TrendStoreOptions;
  /** The clock, for the default range. */
  now?: () => Date;
}

function usageError(io: CommandIo, message: string): number {
  io.stderr.write(`backup-pulse trends: ${message}\n`);
  return 2;
}

export async function runTrends(args: string[], io: CommandIo, deps: TrendsDeps = {}): Promise<number> {
  let values: { from?: string; to?: string; vault?: string; vm?: string; format?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        from: { type: "string" },
        to: { type: "string" },
        vault: { type: "string" },
        vm: { type: "string" },
        format: { type: "string", short: "f" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return usageError(io, `${error instanceof Error ? error.message : String(error)} (see --help)`);
  }
  if (values.help) {
    io.stdout.write(TRENDS_USAGE);
    return 0;
  }

  const format = values.format ?? "json";
  if (format !== "json" && format !== "table" && format !== "csv") {
    return usageError(io, `--format must be json, table or csv, not "${format.slice(0, 40)}"`);
  }
  for (const name of ["from", "to"] as const) {
    const v = values[name];
    if (v !== undefined && !isDate(v))
      return usageError(io, `--${name} "${v.slice(0, 40)}" is not a date (YYYY-MM-DD)`);
  }
  for (const name of ["vault", "vm"] as const) {
    if (values[name] !== undefined && values[name].trim() === "")
      return usageError(io, `--${name} needs a name`);
  }
  const yesterday = addDays((deps.now?.() ?? new Date()).toISOString().slice(0, 10), -1);
  const to = values.to ?? (values.from !== undefined && values.from > yesterday ? values.from : yesterday);
  const from = values.from ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (daysBetween(from, to) < 0) return usageError(io, `--from ${from} is after --to ${to}`);
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) {
    return usageError(io, `${from} to ${to} is more than ${MAX_RANGE_DAYS} days: ask for a shorter range`);
  }

  let target;
  try {
    target = loadConfig(io.env).tables;
  } catch (error) {
    if (error instanceof SettingError) return usageError(io, error.message);
    throw error;
  }
  if (!target) {
    return usageError(
      io,
      "PULSE_TABLES_CONNECTION or PULSE_TABLES_URL is required: the Table Storage account where trends are kept",
    );
  }

  let trends: DailyTrend[];
  try {
    const credential = target.kind === "url" ? (deps.credential ?? new DefaultAzureCredential()) : undefined;
    const store = await TrendStore.open(target, credential, { ...deps.tables, createTables: false });
    trends = await store.readTrends({ from, to, vault: values.vault, vm: values.vm });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(
      `backup-pulse trends: reading the trends failed: ${redact(message, io.env)}\n` +
        "Check that the Table Storage setting is right and that this identity may read its tables.\n",
    );
    return 1;
  }

  const scope =
    values.vm !== undefined
      ? `VM ${values.vm}`
      : values.vault !== undefined
        ? `vault ${values.vault}`
        : "the fleet";
  if (format === "json") await writeChunk(io.stdout, `${JSON.stringify(trends, null, 2)}\n`);
  else if (format === "csv") await writeChunk(io.stdout, renderCsv(trends));
  else await writeChunk(io.stdout, renderTrendTable(trends));
  io.stderr.write(
    trends.length === 0
      ? `No trends stored for ${scope} from ${from} to ${to}: has "backup-pulse run" stored these days?\n`
      : `${trends.length} days of ${scope} from ${from} to ${to}.\n`,
  );
  return 0;
}

const COLUMNS = ["date", "scope", ...TREND_COUNTERS] as const;

function csvCell(value: string | number): string {
  const s = String(value);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** CSV with a header row (RFC 4180 quoting), one line per day. */
export function renderCsv(trends: readonly DailyTrend[]): string {
  const lines = [COLUMNS.join(",")];
  for (const t of trends) lines.push(COLUMNS.map((c) => csvCell(t[c])).join(","));
  return `${lines.join("\r\n")}\r\n`;
}

function percent(part: number, whole: number): string {
  return whole === 0 ? "-" : `${Math.round((part / whole) * 100)}%`;
}

/** A readable table: counts per day with success and application-consistency rates; names shown with `visible`. */
export function renderTrendTable(trends: readonly DailyTrend[]): string {
  const head = [
    "date",
    "scope",
    "jobs",
    "ok",
    "warn",
    "failed",
    "app",
    "fs",
    "crash",
    "none",
    "unknown",
    "degraded",
    "success",
    "app %",
  ];
  const rows = trends.map((t) => [
    visible(t.date),
    visible(t.scope),
    String(t.jobs),
    String(t.completed),
    String(t.completedWithWarnings),
    String(t.failed),
    String(t.application),
    String(t.fileSystem),
    String(t.crash),
    String(t.none),
    String(t.unknown),
    String(t.degraded),
    percent(t.completed + t.completedWithWarnings, t.jobs),
    percent(t.application, t.jobs),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0)))
      .join("  ")
      .trimEnd();
  return visibleLines([line(head), ...rows.map(line)]) + "\n";
}
