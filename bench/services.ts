// The local services the benchmarks run against, and the measures they share.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer, type AddressInfo } from "node:net";
import { loadConfig, type Config } from "../src/config.js";
import { AZURITE_ACCOUNT, AZURITE_KEY } from "../src/local/azurite.js";
import { loopbackTls } from "../src/local/tls.js";
import { openDeps, type Deps } from "../src/pipeline/deps.js";

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once("error", reject);
    s.listen(0, "127.0.0.1", () => {
      const { port } = s.address() as AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

/** Azurite's Table service in its own process, in memory (BENCH_AZURITE_NODE_ARGS: extra Node options). */
export async function startAzurite(): Promise<{ connectionString: string; pid: number; close: () => void }> {
  const port = await freePort();
  const bin = createRequire(import.meta.url).resolve("azurite/dist/src/table/main.js");
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
  await new Promise<void>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`Azurite exited with ${code}`)));
    child.stdout.on("data", (chunk: Buffer) => {
      if (String(chunk).includes("successfully")) resolve();
    });
  });
  return {
    connectionString:
      `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`,
    pid: child.pid ?? 0,
    close: () => void child.kill("SIGINT"),
  };
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); NaN where unknown. */
export function cpuSecondsOf(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // utime and stime are fields 14 and 15 of stat, in clock ticks (100 a second on Linux).
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds this process has used so far. */
export function ownCpuSeconds(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1e6;
}

export const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;

/** A bench's sign-in: any token (the local services check only that one is sent). */
export const benchCredential = {
  getToken: () => Promise.resolve({ token: "bench", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

/** The settings users run (look-back, recovery points, time zone as shipped) on the local services, opened. */
export async function defaultRun(target: {
  workspaceId: string;
  logsEndpoint: string;
  armEndpoint: string;
  tablesConnection: string;
}): Promise<{ config: Config; deps: Deps }> {
  const config = loadConfig({
    PULSE_WORKSPACE_IDS: target.workspaceId,
    PULSE_LOGS_ENDPOINT: target.logsEndpoint,
    PULSE_ARM_ENDPOINT: target.armEndpoint,
    PULSE_TABLES_CONNECTION: target.tablesConnection,
  });
  return { config, deps: await openDeps(config, { credential: benchCredential, tlsCa: loopbackTls().ca }) };
}

/**
 * The Node options the Function App runs with on its default 2,048 MB instance (infra/modules/function-app.bicep
 * sets `languageWorkers__node__arguments`): the benchmarks of the daily run measure it under the same heap.
 */
export const FUNCTION_APP_NODE_ARGS = ["--max-old-space-size=1280"];
