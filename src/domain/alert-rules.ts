/**
 * Alert rules: which newly read backup jobs deserve an alert. Pure: the alert timer passes in the jobs, the
 * history and the last firing times. The rule-list syntax lives in alert-rule-list.ts.
 *
 * A job that trips several rules gets ONE alert naming every reason (a VSS writer failure that also left a
 * file-system point is one alert, not two). The cooldown stays per VM and rule: a reason still cooling down is
 * left out of the alert, and an alert whose every reason is cooling down is not raised.
 */
import {
  adviceEntryFor,
  adviceLine,
  hintsFor,
  isVssCode,
  lookupCode,
  wordsOf,
  type AdviceContext,
  type CatalogueEntry,
} from "./catalogue.js";
import { alertKey, RULE_ORDER, type AlertRuleName, type AlertRuleSet } from "./alert-rule-list.js";
import { isConsistencyNotConfirmed } from "./consistency.js";
import { formatInstant, messagesFor, type Locale, type Messages } from "./messages/index.js";
import type { ClassifiedJob } from "./model.js";

export * from "./alert-rule-list.js";

export interface Alert {
  /** The first of `rules`: the alert's main reason. */
  rule: AlertRuleName;
  /** Every rule that fired for this job and is not cooling down, in rule order. */
  rules: AlertRuleName[];
  /** alertKey(rule, vault, vm) of `rule`. */
  key: string;
  /** alertKey of each of `rules`, same order: record the firing time under each. */
  keys: string[];
  vault: string;
  vm: string;
  /** Lower-case resource IDs of the VM and its vault, when the job carried them. */
  vmId: string | null;
  vaultId: string | null;
  /** The job that fired the rules. */
  jobId: string;
  /** Start of that job, ISO-8601. */
  at: string;
  /** The main reason's title. */
  title: string;
  /** The main reason's detail, with every further reason after it. */
  detail: string;
  /** One line per reason, in rule order. */
  reasons: string[];
  errorCode: string | null;
  /** One line an operator can act on, when known. */
  action: string | null;
  /** Further advice that applies to this job (may be empty), each with its doc link. */
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
  /** The language of the alerts' sentences and advice (PULSE_LOCALE; default English). */
  locale?: Locale;
  /** Where the alerts' times are said (PULSE_TIMEZONE; default UTC); English keeps ISO-8601. */
  timeZone?: string;
}

/** The words of an evaluation: the locale's table and how it writes a job's start. */
interface Words {
  m: Messages;
  at: (job: ClassifiedJob) => string;
}

export interface AlertEvaluation {
  /** Alerts to post, ordered by vault, VM and rule. The caller records `nowMs` under each of an alert's keys. */
  alerts: Alert[];
  /** Reasons that fired but fell within the cooldown of an earlier alert of the same VM and rule. */
  suppressed: number;
}

function startMs(job: ClassifiedJob): number {
  const t = Date.parse(job.start);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/** Latest first; ties broken by job ID so the order never depends on input order. */
function latestFirst(a: ClassifiedJob, b: ClassifiedJob): number {
  return startMs(b) - startMs(a) || (a.jobId < b.jobId ? 1 : a.jobId > b.jobId ? -1 : 0);
}

/** The code's sentences for an alert's detail: "Code X: what it means", then Azure's detail (none for no code). */
function codeSentences(job: ClassifiedJob, entry: CatalogueEntry | null, w: Words): string[] {
  const code = job.errorCode;
  if (code === null) return [];
  const meaning = w.m.rule.code(code, entry ? (wordsOf(entry, w.m.locale).summary ?? "") : null);
  return job.errorDetail ? [meaning, w.m.rule.errorDetail(job.errorDetail)] : [meaning];
}

/** One rule's finding on one job. */
interface Reason {
  rule: AlertRuleName;
  job: ClassifiedJob;
  title: string;
  /** The detail's first sentence. */
  detail: string;
  /** Used when the job's code gives no action or doc link. */
  fallbackAction?: string;
  fallbackDocUrl?: string;
}

function consecutiveFailures(
  jobs: readonly ClassifiedJob[],
  isNew: Set<string>,
  n: number,
  w: Words,
): Reason | null {
  // Cancelled runs neither extend nor break a streak; any other finished run ends it.
  const streak: ClassifiedJob[] = [];
  for (const job of jobs) {
    if (job.status === "Cancelled") continue;
    if (job.status !== "Failed") break;
    streak.push(job);
  }
  const latest = streak[0];
  if (latest === undefined || streak.length < n || !streak.some((j) => isNew.has(j.jobId))) return null;
  return {
    rule: "consecutive-failures",
    job: latest,
    title: w.m.rule.streakTitle(latest.vm, streak.length),
    detail: w.m.rule.streakDetail(latest.vault, latest.vm, streak.length, latest.jobId, w.at(latest)),
  };
}

/** What to check when a downgrade comes without a code that says more. */
function downgradeAdvice(job: ClassifiedJob, m: Messages): string {
  const advice = m.rule.advice;
  if (job.consistency === "crash") {
    return job.powerState === "running" ? advice.crashRunning : advice.crashOffline;
  }
  return job.os === "Linux" ? advice.linuxScripts : advice.windowsVss;
}

/** A crash point of a VM known to have been stopped is what a stopped VM gets: never a downgrade. */
function isDowngrade(j: ClassifiedJob): boolean {
  if (j.expectedConsistency !== "application") return false;
  if (j.consistency === "crash") return j.powerState !== "stopped";
  return j.consistency === "file-system";
}

function downgrade(newJobs: readonly ClassifiedJob[], w: Words): Reason | null {
  const job = newJobs.find(isDowngrade);
  if (!job) return null;
  return {
    rule: "consistency-downgrade",
    job,
    title: w.m.rule.downgradeTitle(job.vm, job.consistency),
    detail: w.m.rule.downgradeDetail({
      vault: job.vault,
      jobId: job.jobId,
      at: w.at(job),
      status: job.status,
      consistency: job.consistency,
      running: job.powerState === "running",
      source: job.consistencySource,
    }),
    fallbackAction: downgradeAdvice(job, w.m),
    fallbackDocUrl: w.m.consistencyUrl,
  };
}

function vss(newJobs: readonly ClassifiedJob[], w: Words): Reason | null {
  const job = newJobs.find((j) => {
    const entry = lookupCode(j.errorCode);
    return j.errorCategory === "vss" || (entry !== null && isVssCode(entry));
  });
  if (!job) return null;
  return {
    rule: "vss",
    job,
    title: w.m.rule.vssTitle(job.vm, job.errorCode),
    detail: w.m.rule.vssDetail(job.vault, job.jobId, w.at(job), job.status),
  };
}

function notConfirmed(newJobs: readonly ClassifiedJob[], w: Words): Reason | null {
  const job = newJobs.find(isConsistencyNotConfirmed);
  if (!job) return null;
  return {
    rule: "consistency-not-confirmed",
    job,
    title: w.m.rule.notConfirmedTitle(job.vm),
    detail: w.m.rule.notConfirmedDetail(job.vault, job.jobId, w.at(job)),
    fallbackAction: w.m.rule.notConfirmedAction,
    fallbackDocUrl: w.m.consistencyUrl,
  };
}

/**
 * SQL Server is in play when the vault protects SQL Server databases inside the VM, or when the job's own error
 * names it (a SQL VSS writer, for instance).
 */
export function adviceContextOf(job: Pick<ClassifiedJob, "errorDetail" | "sqlServer">): AdviceContext {
  return {
    sqlServer: job.sqlServer === true || /\bsql\b|sqlserverwriter|sql ?server/i.test(job.errorDetail ?? ""),
  };
}

/** The one alert of a job, from the reasons that fired for it (in rule order). */
function alertOf(reasons: readonly Reason[], w: Words): Alert {
  const main = reasons[0] as Reason;
  const { job } = main;
  const { m } = w;
  const entry = adviceEntryFor(job.errorCode, job.errorCategory);
  const words = entry ? wordsOf(entry, m.locale) : null;
  const docUrl = words?.docUrl ?? reasons.find((r) => r.fallbackDocUrl)?.fallbackDocUrl ?? null;
  // Advice documented on the alert's own page needs no second link.
  const hints = entry
    ? hintsFor(entry, adviceContextOf(job), m.locale).map((a) =>
        a.docUrl === docUrl ? a.text : adviceLine(a),
      )
    : [];
  const further = reasons.slice(1).map((r) => m.rule.also(r.title));
  return {
    rule: main.rule,
    rules: reasons.map((r) => r.rule),
    key: alertKey(main.rule, job.vault, job.vm),
    keys: reasons.map((r) => alertKey(r.rule, job.vault, job.vm)),
    vault: job.vault,
    vm: job.vm,
    vmId: job.vmId,
    vaultId: job.vaultId,
    jobId: job.jobId,
    at: job.start,
    title: main.title,
    detail: [main.detail, ...codeSentences(job, lookupCode(job.errorCode), w), ...further].join(m.rule.sep),
    reasons: reasons.map((r) => r.title),
    errorCode: job.errorCode,
    action: entry
      ? (words?.action ?? m.action.seeDoc)
      : (reasons.find((r) => r.fallbackAction)?.fallbackAction ?? null),
    hints,
    docUrl,
  };
}

/** The reasons that fire for one VM's new jobs (latest first), before any cooldown. */
function reasonsOfVm(
  input: AlertInput,
  newest: readonly ClassifiedJob[],
  head: ClassifiedJob,
  w: Words,
): Reason[] {
  const { rules } = input;
  const found: (Reason | null)[] = [];
  if (rules.consecutiveFailures !== null) {
    const merged = new Map<string, ClassifiedJob>();
    for (const job of input.history(head.vault, head.vm)) merged.set(job.jobId, job);
    for (const job of newest) merged.set(job.jobId, job);
    const isNew = new Set(newest.map((j) => j.jobId));
    found.push(
      consecutiveFailures([...merged.values()].sort(latestFirst), isNew, rules.consecutiveFailures, w),
    );
  }
  if (rules.vss) found.push(vss(newest, w));
  if (rules.downgrade) found.push(downgrade(newest, w));
  if (rules.notConfirmed) found.push(notConfirmed(newest, w));
  return found.filter((r): r is Reason => r !== null);
}

/** Applies the rules to the jobs read since the previous evaluation. Pure. */
export function evaluateAlerts(input: AlertInput): AlertEvaluation {
  const { rules, nowMs } = input;
  const m = messagesFor(input.locale);
  const w: Words = { m, at: (job) => formatInstant(job.start, m, input.timeZone) };
  const byVm = new Map<string, ClassifiedJob[]>();
  for (const job of input.newJobs) {
    const key = `${job.vault.toLowerCase()}|${job.vm.toLowerCase()}`;
    const list = byVm.get(key);
    if (list) list.push(job);
    else byVm.set(key, [job]);
  }

  const alerts: Alert[] = [];
  let suppressed = 0;
  for (const vmNewJobs of byVm.values()) {
    const newest = [...vmNewJobs].sort(latestFirst);
    const head = newest[0];
    if (head === undefined) continue;
    const byJob = new Map<string, Reason[]>();
    for (const reason of reasonsOfVm(input, newest, head, w)) {
      const last = input.lastFiredMs(alertKey(reason.rule, reason.job.vault, reason.job.vm));
      if (last !== undefined && nowMs - last < rules.cooldownMs) {
        suppressed++;
        continue;
      }
      const list = byJob.get(reason.job.jobId);
      if (list) list.push(reason);
      else byJob.set(reason.job.jobId, [reason]);
    }
    for (const reasons of byJob.values()) alerts.push(alertOf(reasons, w));
  }
  alerts.sort(
    (a, b) =>
      a.vault.localeCompare(b.vault) ||
      a.vm.localeCompare(b.vm) ||
      RULE_ORDER.indexOf(a.rule) - RULE_ORDER.indexOf(b.rule),
  );
  return { alerts, suppressed };
}

/** One record per rule of each alert: what the caller remembers for the cooldown. */
export function firingsOf(
  alerts: readonly Alert[],
): { key: string; rule: AlertRuleName; jobId: string; vault: string; vm: string }[] {
  return alerts.flatMap((a) =>
    a.rules.map((rule, i) => ({ key: a.keys[i] ?? a.key, rule, jobId: a.jobId, vault: a.vault, vm: a.vm })),
  );
}
