// One measured step of the classify benchmark, run in its own process so its peak memory is its own.
//   node classify.js parse FILE     read the file and JSON.parse it (the baseline)
//   node classify.js classify FILE  read the file as `classify` does, normalise every row and classify every job
//   node classify.js ratio FILE CSV  both, one after the other in one process, twice, then the CSV twice: the
//                                   ratios of their times are then taken under the same conditions
// Prints one JSON line: StepResult (ratio: RatioResult).
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

/** What the ratio step prints: the best (lowest) wall and CPU time of each part, in milliseconds. */
export interface RatioResult {
  parse: { ms: number; cpuMs: number };
  rest: { ms: number; cpuMs: number };
  csv: { ms: number; cpuMs: number };
}

const [step, file, csvFile] = process.argv.slice(2);
if (
  (step !== "parse" && step !== "classify" && step !== "ratio") ||
  !file ||
  (step === "ratio" && !csvFile)
) {
  process.stderr.write("usage: node classify.js parse|classify FILE | ratio FILE CSV\n");
  process.exit(2);
}

if (step === "ratio") {
  const { readExportJobs } = await import("../src/logs/formats-stream.js");
  const { classifyRead } = await import("../src/commands/classify.js");
  const best = { ms: Infinity, cpuMs: Infinity };
  const parts = { parse: { ...best }, rest: { ...best }, csv: { ...best } };
  const measure = async (part: keyof typeof parts, run: () => Promise<number>): Promise<number> => {
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const n = await run();
    const cpu = process.cpuUsage(cpu0);
    const ms = performance.now() - t0;
    parts[part].ms = Math.min(parts[part].ms, Math.round(ms));
    parts[part].cpuMs = Math.min(parts[part].cpuMs, Math.round((cpu.user + cpu.system) / 1000));
    return n;
  };
  const classifyFile = async (path: string): Promise<number> =>
    classifyRead(await readExportJobs(path), { linuxAppConsistentVms: ["vm-lx-db-*"] }).summary.jobs;
  for (let round = 0; round < 2; round++) {
    await measure("parse", () => {
      const parsed = JSON.parse(readFileSync(file, "utf8")) as { tables: { rows: unknown[] }[] };
      return Promise.resolve(parsed.tables[0]?.rows.length ?? 0);
    });
    await measure("rest", () => classifyFile(file));
  }
  for (let round = 0; round < 2; round++) await measure("csv", () => classifyFile(csvFile ?? ""));
  const result: RatioResult = parts;
  process.stdout.write(JSON.stringify(result) + "\n");
  process.exit(0);
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
  const { readExportJobs } = await import("../src/logs/formats-stream.js");
  const { classifyRead } = await import("../src/commands/classify.js");
  const t0 = performance.now();
  const read = await readExportJobs(file);
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
