// Benchmark: read + normalise + classify a 1,000,000-job Log Analytics REST response, against
// JSON.parse of the same file alone, and the same jobs as the portal's CSV export. Each step runs in its own
// process (peak RSS measured separately).
// Targets: read + classify the REST response within 1.5x the parse time, peak RSS under 1.5 GB; the CSV
// within 1.5x the time of the REST response, peak RSS under 1.5 GB. The times are compared as CPU time measured
// in one process that runs the three one after the other, twice (best of two): other work on the machine sways
// them alike there, and CPU time less than wall time (both ratios are printed).
// Environment: BENCH_JOBS (default 1000000; smaller for a quick run), BENCH_KEEP=1 keeps the generated file,
// BENCH_STRICT=1 also fails on the time target (see targets.ts).
import { execFileSync } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { once } from "node:events";
import { JOB_QUERY_COLUMNS } from "../src/logs/columns.js";
import type { RatioResult, StepResult } from "./classify.js";
import { judge } from "./targets.js";

const here = dirname(fileURLToPath(import.meta.url));
const JOBS = Number(process.env.BENCH_JOBS ?? 1_000_000);

// A deterministic pseudo-random generator, so every run reads the same file.
let seed = 0x2f6e2b1;
function random() {
  seed ^= seed << 13;
  seed ^= seed >>> 17;
  seed ^= seed << 5;
  return (seed >>> 0) / 4294967296;
}
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;

const SUB = "3f2c8a51-6b0e-4f4c-9d7a-2b1e5c7d9a10";
const VAULTS = Array.from({ length: 20 }, (_, i) => {
  const name = `rsv-${["prod", "dev", "test", "dr"][i % 4]}-${["weu", "neu", "eus", "wus", "sea"][i % 5]}-${i}`;
  return {
    name,
    id: `/subscriptions/${SUB}/resourceGroups/rg-backup-${i}/providers/Microsoft.RecoveryServices/vaults/${name}`,
  };
});
const VMS = Array.from({ length: 25_000 }, (_, i) => {
  const linux = i % 3 === 0;
  const role = pick(linux ? ["lx-web", "lx-db", "lx-app"] : ["web", "sql", "app", "dc", "file"]);
  const name = `vm-${role}-${String(i).padStart(5, "0")}`;
  const rg = `rg-${role}-${i % 50}`;
  return {
    name,
    os: i % 97 === 0 ? "" : linux ? "Linux" : "Windows",
    vault: VAULTS[i % VAULTS.length] as (typeof VAULTS)[number],
    item: `${((i * 2654435761) >>> 0).toString(16).padStart(8, "0")}-item-${i}`,
    container: `iaasvmcontainerv2;${rg};${name}`,
    linux,
  };
});
const WIN_WARN = ["ExtensionFailedVssWriterInBadState", "ExtensionFailedVssServiceInBadState"];
const LX_WARN = ["Pre-ScriptExecutionFailed", "Post-ScriptTimeout", "Pre-ScriptTimeout"];
const FAIL = [
  "UserErrorGuestAgentStatusUnavailable",
  "ExtensionSnapshotFailedNoNetwork",
  "UserErrorVmNotInDesirableState",
  "BackUpOperationFailedV2",
  "UserErrorFsFreezeFailed",
  "320001",
  "UserErrorSomethingUndocumented",
];
const DAY0 = Date.UTC(2026, 10, 1);

function guid(n: number): string {
  const hex = (n >>> 0).toString(16).padStart(8, "0");
  return `${hex}-${(n % 65536).toString(16).padStart(4, "0")}-4a7e-9c3d-${n.toString(16).padStart(12, "0")}`;
}
function laDate(ms: number, frac: number): string {
  // Log Analytics prints 7-digit fractions.
  return new Date(ms).toISOString().slice(0, 19) + "." + String(frac).padStart(7, "0") + "Z";
}

/** The portal's en-US date style: `11/24/2026, 2:05:10.000 AM`. */
function portalDate(iso: string): string {
  const [y, mo, d, h, mi, s, f] = iso.split(/[-T:.Z]/).map(Number);
  const h12 = (h ?? 0) % 12 === 0 ? 12 : (h ?? 0) % 12;
  const ms = String(Math.floor((f ?? 0) / 10_000)).padStart(3, "0");
  return `${mo}/${d}/${y}, ${h12}:${String(mi).padStart(2, "0")}:${String(s).padStart(2, "0")}.${ms} ${(h ?? 0) < 12 ? "AM" : "PM"}`;
}

/** One CSV record of a REST row, as the portal writes it (dates in its style, quotes where needed). */
function csvRecord(row: readonly (string | number | null | undefined)[]): string {
  return JOB_QUERY_COLUMNS.map((column, i) => {
    const v = row[i];
    if (v === null || v === undefined) return "";
    const text = column.type === "datetime" ? portalDate(String(v)) : String(v);
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  }).join(",");
}

async function generate(file: string, csvFile: string): Promise<number> {
  const out = createWriteStream(file);
  const csv = createWriteStream(csvFile);
  const write = async (s: string): Promise<void> => {
    if (!out.write(s)) await once(out, "drain");
  };
  let csvChunk: string[] = [];
  const writeCsv = async (): Promise<void> => {
    if (!csv.write(csvChunk.join("\r\n") + "\r\n")) await once(csv, "drain");
    csvChunk = [];
  };
  const header = JOB_QUERY_COLUMNS.map((c) => (c.type === "datetime" ? `${c.name} [UTC]` : c.name));
  csv.write("\ufeff" + header.join(",") + "\r\n");
  await write(`{"tables":[{"name":"PrimaryResult","columns":${JSON.stringify(JOB_QUERY_COLUMNS)},"rows":[\n`);
  let rows = 0;
  let chunk: string[] = [];
  const push = async (row: (string | number | null | undefined)[]): Promise<void> => {
    chunk.push(JSON.stringify(row));
    csvChunk.push(csvRecord(row));
    rows++;
    if (chunk.length >= 5000) {
      await write((rows > chunk.length ? ",\n" : "") + chunk.join(",\n"));
      chunk = [];
      await writeCsv();
    }
  };
  for (let n = 1; n <= JOBS; n++) {
    const vm = VMS[n % VMS.length] as (typeof VMS)[number];
    const start = DAY0 + Math.floor(random() * 30 * 86_400_000);
    const duration = 300 + Math.floor(random() * 5400);
    const r = random();
    let status = "Completed";
    let code = "Success";
    let op = "Backup";
    let sub = "";
    let mgmt = "IaaSVM";
    if (r < 0.12) {
      status = "CompletedWithWarnings";
      code = pick(vm.linux ? LX_WARN : WIN_WARN);
    } else if (r < 0.2) {
      status = "Failed";
      code = pick(FAIL);
    } else if (r < 0.205) {
      status = "Cancelled";
      code = "";
    } else if (r < 0.22) {
      sub = "Log";
      mgmt = "AzureWorkload";
    } else if (r < 0.23) {
      op = "Restore";
    } else if (r < 0.24) {
      mgmt = "MAB";
    }
    const id = guid(n);
    const base = [
      id,
      laDate(start, n % 10_000_000),
      duration,
      status,
      code,
      op,
      sub,
      mgmt,
      vm.vault.name,
      vm.vault.id,
      vm.item,
      vm.name,
      vm.container,
      vm.os,
    ];
    const finished = start + duration * 1000 + 25 * 60_000;
    if (random() < 0.05) {
      // An in-progress row sent before the final one.
      await push([
        laDate(start + 20 * 60_000, 1),
        base[0],
        base[1],
        null,
        "InProgress",
        "",
        ...base.slice(5),
      ]);
    }
    await push([laDate(finished, n % 9_999_999), ...base]);
    if (random() < 0.02) await push([laDate(finished, n % 9_999_999), ...base]); // re-sent row
  }
  await write((chunk.length > 0 ? (rows > chunk.length ? ",\n" : "") + chunk.join(",\n") : "") + "\n]}]}\n");
  if (csvChunk.length > 0) await writeCsv();
  out.end();
  csv.end();
  await Promise.all([once(out, "finish"), once(csv, "finish")]);
  return rows;
}

function runStep<T = StepResult>(step: StepResult["step"] | "ratio", ...files: string[]): T {
  const stdout = execFileSync(process.execPath, [join(here, "classify.js"), step, ...files], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "inherit"],
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout.trim().split("\n").at(-1) ?? "") as T;
}

const dir = mkdtempSync(join(tmpdir(), "pulse-bench-"));
const file = join(dir, "jobs.json");
const csvFile = join(dir, "jobs.csv");
try {
  const t0 = performance.now();
  const rows = await generate(file, csvFile);
  const sizeMb = (f: string): string => (statSync(f).size / 1e6).toFixed(0);
  console.log(
    `generated ${JOBS.toLocaleString("en-US")} jobs in ${rows.toLocaleString("en-US")} rows, ` +
      `${sizeMb(file)} MB of JSON and ${sizeMb(csvFile)} MB of CSV, in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const parse = runStep("parse", file);
  const classify = runStep("classify", file);
  const classifyCsv = runStep("classify", csvFile);
  const rate = (s: StepResult): string => Math.round((s.rows / s.ms) * 1000).toLocaleString("en-US");
  console.log(
    `(a) read + JSON.parse:            ${String(parse.ms).padStart(6)} ms  ${rate(parse).padStart(10)} rows/s  CPU ${String(parse.cpuMs).padStart(6)} ms  peak RSS ${parse.peakRssMb} MB`,
  );
  console.log(
    `(b) read + normalise + classify:  ${String(classify.ms).padStart(6)} ms  ${rate(classify).padStart(10)} rows/s  CPU ${String(classify.cpuMs).padStart(6)} ms  peak RSS ${classify.peakRssMb} MB` +
      `  (${classify.jobs.toLocaleString("en-US")} jobs classified)`,
  );
  console.log(
    `(c) the same as portal CSV:       ${String(classifyCsv.ms).padStart(6)} ms  ${rate(classifyCsv).padStart(10)} rows/s  CPU ${String(classifyCsv.cpuMs).padStart(6)} ms  peak RSS ${classifyCsv.peakRssMb} MB` +
      `  (${classifyCsv.jobs.toLocaleString("en-US")} jobs classified)`,
  );
  const same = runStep<RatioResult>("ratio", file, csvFile);
  const ratio = same.rest.cpuMs / same.parse.cpuMs;
  const csvRatio = same.csv.cpuMs / same.rest.cpuMs;
  const times = (t: { ms: number; cpuMs: number }): string =>
    `${String(t.ms).padStart(6)} ms  CPU ${String(t.cpuMs).padStart(6)} ms`;
  console.log(`in one process, best of two (load average ${loadavg()[0]?.toFixed(2) ?? "?"}):`);
  console.log(`    JSON.parse:                   ${times(same.parse)}`);
  console.log(
    `    read + normalise + classify:  ${times(same.rest)}  ` +
      `= ${(same.rest.ms / same.parse.ms).toFixed(2)}x JSON.parse (CPU ${ratio.toFixed(2)}x)`,
  );
  console.log(
    `    the same as portal CSV:       ${times(same.csv)}  ` +
      `= ${(same.csv.ms / same.rest.ms).toFixed(2)}x the REST read (CPU ${csvRatio.toFixed(2)}x)`,
  );
  const wrong = [
    ...(classify.rows === rows ? [] : [`(b) read ${classify.rows} rows of the ${rows} written`]),
    ...(classifyCsv.rows === rows ? [] : [`(c) read ${classifyCsv.rows} rows of the ${rows} written`]),
    ...(classifyCsv.jobs === classify.jobs
      ? []
      : [`(c) classified ${classifyCsv.jobs} jobs, (b) ${classify.jobs}`]),
  ];
  process.exitCode = judge(
    [
      { figure: `CPU time (b)/(a) ${ratio.toFixed(2)}x <= 1.5x`, met: ratio <= 1.5, time: true },
      { figure: `peak RSS (b) ${classify.peakRssMb} MB < 1536 MB`, met: classify.peakRssMb < 1536 },
      { figure: `CPU time (c)/(b) ${csvRatio.toFixed(2)}x <= 1.5x`, met: csvRatio <= 1.5, time: true },
      { figure: `peak RSS (c) ${classifyCsv.peakRssMb} MB < 1536 MB`, met: classifyCsv.peakRssMb < 1536 },
    ],
    wrong,
  );
} finally {
  if (process.env.BENCH_KEEP === "1") console.log(`kept ${file} and ${csvFile}`);
  else rmSync(dir, { recursive: true, force: true });
}
