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
  CONSISTENCY_DOC_URL,
  hintsFor,
  isVssCode,
  lookupCode,
  type AdviceContext,
  type CatalogueEntry,
} from "./catalogue.js";
import { alertKey, RULE_ORDER, type AlertRuleName, type AlertRuleSet } from "./alert-rule-list.js";
import { isConsistencyNotConfirmed } from "./consistency.js";
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

/** The code's sentence for an alert's detail: " Code X: what it means" (empty for no code). */
function codeSentence(job: ClassifiedJob, entry: CatalogueEntry | null): string {
  const code = job.errorCode;
  if (code === null) return "";
  const meaning = entry ? ` Code ${code}: ${entry.summary}` : ` Code ${code} (not in the catalogue).`;
  return job.errorDetail ? `${meaning} Detail: ${job.errorDetail}` : meaning;
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

function consecutiveFailures(jobs: readonly ClassifiedJob[], isNew: Set<string>, n: number): Reason | null {
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
    title: `${latest.vm}: ${streak.length} failed backups in a row`,
    detail: `Vault ${latest.vault}: the last ${streak.length} backup jobs of ${latest.vm} failed; the latest is ${latest.jobId}, started ${latest.start}.`,
  };
}

/** What to check when a downgrade comes without a code that says more. */
function downgradeAdvice(job: ClassifiedJob): string {
  if (job.consistency === "crash") {
    if (job.powerState === "running") {
      return "The VM was running, so this is a fallback: check the VM agent and, on Windows, the VSS writers (on Linux, the pre/post scripts and fsfreeze).";
    }
    return "If the VM was shut down cleanly at backup time this point is safe; otherwise check the VM agent and, on Windows, the VSS writers.";
  }
  return job.os === "Linux"
    ? "Check that the pre/post scripts in /etc/azure/VMSnapshotScriptPluginConfig.json ran and succeeded (config mode 600, scripts 700, root-owned)."
    : "Run `vssadmin list writers`; restart the services of writers not in [1] Stable, then the VSS service; reboot the VM if they stay unstable.";
}

/** A crash point of a VM known to have been stopped is what a stopped VM gets: never a downgrade. */
function isDowngrade(j: ClassifiedJob): boolean {
  if (j.expectedConsistency !== "application") return false;
  if (j.consistency === "crash") return j.powerState !== "stopped";
  return j.consistency === "file-system";
}

function downgrade(newJobs: readonly ClassifiedJob[]): Reason | null {
  const job = newJobs.find(isDowngrade);
  if (!job) return null;
  const level = `${job.consistency}-consistent`;
  const running = job.powerState === "running" ? " while the VM was running" : "";
  return {
    rule: "consistency-downgrade",
    job,
    title: `${job.vm}: ${level} backup instead of application-consistent`,
    detail: `Vault ${job.vault}: job ${job.jobId} (started ${job.start}, ${job.status}) left a ${level} recovery point${running} (${job.consistencySource}); application consistency is expected of this VM.`,
    fallbackAction: downgradeAdvice(job),
    fallbackDocUrl: CONSISTENCY_DOC_URL,
  };
}

function vss(newJobs: readonly ClassifiedJob[]): Reason | null {
  const job = newJobs.find((j) => {
    const entry = lookupCode(j.errorCode);
    return j.errorCategory === "vss" || (entry !== null && isVssCode(entry));
  });
  if (!job) return null;
  return {
    rule: "vss",
    job,
    title: `${job.vm}: VSS problem (${job.errorCode ?? "no code"})`,
    detail: `Vault ${job.vault}: job ${job.jobId} (started ${job.start}) ended ${job.status}.`,
  };
}

function notConfirmed(newJobs: readonly ClassifiedJob[]): Reason | null {
  const job = newJobs.find(isConsistencyNotConfirmed);
  if (!job) return null;
  return {
    rule: "consistency-not-confirmed",
    job,
    title: `${job.vm}: backup completed with warnings, consistency not confirmed`,
    detail: `Vault ${job.vault}: job ${job.jobId} (started ${job.start}) completed with warnings; what its recovery point lost could not be confirmed (the recovery point was not read).`,
    fallbackAction:
      "Open the job's recovery point in the vault to see its consistency, and give the identity the Backup Reader role on the vault so the next run can read it.",
    fallbackDocUrl: CONSISTENCY_DOC_URL,
  };
}

/** SQL Server is in play when the job's own error names it (a SQL VSS writer, for instance). */
export function adviceContextOf(job: Pick<ClassifiedJob, "errorDetail">): AdviceContext {
  return { sqlServer: /\bsql\b|sqlserverwriter|sql ?server/i.test(job.errorDetail ?? "") };
}

/** The one alert of a job, from the reasons that fired for it (in rule order). */
function alertOf(reasons: readonly Reason[]): Alert {
  const main = reasons[0] as Reason;
  const { job } = main;
  const entry = adviceEntryFor(job.errorCode, job.errorCategory);
  const docUrl = entry?.docUrl ?? reasons.find((r) => r.fallbackDocUrl)?.fallbackDocUrl ?? null;
  // Advice documented on the alert's own page needs no second link.
  const hints = entry
    ? hintsFor(entry, adviceContextOf(job)).map((a) => (a.docUrl === docUrl ? a.text : adviceLine(a)))
    : [];
  const further = reasons.slice(1).map((r) => `Also: ${r.title}.`);
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
    detail: [main.detail + codeSentence(job, lookupCode(job.errorCode)), ...further].join(" "),
    reasons: reasons.map((r) => r.title),
    errorCode: job.errorCode,
    action: entry?.action ?? reasons.find((r) => r.fallbackAction)?.fallbackAction ?? null,
    hints,
    docUrl,
  };
}

/** The reasons that fire for one VM's new jobs (latest first), before any cooldown. */
function reasonsOfVm(input: AlertInput, newest: readonly ClassifiedJob[], head: ClassifiedJob): Reason[] {
  const { rules } = input;
  const found: (Reason | null)[] = [];
  if (rules.consecutiveFailures !== null) {
    const merged = new Map<string, ClassifiedJob>();
    for (const job of input.history(head.vault, head.vm)) merged.set(job.jobId, job);
    for (const job of newest) merged.set(job.jobId, job);
    const isNew = new Set(newest.map((j) => j.jobId));
    found.push(consecutiveFailures([...merged.values()].sort(latestFirst), isNew, rules.consecutiveFailures));
  }
  if (rules.vss) found.push(vss(newest));
  if (rules.downgrade) found.push(downgrade(newest));
  if (rules.notConfirmed) found.push(notConfirmed(newest));
  return found.filter((r): r is Reason => r !== null);
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

  const alerts: Alert[] = [];
  let suppressed = 0;
  for (const vmNewJobs of byVm.values()) {
    const newest = [...vmNewJobs].sort(latestFirst);
    const head = newest[0];
    if (head === undefined) continue;
    const byJob = new Map<string, Reason[]>();
    for (const reason of reasonsOfVm(input, newest, head)) {
      const last = input.lastFiredMs(alertKey(reason.rule, reason.job.vault, reason.job.vm));
      if (last !== undefined && nowMs - last < rules.cooldownMs) {
        suppressed++;
        continue;
      }
      const list = byJob.get(reason.job.jobId);
      if (list) list.push(reason);
      else byJob.set(reason.job.jobId, [reason]);
    }
    for (const reasons of byJob.values()) alerts.push(alertOf(reasons));
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
