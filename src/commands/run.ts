/**
 * `backup-pulse run [--date YYYY-MM-DD] [--dry-run]`: the daily job for one day of PULSE_TIMEZONE, exactly what the timer
 * function does: query, classify, store, digest, deliver.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { parseArgs } from "node:util";
import { loadConfig, redact, SettingError, type Config } from "../config.js";
import { htmlDigest } from "../delivery/html.js";
import { terminalDigest } from "../delivery/terminal.js";
import { dayOf, isDate, yesterdayIn } from "../domain/days.js";
import { visible } from "../domain/visible-text.js";
import { openDeps, StoreLayoutError, type DepsOptions } from "../pipeline/deps.js";
import { runDaily, type DailyResult } from "../pipeline/daily.js";
import { runSucceeded } from "../pipeline/outcome.js";
import { writeChunk, type CommandIo } from "./io.js";

export const RUN_USAGE = `Usage: backup-pulse run [--date YYYY-MM-DD] [--dry-run] [--format text|json] [--html FILE]

Runs the daily job for one day (default: yesterday): reads the backup jobs from every workspace in
PULSE_WORKSPACE_IDS (and re-reads the PULSE_LOOKBACK_DAYS days before it for late rows), classifies them,
stores the trends, and posts the digest to PULSE_WEBHOOK_URL once. Days are calendar days of
PULSE_TIMEZONE (an IANA time zone, UTC by default): a job belongs to the day its start falls on there.

Options:
  --date YYYY-MM-DD   the day, a calendar day of PULSE_TIMEZONE (default: yesterday there); a day after
                      today there is refused
  --dry-run           store and post nothing; print the digest
  --format text|json  how the digest is printed on stdout (default: text)
  --html FILE         where the HTML digest is written (default: out/digest-<date>.html)

Exit codes: 0 done (also a first run that found no job while no VM is known yet), 1 the run failed or was
incomplete (a workspace failed, the digest was not delivered) or is NO DATA (every workspace answered without
a job while VMs are expected), 2 bad usage or settings.
`;

export function parseDateOption(value: string | undefined, name: string, fallback: string): string {
  if (value === undefined) return fallback;
  if (!isDate(value))
    throw new UsageError(`${name} must be a date (YYYY-MM-DD), not "${value.slice(0, 40)}"`);
  return value;
}

/**
 * A day after today in `timeZone` has no jobs yet: running it would store an empty day and post a digest
 * that says nothing ran. Today (still under way) is accepted.
 */
export function refuseFutureDay(date: string, timeZone: string, nowMs: number = Date.now()): void {
  const today = dayOf(nowMs, timeZone);
  if (date > today) {
    throw new UsageError(
      `--date ${date} is in the future (today is ${today} in ${timeZone}, PULSE_TIMEZONE); ` +
        "give a day that has begun, or leave --date out for yesterday",
    );
  }
}

export class UsageError extends Error {
  override name = "UsageError";
}

/** Settings for a run: workspaces always; a table target unless nothing is stored. */
export function runConfig(env: CommandIo["env"], dryRun: boolean): Config {
  const config = loadConfig(env, { requireRunSettings: !dryRun });
  if (config.workspaceIds.length === 0) {
    throw new SettingError("PULSE_WORKSPACE_IDS", "is required: the Log Analytics workspace IDs to read");
  }
  return config;
}

export async function writeHtml(file: string, result: DailyResult): Promise<string> {
  const path = resolve(file);
  await mkdir(dirname(path), { recursive: true });
  await writeFile(path, htmlDigest(result.digest), "utf8");
  return path;
}

/**
 * `depsOptions` reaches openDeps: a credential, the CA of local endpoints, a table prefix, retry settings
 * (tests and embedders; the command line passes none).
 */
export async function runRun(args: string[], io: CommandIo, depsOptions: DepsOptions = {}): Promise<number> {
  const fail = (message: string): number => {
    io.stderr.write(`backup-pulse run: ${message}\n`);
    return 2;
  };
  let values: { date?: string; "dry-run"?: boolean; format?: string; html?: string; help?: boolean };
  let config: Config;
  let date: string;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        date: { type: "string" },
        "dry-run": { type: "boolean" },
        format: { type: "string" },
        html: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
    if (values.help) {
      io.stdout.write(RUN_USAGE);
      return 0;
    }
    if (values.format !== undefined && values.format !== "text" && values.format !== "json") {
      throw new UsageError(`--format must be text or json, not "${values.format.slice(0, 40)}"`);
    }
    config = runConfig(io.env, values["dry-run"] ?? false);
    date = parseDateOption(values.date, "--date", yesterdayIn(config.timeZone));
    refuseFutureDay(date, config.timeZone);
  } catch (error) {
    if (error instanceof SettingError || error instanceof UsageError) return fail(error.message);
    return fail(`${error instanceof Error ? error.message : String(error)} (see --help)`);
  }

  const dryRun = values["dry-run"] ?? false;
  const log = (line: string): void => void io.stderr.write(`${visible(redact(line, io.env))}\n`);
  let deps;
  try {
    deps = await openDeps(config, { env: io.env, ...depsOptions, readOnly: dryRun });
  } catch (error) {
    if (error instanceof StoreLayoutError) return fail(error.message); // exit 2: a setting to change
    throw error;
  }
  const result = await runDaily(config, deps, { date, dryRun, log });

  if (values.format === "json") await writeChunk(io.stdout, JSON.stringify(result.digest, null, 2) + "\n");
  else await writeChunk(io.stdout, terminalDigest(result.digest));
  const html = await writeHtml(values.html ?? `out/digest-${date}.html`, result);
  log(`HTML digest written to ${html}`);
  if (dryRun) log("Dry run: nothing was stored or posted.");
  else if (!config.webhookUrl) log("PULSE_WEBHOOK_URL is not set: the digest was printed only.");
  return runSucceeded(result) ? 0 : 1;
}
