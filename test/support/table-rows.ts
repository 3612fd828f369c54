/**
 * Table rows as the tests look at them: a row as Table Storage reads it back, and every stored entity of a
 * table as text (to search it for what must never be stored).
 */
import type { TableClient } from "@azure/data-tables";

/** A row as Table Storage reads it back: explicit Doubles (and Int32s) come back as plain numbers. */
export function asRead(row: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(row).map(([k, v]) => [
      k,
      typeof v === "object" && v !== null && "type" in v && "value" in v ? Number(v.value) : v,
    ]),
  );
}

/** Every entity of a table, as JSON. */
export async function rawEntities(client: TableClient): Promise<string> {
  const all: unknown[] = [];
  for await (const e of client.listEntities()) all.push(e);
  return JSON.stringify(all);
}
