/**
 * Table Storage keys: how a name or an Azure resource ID becomes a key, and the layout of the trend tables
 * (layout version 4: their names, their PartitionKeys and RowKeys, and the key ranges read back). Schema and
 * example queries: docs/tables.md.
 *
 * A VM or a vault is keyed on its resource ID: `<name>|<first 12 hex of sha256(lower-case ID)>`, so keys sort
 * by name while two same-named VMs (or vaults) in other resource groups or subscriptions stay apart. Without
 * an ID the key is built from the names (`<name>|n-<12 hex>`). Names are case-insensitive in Azure: keys are
 * lower case, display names and IDs are columns.
 */
import { createHash, hash } from "node:crypto";
import { odata } from "@azure/data-tables";
import { nameKey } from "../domain/names.js";

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

/** The tables of the trend store. */
export const TABLE_NAMES = {
  trends: "PulseTrends",
  jobs: "PulseJobs",
  vms: "PulseVms",
  vmNames: "PulseVmNames",
  runs: "PulseRuns",
} as const;
export type TableRole = keyof typeof TABLE_NAMES;

/** The day table of the first layout (v1): rows in it mean the account holds a store of that layout. */
export const V1_DAILY_TABLE = "PulseDaily";
/** The layout version this code reads and writes (row `meta`/`schema` of `PulseRuns`). */
export const SCHEMA_VERSION = 4;
export const SCHEMA_KEY = { partitionKey: "meta", rowKey: "schema" } as const;

/** PartitionKey of every run record (RowKey: the day). */
export const RUN_PARTITION = "run";

/** The identity of a job: its ID, case-insensitive. */
export const jobIdKey = (jobId: string): string => jobId.trim().toLowerCase();

/**
 * The hashes of the IDs met lately: a day's write asks for each job's VM and vault key several times (screening,
 * hashing the vault-day, planning its rows), and a fleet's first run would otherwise hash a million times. At most
 * {@link HASH_MEMO_SIZE} are kept (the memo starts over when full), so memory stays bounded.
 */
const hashMemo = new Map<string, string>();
const HASH_MEMO_SIZE = 50_000;

function hash12(value: string): string {
  let known = hashMemo.get(value);
  if (known === undefined) {
    known = hash("sha256", value).slice(0, 12);
    if (hashMemo.size >= HASH_MEMO_SIZE) hashMemo.clear();
    hashMemo.set(value, known);
  }
  return known;
}

/** A VM's or vault's identity as jobs carry it. */
export interface VaultIdentity {
  vault: string;
  vaultId?: string | null;
}
export interface VmIdentity extends VaultIdentity {
  vm: string;
  vmId?: string | null;
}

/** The key of a vault: from its resource ID, else from its name. */
export function vaultKeyOf(v: VaultIdentity): string {
  const name = tableKey(nameKey(v.vault));
  const id = v.vaultId?.trim().toLowerCase();
  return id ? `${name}|${hash12(id)}` : `${name}|n-${hash12(nameKey(v.vault))}`;
}

/** The key of a VM: from its resource ID, else from its vault's name and its own. */
export function vmKeyOf(v: VmIdentity): string {
  const name = tableKey(nameKey(v.vm));
  const id = v.vmId?.trim().toLowerCase();
  return id ? `${name}|${hash12(id)}` : `${name}|n-${hash12(`${nameKey(v.vault)}/${nameKey(v.vm)}`)}`;
}

export const keys = {
  /** PartitionKey of a vault's day in `PulseJobs`: `<day>|<vaultKey>`. */
  dayVault: (date: string, vaultKey: string) => `${date}|${vaultKey}`,
  /** RowKey of a job in `PulseJobs`: `<vmKey>|<job ID>`. */
  job: (vmKey: string, jobId: string) => `${vmKey}|${tableKey(jobIdKey(jobId))}`,
  /** PartitionKeys of `PulseTrends`: the fleet, a vault, an error code (RowKey: the day). */
  allScope: "all",
  vaultScope: (vaultKey: string) => `vault|${vaultKey}`,
  codeScope: (code: string) => `code|${tableKey(nameKey(code))}`,
  /** PartitionKey of the vault register in `PulseRuns` (RowKey: each vault key `PulseVms` has a partition of). */
  vaults: "vaults",
  /** PartitionKey of a day's index in `PulseRuns` (RowKey: each stored `PulseTrends` PartitionKey of the day). */
  dayIndex: (date: string) => `day|${date}`,
  /**
   * PartitionKey of `PulseVmNames`: one of 256 buckets, the first two hex digits of sha256(lower-case VM
   * name); each bucket is one entity (vm-names.ts).
   */
  vmNameBucket: (vm: string) => createHash("sha256").update(nameKey(vm)).digest("hex").slice(0, 2),
};

/** The start of every key (vault, VM) of `name`: `<name>|`. */
export const namePrefix = (name: string): string => `${tableKey(nameKey(name))}|`;

/**
 * Every partition of the days `from` to `to` in the table keyed `<date>|<vault>`: from `<from>|` up to, not
 * including, `<to>}` (`}` follows `|` in code-point order, and a key never holds a raw `|` from a name).
 */
export function daysFilter(from: string, to: string = from): string {
  return odata`PartitionKey ge ${`${from}|`} and PartitionKey lt ${`${to}}`}`;
}

/** `RowKey` starting with `prefix`, which ends in the `|` separator. */
export function rowKeyPrefixFilter(prefix: string): string {
  const end = `${prefix.slice(0, -1)}}`;
  return odata`RowKey ge ${prefix} and RowKey lt ${end}`;
}

/** `PartitionKey` starting with `prefix`, which ends in the `|` separator. */
export function partitionPrefixFilter(prefix: string): string {
  const end = `${prefix.slice(0, -1)}}`;
  return odata`PartitionKey ge ${prefix} and PartitionKey lt ${end}`;
}

/** The VM key of a `PulseJobs` RowKey (`<vmKey>|<job ID>`): a VM key holds exactly one `|`. */
export function vmKeyOfJobRow(rowKey: string): string {
  const first = rowKey.indexOf("|");
  const second = rowKey.indexOf("|", first + 1);
  return second < 0 ? rowKey : rowKey.slice(0, second);
}
