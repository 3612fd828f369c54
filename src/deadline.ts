/**
 * Deadlines for every call to Azure (Log Analytics, ARM, Table Storage). Each HTTP request an Azure SDK client
 * sends, retries included, gets one abort signal that covers both its answer and the reading of its body
 * (the SDK's own `timeout` stops counting once the headers are in), joined with the run's signal: a service
 * that accepts a request and never answers cannot hold a run. Install it with `deadlineOptions(…)` in a
 * client's options.
 */

/** The shape of an Azure SDK pipeline policy (`@azure/core-rest-pipeline`), as far as this module uses it. */
export interface PipelinePolicy {
  name: string;
  sendRequest<Req extends { abortSignal?: unknown }, Res>(
    request: Req,
    next: (request: Req) => Promise<Res>,
  ): Promise<Res>;
}

export interface DeadlineOptions {
  /** Longest time one HTTP request (answer and body) may take. */
  requestTimeoutInMs: number;
  /** The run's signal: when it aborts, every request in flight is cancelled and none is sent. */
  abortSignal?: AbortSignal;
}

/** A request that got no (complete) answer within its deadline. Not retried: it would wait as long again. */
export class DeadlineError extends Error {
  override name = "TimeoutError";
  readonly code = "CLIENT_DEADLINE";
  constructor(readonly timeoutInMs: number) {
    super(`no answer within ${formatDuration(timeoutInMs)} (client-side deadline)`);
  }
}

/** The run's time budget ran out before or while the request was made. */
export class BudgetError extends Error {
  override name = "AbortError";
  readonly code = "RUN_BUDGET";
  constructor() {
    super("not done: the run's time budget ran out");
  }
}

export function formatDuration(ms: number): string {
  return ms < 1_000
    ? `${ms} ms`
    : ms % 60_000 === 0
      ? `${ms / 60_000} min`
      : `${Math.round(ms / 100) / 10} s`;
}

export function deadlinePolicy(options: DeadlineOptions): PipelinePolicy {
  return {
    name: "backupPulseDeadline",
    async sendRequest(request, next) {
      const run = options.abortSignal;
      if (run?.aborted) throw new BudgetError();
      const timer = AbortSignal.timeout(options.requestTimeoutInMs);
      const own = request.abortSignal as AbortSignal | undefined;
      request.abortSignal = AbortSignal.any([timer, ...(run ? [run] : []), ...(own ? [own] : [])]);
      try {
        return await next(request);
      } catch (error) {
        if (run?.aborted) throw new BudgetError();
        if (timer.aborted) throw new DeadlineError(options.requestTimeoutInMs);
        throw error;
      }
    },
  };
}

/** Client options that install the deadline on every try of every request. */
export function deadlineOptions(options: DeadlineOptions): {
  additionalPolicies: { policy: PipelinePolicy; position: "perRetry" }[];
} {
  return { additionalPolicies: [{ policy: deadlinePolicy(options), position: "perRetry" }] };
}

/** True for the errors of this module: a request's deadline passed, or the run's budget ran out. */
export function isDeadline(error: unknown): error is DeadlineError | BudgetError {
  return error instanceof DeadlineError || error instanceof BudgetError;
}
