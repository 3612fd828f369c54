/**
 * The `backup-pulse` command dispatcher. Exit codes: 0 success, 1 failed run, 2 bad usage or settings.
 * JSON goes to stdout; human messages and progress go to stderr.
 */
import { readFileSync } from "node:fs";
import { runAlertsCommand } from "./alerts.js";
import { runClassify } from "./classify.js";
import { runDemoCommand } from "./demo.js";
import { runDoctorCommand } from "./doctor.js";
import type { CommandIo } from "./io.js";
import { runRun } from "./run.js";
import { runTrends } from "./trends.js";

export type { CommandIo } from "./io.js";

export const USAGE = `backup-pulse: consistency-aware monitoring for Azure VM Backup

Usage:
  backup-pulse run [--date YYYY-MM-DD] [--dry-run]
  backup-pulse demo
  backup-pulse classify --input FILE [--format json|table]
  backup-pulse trends [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--vault NAME] [--vm NAME] [--error-code CODE]
                      [--format json|table|csv]
  backup-pulse alerts [--since ISO-8601] [--dry-run] [--format text|json]
  backup-pulse doctor [--send-test] [--format text|json]
  backup-pulse --version

Run "backup-pulse <command> --help" for a command's options and settings.
`;

const COMMANDS: Record<string, (args: string[], io: CommandIo) => Promise<number>> = {
  run: runRun,
  demo: runDemoCommand,
  classify: runClassify,
  trends: runTrends,
  alerts: runAlertsCommand,
  doctor: runDoctorCommand,
};

/** The package's version, from the package.json next to src/ or dist/. */
export function packageVersion(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  const version = (JSON.parse(text) as { version?: unknown }).version;
  return typeof version === "string" ? version : "unknown";
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    (command === undefined ? io.stderr : io.stdout).write(USAGE);
    return command === undefined ? 2 : 0;
  }
  if (command === "--version" || command === "-V") {
    io.stdout.write(`backup-pulse ${packageVersion()}\n`);
    return 0;
  }
  const run = Object.hasOwn(COMMANDS, command) ? COMMANDS[command] : undefined;
  if (!run) {
    io.stderr.write(`Unknown command "${command.slice(0, 40)}".\n\n${USAGE}`);
    return 2;
  }
  return run(rest, io);
}
