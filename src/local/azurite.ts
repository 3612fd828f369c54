/**
 * In-process Azurite Table server (in memory, random loopback port): the local stand-in for Table Storage,
 * used by the demo and the tests. Azurite is a dev dependency: it is loaded only when this runs.
 */
import { createRequire } from "node:module";

export const AZURITE_ACCOUNT = "devstoreaccount1";
/** Azurite's well-known development key (public, documented by Microsoft; not a secret). */
export const AZURITE_KEY =
  "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

export interface LocalTables {
  /** Connection string for `PULSE_TABLES_CONNECTION`. */
  connectionString: string;
  port: number;
  close(): Promise<void>;
}

interface AzuriteTableServer {
  start(): Promise<void>;
  close(): Promise<void>;
  getHttpServerAddress(): string;
}

/** Certificate and key files for HTTPS with OAuth ("basic"); Azurite reads them when the server starts. */
export interface AzuriteHttpsFiles {
  certPath: string;
  keyPath: string;
}

export interface RunningTableServer {
  port: number;
  close(): Promise<void>;
}

/**
 * Starts Azurite's Table server in memory on a random loopback port: plain HTTP with shared-key access, or,
 * given `https`, HTTPS that also accepts OAuth tokens.
 */
export async function startAzuriteTableServer(https?: AzuriteHttpsFiles): Promise<RunningTableServer> {
  const require = createRequire(import.meta.url);
  /* eslint-disable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call */
  const TableServer = require("azurite/dist/src/table/TableServer").default;
  const TableConfiguration = require("azurite/dist/src/table/TableConfiguration").default;
  const config = new TableConfiguration(
    "127.0.0.1",
    0,
    5,
    "unused.json",
    false,
    false,
    undefined,
    undefined,
    false,
    false,
    https?.certPath ?? "",
    https?.keyPath ?? "",
    "",
    https ? "basic" : undefined,
    false,
    true,
  );
  const server: AzuriteTableServer = new TableServer(config);
  /* eslint-enable @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-member-access, @typescript-eslint/no-unsafe-call */
  await server.start();
  return { port: Number(new URL(server.getHttpServerAddress()).port), close: () => server.close() };
}

export async function startLocalTables(): Promise<LocalTables> {
  const server = await startAzuriteTableServer();
  const port = server.port;
  const connectionString =
    `DefaultEndpointsProtocol=http;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
    `TableEndpoint=http://127.0.0.1:${port}/${AZURITE_ACCOUNT};`;
  return { connectionString, port, close: () => server.close() };
}
