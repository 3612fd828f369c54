/**
 * The VM name index (`PulseVmNames`): from a VM's name to the `PulseVms` rows of every VM of that name.
 *
 * Names fall in 256 buckets (the first two hex digits of sha256 of the lower-case name) and each bucket is one
 * entity (RowKey `names`): its `part0`, `part1`, … columns hold one line per VM row, `<vmKey>\t<vaultKey>`,
 * sorted. Keys never hold a raw tab or line break (keys.ts escapes control characters), so the lines read back
 * exactly. A fleet's first run writes 256 entities instead of one per VM, and a later run only the buckets of
 * VMs that appeared or went. A bucket is changed by reading it and writing it back on its ETag: when another
 * run changed it in between, it is read again and the changes applied once more.
 */
import type { TableClient, TableEntity, TransactionAction } from "@azure/data-tables";
import { str, type Row } from "./entity.js";
import { keys } from "./keys.js";
import { mapLimit } from "./map-limit.js";
import { getEntityOrNull, MAX_TRANSACTION_ACTIONS, statusOf } from "./tables.js";

/** RowKey of a bucket's entity. */
export const NAMES_ROW = "names";

/** Characters per `part` column: a string property holds at most 64 KiB, 32,768 UTF-16 characters. */
const PART_CHARS = 30_000;
/** Columns per entity: 16 × 30,000 characters stay under the 1 MiB of an entity (about 9,000 VMs a bucket). */
const MAX_PARTS = 16;
/** Times a bucket is read and written again when another run changed it in between. */
const ATTEMPTS = 8;

/** A VM row of `PulseVms`, as the index names it. */
export interface VmNameEntry {
  vmKey: string;
  vaultKey: string;
}

/** A VM row that appeared (`add`) or went (`remove`). */
export interface VmNameChange extends VmNameEntry {
  add: boolean;
}

const line = (e: VmNameEntry): string => `${e.vmKey}\t${e.vaultKey}`;

/** The index entries of a bucket's entity (none for null). */
export function unpackNames(row: Row | null): VmNameEntry[] {
  if (!row) return [];
  const out: VmNameEntry[] = [];
  for (let i = 0; ; i++) {
    const part = str(row[`part${i}`]);
    if (part === null) break;
    for (const text of part.split("\n")) {
      const tab = text.indexOf("\t");
      if (tab > 0) out.push({ vmKey: text.slice(0, tab), vaultKey: text.slice(tab + 1) });
    }
  }
  return out;
}

/** A bucket's entity holding these entries (sorted, in parts); throws when they exceed one entity. */
export function packNames(bucket: string, entries: Iterable<VmNameEntry>): TableEntity<Row> {
  const lines = [...new Set([...entries].map(line))].sort();
  const row: TableEntity<Row> = { partitionKey: bucket, rowKey: NAMES_ROW, vms: lines.length };
  let part = "";
  let parts = 0;
  const flush = (): void => {
    if (parts >= MAX_PARTS) {
      throw new Error(
        `the VM name bucket ${bucket} of PulseVmNames would exceed one entity (${lines.length} VMs of names in this bucket)`,
      );
    }
    row[`part${parts++}`] = part;
    part = "";
  };
  for (const l of lines) {
    if (part.length > 0 && part.length + 1 + l.length > PART_CHARS) flush();
    part = part.length > 0 ? `${part}\n${l}` : l;
  }
  if (part.length > 0 || parts === 0) flush();
  return row;
}

/** 412 (the ETag moved), 409 (created meanwhile) or 404 (deleted meanwhile): read the bucket again. */
function changedMeanwhile(error: unknown): boolean {
  const status = statusOf(error);
  return status === 412 || status === 409 || status === 404;
}

/**
 * Applies changes to one bucket: reads it, applies them, writes it back on its ETag (created when new,
 * deleted when empty). Returns whether a write was sent (nothing is sent when nothing changes).
 */
export async function applyNameChanges(
  client: TableClient,
  bucket: string,
  changes: readonly VmNameChange[],
): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const stored = await getEntityOrNull(client, bucket, NAMES_ROW);
    const entries = new Map(unpackNames(stored).map((e) => [line(e), e]));
    let changed = false;
    for (const c of changes) {
      const key = line(c);
      if (c.add === entries.has(key)) continue;
      if (c.add) entries.set(key, { vmKey: c.vmKey, vaultKey: c.vaultKey });
      else entries.delete(key);
      changed = true;
    }
    if (!changed) return false;
    try {
      if (!stored) await client.createEntity(packNames(bucket, entries.values()));
      else if (entries.size === 0) await client.deleteEntity(bucket, NAMES_ROW, { etag: stored.etag });
      else await client.updateEntity(packNames(bucket, entries.values()), "Replace", { etag: stored.etag });
      return true;
    } catch (error) {
      if (!changedMeanwhile(error) || attempt >= ATTEMPTS) throw error;
    }
  }
}

/**
 * Rebuilds the name index of a store of the layout before (one `PulseVmNames` row per VM, RowKey the VM key)
 * from `PulseVms`, whose rows it names: writes each bucket's entity, then deletes the old rows. Safe to run
 * again when interrupted: the index is rebuilt from `PulseVms` each time.
 */
export async function upgradeNameIndex(vms: TableClient, names: TableClient): Promise<void> {
  const buckets = new Map<string, VmNameEntry[]>();
  const select = ["PartitionKey", "RowKey", "vm"];
  for await (const row of vms.listEntities<Row>({ queryOptions: { select } })) {
    const vm = str(row.vm);
    if (vm === null || !row.partitionKey || !row.rowKey) continue;
    const bucket = keys.vmNameBucket(vm);
    const entries = buckets.get(bucket) ?? [];
    buckets.set(bucket, entries);
    entries.push({ vmKey: row.rowKey, vaultKey: row.partitionKey });
  }
  await mapLimit([...buckets], 8, async ([bucket, entries]) => {
    await names.upsertEntity(packNames(bucket, entries), "Replace");
  });
  const old = new Map<string, TransactionAction[]>();
  for await (const row of names.listEntities<Row>({ queryOptions: { select: ["PartitionKey", "RowKey"] } })) {
    if (!row.partitionKey || !row.rowKey || row.rowKey === NAMES_ROW) continue;
    const deletes = old.get(row.partitionKey) ?? [];
    old.set(row.partitionKey, deletes);
    deletes.push(["delete", { partitionKey: row.partitionKey, rowKey: row.rowKey }]);
  }
  await mapLimit([...old.values()], 8, async (deletes) => {
    for (let i = 0; i < deletes.length; i += MAX_TRANSACTION_ACTIONS) {
      await names.submitTransaction(deletes.slice(i, i + MAX_TRANSACTION_ACTIONS));
    }
  });
}
