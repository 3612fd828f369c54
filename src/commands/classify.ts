/**
 * `backup-pulse classify --input FILE [--format json|table]`: classify an exported query result offline.
 */
import { parseArgs } from "node:util";
import { loadConfig, SettingError } from "../config.js";
import { CONSISTENCY_DOC_URL, lookupCode } from "../domain/catalogue.js";
import { TROUBLESHOOT_URL } from "../domain/digest.js";
import { BELOW_WITHOUT_CODE, FAILED_WITHOUT_CODE, UNKNOWN_CODE_ACTION } from "../domain/digest/codes.js";
import { labelsFor } from "../domain/identity.js";
import { classifyJob, jobVerdict, SummaryCounter, type ClassifySummary } from "../domain/classify.js";
import { isoOfMs } from "../domain/days.js";
import { linuxScriptSetting } from "../domain/consistency.js";
import type { BackupJob, ClassifiedJob, ClassifyOptions } from "../domain/model.js";
import { visible, visibleLines } from "../domain/visible-text.js";
import { InputError, type ExportFormat } from "../logs/formats.js";
import { readExportJobs, type ExportJobs } from "../logs/formats-stream.js";
import type { JobList, ReadCounts } from "../logs/normalise.js";
import { writeChunk, type CommandIo } from "./io.js";

export const CLASSIFY_USAGE = `Usage: backup-pulse classify --input FILE [--format json|table]

Classifies the Azure VM backup jobs in an exported Log Analytics query result, offline.

FILE may be:
  - a Log Analytics REST response (tables / columns / rows),
  - the JSON array printed by "az monitor log-analytics query -o json",
  - the CSV exported from the portal ("Export to CSV"), in any portal language: en-US, en-GB or ja-JP
    dates, "," ";" or tab between fields.
Rows may come from AddonAzureBackupJobs (joined or not with CoreAzureBackup), from the legacy
AzureDiagnostics table, or from _AzureBackup_GetJobs().

Options:
  -i, --input FILE     the export to read (required)
  -f, --format FORMAT  json (default): {jobs, rejected, excluded, summary} on stdout; each job
                       with its action line and doc link
                       table: a readable summary (consistency, categories, degraded jobs, top codes)
  -h, --help           show this help

Settings:
  PULSE_LINUX_APP_CONSISTENT_VMS  comma-separated Linux VM names or *-patterns that run pre/post
                                  scripts, so application consistency is expected of them

Exit codes: 0 classified, 1 failed, 2 bad usage, file or setting.
`;

/** Checks and reads the one setting classify uses. */
export function classifyOptionsFromEnv(env: CommandIo["env"]): ClassifyOptions {
  const name = "PULSE_LINUX_APP_CONSISTENT_VMS";
  return { linuxAppConsistentVms: loadConfig({ [name]: env[name] }).linuxAppConsistentVms };
}

export interface ClassifyReport {
  read: ReadCounts;
  summary: ClassifySummary;
  /** The degraded jobs the table shows: the first {@link DEGRADED_SHOWN} by start, then VM. */
  degradedShown: ClassifiedJob[];
  /** Every VM and vault ID of the classified jobs (the table tells same-named ones apart). */
  vmIds: ReadonlySet<string>;
  vaultIds: ReadonlySet<string>;
  /** How a CSV writes dates and separates fields, when not the en-US portal's way. */
  dialect?: string;
}

const DEGRADED_SHOWN = 50;

function byStartThenVm(a: { start: string; vm: string }, b: { start: string; vm: string }): number {
  return a.start < b.start ? -1 : a.start > b.start ? 1 : a.vm < b.vm ? -1 : a.vm > b.vm ? 1 : 0;
}

/**
 * Classifies jobs one at a time and keeps only what the report needs (counts, IDs, the degraded jobs shown),
 * so a large read is never held twice.
 */
export class ClassifyTally {
  private readonly counter = new SummaryCounter();
  private degraded: ClassifiedJob[] = [];
  /** The last of the degraded jobs shown, once as many are kept. */
  private last: ClassifiedJob | undefined;
  private readonly vmIds = new Set<string>();
  private readonly vaultIds = new Set<string>();
  /** What is worked out once for the jobs of one place (see JobFacts). */
  private readonly places = new Map<object, { linux: boolean | null | undefined }>();

  constructor(private readonly options: ClassifyOptions) {}

  add(job: BackupJob): ClassifiedJob {
    const classified = classifyJob(job, this.options);
    this.counter.add(classified);
    if (classified.vmId) this.vmIds.add(classified.vmId);
    if (classified.vaultId) this.vaultIds.add(classified.vaultId);
    // A job that sorts after the last one shown so far (or with it: the earlier job stays first) is never shown.
    if (classified.degraded && (this.last === undefined || byStartThenVm(classified, this.last) < 0)) {
      this.keepDegraded(classified);
    }
    return classified;
  }

  /**
   * Counts a job as {@link add} does, but builds its classified job only when the table may show it: the verdict
   * is shared by every job with the same code, status and OS.
   */
  count(jobs: JobList, k: number): void {
    const job = jobs.facts?.(k) ?? jobs.at(k);
    if (!job) return;
    let place = "place" in job ? this.places.get(job.place) : undefined;
    if (place === undefined) {
      // The IDs of the jobs of one place are added once.
      const vmId = job.vmId?.toLowerCase() ?? null;
      if (vmId) this.vmIds.add(vmId);
      const vaultId = job.vaultId?.toLowerCase() ?? null;
      if (vaultId) this.vaultIds.add(vaultId);
      place = { linux: job.os === "Linux" ? linuxScriptSetting(job.vm, this.options) : undefined };
      if ("place" in job) this.places.set(job.place, place);
    }
    if (job.os === "Linux" && place.linux === undefined)
      place.linux = linuxScriptSetting(job.vm, this.options);
    const verdict = jobVerdict(job, this.options, place.linux ?? null);
    this.counter.count(job.status, job.vm, verdict);
    if (!verdict.degraded) return;
    if (
      this.last === undefined ||
      byStartThenVm({ start: isoOfMs(job.startMs), vm: job.vm }, this.last) < 0
    ) {
      const whole = "place" in job ? jobs.at(k) : job;
      if (whole) this.keepDegraded(classifyJob(whole, this.options));
    }
  }

  private keepDegraded(classified: ClassifiedJob): void {
    this.degraded.push(classified);
    // A stable sort keeps the earlier job first among equals, as sorting them all at once would.
    if (this.degraded.length >= 4 * DEGRADED_SHOWN) {
      this.degraded = this.shown();
      this.last = this.degraded[DEGRADED_SHOWN - 1];
    }
  }

  private shown(): ClassifiedJob[] {
    return this.degraded.sort(byStartThenVm).slice(0, DEGRADED_SHOWN);
  }

  report(read: ReadCounts, dialect?: string): ClassifyReport {
    return {
      read,
      summary: this.counter.summary(),
      degradedShown: this.shown(),
      vmIds: this.vmIds,
      vaultIds: this.vaultIds,
      ...(dialect ? { dialect } : {}),
    };
  }
}

/** Classifies every job that was read (no recovery-point look-ups: consistency is inferred). */
export function classifyRead(
  read: ReadCounts & { jobs: JobList },
  options: ClassifyOptions,
  dialect?: string,
): ClassifyReport {
  const tally = new ClassifyTally(options);
  for (let k = 0; k < read.jobs.length; k++) {
    tally.count(read.jobs, k);
  }
  return tally.report(read, dialect);
}

const FORMAT_NAMES: Record<ExportFormat, string> = {
  rest: "Log Analytics REST response",
  "az-json": "az CLI JSON",
  csv: "portal CSV",
};

function pad(text: string, width: number): string {
  return text.length >= width ? text : text + " ".repeat(width - text.length);
}

function excludedTotal(read: ReadCounts): number {
  return Object.values(read.excluded).reduce((a, b) => a + (b ?? 0), 0);
}

/** The readable terminal summary. Names, codes and reasons are shown with `visible` (the file is untrusted). */
export function renderTable(report: ClassifyReport, source: { name: string; format?: ExportFormat }): string {
  const { read, summary } = report;
  const lines: string[] = [];
  const dialect = report.dialect ? `, ${report.dialect}` : "";
  const format = source.format ? ` (${FORMAT_NAMES[source.format]}${dialect})` : "";
  lines.push(
    `${source.name}${format}: ${read.rowsRead} rows, ${summary.jobs} VM backup jobs classified, ` +
      `${read.duplicates} duplicate rows, ${excludedTotal(read)} left out, ${read.rejected.length} rejected.`,
  );
  const left = Object.entries(read.excluded).filter(([, n]) => (n ?? 0) > 0);
  if (left.length > 0) lines.push(`Left out: ${left.map(([k, n]) => `${k} ${n ?? 0}`).join(", ")}`);
  lines.push("");

  lines.push("Status                  jobs");
  for (const status of ["Completed", "CompletedWithWarnings", "Failed", "Cancelled"]) {
    lines.push(`  ${pad(status, 22)}${summary.byStatus[status] ?? 0}`);
  }
  lines.push("");
  lines.push("Consistency             jobs");
  for (const [level, n] of Object.entries(summary.byConsistency)) lines.push(`  ${pad(level, 22)}${n}`);
  lines.push(`  ${pad("degraded", 22)}${summary.degraded}`);
  lines.push("");

  const categories = Object.entries(summary.byCategory).sort((a, b) => b[1] - a[1]);
  if (categories.length > 0) {
    lines.push("Error category          jobs");
    for (const [category, n] of categories) lines.push(`  ${pad(visible(category), 22)}${n}`);
    lines.push("");
  }

  if (summary.degraded > 0) {
    const shown = report.degradedShown;
    // Same-named VMs (and vaults) are told apart by resource group, then subscription.
    const vmLabels = labelsFor(report.vmIds);
    const vaultLabels = labelsFor(report.vaultIds);
    lines.push(`Degraded jobs (${summary.degraded})`);
    lines.push(
      `  ${pad("start (UTC)", 18)}${pad("vm", 24)}${pad("vault", 20)}${pad("status", 23)}` +
        `${pad("got / expected", 26)}code`,
    );
    for (const j of shown) {
      lines.push(
        `  ${pad(visible(j.start.slice(0, 16).replace("T", " ")), 18)}${pad(visible((j.vmId && vmLabels.get(j.vmId)) || j.vm), 24)}` +
          `${pad(visible((j.vaultId && vaultLabels.get(j.vaultId)) || j.vault), 20)}${pad(j.status, 23)}` +
          `${pad(`${j.consistency} / ${j.expectedConsistency}`, 26)}${j.errorCode ?? "-"}`,
      );
    }
    if (summary.degraded > shown.length) lines.push(`  ... and ${summary.degraded - shown.length} more`);
    lines.push("");
  }

  if (summary.topCodes.length > 0) {
    lines.push("Top codes");
    for (const c of summary.topCodes) {
      const entry = lookupCode(c.code);
      lines.push(`  ${c.code} (${c.category}): ${c.jobs} jobs on ${c.vms} VMs`);
      lines.push(
        entry
          ? `      what to do: ${entry.action}`
          : "      not in the catalogue: see https://learn.microsoft.com/azure/backup/backup-azure-vms-troubleshoot",
      );
    }
    lines.push("");
  }

  if (read.rejected.length > 0) {
    lines.push(`Rejected rows (${read.rejected.length})`);
    for (const r of read.rejected.slice(0, 20)) lines.push(`  row ${r.row}: ${r.reason}`);
    if (read.rejected.length > 20) lines.push(`  ... and ${read.rejected.length - 20} more`);
    lines.push("");
  }
  return visibleLines(lines);
}

/**
 * What to do about a job and where Microsoft explains it: the catalogue's action line and page for its code;
 * for a code the catalogue does not know, or a failure without a code, the troubleshooting guide; for a point
 * below the expected consistency without a code, the consistency page. Null for a job that needs nothing.
 */
export function jobAdvice(job: ClassifiedJob): { action: string | null; docUrl: string | null } {
  const entry = lookupCode(job.errorCode);
  if (entry) return { action: entry.action, docUrl: entry.docUrl };
  if (job.errorCode) return { action: UNKNOWN_CODE_ACTION, docUrl: TROUBLESHOOT_URL };
  if (job.status === "Failed" || job.status === "Cancelled") {
    return { action: FAILED_WITHOUT_CODE, docUrl: TROUBLESHOOT_URL };
  }
  if (job.degraded) return { action: BELOW_WITHOUT_CODE, docUrl: CONSISTENCY_DOC_URL };
  return { action: null, docUrl: null };
}

/**
 * Writes `{jobs, rejected, excluded, summary}` in chunks, classifying each job as it is written: a large result
 * needs neither a single huge string nor all its classified jobs at once.
 */
async function writeJson(io: CommandIo, read: ExportJobs, options: ClassifyOptions): Promise<ClassifyReport> {
  const tally = new ClassifyTally(options);
  await writeChunk(io.stdout, '{"jobs":[');
  const batch = 2000;
  for (let i = 0; i < read.jobs.length; i += batch) {
    const part: string[] = [];
    const end = Math.min(read.jobs.length, i + batch);
    for (let k = i; k < end; k++) {
      const job = read.jobs.at(k);
      if (!job) continue;
      const classified = tally.add(job);
      part.push(JSON.stringify({ ...classified, ...jobAdvice(classified) }));
    }
    await writeChunk(io.stdout, (i === 0 ? "\n" : ",\n") + part.join(",\n"));
  }
  const report = tally.report(read, read.dialect);
  const { summary } = report;
  const tail = {
    ...(report.dialect ? { input: { format: "csv", dialect: report.dialect } } : {}),
    rejected: read.rejected,
    excluded: read.excluded,
    summary: { rowsRead: read.rowsRead, duplicates: read.duplicates, ...summary },
  };
  const rest = JSON.stringify(tail);
  await writeChunk(io.stdout, `\n],${rest.slice(1)}\n`);
  return report;
}

class FileUnreadable extends Error {
  override name = "FileUnreadable";
}

/** Reads and parses the file; a file that cannot be opened at all becomes FileUnreadable. */
async function readInput(file: string): Promise<ExportJobs> {
  try {
    return await readExportJobs(file);
  } catch (error) {
    if (error instanceof InputError) throw error;
    const code = (error as { code?: unknown } | null)?.code;
    if (typeof code === "string") throw new FileUnreadable(fileProblem(error, file));
    throw error;
  }
}

function fail(io: CommandIo, message: string): number {
  io.stderr.write(`backup-pulse classify: ${message}\n`);
  return 2;
}

function fileProblem(error: unknown, file: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === "ENOENT") return `cannot read ${file}: no such file`;
  if (code === "EISDIR") return `cannot read ${file}: it is a directory`;
  if (code === "EACCES") return `cannot read ${file}: permission denied`;
  return `cannot read ${file}: ${error instanceof Error ? error.message : String(error)}`;
}

export async function runClassify(args: string[], io: CommandIo): Promise<number> {
  let values: { input?: string; format?: string; help?: boolean };
  try {
    ({ values } = parseArgs({
      args,
      options: {
        input: { type: "string", short: "i" },
        format: { type: "string", short: "f" },
        help: { type: "boolean", short: "h" },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return fail(io, `${error instanceof Error ? error.message : String(error)} (see --help)`);
  }
  if (values.help) {
    io.stdout.write(CLASSIFY_USAGE);
    return 0;
  }
  const format = values.format ?? "json";
  if (format !== "json" && format !== "table") {
    return fail(io, `--format must be json or table, not "${format.slice(0, 40)}"`);
  }
  if (values.input === undefined || values.input === "") {
    return fail(io, "--input FILE is required (see --help)");
  }
  let options: ClassifyOptions;
  try {
    options = classifyOptionsFromEnv(io.env);
  } catch (error) {
    if (error instanceof SettingError) return fail(io, error.message);
    throw error;
  }
  let read: ExportJobs;
  try {
    read = await readInput(values.input);
  } catch (error) {
    if (error instanceof FileUnreadable) return fail(io, error.message);
    if (error instanceof InputError) return fail(io, `${values.input}: ${error.message}`);
    throw error;
  }
  if (format === "table") {
    const report = classifyRead(read, options, read.dialect);
    await writeChunk(io.stdout, renderTable(report, { name: values.input, format: read.format }) + "\n");
  } else {
    const report = await writeJson(io, read, options);
    io.stderr.write(
      `Classified ${report.summary.jobs} jobs from ${read.rowsRead} rows ` +
        `(${read.duplicates} duplicates, ${excludedTotal(read)} left out, ${read.rejected.length} rejected).\n`,
    );
  }
  return 0;
}
