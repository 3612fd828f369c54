#!/usr/bin/env node
/**
 * The `backup-pulse` command line. Exit codes: 0 success, 1 failed run, 2 bad usage or settings.
 * JSON goes to stdout; human messages and progress go to stderr.
 */
import { parseArgs } from "node:util";

export const USAGE = `backup-pulse: consistency-aware monitoring for Azure VM Backup

Usage:
  backup-pulse run [--date YYYY-MM-DD] [--dry-run]
  backup-pulse demo
  backup-pulse classify --input FILE [--format json|table]
  backup-pulse trends [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--vault NAME] [--vm NAME] [--format json|table|csv]
  backup-pulse alerts [--since ISO-8601]

Run "backup-pulse <command> --help" for a command's options.
`;

export class UsageError extends Error {
  override name = "UsageError";
}

export function main(argv: string[]): Promise<number> | number {
  const [command, ...rest] = argv;
  if (command === undefined || command === "--help" || command === "-h" || command === "help") {
    process.stdout.write(USAGE);
    return command === undefined ? 2 : 0;
  }
  const { values } = parseArgs({ args: rest, options: { help: { type: "boolean" } }, strict: false });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  switch (command) {
    case "demo":
      process.stderr.write("The demo estate is not bundled yet.\n");
      return 0;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      return 2;
  }
}

Promise.resolve(main(process.argv.slice(2))).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`backup-pulse: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
