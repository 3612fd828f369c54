/**
 * The composition root: builds the adapters the pipelines need from validated settings. The only place that
 * picks credentials and clients; triggers and commands call it and hand the result to the pipelines.
 */
import type { TokenCredential } from "@azure/core-auth";
import { DefaultAzureCredential } from "@azure/identity";
import { SettingError, type Config, type Env } from "../config.js";
import { explainingCredential } from "../sign-in.js";
import { describeStorageError } from "../store/storage-errors.js";
import { createEmailSender, type EmailSenderOptions } from "../delivery/email-sender.js";
import { createPoster, type Poster, type PosterOptions } from "../delivery/poster.js";
import { createLogsClient, type RetryOptions } from "../logs/query-client.js";
import { createRecoveryPointsClient } from "../recovery/recovery-points.js";
import { AlertStateStore } from "../store/alert-state.js";
import { Outbox } from "../store/outbox.js";
import { openTables, statusOf, type Tables, type TablesOptions } from "../store/tables.js";
import { StoreLayoutError, TrendStore } from "../store/trend-store.js";
import type { AlertDeps } from "./alerts.js";
import { startRunBudget, type RunBudget } from "./budget.js";
import type { DailyDeps } from "./daily.js";

export { StoreLayoutError } from "../store/trend-store.js";

export interface DepsOptions {
  /** The environment the credential reads (default process.env): a sign-in failure names what it tried. */
  env?: Env;
  /** Defaults to DefaultAzureCredential (managed identity in Azure; AZURE_TOKEN_CREDENTIALS narrows it). */
  credential?: TokenCredential;
  /** Extra CA (PEM) trusted by the Log Analytics, ARM and Table clients: for local endpoints only. */
  tlsCa?: string;
  /** Keep table names apart (tests, demo). */
  tablePrefix?: string;
  /** Skip opening Table Storage. */
  withoutStore?: boolean;
  /** Open Table Storage for reading only: no table is created and no outbox is opened (a dry run). */
  readOnly?: boolean;
  logsRetry?: RetryOptions;
  poster?: PosterOptions;
  /** Status polling and bounds of the e-mail sender (tests). */
  email?: Pick<EmailSenderOptions, "pollIntervalInMs" | "totalTimeoutInMs" | "maxTries" | "sleep">;
  /**
   * Client-side deadlines of one request (answer and body) to each service. Defaults: Log Analytics, the
   * server-side query limit plus 30 s; ARM 60 s; Table Storage 30 s.
   */
  deadlines?: {
    logsRequestTimeoutInMs?: number;
    armRequestTimeoutInMs?: number;
    tablesRequestTimeoutInMs?: number;
  };
  /** The run's time budget, counted from here (default RUN_BUDGET_MS: three quarters of the function timeout). */
  runBudgetMs?: number;
}

export interface Deps extends DailyDeps {
  credential: TokenCredential;
  budget: RunBudget;
}

let defaultCredential: TokenCredential | null = null;

/** One DefaultAzureCredential per process (its token cache is then shared by every client). */
export function azureCredential(): TokenCredential {
  defaultCredential ??= new DefaultAzureCredential();
  return defaultCredential;
}

/** The credential a run signs in with: its failures said in one line (which credential, what to do). */
function runCredential(options: DepsOptions): TokenCredential {
  return explainingCredential(options.credential ?? azureCredential(), options.env ?? process.env);
}

/**
 * Opens something on the table store; a refusal by the service (401/403 and other answers) becomes one line
 * naming the account and what to grant or check, never the service's XML or JSON.
 */
async function onStore<T>(config: Config, tables: Tables, open: () => Promise<T>): Promise<T> {
  try {
    return await open();
  } catch (error) {
    if (error instanceof StoreLayoutError || statusOf(error) === undefined) throw error;
    const auth = config.tables?.kind === "url" ? "token" : "connection";
    throw new Error(describeStorageError(error, tables.endpoint, auth), { cause: error });
  }
}

function tableOptions(options: DepsOptions): TablesOptions {
  const timeout = options.deadlines?.tablesRequestTimeoutInMs;
  return {
    ...(options.tablePrefix ? { tablePrefix: options.tablePrefix } : {}),
    ...(options.tlsCa ? { ca: options.tlsCa } : {}),
    ...(timeout ? { requestTimeoutInMs: timeout } : {}),
  };
}

/**
 * The trend store for reading only (no table is created, so the identity needs only read access): what the
 * trends and report faces read. Throws SettingError when no table target is set.
 */
export async function openTrendReader(config: Config, options: DepsOptions = {}): Promise<TrendStore> {
  if (!config.tables) {
    throw new SettingError(
      "PULSE_TABLES_URL",
      "is required (or PULSE_TABLES_CONNECTION): the Table Storage account where trends are kept",
    );
  }
  const credential = config.tables.kind === "url" ? runCredential(options) : undefined;
  const target = config.tables;
  return onStore(config, openTables(target, credential, tableOptions(options)), () =>
    TrendStore.open(target, credential, { ...tableOptions(options), createTables: false }),
  );
}

export async function openDeps(config: Config, options: DepsOptions = {}): Promise<Deps> {
  const credential = runCredential(options);
  const ca = options.tlsCa;
  // Reads (Log Analytics, ARM) stop when the budget is spent; table writes and the post keep only their own
  // bounds (per request; a post's whole life), so that what was read is stored and the digest says what was
  // not done. The quarter of the function timeout left over is for them.
  const budget = startRunBudget(options.runBudgetMs);
  const deadlines = options.deadlines ?? {};
  const logs = createLogsClient({
    endpoint: config.logsEndpoint,
    scope: config.logsScope,
    credential,
    ...(ca ? { tlsCa: ca } : {}),
    ...(options.logsRetry ? { retry: options.logsRetry } : {}),
    ...(deadlines.logsRequestTimeoutInMs ? { requestTimeoutInMs: deadlines.logsRequestTimeoutInMs } : {}),
    abortSignal: budget.signal,
  });
  const recovery =
    config.recoveryPoints === "off"
      ? null
      : createRecoveryPointsClient({
          endpoint: config.armEndpoint,
          credential,
          ...(ca ? { tlsCa: ca } : {}),
          ...(deadlines.armRequestTimeoutInMs ? { requestTimeoutInMs: deadlines.armRequestTimeoutInMs } : {}),
          abortSignal: budget.signal,
        });
  let store: TrendStore | null = null;
  let outbox: Outbox | null = null;
  if (config.tables && !options.withoutStore) {
    const target = config.tables;
    const tables = tableOptions(options);
    const opened = openTables(target, credential, tables);
    store = await onStore(config, opened, () =>
      TrendStore.open(target, credential, {
        ...tables,
        ...(options.readOnly ? { createTables: false } : {}),
      }),
    );
    if (!options.readOnly) outbox = await onStore(config, opened, () => Outbox.open(opened));
  }
  const poster: Poster = createPoster(options.poster);
  const emailSender = config.email
    ? createEmailSender({
        credential,
        settings: config.email,
        ...(ca ? { tlsCa: ca } : {}),
        ...options.email,
      })
    : null;
  return { credential, logs, recovery, store, outbox, poster, emailSender, budget };
}

export interface AlertDepsOptions extends DepsOptions {
  /** Outbox settings (lease, attempts, clock): tests and tools. */
  outbox?: ConstructorParameters<typeof Outbox>[1];
  /** Read-only: the state table is not created and the outbox is not opened. */
  dryRun?: boolean;
}

/**
 * Builds the adapters of an alert evaluation from validated settings: the shared clients, plus the alert state
 * and the outbox on the configured Table Storage account.
 */
export async function openAlertDeps(config: Config, options: AlertDepsOptions = {}): Promise<AlertDeps> {
  const base = await openDeps(config, { ...options, withoutStore: true });
  let state: AlertStateStore | null = null;
  let outbox: Outbox | null = null;
  let trends: TrendStore | null = null;
  if (config.tables) {
    const target = config.tables;
    const tables = openTables(target, base.credential, tableOptions(options));
    // Read only, for the evidence the daily runs stored (nothing is created: a store no run wrote reads empty).
    trends = await onStore(config, tables, () =>
      TrendStore.open(target, base.credential, { ...tableOptions(options), createTables: false }),
    );
    if (options.dryRun) {
      state = AlertStateStore.forReading(tables);
    } else {
      state = await onStore(config, tables, () => AlertStateStore.open(tables));
      outbox = await onStore(config, tables, () => Outbox.open(tables, options.outbox));
    }
  }
  return { logs: base.logs, recovery: base.recovery, state, outbox, poster: base.poster, trends };
}

/**
 * The table store's clients alone, as a run would open them (same credential, CA and prefix), without
 * creating or reading any table: for the doctor's write probe. Null when no table target is set.
 */
export function openTableTarget(
  config: Config,
  credential: TokenCredential,
  options: DepsOptions = {},
): Tables | null {
  if (!config.tables) return null;
  return openTables(config.tables, credential, tableOptions(options));
}
