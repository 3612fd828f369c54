/**
 * The embedded default: the daily job over a built-in sample estate with no Azure at all. Table Storage is
 * an in-process Azurite; Log Analytics and ARM are local HTTPS endpoints that the real SDK clients talk to.
 */
import { loadConfig, type Config } from "../config.js";
import type { DailyTrend } from "../domain/model.js";
import { addDays } from "../domain/days.js";
import { openDeps } from "../pipeline/deps.js";
import { runDaily, type DailyResult } from "../pipeline/daily.js";
import { startArmEndpoint } from "../local/arm-endpoint.js";
import { startLocalTables } from "../local/azurite.js";
import { buildEstate, type Estate } from "./estate.js";
import { startLogsEndpoint, type LogsProvider } from "../local/logs-endpoint.js";
import { loopbackTls } from "../local/tls.js";

export interface DemoOptions {
  /** Last day of the sample estate (default: yesterday, UTC). */
  endDate: string;
  days?: number;
  log?: (line: string) => void;
  /** Extra settings (e.g. a loopback webhook). */
  env?: Record<string, string>;
}

export interface DemoResult {
  estate: Estate;
  config: Config;
  results: DailyResult[];
  trends: DailyTrend[];
}

const demoCredential = {
  getToken: () => Promise.resolve({ token: "demo-token", expiresOnTimestamp: Date.now() + 3_600_000 }),
};

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const log = options.log ?? (() => undefined);
  const estate = buildEstate({ endDate: options.endDate, days: options.days ?? 14 });
  let provider: LogsProvider = estate.logsProvider(estate.dailyRunMs(estate.days[0] ?? options.endDate));
  const [tables, logs, arm] = await Promise.all([
    startLocalTables(),
    startLogsEndpoint({ provider: (request) => provider(request) }),
    startArmEndpoint({
      provider: estate.armProvider,
      inventory: estate.inventoryProvider,
      evidence: estate.armEvidence,
    }),
  ]);
  try {
    const config = loadConfig({
      PULSE_WORKSPACE_IDS: estate.workspaces.map((w) => w.workspaceId).join(","),
      PULSE_LOGS_ENDPOINT: logs.endpoint,
      PULSE_ARM_ENDPOINT: arm.endpoint,
      PULSE_TABLES_CONNECTION: tables.connectionString,
      PULSE_LINUX_APP_CONSISTENT_VMS: estate.linuxAppConsistentVms.join(","),
      ...options.env,
    });
    const deps = await openDeps(config, { credential: demoCredential, tlsCa: loopbackTls().ca });
    const results: DailyResult[] = [];
    for (const date of estate.days) {
      provider = estate.logsProvider(estate.dailyRunMs(date));
      const result = await runDaily(config, deps, { date });
      results.push(result);
      const h = result.digest.headline;
      log(
        `${date}: ${h.counts.jobs} jobs, ${h.counts.failed} failed, ${h.counts.completedWithWarnings} with warnings, ` +
          `${h.counts.degraded} below expectation (${result.recoveryPoints.matched} recovery points read)`,
      );
    }
    const last = estate.days[estate.days.length - 1] ?? options.endDate;
    const trends = deps.store
      ? await deps.store.readTrends({ from: addDays(last, -(estate.days.length - 1)), to: last })
      : [];
    return { estate, config, results, trends };
  } finally {
    await Promise.all([tables.close(), logs.close(), arm.close()]);
  }
}
