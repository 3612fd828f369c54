// Benchmark: the daily pipeline end to end on the local services: one day of 100,000 VM jobs (100 vaults of
// 1,000 VMs) in one workspace, queried through the real LogsQueryClient from the local HTTPS Log Analytics
// endpoint, classified and stored in Azurite. Both services run in their own processes, as they are separate
// services, so time, memory and CPU profiles of this process are the pipeline's own. Recovery-point look-ups
// are off. Targets on a 2-core machine: under 60 s, under 1 GB peak RSS, at most one table transaction per 100
// entities per partition.
// Environment: BENCH_PIPELINE_JOBS (default 100000); BENCH_PIPELINE_RERUN=1 runs the day a second time (as the
// look-back does every day) and reports that run too; BENCH_AZURITE_NODE_ARGS: extra Node options for the Azurite
// process, e.g. "--cpu-prof --cpu-prof-dir=prof" (profile this process with `node --cpu-prof bench/…`).
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createServer } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadConfig } from "../dist/config.js";
import { generateJobRows } from "../dist/demo/bulk-rows.js";
import { startLogsEndpoint } from "../dist/local/logs-endpoint.js";
import { loopbackTls } from "../dist/local/tls.js";
import { AZURITE_ACCOUNT, AZURITE_KEY } from "../dist/local/azurite.js";
import { openDeps } from "../dist/pipeline/deps.js";
import { runDaily } from "../dist/pipeline/daily.js";

const here = dirname(fileURLToPath(import.meta.url));
const self = fileURLToPath(import.meta.url);
const JOBS = Number(process.env.BENCH_PIPELINE_JOBS ?? 100_000);
const DATE = "2026-11-24";
const WORKSPACE = "5b0c7e2a-9d14-4f3b-8a61-2c7d9e0f1a3b";

function freePort() {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

async function startAzurite() {
  const port = await freePort();
  const bin = join(here, "..", "node_modules", "azurite", "dist", "src", "table", "main.js");
  const child = spawn(
    process.execPath,
    [
      ...(process.env.BENCH_AZURITE_NODE_ARGS ?? "").split(/\s+/).filter(Boolean),
      bin,
      "--inMemoryPersistence",
      "--disableTelemetry",
      "--silent",
      "--tableHost",
      "127.0.0.1",
      "--tablePort",
      String(port),
    ],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`Azurite exited with ${code}`)));
    child.stdout.on("data", (chunk) => {
      if (String(chunk).includes("successfully")) resolve();
    });
  });
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`,
    close: () => child.kill("SIGINT"),
  };
}

const mb = (bytes) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

// The Log Analytics stand-in: this file started with --logs-service. It generates the day's rows, serves
// them, prints one JSON line (endpoint, rows) and runs until its standard input closes.
if (process.argv[2] === "--logs-service") {
  const generated = generateJobRows(JOBS, { date: DATE });
  const provider = (req) =>
    req.queryName === "jobs" && req.workspaceId === WORKSPACE
      ? { columns: generated.columns, rows: generated.rows }
      : { columns: generated.columns, rows: [] };
  const logs = await startLogsEndpoint({ provider });
  process.stdout.write(
    `${JSON.stringify({ endpoint: logs.endpoint, rows: generated.rows.length, vaults: generated.vaults })}\n`,
  );
  process.stdin.resume();
  process.stdin.once("end", () => void logs.close().then(() => process.exit(0)));
} else {
  await bench();
}

async function startLogsService() {
  const child = spawn(process.execPath, [self, "--logs-service"], {
    stdio: ["pipe", "pipe", "inherit"],
  });
  const first = await new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`The Log Analytics stand-in exited with ${code}`)));
    createInterface({ input: child.stdout }).once("line", resolve);
  });
  return { ...JSON.parse(first), close: () => child.stdin.end() };
}

async function bench() {
  const [azurite, logs] = await Promise.all([startAzurite(), startLogsService()]);
  try {
    const config = loadConfig({
      PULSE_WORKSPACE_IDS: WORKSPACE,
      PULSE_LOGS_ENDPOINT: logs.endpoint,
      PULSE_TABLES_CONNECTION: azurite.connectionString,
      PULSE_RECOVERY_POINTS: "off",
      PULSE_LOOKBACK_DAYS: "0",
    });
    const credential = {
      getToken: async () => ({ token: "bench", expiresOnTimestamp: Date.now() + 3_600_000 }),
    };
    const deps = await openDeps(config, { credential, tlsCa: loopbackTls().ca });
    const rssBefore = process.memoryUsage().rss;
    const marks = [];
    const started = performance.now();
    const result = await runDaily(config, deps, {
      date: DATE,
      log: (line) =>
        marks.push(`${((performance.now() - started) / 1000).toFixed(1).padStart(6)} s  ${line}`),
    });
    const seconds = (performance.now() - started) / 1000;
    const peak = process.resourceUsage().maxRSS * 1024;
    const day = result.days.find((d) => d.date === DATE);
    const written = day?.result;
    for (const m of marks) process.stdout.write(`${m}\n`);
    const stored = result.jobs.length;
    process.stdout.write(
      `\nrows served          ${logs.rows.toLocaleString("en-US")} (${JOBS.toLocaleString("en-US")} jobs, ${logs.vaults} vaults)\n` +
        `jobs stored          ${stored.toLocaleString("en-US")}\n` +
        `wall time            ${seconds.toFixed(1)} s  (${Math.round(stored / seconds).toLocaleString("en-US")} jobs/s)  target < 60 s\n` +
        `peak RSS             ${mb(peak)} (before the run ${mb(rssBefore)})  target < 1 GB\n` +
        `table transactions   ${written?.transactions ?? "?"} for ${written?.entities ?? "?"} entities in ` +
        `${written?.partitions ?? "?"} partitions  target at most one per 100 entities per partition\n` +
        `  transactions       ${JSON.stringify(written?.transactionsByTable ?? {})}\n` +
        `  entities           ${JSON.stringify(written?.entitiesByTable ?? {})}\n`,
    );
    // Each partition's entities go in transactions of 100 (the last one of a partition may be smaller).
    const batched =
      written !== undefined && written.transactions <= written.entities / 100 + written.partitions;
    let rerunOk = true;
    if (process.env.BENCH_PIPELINE_RERUN === "1") {
      const again = performance.now();
      const second = await runDaily(config, deps, { date: DATE });
      const rerunSeconds = (performance.now() - again) / 1000;
      const w = second.days.find((d) => d.date === DATE)?.result;
      rerunOk = second.jobs.length === JOBS && rerunSeconds < 60;
      process.stdout.write(
        `re-run of the day    ${rerunSeconds.toFixed(1)} s, ${w?.transactions ?? "?"} transactions for ` +
          `${w?.entities ?? "?"} entities; peak RSS over both runs ${mb(process.resourceUsage().maxRSS * 1024)}\n`,
      );
    }
    const ok = seconds < 60 && peak < 1024 ** 3 && stored === JOBS && batched && rerunOk;
    if (!ok) process.exitCode = 1;
  } finally {
    logs.close();
    azurite.close();
  }
}
