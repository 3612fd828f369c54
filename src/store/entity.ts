/**
 * Entity property values, as every store file reads and writes them.
 *
 * Reading is strict: a value of the wrong type reads as null (the caller says what stands in for it), never
 * as a guess. The SDK reads Int32 and Double back as numbers, Int64 as BigInt and DateTime as Date.
 */
export type Row = Record<string, unknown>;

/** A string property, or null. */
export function str(v: unknown): string | null {
  return typeof v === "string" ? v : null;
}

/** A numeric property (Int32, Double, or Int64 read as BigInt), or null when absent, not a number or not finite. */
export function num(v: unknown): number | null {
  const n = typeof v === "number" ? v : typeof v === "bigint" ? Number(v) : Number.NaN;
  return Number.isFinite(n) ? n : null;
}

/** A DateTime property (or an ISO-8601 string) as ISO-8601, or null. */
export function iso(v: unknown): string | null {
  if (v instanceof Date) return Number.isNaN(v.getTime()) ? null : v.toISOString();
  if (typeof v === "string" && !Number.isNaN(Date.parse(v))) return new Date(Date.parse(v)).toISOString();
  return null;
}

/** A string property that must be one of `allowed`, else `fallback`. */
export function oneOf<T extends string>(v: unknown, allowed: readonly T[], fallback: T): T {
  return typeof v === "string" && (allowed as readonly string[]).includes(v) ? (v as T) : fallback;
}

/**
 * A number written as an explicit Double: exact up to 2^53 (epoch milliseconds exceed Int32), so the service
 * never has to guess the type and it reads back as a plain number (Int64 would come back as BigInt).
 */
export function double(n: number): { value: string; type: "Double" } {
  return { value: String(n), type: "Double" };
}

/** A DateTime column, or nothing when null: absent properties read back as null. */
export function dateCol(name: string, value: string | null | undefined): Row {
  return value ? { [name]: new Date(value) } : {};
}

/** A column, or nothing when null. */
export function optCol(name: string, value: string | number | null | undefined): Row {
  return value === null || value === undefined ? {} : { [name]: value };
}
