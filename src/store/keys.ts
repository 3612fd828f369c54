/**
 * Table Storage keys: how a name becomes a key, and the layout of the trend tables (their names, their
 * PartitionKeys and RowKeys, and the key ranges read back). Schema and example queries: docs/tables.md.
 *
 * Names are case-insensitive in Azure: keys are lower case, display names are columns. The per-VM and per-job
 * tables of a day are split by vault (PartitionKey `<date>|<vault>`): a partition then holds one vault's day,
 * while a day across the fleet is still one PartitionKey range (`<date>|` up to `<date>}`).
 */
import { odata } from "@azure/data-tables";
import { nameKey } from "../domain/names.js";
import type { ScopedTrend } from "../domain/trends.js";

/**
 * A Table Storage key from a name: the characters keys forbid (`/ \ # ?`, control characters) plus `%` and
 * the `|` separator are written `%XX`, so keys stay deterministic and a separator never comes from a name.
 * Lower-case the name first where it is case-insensitive.
 */
export function tableKey(value: string): string {
  // eslint-disable-next-line no-control-regex
  return value.replace(/[/\\#?%|\u0000-\u001f\u007f-\u009f]/g, (c) => {
    return `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`;
  });
}

export const TABLE_NAMES = {
  daily: "PulseDaily",
  vmDaily: "PulseVmDaily",
  jobs: "PulseJobs",
  vmState: "PulseVmState",
  runs: "PulseRuns",
} as const;
export type TableRole = keyof typeof TABLE_NAMES;

/** PartitionKey of every run record (RowKey: the day). */
export const RUN_PARTITION = "run";
/** RowKey prefix of a vault's row in `PulseDaily`. */
const VAULT_SCOPE = "vault:";

/** The key of a case-insensitive name (vault, VM, error code). */
const nameTableKey = (name: string): string => tableKey(nameKey(name));

/** The identity of a job: its ID, case-insensitive. */
export const jobIdKey = (jobId: string): string => jobId.trim().toLowerCase();

export const keys = {
  /** PartitionKey of a vault's day in `PulseVmDaily` and `PulseJobs`, from the vault's name. */
  dayVault: (date: string, vault: string) => dayVaultPartition(date, nameTableKey(vault)),
  /** RowKey of a scope's row in `PulseDaily` (`all`, `vault:<vault>`, `code:<code>`). */
  daily: (t: ScopedTrend) =>
    t.kind === "all" ? "all" : keys.scope(t.kind === "code" ? "code" : "vault", t.key),
  scope: (kind: "vault" | "code", name: string) =>
    `${kind === "vault" ? VAULT_SCOPE : "code:"}${nameTableKey(name)}`,
  /** RowKey of a VM day in `PulseVmDaily`: `<vm>|<vault>`. */
  vmDay: (vm: string, vault: string) => `${nameTableKey(vm)}|${nameTableKey(vault)}`,
  /** The start of the RowKeys of every VM day of one VM, whatever its vault. */
  vmPrefix: (vm: string) => `${nameTableKey(vm)}|`,
  /** RowKey of a job in `PulseJobs`: `<vault>|<vm>|<job ID>`. */
  job: (j: { vault: string; vm: string; jobId: string }) =>
    `${nameTableKey(j.vault)}|${nameTableKey(j.vm)}|${tableKey(jobIdKey(j.jobId))}`,
  /** PartitionKey of a vault's VM states in `PulseVmState`. */
  vault: (vault: string) => nameTableKey(vault),
  /** RowKey of a VM's state in `PulseVmState`. */
  vm: (vm: string) => nameTableKey(vm),
};

/** PartitionKey of a vault's day from the vault's key (as `keys.vault` gives it). */
export function dayVaultPartition(date: string, vaultKey: string): string {
  return `${date}|${vaultKey}`;
}

/** The vault key of a `PulseDaily` RowKey, or null when the row is not a vault's. */
export function vaultOfDailyRow(rowKey: string): string | null {
  return rowKey.startsWith(VAULT_SCOPE) ? rowKey.slice(VAULT_SCOPE.length) : null;
}

/**
 * Every partition of the days `from` to `to` in the tables keyed `<date>|<vault>`: from `<from>|` up to, not
 * including, `<to>}` (`}` follows `|` in code-point order, and a vault key never holds a raw `|`).
 */
export function daysFilter(from: string, to: string = from): string {
  return odata`PartitionKey ge ${`${from}|`} and PartitionKey lt ${`${to}}`}`;
}

/** `RowKey` starting with `prefix`, which ends in the `|` separator. */
export function rowKeyPrefixFilter(prefix: string): string {
  const end = `${prefix.slice(0, -1)}}`;
  return odata`RowKey ge ${prefix} and RowKey lt ${end}`;
}

/** The day of a `<date>|<vault>` (or plain `<date>`) PartitionKey. */
export function dateOfPartition(partitionKey: string): string {
  const bar = partitionKey.indexOf("|");
  return bar < 0 ? partitionKey : partitionKey.slice(0, bar);
}
