/**
 * The daily job's whole local world for a test: the sample estate served by the local Log Analytics and ARM
 * endpoints (HTTPS, real SDK clients), the shared in-process Azurite (tables kept apart by a prefix), and a
 * loopback webhook receiver that answers like a generic webhook (200) and keeps what it received.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { TableClient } from "@azure/data-tables";
import { inject } from "vitest";
import { loadConfig, type Config } from "../../src/config.js";
import { startArmEndpoint, type ArmEndpoint } from "../../src/local/arm-endpoint.js";
import { buildEstate, type Estate, type ExpectedDay } from "../../src/demo/estate.js";
import { createLogsProvider } from "../../src/demo/estate-providers.js";
import type { EstateJob } from "../../src/demo/jobs.js";
import type { InventoryProvider } from "../../src/local/arm-inventory.js";
import { startLogsEndpoint, type LogsEndpoint, type LogsProvider } from "../../src/local/logs-endpoint.js";
import type { Digest } from "../../src/domain/digest.js";
import type { DailyTrend } from "../../src/domain/model.js";
import { openDeps, type Deps, type DepsOptions } from "../../src/pipeline/deps.js";
import { runDaily, type DailyResult } from "../../src/pipeline/daily.js";
import { ALERT_STATE_TABLE } from "../../src/store/alert-state.js";
import { OUTBOX_TABLE } from "../../src/store/outbox.js";
import { openTables } from "../../src/store/tables.js";
import { TABLE_NAMES } from "../../src/store/keys.js";
import { staticCredential } from "../support/local-azure.js";

export interface WebhookReceiver {
  url: string;
  /** Parsed JSON bodies of the posts answered 2xx. */
  received: (Digest & { kind?: string })[];
  requests: number;
  /** Answer the next posts with this status (default 200). */
  answer: (status: number) => void;
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  let status = 200;
  const r: WebhookReceiver = {
    url: "",
    received: [],
    requests: 0,
    answer: (s) => void (status = s),
    close: () => Promise.resolve(),
  };
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      r.requests++;
      if (status >= 200 && status < 300) r.received.push(JSON.parse(body) as Digest);
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/digest`;
  r.close = () =>
    new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  return r;
}

/** The fast settings every test uses: no real waits between retries, one webhook attempt. */
export const FAST_LOGS_RETRY = { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 40 };

let runs = 0;

export interface LocalRunOptions {
  /** Last day of the estate (UTC). */
  endDate?: string;
  days?: number;
  /** Extra settings, or undefined to remove one. */
  env?: Record<string, string | undefined>;
  /** The vaults' inventories the ARM endpoint serves (default: the estate's, every VM daily). */
  inventory?: (estate: Estate) => InventoryProvider;
  /** Only these jobs reach Log Analytics (default: all). */
  keepJob?: (job: EstateJob) => boolean;
}

export interface LocalRun {
  estate: Estate;
  logs: LogsEndpoint;
  arm: ArmEndpoint;
  hook: WebhookReceiver;
  /** The settings, as the app would read them. */
  env: Record<string, string>;
  config: Config;
  tablePrefix: string;
  /** What openDeps needs to reach the local endpoints (CA, static credential, prefix, fast retries). */
  depsOptions: DepsOptions;
  /** The Log Analytics endpoint serves the rows that had arrived by this time. */
  setNow(ms: number): void;
  /** Runs the daily job for `date` as the 07:00 UTC run the next morning would. */
  runDay(date: string, options?: { nowMs?: number; deps?: Deps }): Promise<DailyResult>;
  deps(): Promise<Deps>;
  trends(from: string, to: string): Promise<DailyTrend[]>;
  /** Entities per table (trend tables and outbox), to compare before and after a re-run. */
  entityCounts(): Promise<Record<string, number>>;
  expected(date: string): ExpectedDay;
  close(): Promise<void>;
}

export async function startLocalRun(options: LocalRunOptions = {}): Promise<LocalRun> {
  const estate = buildEstate({ endDate: options.endDate ?? "2026-11-20", days: options.days ?? 4 });
  const keep = options.keepJob;
  const logsAt = (ms: number): LogsProvider =>
    keep ? createLogsProvider(estate.jobs.filter(keep), ms, false) : estate.logsProvider(ms);
  let provider: LogsProvider = logsAt(Number.POSITIVE_INFINITY);
  const inventory = options.inventory ? options.inventory(estate) : estate.inventoryProvider;
  const [logs, arm, hook] = await Promise.all([
    startLogsEndpoint({ provider: (request) => provider(request) }),
    startArmEndpoint({ provider: estate.armProvider, inventory, evidence: estate.armEvidence }),
    startWebhookReceiver(),
  ]);
  const tablesConnection = inject("tablesConnection");
  const tablePrefix = `pipe${process.pid}r${runs++}`;
  const env: Record<string, string> = {
    PULSE_WORKSPACE_IDS: estate.workspaces.map((w) => w.workspaceId).join(","),
    PULSE_LOGS_ENDPOINT: logs.endpoint,
    PULSE_ARM_ENDPOINT: arm.endpoint,
    PULSE_TABLES_CONNECTION: tablesConnection,
    PULSE_LINUX_APP_CONSISTENT_VMS: estate.linuxAppConsistentVms.join(","),
    PULSE_WEBHOOK_URL: hook.url,
  };
  for (const [name, value] of Object.entries(options.env ?? {})) {
    if (value === undefined) delete env[name];
    else env[name] = value;
  }
  const config = loadConfig(env, { requireRunSettings: true });
  const depsOptions: DepsOptions = {
    credential: staticCredential(),
    tlsCa: inject("loopbackCa"),
    tablePrefix,
    logsRetry: FAST_LOGS_RETRY,
    poster: { maxAttempts: 1, timeoutInMs: 2_000 },
  };
  let shared: Deps | null = null;
  const deps = async (): Promise<Deps> => (shared ??= await openDeps(config, depsOptions));
  const tables = openTables({ kind: "connection", connectionString: tablesConnection }, undefined, {
    tablePrefix,
  });
  const setNow = (ms: number): void => {
    provider = logsAt(ms);
  };

  return {
    estate,
    logs,
    arm,
    hook,
    env,
    config,
    tablePrefix,
    depsOptions,
    setNow,
    deps,
    async runDay(date, runOptions = {}) {
      setNow(runOptions.nowMs ?? estate.dailyRunMs(date));
      return runDaily(config, runOptions.deps ?? (await deps()), { date });
    },
    async trends(from, to) {
      return (await deps()).store?.readTrends({ from, to }) ?? [];
    },
    async entityCounts() {
      const counts: Record<string, number> = {};
      for (const name of [...Object.values(TABLE_NAMES), OUTBOX_TABLE]) {
        const client: TableClient = tables.table(name);
        let n = 0;
        try {
          for await (const _ of client.listEntities()) n++;
        } catch (error) {
          if ((error as { statusCode?: number }).statusCode !== 404) throw error;
        }
        counts[name] = n; // 0 also when the table was never created
      }
      return counts;
    },
    expected(date) {
      const day = estate.expected.days.find((d) => d.date === date);
      if (!day) throw new Error(`the estate has no day ${date}`);
      return day;
    },
    async close() {
      await Promise.all([logs.close(), arm.close(), hook.close()]);
    },
  };
}

/** The estate of the alert tests: its three days up to 2026-11-24, with no recovery-point look-ups. */
export function startAlertEstateRun(env: Record<string, string | undefined> = {}): Promise<LocalRun> {
  return startLocalRun({ endDate: "2026-11-24", days: 3, env: { PULSE_RECOVERY_POINTS: "off", ...env } });
}

/**
 * How reading the alert checkpoint from the tables of `tablePrefix` fails, or null when it is there. A run
 * that must create nothing leaves a 404 `TableNotFound`.
 */
export function alertCheckpointError(
  tablePrefix: string,
): Promise<{ statusCode?: number; message?: string } | null> {
  const tables = openTables({ kind: "connection", connectionString: inject("tablesConnection") }, undefined, {
    tablePrefix,
  });
  return tables
    .table(ALERT_STATE_TABLE)
    .getEntity("checkpoint", "alerts")
    .then(
      () => null,
      (e: unknown) => e as { statusCode?: number; message?: string },
    );
}

/**
 * Jobs of `date` whose final row had arrived by `nowMs` (the estate's own truth): what a run at that time
 * can count for the day.
 */
export function arrivedBy(estate: Estate, date: string, nowMs: number): { jobs: number; failed: number } {
  let jobs = 0;
  let failed = 0;
  for (const job of estate.jobs) {
    if (job.date !== date || job.status === null) continue;
    if (!job.rows.some((r) => r.status !== "InProgress" && r.timeGeneratedMs <= nowMs)) continue;
    jobs++;
    if (job.status === "Failed") failed++;
  }
  return { jobs, failed };
}

/** The counters of a stored trend that the estate's expected figures give (with `warnings` look-ups). */
export function expectedTrend(day: ExpectedDay): Record<string, number> {
  return {
    jobs: day.jobs,
    completed: day.completed,
    completedWithWarnings: day.completedWithWarnings,
    failed: day.failed,
    application: day.warnings.application,
    fileSystem: day.warnings.fileSystem,
    crash: day.warnings.crash,
    none: day.warnings.none,
    unknown: day.warnings.unknown,
  };
}

export function trendCounts(t: DailyTrend | undefined): Record<string, number> | undefined {
  if (!t) return undefined;
  return {
    jobs: t.jobs,
    completed: t.completed,
    completedWithWarnings: t.completedWithWarnings,
    failed: t.failed,
    application: t.application,
    fileSystem: t.fileSystem,
    crash: t.crash,
    none: t.none,
    unknown: t.unknown,
  };
}
