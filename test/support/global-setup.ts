/**
 * Starts the real local services once for the whole test run, on random loopback ports, and hands their
 * addresses to the tests through `inject(...)`:
 * - `tablesConnection`: in-process Azurite (Table Storage, in memory, shared key over http);
 * - `loopbackCa`: the certificate to trust for the HTTPS stand-ins (`tlsOptions: { ca }`);
 * - `identityEndpoint` + `identityHeader`: a shared managed-identity token endpoint (set them as
 *   IDENTITY_ENDPOINT / IDENTITY_HEADER only inside a test, e.g. with `withEnv` from local-azure.ts).
 * Log Analytics and ARM stand-ins are cheap: each test starts its own with its own provider (local-azure.ts).
 */
import type { TestProject } from "vitest/node";
import { startLocalTables } from "../../src/demo/azurite.js";
import { loopbackTls } from "../../src/demo/tls.js";
import { startTokenEndpoint } from "../../src/demo/token-endpoint.js";

declare module "vitest" {
  export interface ProvidedContext {
    tablesConnection: string;
    loopbackCa: string;
    identityEndpoint: string;
    identityHeader: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tables = await startLocalTables();
  const identity = await startTokenEndpoint();
  project.provide("tablesConnection", tables.connectionString);
  project.provide("loopbackCa", loopbackTls().ca);
  project.provide("identityEndpoint", identity.identityEndpoint);
  project.provide("identityHeader", identity.identityHeader);
  return async () => {
    await Promise.all([tables.close(), identity.close()]);
  };
}
