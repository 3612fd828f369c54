// One measured step of the classify benchmark, run in its own process so its peak memory is its own.
//   node classify.js parse FILE     read the file and JSON.parse it (the baseline)
//   node classify.js classify FILE  read the file as `classify` does, normalise every row and classify every job
// Prints one JSON line: StepResult.
import { readFileSync } from "node:fs";

/** What one step prints. */
export interface StepResult {
  step: "parse" | "classify";
  ms: number;
  /** CPU time (user + system) of the whole process: less swayed than `ms` by other work on the machine. */
  cpuMs: number;
  readMs: number;
  rows: number;
  jobs: number;
  peakRssMb: number;
}

const [step, file] = process.argv.slice(2);
if ((step !== "parse" && step !== "classify") || !file) {
  process.stderr.write("usage: node classify.js parse|classify FILE\n");
  process.exit(2);
}

function peakRssMb(): number {
  // maxRSS is in kilobytes.
  return Math.round(process.resourceUsage().maxRSS / 1024);
}

let rows = 0;
let jobs = 0;
const started = performance.now();
let readMs = 0;
if (step === "parse") {
  const text = readFileSync(file, "utf8");
  readMs = performance.now() - started;
  const parsed = JSON.parse(text) as { tables: { rows: unknown[] }[] };
  rows = parsed.tables[0]?.rows.length ?? 0;
  jobs = rows;
} else {
  // Loaded here, not at the top, so the parse step's memory holds none of it.
  const { readExportFile } = await import("../src/logs/formats-stream.js");
  const { classifyRead } = await import("../src/commands/classify.js");
  const t0 = performance.now();
  const read = await readExportFile(file);
  readMs = performance.now() - t0;
  const report = classifyRead(read, { linuxAppConsistentVms: ["vm-lx-db-*"] });
  rows = read.rowsRead;
  jobs = report.summary.jobs;
  if (read.jobs.length !== jobs) throw new Error("summary does not match");
}
const ms = performance.now() - started;
const result: StepResult = {
  step,
  ms: Math.round(ms),
  cpuMs: Math.round((process.resourceUsage().userCPUTime + process.resourceUsage().systemCPUTime) / 1000),
  readMs: Math.round(readMs),
  rows,
  jobs,
  peakRssMb: peakRssMb(),
};
process.stdout.write(JSON.stringify(result) + "\n");
