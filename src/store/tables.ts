/**
 * Table Storage clients from the settings: a connection string (account key, SAS or Azurite) or an account
 * URL with a token credential (managed identity in Azure). Plain http is allowed only for loopback hosts.
 */
import {
  TableClient,
  TableServiceClient,
  type TableEntityResult,
  type TableServiceClientOptions,
} from "@azure/data-tables";
import type { TokenCredential } from "@azure/core-auth";
import type { TablesTarget } from "../config.js";
import { isLoopbackHost } from "../domain/hosts.js";
import { deadlineOptions } from "../deadline.js";

export interface TablesOptions {
  /** Prepended to every table name (letters and digits only), e.g. to keep test runs apart. */
  tablePrefix?: string;
  /** Extra certificate authority (PEM) to trust, e.g. for a local HTTPS emulator. */
  ca?: string;
  /** Longest time one table request (answer and body) may take. Default 30,000 ms. */
  requestTimeoutInMs?: number;
  /** The run's signal: when it aborts, no further table request is sent and those in flight are cancelled. */
  abortSignal?: AbortSignal;
}

export const TABLE_REQUEST_TIMEOUT_MS = 30_000;

/** Opens tables of one storage account; `table(name)` gives a client for a (prefixed) table. */
export interface Tables {
  table(name: string): TableClient;
  /** Creates each named table once (an existing table is left as it is). */
  ensureTables(names: readonly string[]): Promise<void>;
  /** The account's table endpoint, without credentials (safe to show). */
  readonly endpoint: string;
}

/** The endpoint a connection string points at (TableEndpoint, else built from AccountName). */
function connectionEndpoint(connectionString: string): string {
  const parts = new Map<string, string>();
  for (const part of connectionString.split(";")) {
    const i = part.indexOf("=");
    if (i > 0) parts.set(part.slice(0, i).trim().toLowerCase(), part.slice(i + 1).trim());
  }
  const explicit = parts.get("tableendpoint");
  if (explicit) return explicit;
  if (parts.get("usedevelopmentstorage")?.toLowerCase() === "true")
    return "http://127.0.0.1:10002/devstoreaccount1";
  const protocol = parts.get("defaultendpointsprotocol") ?? "https";
  return `${protocol}://${parts.get("accountname") ?? "unknown"}.table.${parts.get("endpointsuffix") ?? "core.windows.net"}`;
}

function clientOptions(endpoint: string, options: TablesOptions): TableServiceClientOptions {
  const deadline = deadlineOptions({
    requestTimeoutInMs: options.requestTimeoutInMs ?? TABLE_REQUEST_TIMEOUT_MS,
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
  const ca = options.ca;
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw new Error(
      "The Table Storage endpoint in the settings is not a valid URL: check the table endpoint",
    );
  }
  if (url.protocol === "https:") return ca ? { ...deadline, tlsOptions: { ca } } : deadline;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname))
    return { ...deadline, allowInsecureConnection: true };
  throw new Error(
    `The Table Storage endpoint ${url.protocol}//${url.host} must use https (http is allowed only for loopback hosts such as Azurite)`,
  );
}

const PREFIX = /^[A-Za-z0-9]*$/;

/** Builds the clients for a table target. `credential` is required for a URL target. */
export function openTables(
  target: TablesTarget,
  credential?: TokenCredential,
  options: TablesOptions = {},
): Tables {
  const prefix = options.tablePrefix ?? "";
  if (!PREFIX.test(prefix)) throw new Error(`tablePrefix "${prefix}" may contain letters and digits only`);
  let make: (name: string) => TableClient;
  let service: TableServiceClient;
  let endpoint: string;
  if (target.kind === "connection") {
    endpoint = connectionEndpoint(target.connectionString).replace(/\/+$/, "");
    const opts = clientOptions(endpoint, options);
    make = (name) => TableClient.fromConnectionString(target.connectionString, name, opts);
    service = TableServiceClient.fromConnectionString(target.connectionString, opts);
  } else {
    if (!credential)
      throw new Error("PULSE_TABLES_URL needs an Azure credential (managed identity) to sign in");
    endpoint = target.url.replace(/\/+$/, "");
    const opts = clientOptions(endpoint, options);
    make = (name) => new TableClient(endpoint, name, credential, opts);
    service = new TableServiceClient(endpoint, credential, opts);
  }
  const clients = new Map<string, TableClient>();
  const table = (name: string): TableClient => {
    const full = prefix + name;
    let c = clients.get(full);
    if (!c) {
      c = make(full);
      clients.set(full, c);
    }
    return c;
  };
  const created = new Set<string>();
  return {
    endpoint,
    table,
    async ensureTables(names) {
      const todo = names.map((n) => prefix + n).filter((n) => !created.has(n));
      await Promise.all(todo.map((n) => service.createTable(n))); // an existing table (409) is not an error
      for (const n of todo) created.add(n);
    },
  };
}

/** Entity group transactions hold at most 100 actions, all of one partition. */
export const MAX_TRANSACTION_ACTIONS = 100;

/** The HTTP status of a service error (RestError and alike), if it has one. */
export function statusOf(error: unknown): number | undefined {
  return typeof error === "object" &&
    error !== null &&
    "statusCode" in error &&
    typeof error.statusCode === "number"
    ? error.statusCode
    : undefined;
}

/** 404: no such table (opened without creating tables) or no such row. */
export function isNotFound(error: unknown): boolean {
  return statusOf(error) === 404;
}

/** One entity (a point read), or null when it or its table does not exist. */
export async function getEntityOrNull(
  client: TableClient,
  partitionKey: string,
  rowKey: string,
): Promise<TableEntityResult<Record<string, unknown>> | null> {
  try {
    return await client.getEntity<Record<string, unknown>>(partitionKey, rowKey);
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}
