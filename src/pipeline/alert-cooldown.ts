/**
 * Applying the alert rules with what the alert state remembers: each VM's history from the jobs read, the
 * per-VM, per-rule cooldown from the stored firing times, and no second alert for a job already alerted on.
 */
import { evaluateAlerts, type Alert, type AlertRuleSet } from "../domain/alert-rules.js";
import type { Locale } from "../domain/messages/index.js";
import type { ClassifiedJob } from "../domain/model.js";
import { vmKey } from "../domain/names.js";
import type { AlertStateStore, FiredRecord } from "../store/alert-state.js";

export interface CooledEvaluation {
  /** Alerts to post, ordered by vault, VM and rule. */
  alerts: Alert[];
  /** Reasons that fired within the cooldown of an earlier alert of the same VM and rule. */
  suppressed: number;
  /** Alerts already posted for the same job by an earlier run (re-read rows). */
  alreadySent: number;
}

export async function evaluateWithCooldown(input: {
  /** Every job read: the history of the new ones. */
  jobs: readonly ClassifiedJob[];
  newJobs: readonly ClassifiedJob[];
  rules: AlertRuleSet;
  nowMs: number;
  /** Null: nothing has fired before (a dry run without a table target). */
  state: AlertStateStore | null;
  /** The alerts' language and time zone (PULSE_LOCALE, PULSE_TIMEZONE). */
  locale?: Locale;
  timeZone?: string;
}): Promise<CooledEvaluation> {
  const { newJobs, rules, nowMs, state, locale, timeZone } = input;
  const history = historyByVm(input.jobs);
  // First pass without cooldowns finds the keys to look up; the second applies the stored firing times.
  const candidates = evaluateAlerts({ newJobs, history, rules, nowMs, lastFiredMs: () => undefined });
  const words = { locale, timeZone };
  const fired: Map<string, FiredRecord> =
    state && candidates.alerts.length > 0
      ? await state.readFired(candidates.alerts.flatMap((a) => a.keys))
      : new Map<string, FiredRecord>();
  const evaluation = evaluateAlerts({
    newJobs,
    history,
    rules,
    nowMs,
    lastFiredMs: (key) => fired.get(key)?.firedAtMs,
    ...words,
  });
  // A job alerted on before for every one of its reasons (a row read twice) is not alerted on again.
  const alerts = evaluation.alerts.filter((a) => a.keys.some((key) => fired.get(key)?.jobId !== a.jobId));
  return { alerts, suppressed: evaluation.suppressed, alreadySent: evaluation.alerts.length - alerts.length };
}

function historyByVm(
  jobs: readonly ClassifiedJob[],
): (vault: string, vm: string) => readonly ClassifiedJob[] {
  const byVm = new Map<string, ClassifiedJob[]>();
  for (const job of jobs) {
    const key = vmKey(job.vm, job.vault);
    const list = byVm.get(key);
    if (list) list.push(job);
    else byVm.set(key, [job]);
  }
  return (vault, vm) => byVm.get(vmKey(vm, vault)) ?? [];
}
