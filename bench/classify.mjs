// One measured step of the classify benchmark, run in its own process so its peak memory is its own.
//   node bench/classify.mjs parse FILE     read the file and JSON.parse it (the baseline)
//   node bench/classify.mjs classify FILE  read the file as `classify` does, normalise every row and classify every job
// Prints one JSON line: { step, ms, readMs, rows, jobs, peakRssMb }.
import { readFileSync } from "node:fs";

const [step, file] = process.argv.slice(2);
if ((step !== "parse" && step !== "classify") || !file) {
  process.stderr.write("usage: node bench/classify.mjs parse|classify FILE\n");
  process.exit(2);
}

function peakRssMb() {
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
  const parsed = JSON.parse(text);
  rows = parsed.tables[0].rows.length;
  jobs = rows;
} else {
  const { readExportFile } = await import("../dist/logs/formats-stream.js");
  const { classifyRead } = await import("../dist/commands/classify.js");
  const t0 = performance.now();
  const read = await readExportFile(file);
  readMs = performance.now() - t0;
  const report = classifyRead(read, { linuxAppConsistentVms: ["vm-lx-db-*"] });
  rows = read.rowsRead;
  jobs = report.jobs.length;
  if (report.summary.jobs !== jobs) throw new Error("summary does not match");
}
const ms = performance.now() - started;
process.stdout.write(
  JSON.stringify({
    step,
    ms: Math.round(ms),
    readMs: Math.round(readMs),
    rows,
    jobs,
    peakRssMb: peakRssMb(),
  }) + "\n",
);
