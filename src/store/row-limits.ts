/**
 * What Table Storage refuses, checked before writing, so one job the service cannot store costs that job
 * alone and never the transaction (up to 100 rows), the vault-day or the day it shares.
 *
 * The service's limits (docs.microsoft.com "Understanding the Table service data model"): PartitionKey and
 * RowKey up to 1 KiB each, without `/ \ # ?` or control characters (keys.ts's `tableKey` escapes those, so
 * only the length is left to check); a string property up to 64 KiB (32,768 UTF-16 code units); an entity up
 * to 1 MiB. Strings must be well-formed UTF-16: a lone surrogate is rejected with 400. Keys are measured in
 * UTF-16 bytes (two per code unit), the strictest reading of "1 KiB".
 */
import { visible } from "../domain/visible-text.js";
import type { Row } from "./entity.js";
import { keys, vaultKeyOf, vmKeyOf } from "./keys.js";
import { jobRow, type StoredJob } from "./trend-entities.js";

export const MAX_KEY_BYTES = 1024;
export const MAX_STRING_UNITS = 32 * 1024;
export const MAX_ENTITY_BYTES = 1024 * 1024;

/** A job left out of the day because a row it makes cannot be stored. */
export interface UnstorableJob {
  jobId: string;
  /** The VM's name, shortened for a log line. */
  vm: string;
  reason: string;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Why a key cannot be stored, or null. */
function keyProblem(what: string, key: string): string | null {
  if (LONE_SURROGATE.test(key)) return `${what} holds a lone surrogate (not valid UTF-16)`;
  if (key.length * 2 > MAX_KEY_BYTES)
    return `${what} is ${key.length * 2} bytes; Table Storage keys hold at most ${MAX_KEY_BYTES}`;
  return null;
}

/** Why an entity cannot be stored, or null. Its size is estimated as the service counts it. */
export function rowProblem(table: string, row: Row): string | null {
  const pk = typeof row.partitionKey === "string" ? row.partitionKey : "";
  const rk = typeof row.rowKey === "string" ? row.rowKey : "";
  const keyIssue = keyProblem(`the ${table} PartitionKey`, pk) ?? keyProblem(`the ${table} RowKey`, rk);
  if (keyIssue) return keyIssue;
  let size = 4 + (pk.length + rk.length) * 2;
  for (const [name, value] of Object.entries(row)) {
    if (name === "partitionKey" || name === "rowKey") continue;
    size += 8 + name.length * 2;
    if (typeof value === "string") {
      if (LONE_SURROGATE.test(value))
        return `the ${table} column ${name} holds a lone surrogate (not valid UTF-16)`;
      if (value.length > MAX_STRING_UNITS)
        return `the ${table} column ${name} is ${value.length} characters; Table Storage holds at most ${MAX_STRING_UNITS}`;
      size += 4 + value.length * 2;
    } else {
      size += 8;
    }
  }
  return size > MAX_ENTITY_BYTES
    ? `a ${table} row is about ${size} bytes; Table Storage holds at most ${MAX_ENTITY_BYTES}`
    : null;
}

/**
 * Why a job cannot be stored, or null: its `PulseJobs` row, and the keys and names it puts in the other
 * tables (its VM's `PulseVms` and `PulseVmNames` rows, keyed by its VM key, its vault's and its error code's
 * `PulseTrends` rows).
 */
export function unstorableReason(date: string, job: StoredJob): string | null {
  const vaultKey = vaultKeyOf(job);
  const vmKey = vmKeyOf(job);
  return (
    rowProblem("PulseJobs", jobRow(date, vaultKey, vmKey, job)) ??
    keyProblem("the PulseVms RowKey", vmKey) ??
    keyProblem("the PulseTrends vault PartitionKey", keys.vaultScope(vaultKey)) ??
    (job.errorCode ? keyProblem("the PulseTrends code PartitionKey", keys.codeScope(job.errorCode)) : null)
  );
}

/** Splits a day's jobs into those that can be stored and those that cannot (with why). */
export function screenJobs(
  date: string,
  jobs: readonly StoredJob[],
): { storable: StoredJob[]; unstorable: UnstorableJob[] } {
  const storable: StoredJob[] = [];
  const unstorable: UnstorableJob[] = [];
  for (const job of jobs) {
    const reason = unstorableReason(date, job);
    if (reason === null) storable.push(job);
    else unstorable.push({ jobId: shorten(job.jobId), vm: shorten(job.vm), reason });
  }
  return { storable, unstorable };
}

/** At most 60 characters, hidden ones (a lone surrogate too) shown as escapes: safe in a log line. */
function shorten(value: string): string {
  const chars = [...visible(value)];
  return chars.length > 60 ? `${chars.slice(0, 57).join("")}...` : chars.join("");
}
