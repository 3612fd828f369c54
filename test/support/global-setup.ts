/**
 * Starts the real local services once for the whole test run, on random loopback ports, and hands their
 * addresses to the tests through `inject(...)`:
 * - `tablesConnection`: in-process Azurite (Table Storage, in memory, shared key over http);
 * - `loopbackCa`: the certificate to trust for the HTTPS stand-ins (`tlsOptions: { ca }`);
 * - `identityEndpoint` + `identityHeader`: a shared managed-identity token endpoint (set them as
 *   IDENTITY_ENDPOINT / IDENTITY_HEADER only inside a test, e.g. with `withEnv` from local-azure.ts).
 * - `sharedEstate`: a Log Analytics endpoint and an ARM endpoint serving the sample estate (its parameters are
 *   given so a test can rebuild the same estate for its expectations), as the daily run at 07:00 UTC after
 *   the estate's last day sees them.
 * The stand-ins are cheap: tests that script faults or other data start their own (local-azure.ts).
 */
import type { TestProject } from "vitest/node";
import { startArmEndpoint } from "../../src/local/arm-endpoint.js";
import { startLocalTables } from "../../src/local/azurite.js";
import { buildEstate } from "../../src/demo/estate.js";
import { startLogsEndpoint } from "../../src/local/logs-endpoint.js";
import { loopbackTls } from "../../src/local/tls.js";
import { startTokenEndpoint } from "../../src/local/token-endpoint.js";

declare module "vitest" {
  export interface ProvidedContext {
    tablesConnection: string;
    loopbackCa: string;
    identityEndpoint: string;
    identityHeader: string;
    sharedEstate: { endDate: string; days: number; logsEndpoint: string; armEndpoint: string };
  }
}

const SHARED_ESTATE = { endDate: "2026-11-24", days: 3 };

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tables = await startLocalTables();
  const identity = await startTokenEndpoint();
  const estate = buildEstate(SHARED_ESTATE);
  const [logs, arm] = await Promise.all([
    startLogsEndpoint({ provider: estate.logsProvider(estate.dailyRunMs(SHARED_ESTATE.endDate)) }),
    startArmEndpoint({ provider: estate.armProvider, inventory: estate.inventoryProvider }),
  ]);
  project.provide("sharedEstate", {
    ...SHARED_ESTATE,
    logsEndpoint: logs.endpoint,
    armEndpoint: arm.endpoint,
  });
  project.provide("tablesConnection", tables.connectionString);
  project.provide("loopbackCa", loopbackTls().ca);
  project.provide("identityEndpoint", identity.identityEndpoint);
  project.provide("identityHeader", identity.identityHeader);
  return async () => {
    await Promise.all([tables.close(), identity.close(), logs.close(), arm.close()]);
  };
}
