/**
 * The `backup-pulse` command dispatcher. Exit codes: 0 success, 1 failed run, 2 bad usage or settings.
 * JSON goes to stdout; human messages and progress go to stderr.
 */
import { readParsedExport } from "../logs/formats.js";
import { classifyOptionsFromEnv, classifyRead, renderTable, runClassify } from "./classify.js";
import type { CommandIo } from "./io.js";
import { SettingError } from "../config.js";

export type { CommandIo } from "./io.js";

export const USAGE = `backup-pulse: consistency-aware monitoring for Azure VM Backup

Usage:
  backup-pulse run [--date YYYY-MM-DD] [--dry-run]
  backup-pulse demo
  backup-pulse classify --input FILE [--format json|table]
  backup-pulse trends [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--vault NAME] [--vm NAME] [--format json|table|csv]
  backup-pulse alerts [--since ISO-8601]

Run "backup-pulse <command> --help" for a command's options.
`;

/** Classifies the bundled sample export and prints the table view. */
export async function runDemo(args: string[], io: CommandIo): Promise<number> {
  if (args.includes("--help") || args.includes("-h")) {
    io.stdout.write(
      "Usage: backup-pulse demo\n\nClassifies a bundled sample export and prints the summary.\n",
    );
    return 0;
  }
  let options;
  try {
    options = classifyOptionsFromEnv(io.env);
  } catch (error) {
    if (error instanceof SettingError) {
      io.stderr.write(`backup-pulse demo: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
  const sample = await import("../demo/sample-export.json", { with: { type: "json" } });
  const read = readParsedExport(sample.default);
  const report = classifyRead(read, options);
  io.stdout.write(renderTable(report, { name: "Sample export", format: read.format }) + "\n");
  return 0;
}

export async function main(argv: string[], io: CommandIo): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    (command === undefined ? io.stderr : io.stdout).write(USAGE);
    return command === undefined ? 2 : 0;
  }
  switch (command) {
    case "classify":
      return runClassify(rest, io);
    case "demo":
      return runDemo(rest, io);
    case "run":
    case "trends":
    case "alerts":
      if (rest.includes("--help") || rest.includes("-h")) {
        io.stdout.write(USAGE);
        return 0;
      }
      io.stderr.write(`backup-pulse ${command}: not available in this version.\n`);
      return 1;
    default:
      io.stderr.write(`Unknown command "${command.slice(0, 40)}".\n\n${USAGE}`);
      return 2;
  }
}
