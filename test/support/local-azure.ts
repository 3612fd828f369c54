/**
 * Small helpers to start the local stand-ins for Azure inside a test, each on its own random loopback port,
 * and to trust them. Every `with…` helper closes what it started, also when the body throws.
 *
 *   const result = await withLogsEndpoint(provider, async (logs) => {
 *     const client = new LogsQueryClient(staticCredential(), { endpoint: logs.endpoint, ...trustLoopback() });
 *     return client.queryWorkspace(...);
 *   });
 */
import type { AccessToken, TokenCredential } from "@azure/core-auth";
import { inject } from "vitest";
import {
  startArmEndpoint,
  type ArmEndpoint,
  type ArmEndpointOptions,
  type RecoveryPointsProvider,
} from "../../src/local/arm-endpoint.js";
import {
  startLogsEndpoint,
  type LogsEndpoint,
  type LogsEndpointOptions,
  type LogsProvider,
} from "../../src/local/logs-endpoint.js";
import { loopbackTls } from "../../src/local/tls.js";
import {
  startTokenEndpoint,
  type TokenEndpoint,
  type TokenEndpointOptions,
} from "../../src/local/token-endpoint.js";

/** Client options that trust the loopback certificate (`tlsOptions: { ca }`), for any Azure SDK client. */
export function trustLoopback(): { tlsOptions: { ca: string } } {
  return { tlsOptions: { ca: loopbackTls().ca } };
}

/** Fast retries for tests (the SDK default waits seconds between 5xx retries). Retry-After still rules 429s. */
export const FAST_RETRIES = { retryOptions: { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 50 } };

/** A credential that returns a fixed token and remembers the scopes asked for. */
export function staticCredential(token = "local-test-token"): TokenCredential & { scopes: string[] } {
  const scopes: string[] = [];
  return {
    scopes,
    getToken(scope): Promise<AccessToken> {
      scopes.push(...(Array.isArray(scope) ? scope : [scope]));
      return Promise.resolve({ token, expiresOnTimestamp: Date.now() + 3_600_000 });
    },
  };
}

async function using<T extends { close(): Promise<void> }, R>(
  server: T,
  body: (server: T) => R | Promise<R>,
): Promise<R> {
  try {
    return await body(server);
  } finally {
    await server.close();
  }
}

export async function withLogsEndpoint<R>(
  provider: LogsProvider,
  body: (logs: LogsEndpoint) => R | Promise<R>,
  options: Omit<LogsEndpointOptions, "provider"> = {},
): Promise<R> {
  return using(await startLogsEndpoint({ ...options, provider }), body);
}

export async function withArmEndpoint<R>(
  provider: RecoveryPointsProvider,
  body: (arm: ArmEndpoint) => R | Promise<R>,
  options: Omit<ArmEndpointOptions, "provider"> = {},
): Promise<R> {
  return using(await startArmEndpoint({ ...options, provider }), body);
}

export async function withTokenEndpoint<R>(
  body: (identity: TokenEndpoint) => R | Promise<R>,
  options: TokenEndpointOptions = {},
): Promise<R> {
  return using(await startTokenEndpoint(options), body);
}

/**
 * Runs `body` with environment variables set (undefined removes one), then restores every one of them exactly.
 * Use it for IDENTITY_ENDPOINT / AZURE_TOKEN_CREDENTIALS and the like: never leave them set for other tests.
 */
export async function withEnv<R>(
  vars: Record<string, string | undefined>,
  body: () => R | Promise<R>,
): Promise<R> {
  const saved = new Map<string, string | undefined>();
  for (const [name, value] of Object.entries(vars)) {
    saved.set(name, process.env[name]);
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  try {
    return await body();
  } finally {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  }
}

/** The shared services the global setup started (see global-setup.ts). */
export function sharedLocalAzure(): {
  tablesConnection: string;
  loopbackCa: string;
  identityEnv: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
} {
  return {
    tablesConnection: inject("tablesConnection"),
    loopbackCa: inject("loopbackCa"),
    identityEnv: { IDENTITY_ENDPOINT: inject("identityEndpoint"), IDENTITY_HEADER: inject("identityHeader") },
  };
}
