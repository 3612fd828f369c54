/**
 * Starts the real local services once for the whole test run, on random loopback ports:
 * Azurite (Table Storage, in process). Tests read the addresses with `inject(...)`.
 */
import type { TestProject } from "vitest/node";
import { startLocalTables } from "../../src/demo/azurite.js";

declare module "vitest" {
  export interface ProvidedContext {
    tablesConnection: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const tables = await startLocalTables();
  project.provide("tablesConnection", tables.connectionString);
  return async () => {
    await tables.close();
  };
}
