/**
 * The table store's write probe: a row written to and removed from the run table, to prove the identity may
 * write there. It leaves nothing behind.
 */
import { randomUUID } from "node:crypto";
import type { Tables } from "./tables.js";

/** The table the probe row goes to (the run records' table: any trend table would do). */
export const PROBE_TABLE = "PulseRuns";
export const PROBE_PARTITION = "doctor-probe";

/** Creates the table when missing, writes a probe row, reads it back and deletes it. */
export async function probeTableStore(tables: Tables): Promise<{ table: string }> {
  await tables.ensureTables([PROBE_TABLE]);
  const client = tables.table(PROBE_TABLE);
  const rowKey = randomUUID();
  await client.createEntity({ partitionKey: PROBE_PARTITION, rowKey, writtenAt: new Date().toISOString() });
  try {
    await client.getEntity(PROBE_PARTITION, rowKey);
  } finally {
    await client.deleteEntity(PROBE_PARTITION, rowKey);
  }
  return { table: PROBE_TABLE };
}
