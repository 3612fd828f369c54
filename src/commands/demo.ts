/**
 * `backup-pulse demo`: the daily job on the embedded default (no Azure): two weeks of a sample estate read
 * through the real Log Analytics client from a local endpoint, stored in an in-process Table Storage emulator,
 * the last day's digest printed and written as HTML.
 */
import { parseArgs } from "node:util";
import { terminalDigest } from "../delivery/terminal.js";
import type { DailyTrend } from "../domain/model.js";
import { yesterdayIn } from "../domain/days.js";
import { writeChunk, type CommandIo } from "./io.js";
import { parseDateOption, UsageError, writeHtml } from "./run.js";

export const DEMO_USAGE = `Usage: backup-pulse demo [--end-date YYYY-MM-DD] [--html FILE]

Runs the daily job on a built-in sample estate (320 VMs in three vaults, two weeks) with no Azure at all:
Table Storage is an in-process emulator, Log Analytics and ARM are local HTTPS endpoints served to the real
Azure SDK clients. Prints the last day's digest and the trend summary, and writes the HTML digest.

Options:
  --end-date YYYY-MM-DD  the last day of the sample estate (default: yesterday)
  --html FILE            where the HTML digest is written (default: out/demo-digest.html)
`;

const pct = (n: number, of: number): string =>
  of === 0 ? "    –" : `${((100 * n) / of).toFixed(1).padStart(5)}%`;

/** The daily fleet trends as a small terminal table. */
export function trendSummary(trends: readonly DailyTrend[]): string {
  const head = "date        jobs  failed  warn   app-cons  fs-cons  crash  degraded";
  const rows = trends.map(
    (t) =>
      `${t.date}  ${String(t.jobs).padStart(4)}  ${String(t.failed).padStart(6)}  ${String(t.completedWithWarnings).padStart(4)}` +
      `  ${pct(t.application, t.jobs).padStart(8)}  ${pct(t.fileSystem, t.jobs).padStart(7)}  ${String(t.crash).padStart(5)}` +
      `  ${String(t.degraded).padStart(8)}`,
  );
  return [head, ...rows].join("\n") + "\n";
}

export async function runDemoCommand(args: string[], io: CommandIo): Promise<number> {
  let values: { "end-date"?: string; html?: string; help?: boolean };
  let endDate: string;
  try {
    ({ values } = parseArgs({
      args,
      options: {
        "end-date": { type: "string" },
        html: { type: "string" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
    if (values.help) {
      io.stdout.write(DEMO_USAGE);
      return 0;
    }
    endDate = parseDateOption(values["end-date"], "--end-date", yesterdayIn());
  } catch (error) {
    const message = error instanceof UsageError ? error.message : `${String(error)} (see --help)`;
    io.stderr.write(`backup-pulse demo: ${message}\n`);
    return 2;
  }
  const started = Date.now();
  io.stderr.write(
    "Starting the local stand-ins (Table Storage emulator, Log Analytics and ARM endpoints)...\n",
  );
  // Loaded here: the demo needs the emulator, a development dependency.
  const { runDemo } = await import("../demo/run-demo.js");
  const demo = await runDemo({ endDate, log: (line) => void io.stderr.write(`  ${line}\n`) });
  const last = demo.results[demo.results.length - 1];
  if (!last) return 1;
  await writeChunk(io.stdout, `\n${terminalDigest(last.digest)}\nFleet trend (stored in Table Storage):\n`);
  await writeChunk(io.stdout, trendSummary(demo.trends));
  const html = await writeHtml(values.html ?? "out/demo-digest.html", last);
  io.stderr.write(
    `\nHTML digest written to ${html}\n` +
      `Ran ${demo.results.length} daily jobs over ${demo.estate.vms.length} VMs in ${((Date.now() - started) / 1000).toFixed(1)} s.\n`,
  );
  return 0;
}
