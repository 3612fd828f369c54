/**
 * The error and warning code catalogue: what a job's failure or warning code means, what it does to the
 * recovery point's consistency, what to do about it and where Microsoft documents it.
 * Pure: the data lives in catalogue-data.ts.
 */
import { CATALOGUE_DATA } from "./catalogue-data.js";
import { HINTS_JA, jaLearnUrl, jaWords } from "./catalogue-ja.js";
import type { Locale } from "./messages/types.js";
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
  /** Further documented steps beyond the one-line action, most useful first (each on the code's doc page). */
  steps?: readonly string[];
}

/** One piece of advice with the Microsoft page that documents it. */
export interface Advice {
  text: string;
  docUrl: string;
}

/** Where Microsoft explains application, file-system and crash consistency of VM backups. */
export const CONSISTENCY_DOC_URL =
  "https://learn.microsoft.com/azure/backup/backup-azure-vms-introduction#snapshot-consistency";

const VM_TROUBLESHOOT_SNAPSHOT =
  "https://learn.microsoft.com/azure/backup/backup-azure-vms-troubleshoot#troubleshoot-vm-snapshot-issues";
const LINUX_APP_CONSISTENT_DOC = "https://learn.microsoft.com/azure/backup/backup-azure-linux-app-consistent";
const ENHANCED_PRE_POST_DOC =
  "https://learn.microsoft.com/azure/backup/backup-azure-linux-database-consistent-enhanced-pre-post";

/**
 * Extra advice for VSS codes, only where SQL Server is in play: Azure Backup sets the key itself on VMs
 * registered as SQL VMs since December 2022, so the operator checks rather than sets it.
 */
export const SQL_SERVER_VSS_HINT: Advice = {
  text: 'SQL Server on this VM: check whether HKLM\\SOFTWARE\\Microsoft\\BCDRAGENT value USEVSSCOPYBACKUP is set to "TRUE" (string); Azure Backup sets it on VMs registered as SQL VMs since December 2022. It makes the VSS backup copy-only, so SQL log backups are left alone; no reboot needed.',
  docUrl: VM_TROUBLESHOOT_SNAPSHOT,
};

/** Extra advice for Linux pre/post-script codes. */
export const LINUX_SCRIPTS_HINT: Advice = {
  text: "Linux application consistency needs pre/post scripts set in /etc/azure/VMSnapshotScriptPluginConfig.json (root-owned, mode 600; scripts root-owned, mode 700); without them file-system is the best level.",
  docUrl: LINUX_APP_CONSISTENT_DOC,
};

/** Extra advice for Linux pre/post-script codes: databases the enhanced framework scripts for you. */
export const ENHANCED_SCRIPTS_HINT: Advice = {
  text: "For Oracle or MySQL, the enhanced pre/post-script framework ships the scripts with the backup extension: describe the database in /etc/azure/workload.conf instead of writing your own.",
  docUrl: ENHANCED_PRE_POST_DOC,
};

/**
 * Said wherever a Windows VM's application consistency is reported: VSS quiesces only applications that ship a
 * VSS writer; the service cannot see the others and still reports application-consistent.
 */
export const WINDOWS_APP_CONSISTENCY_NOTE: Advice = {
  text: "Windows application-consistent: only apps with a VSS writer (Oracle has none).",
  docUrl: CONSISTENCY_DOC_URL,
};

/**
 * The cross-subscription restore codes as Microsoft's troubleshooting page spells them (`NotSuppported`):
 * jobs may report either spelling.
 */
function misspelledAliases(entries: readonly CatalogueEntry[]): [string, CatalogueEntry][] {
  return entries
    .filter((e) => /^UserErrorCrossSubscriptionRestoreNotSupported/i.test(e.code))
    .map((e) => [e.code.replace(/NotSupported/i, "NotSuppported").toLowerCase(), e]);
}

/** Codes that jobs sometimes report by number instead of by name. */
const NUMERIC_CODES: Readonly<Record<string, string>> = {
  "320001": "ResourceNotFound",
  "400094": "BCMV2VMNotFound",
  "380008": "AzureVmOffline",
};

const BY_KEY: ReadonlyMap<string, CatalogueEntry> = new Map([
  ...CATALOGUE_DATA.map((e): [string, CatalogueEntry] => [e.code.toLowerCase(), e]),
  ...misspelledAliases(CATALOGUE_DATA),
]);

/**
 * Case-insensitive look-up, surrounding whitespace ignored; numeric forms and documented misspellings map to
 * their names.
 * `Success`, empty and unknown codes → null (callers keep an unknown raw code as category `unknown`).
 */
export function lookupCode(raw: string | null | undefined): CatalogueEntry | null {
  const key = raw?.trim().toLowerCase();
  if (!key || key === "success") return null;
  const named = NUMERIC_CODES[key]?.toLowerCase() ?? key;
  return BY_KEY.get(named) ?? null;
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

/** What is known of the job's surroundings that decides which advice applies. */
export interface AdviceContext {
  /** SQL Server is in play on the VM: a SQL workload protected on it, or an error that names SQL Server. */
  sqlServer?: boolean;
}

/** The advice added by situation, per locale (Japanese: with the `ja-jp` copies of the pages). */
const SITUATION_HINTS: Record<Locale, { sql: Advice; linux: Advice; enhanced: Advice }> = {
  en: { sql: SQL_SERVER_VSS_HINT, linux: LINUX_SCRIPTS_HINT, enhanced: ENHANCED_SCRIPTS_HINT },
  ja: {
    sql: { text: HINTS_JA.sqlServerVss, docUrl: jaLearnUrl(SQL_SERVER_VSS_HINT.docUrl) },
    linux: { text: HINTS_JA.linuxScripts, docUrl: jaLearnUrl(LINUX_SCRIPTS_HINT.docUrl) },
    enhanced: { text: HINTS_JA.enhancedScripts, docUrl: jaLearnUrl(ENHANCED_SCRIPTS_HINT.docUrl) },
  },
};

/** An entry's further steps in a locale, each with its page (the entry's own unless the step names another). */
function stepsOf(entry: CatalogueEntry, locale: Locale): Advice[] {
  if (locale === "en") return (entry.steps ?? []).map((text) => ({ text, docUrl: entry.docUrl }));
  const docUrl = jaLearnUrl(entry.docUrl);
  return (jaWords(entry.code).steps ?? []).map((s) => (typeof s === "string" ? { text: s, docUrl } : s));
}

/** Advice that goes with an entry beyond its one-line action (empty when there is none), in `locale`. */
export function hintsFor(
  entry: CatalogueEntry,
  context: AdviceContext = {},
  locale: Locale = "en",
): Advice[] {
  const steps = stepsOf(entry, locale);
  const hints = SITUATION_HINTS[locale];
  if (isVssCode(entry)) return context.sqlServer ? [...steps, hints.sql] : steps;
  if (isScriptWarning(entry)) return [...steps, hints.linux, hints.enhanced];
  return steps;
}

/**
 * What an entry means and what to do, in `locale`, with its page (Japanese: the `ja-jp` copy; a meaning or an
 * action the Japanese catalogue lacks is null, for the caller to say otherwise).
 */
export function wordsOf(
  entry: CatalogueEntry,
  locale: Locale = "en",
): { summary: string | null; action: string | null; docUrl: string } {
  if (locale === "en") return { summary: entry.summary, action: entry.action, docUrl: entry.docUrl };
  const ja = jaWords(entry.code);
  return { summary: ja.summary ?? null, action: ja.action ?? null, docUrl: jaLearnUrl(entry.docUrl) };
}

/** An advice line as one string: its text, then where it is documented. */
export function adviceLine(advice: Advice): string {
  return `${advice.text} (${advice.docUrl})`;
}

/**
 * The entry whose advice fits a job: its code's, except for an umbrella code whose inner error made it a VSS
 * problem, which gets the advice for VSS writers in a bad state.
 */
export function adviceEntryFor(code: string | null, category: string | null): CatalogueEntry | null {
  const entry = lookupCode(code);
  if (entry !== null && category === "vss" && entry.category !== "vss") {
    return lookupCode("ExtensionFailedVssWriterInBadState");
  }
  return entry;
}
