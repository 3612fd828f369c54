/**
 * What the Functions host hands a handler, for calling it directly in a test: a timer that fired on time,
 * and an InvocationContext that keeps every line logged with its level.
 */
import { InvocationContext, type Timer } from "@azure/functions";

/** The Timer of a run that is on schedule (not past due). */
export const onTimeTimer: Timer = {
  isPastDue: false,
  schedule: { adjustForDST: true },
  scheduleStatus: { last: "", next: "", lastUpdated: "" },
};

/** An InvocationContext whose log lines are kept as [level, text] in `lines`. */
export type RecordingContext = InvocationContext & { lines: [string, string][] };

export function recordingContext(functionName: string, invocationId = "test"): RecordingContext {
  const lines: [string, string][] = [];
  const ctx = new InvocationContext({
    invocationId,
    functionName,
    logHandler: (level, ...args) => lines.push([level, args.map(String).join(" ")]),
  });
  return Object.assign(ctx, { lines });
}
