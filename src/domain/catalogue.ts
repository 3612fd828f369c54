/**
 * The error and warning code catalogue (placeholder: the full catalogue replaces this file).
 */
import type { ErrorCategory } from "./model.js";

export interface CatalogueEntry {
  /** Canonical spelling of the code. */
  code: string;
  kind: "failure" | "warning";
  os: "Windows" | "Linux" | "any";
  category: ErrorCategory;
  /** Which workload the code belongs to: VM backup (and restore) or a database-in-VM workload. */
  scope: "vm" | "sql-workload" | "hana-workload";
  /** What happens to the recovery point's consistency, in one short sentence. */
  consistencyEffect: string;
  /** What the code means, one short sentence. */
  summary: string;
  /** What to do, one short line. */
  action: string;
  docUrl: string;
}

const ENTRIES: CatalogueEntry[] = [];
const BY_KEY = new Map(ENTRIES.map((e) => [e.code.toLowerCase(), e]));

/** Case-insensitive look-up; numeric forms map to their names. Unknown or empty → null. */
export function lookupCode(raw: string | null | undefined): CatalogueEntry | null {
  if (!raw) return null;
  return BY_KEY.get(raw.trim().toLowerCase()) ?? null;
}
