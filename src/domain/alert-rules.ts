/**
 * Alert rules: which newly read backup jobs deserve an alert, and the rule-list syntax that turns rules on
 * and off. Pure: the alert timer passes in the jobs, the history and the last firing times. The settings
 * module reads the setting written in this syntax and names it in its errors.
 *
 * Rule-list syntax (comma-separated, case-insensitive, spaces ignored; see docs/alerts.md):
 *   consecutive-failures[:N]   a VM's latest N runs failed (default N = 2)
 *   consistency-downgrade      a VM expected to be application-consistent got a file-system or crash point
 *   vss                        a job reported a VSS service or writer code
 *   cooldown:DURATION          quiet period per VM and rule, e.g. 30m, 12h, 2d (default 24h)
 *   off                        no alerts at all
 * Unset or empty: every rule on, N = 2, cooldown 24 h. A list naming only `cooldown` keeps the default rules.
 */
import { CONSISTENCY_DOC_URL, hintsFor, isVssCode, lookupCode, type CatalogueEntry } from "./catalogue.js";
import { DAY_MS, HOUR_MS, MINUTE_MS } from "./days.js";
import type { ClassifiedJob } from "./model.js";

export type AlertRuleName = "consecutive-failures" | "consistency-downgrade" | "vss";

export interface AlertRuleSet {
  /** Failed runs in a row that raise an alert; null when the rule is off. */
  consecutiveFailures: number | null;
  /** Alert when an application-consistent VM got a file-system or crash-consistent point. */
  downgrade: boolean;
  /** Alert on any VSS-category code. */
  vss: boolean;
  /** Quiet period after an alert, per VM and rule. */
  cooldownMs: number;
}

const MAX_COOLDOWN_MS = 30 * DAY_MS;
const DEFAULT_CONSECUTIVE = 2;
const MAX_CONSECUTIVE = 100;
const SYNTAX =
  "use a comma-separated list of consecutive-failures[:N], consistency-downgrade, vss, cooldown:DURATION, or off";

/** A rule list the parser does not understand; the message says what is wrong and how to write it. */
export class AlertRulesError extends Error {
  override name = "AlertRulesError";
}

export const DEFAULT_ALERT_RULES: Readonly<AlertRuleSet> = {
  consecutiveFailures: DEFAULT_CONSECUTIVE,
  downgrade: true,
  vss: true,
  cooldownMs: DAY_MS,
};

function parseCount(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONSECUTIVE) {
    throw new AlertRulesError(
      `consecutive-failures:${value} needs a whole number of runs from 1 to ${MAX_CONSECUTIVE}, e.g. consecutive-failures:3`,
    );
  }
  return n;
}

const UNIT_MS: Readonly<Record<string, number>> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };

function parseDuration(value: string): number {
  const m = /^(\d+)([mhd])$/.exec(value);
  const unitMs = m?.[2] === undefined ? undefined : UNIT_MS[m[2]];
  const ms = value === "0" ? 0 : unitMs === undefined ? NaN : Number(m?.[1]) * unitMs;
  if (!Number.isFinite(ms) || ms > MAX_COOLDOWN_MS) {
    throw new AlertRulesError(
      `cooldown:${value} needs a duration in minutes, hours or days up to 30d, e.g. cooldown:30m, cooldown:12h or cooldown:2d`,
    );
  }
  return ms;
}

/**
 * Reads a rule list. Unset or blank: the defaults. Throws AlertRulesError
 * on anything it does not understand.
 */
export function parseAlertRules(raw: string | null | undefined): AlertRuleSet {
  const tokens = (raw ?? "")
    .split(",")
    .map((t) => t.replace(/\s+/g, "").toLowerCase())
    .filter((t) => t !== "");
  if (tokens.length === 0) return { ...DEFAULT_ALERT_RULES };
  if (tokens.includes("off")) {
    if (tokens.length > 1)
      throw new AlertRulesError(`"off" turns every alert off and cannot be combined with other entries`);
    return {
      consecutiveFailures: null,
      downgrade: false,
      vss: false,
      cooldownMs: DEFAULT_ALERT_RULES.cooldownMs,
    };
  }

  const seen = new Set<string>();
  let consecutiveFailures: number | null = null;
  let downgrade = false;
  let vss = false;
  let cooldownMs: number = DEFAULT_ALERT_RULES.cooldownMs;
  for (const token of tokens) {
    const colon = token.indexOf(":");
    const name = colon < 0 ? token : token.slice(0, colon);
    const value = colon < 0 ? null : token.slice(colon + 1);
    if (seen.has(name)) throw new AlertRulesError(`"${name}" is given more than once`);
    seen.add(name);
    switch (name) {
      case "consecutive-failures":
        consecutiveFailures = value === null ? DEFAULT_CONSECUTIVE : parseCount(value);
        break;
      case "consistency-downgrade":
      case "vss":
        if (value !== null) throw new AlertRulesError(`"${name}" takes no value (found "${token}")`);
        if (name === "vss") vss = true;
        else downgrade = true;
        break;
      case "cooldown":
        if (value === null) throw new AlertRulesError(`cooldown needs a duration, e.g. cooldown:12h`);
        cooldownMs = parseDuration(value);
        break;
      default:
        throw new AlertRulesError(`unknown entry "${token}": ${SYNTAX}`);
    }
  }
  if (consecutiveFailures === null && !downgrade && !vss) {
    // Only a cooldown was given: the default rules stay on.
    return { ...DEFAULT_ALERT_RULES, cooldownMs };
  }
  return { consecutiveFailures, downgrade, vss, cooldownMs };
}

function formatDuration(ms: number): string {
  if (ms === 0) return "0";
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  return `${Math.round(ms / MINUTE_MS)}m`;
}

/** The rule set written back in the rule-list syntax, e.g. for a log line or `--help`. */
export function formatAlertRules(rules: AlertRuleSet): string {
  const parts: string[] = [];
  if (rules.consecutiveFailures !== null) parts.push(`consecutive-failures:${rules.consecutiveFailures}`);
  if (rules.downgrade) parts.push("consistency-downgrade");
  if (rules.vss) parts.push("vss");
  if (parts.length === 0) return "off";
  parts.push(`cooldown:${formatDuration(rules.cooldownMs)}`);
  return parts.join(",");
}

/** How many earlier non-cancelled jobs per VM the evaluation needs besides the new ones. */
export function historyNeeded(rules: AlertRuleSet): number {
  return rules.consecutiveFailures === null ? 0 : rules.consecutiveFailures - 1;
}

/**
 * The deduplication key of an alert: one per rule, vault and VM (names compared case-insensitively, as
 * Azure does). Contains no `/`, `\`, `#` or `?` for valid Azure names, so it can be a Table Storage key.
 */
export function alertKey(rule: AlertRuleName, vault: string, vm: string): string {
  return `${rule}|${vault.toLowerCase()}|${vm.toLowerCase()}`;
}

export interface Alert {
  rule: AlertRuleName;
  /** alertKey(rule, vault, vm): record the firing time under it. */
  key: string;
  vault: string;
  vm: string;
  /** The job that fired the rule (the latest one, when several did). */
  jobId: string;
  /** Start of that job, ISO-8601. */
  at: string;
  title: string;
  detail: string;
  errorCode: string | null;
  /** One line an operator can act on, when known. */
  action: string | null;
  /** Further advice that goes with the code (may be empty). */
  hints: string[];
  docUrl: string | null;
}

export interface AlertInput {
  /** Jobs read since the previous evaluation. */
  newJobs: readonly ClassifiedJob[];
  /**
   * Earlier jobs of one VM, in any order (at least historyNeeded(rules) non-cancelled ones when there are).
   * Jobs also present in newJobs are taken once, the new copy winning.
   */
  history: (vault: string, vm: string) => readonly ClassifiedJob[];
  rules: AlertRuleSet;
  /** When the alert under this key last fired (epoch ms), or undefined if never. */
  lastFiredMs: (key: string) => number | undefined;
  nowMs: number;
}

export interface AlertEvaluation {
  /** Alerts to post, ordered by vault, VM and rule. The caller records `nowMs` under each alert's key. */
  alerts: Alert[];
  /** Alerts that fired but fell within the cooldown of an earlier one. */
  suppressed: number;
}

const RULE_ORDER: readonly AlertRuleName[] = ["consecutive-failures", "consistency-downgrade", "vss"];

function startMs(job: ClassifiedJob): number {
  const t = Date.parse(job.start);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** Latest first; ties broken by job ID so the order never depends on input order. */
function latestFirst(a: ClassifiedJob, b: ClassifiedJob): number {
  return startMs(b) - startMs(a) || (a.jobId < b.jobId ? 1 : a.jobId > b.jobId ? -1 : 0);
}

/** The code's sentence for an alert's detail: " Code X: what it means" (empty for no code). */
function codeSentence(code: string | null, entry: CatalogueEntry | null): string {
  if (code === null) return "";
  return entry ? ` Code ${code}: ${entry.summary}` : ` Code ${code} (not in the catalogue).`;
}

interface AlertText {
  title: string;
  /** The detail's first sentence; the code's meaning is appended. */
  detail: string;
  /** Used when the job's code gives no action or doc link. */
  fallbackAction?: string;
  fallbackDocUrl?: string;
}

function alertFor(rule: AlertRuleName, job: ClassifiedJob, text: AlertText): Alert {
  const entry = lookupCode(job.errorCode);
  return {
    rule,
    key: alertKey(rule, job.vault, job.vm),
    vault: job.vault,
    vm: job.vm,
    jobId: job.jobId,
    at: job.start,
    title: text.title,
    detail: text.detail + codeSentence(job.errorCode, entry),
    errorCode: job.errorCode,
    action: entry?.action ?? text.fallbackAction ?? null,
    hints: entry ? hintsFor(entry) : [],
    docUrl: entry?.docUrl ?? text.fallbackDocUrl ?? null,
  };
}

function consecutiveFailuresAlert(
  jobs: readonly ClassifiedJob[],
  isNew: Set<string>,
  n: number,
): Alert | null {
  // Cancelled runs neither extend nor break a streak; any other finished run ends it.
  const streak: ClassifiedJob[] = [];
  for (const job of jobs) {
    if (job.status === "Cancelled") continue;
    if (job.status !== "Failed") break;
    streak.push(job);
  }
  const latest = streak[0];
  if (latest === undefined || streak.length < n || !streak.some((j) => isNew.has(j.jobId))) return null;
  return alertFor("consecutive-failures", latest, {
    title: `${latest.vm}: ${streak.length} failed backups in a row`,
    detail: `Vault ${latest.vault}: the last ${streak.length} backup jobs of ${latest.vm} failed; the latest is ${latest.jobId}, started ${latest.start}.`,
  });
}

/** What to check when a downgrade comes without a code that says more. */
function downgradeAdvice(job: ClassifiedJob): string {
  if (job.consistency === "crash") {
    return "If the VM was shut down cleanly at backup time this point is safe; otherwise check the VM agent and, on Windows, the VSS writers.";
  }
  return job.os === "Linux"
    ? "Check that the pre/post scripts in /etc/azure/VMSnapshotScriptPluginConfig.json ran and succeeded (config mode 600, scripts 700, root-owned)."
    : "Run `vssadmin list writers`; restart the services of writers not in [1] Stable, then the VSS service; reboot the VM if they stay unstable.";
}

function downgradeAlert(newJobs: readonly ClassifiedJob[]): Alert | null {
  const job = newJobs.find(
    (j) =>
      j.expectedConsistency === "application" &&
      (j.consistency === "file-system" || j.consistency === "crash"),
  );
  if (!job) return null;
  const level = `${job.consistency}-consistent`;
  return alertFor("consistency-downgrade", job, {
    title: `${job.vm}: ${level} backup instead of application-consistent`,
    detail: `Vault ${job.vault}: job ${job.jobId} (started ${job.start}, ${job.status}) left a ${level} recovery point (${job.consistencySource}); application consistency is expected of this VM.`,
    fallbackAction: downgradeAdvice(job),
    fallbackDocUrl: CONSISTENCY_DOC_URL,
  });
}

function vssAlert(newJobs: readonly ClassifiedJob[]): Alert | null {
  const job = newJobs.find((j) => {
    const entry = lookupCode(j.errorCode);
    return j.errorCategory === "vss" || (entry !== null && isVssCode(entry));
  });
  if (!job) return null;
  return alertFor("vss", job, {
    title: `${job.vm}: VSS problem (${job.errorCode ?? "no code"})`,
    detail: `Vault ${job.vault}: job ${job.jobId} (started ${job.start}) ended ${job.status}.`,
  });
}

/** Applies the rules to the jobs read since the previous evaluation. Pure. */
export function evaluateAlerts(input: AlertInput): AlertEvaluation {
  const { rules, nowMs } = input;
  const byVm = new Map<string, ClassifiedJob[]>();
  for (const job of input.newJobs) {
    const key = `${job.vault.toLowerCase()}|${job.vm.toLowerCase()}`;
    const list = byVm.get(key);
    if (list) list.push(job);
    else byVm.set(key, [job]);
  }

  const fired: Alert[] = [];
  for (const vmNewJobs of byVm.values()) {
    const newest = [...vmNewJobs].sort(latestFirst);
    const head = newest[0];
    if (head === undefined) continue;
    if (rules.consecutiveFailures !== null) {
      const merged = new Map<string, ClassifiedJob>();
      for (const job of input.history(head.vault, head.vm)) merged.set(job.jobId, job);
      for (const job of newest) merged.set(job.jobId, job);
      const isNew = new Set(newest.map((j) => j.jobId));
      const alert = consecutiveFailuresAlert(
        [...merged.values()].sort(latestFirst),
        isNew,
        rules.consecutiveFailures,
      );
      if (alert) fired.push(alert);
    }
    if (rules.downgrade) {
      const alert = downgradeAlert(newest);
      if (alert) fired.push(alert);
    }
    if (rules.vss) {
      const alert = vssAlert(newest);
      if (alert) fired.push(alert);
    }
  }

  const alerts: Alert[] = [];
  let suppressed = 0;
  for (const alert of fired) {
    const last = input.lastFiredMs(alert.key);
    if (last !== undefined && nowMs - last < rules.cooldownMs) suppressed++;
    else alerts.push(alert);
  }
  alerts.sort(
    (a, b) =>
      a.vault.localeCompare(b.vault) ||
      a.vm.localeCompare(b.vm) ||
      RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule),
  );
  return { alerts, suppressed };
}
