/**
 * The error and warning code catalogue: what a job's failure or warning code means, what it does to the
 * recovery point's consistency, what to do about it and where Microsoft documents it.
 * Pure: the data lives in catalogue-data.ts.
 */
import { CATALOGUE_DATA } from "./catalogue-data.js";
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

/** Where Microsoft explains application, file-system and crash consistency of VM backups. */
export const CONSISTENCY_DOC_URL =
  "https://learn.microsoft.com/azure/backup/backup-azure-vms-introduction#snapshot-consistency";

/** Extra advice for VSS codes: SQL Server VMs whose own log backups must not be disturbed. */
export const SQL_SERVER_VSS_HINT =
  'SQL Server VM: set HKLM\\SOFTWARE\\Microsoft\\BCDRAGENT value USEVSSCOPYBACKUP = "TRUE" (string) for a copy-only VSS backup that leaves SQL log backups alone; no reboot needed.';

/** Extra advice for Linux pre/post-script codes. */
export const LINUX_SCRIPTS_HINT =
  "Linux application consistency needs pre/post scripts set in /etc/azure/VMSnapshotScriptPluginConfig.json (root-owned, mode 600; scripts root-owned, mode 700); without them file-system is the best level.";

/** Codes that jobs sometimes report by number instead of by name. */
const NUMERIC_CODES: Readonly<Record<string, string>> = {
  "320001": "ResourceNotFound",
  "400094": "BCMV2VMNotFound",
  "380008": "AzureVmOffline",
};

const BY_KEY: ReadonlyMap<string, CatalogueEntry> = new Map(
  CATALOGUE_DATA.map((e) => [e.code.toLowerCase(), e]),
);

/**
 * Case-insensitive look-up, surrounding whitespace ignored; numeric forms map to their names.
 * `Success`, empty and unknown codes → null (callers keep an unknown raw code as category `unknown`).
 */
export function lookupCode(raw: string | null | undefined): CatalogueEntry | null {
  const key = raw?.trim().toLowerCase();
  if (!key || key === "success") return null;
  const named = NUMERIC_CODES[key]?.toLowerCase() ?? key;
  return BY_KEY.get(named) ?? null;
}

/** Every entry, in catalogue order. */
export function allEntries(): readonly CatalogueEntry[] {
  return CATALOGUE_DATA;
}

/** A VSS service or writer problem (Windows): application consistency is at stake. */
export function isVssCode(entry: CatalogueEntry): boolean {
  return entry.category === "vss";
}

/**
 * A Linux pre/post-script warning: the backup usually went on without the scripts, so the point is
 * file-system (or crash) consistent instead of application-consistent.
 */
export function isScriptWarning(entry: CatalogueEntry): boolean {
  return entry.kind === "warning" && entry.os === "Linux" && entry.category === "fsfreeze";
}

/** A SQL Server or SAP HANA workload-backup code, not a VM snapshot code. */
export function isWorkloadCode(entry: CatalogueEntry): boolean {
  return entry.scope !== "vm";
}

/** Advice that goes with an entry beyond its one-line action (empty when there is none). */
export function hintsFor(entry: CatalogueEntry): string[] {
  if (isVssCode(entry)) return [SQL_SERVER_VSS_HINT];
  if (isScriptWarning(entry)) return [LINUX_SCRIPTS_HINT];
  return [];
}
