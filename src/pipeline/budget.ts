/**
 * The time budget of one run (the daily job or an alert evaluation). The Functions host stops a function at
 * `functionTimeout` (host.json: 30 minutes); a run gets a fraction of it, so that when Azure is slow it still
 * stops its calls, stores and reports what it could do, and says what it could not, before the host kills it.
 */

import { formatDuration } from "../deadline.js";

/** host.json `functionTimeout`. */
export const FUNCTION_TIMEOUT_MS = 30 * 60_000;
/** The share of the function timeout a run may use; the rest is for reporting, storing and delivery. */
export const RUN_BUDGET_SHARE = 0.75;
export const RUN_BUDGET_MS = Math.floor(FUNCTION_TIMEOUT_MS * RUN_BUDGET_SHARE);

export interface RunBudget {
  /** Aborts when the budget is spent: the run's Log Analytics and ARM requests are cancelled by it. */
  signal: AbortSignal;
  budgetMs: number;
  /** True once the budget is spent. */
  spent(): boolean;
}

export function startRunBudget(budgetMs: number = RUN_BUDGET_MS): RunBudget {
  const signal = AbortSignal.timeout(budgetMs);
  return { signal, budgetMs, spent: () => signal.aborted };
}

/** Says that the budget ran out; what was not read is in the lines before (workspaces, look-ups). */
export function logBudgetSpent(budget: RunBudget, log: (line: string) => void): void {
  log(
    `The run used up its time budget of ${formatDuration(budget.budgetMs)}: the reads still open were ` +
      "stopped, and what they did not read is listed above",
  );
}
