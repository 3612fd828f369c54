/**
 * The fleet's status in one word and one sentence: no-data, failing, attention or healthy. Pure.
 */
import type { DigestDay } from "./day.js";
import { rate } from "./day.js";
import type { DigestThresholds } from "./input.js";
import type { Digest, DigestCoverage, DigestStatus } from "./model.js";

function percent(r: number): string {
  return `${(Math.round(r * 1000) / 10).toFixed(1)}%`;
}

const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);

/** Why the day needs attention, when nothing makes it fail (empty when the day is healthy). */
function attentionReasons(
  day: DigestDay,
  persisting: Digest["persisting"],
  coverage: DigestCoverage,
): string[] {
  const { counts } = day;
  const reasons: string[] = [];
  const failedJobs = counts.failed + counts.cancelled;
  if (failedJobs > 0) reasons.push(`${failedJobs} failed job${plural(failedJobs, "", "s")}`);
  const lowered = counts.degraded - counts.failed - counts.cancelled;
  if (lowered > 0) reasons.push(`${lowered} below expected consistency`);
  const missing = persisting.noJobToday.length;
  if (missing > 0) reasons.push(`${missing} VM${plural(missing, "", "s")} without a job`);
  const silent = coverage.vaultsSilent.length;
  if (silent > 0) reasons.push(`${silent} silent vault${plural(silent, "", "s")}`);
  if (coverage.partial) reasons.push("partial data");
  return reasons;
}

export function digestStatus(
  day: DigestDay,
  persisting: Digest["persisting"],
  coverage: DigestCoverage,
  th: DigestThresholds,
): { status: DigestStatus; statusReason: string } {
  const successRate = rate(day.figures.succeeded, day.figures.jobs);
  const allWorkspacesFailed =
    coverage.workspacesQueried > 0 && coverage.workspacesFailed.length >= coverage.workspacesQueried;
  if (day.figures.jobs === 0 || allWorkspacesFailed) {
    return {
      status: "no-data",
      statusReason: allWorkspacesFailed
        ? "No workspace could be read: the backup state of the fleet is unknown."
        : `No backup job report arrived for ${day.date}: the backup state of the fleet is unknown.`,
    };
  }
  if (successRate !== null && successRate < th.failingSuccessRate) {
    return {
      status: "failing",
      statusReason: `Only ${percent(successRate)} of backup jobs succeeded (below ${percent(th.failingSuccessRate)}).`,
    };
  }
  const longFailing = persisting.failing.filter((s) => s.days >= th.failingStreakDays).length;
  if (longFailing > 0) {
    return {
      status: "failing",
      statusReason: `${longFailing.toLocaleString("en-US")} VM${plural(longFailing, " has", "s have")} failed ${th.failingStreakDays} or more days in a row.`,
    };
  }
  const reasons = attentionReasons(day, persisting, coverage);
  return reasons.length > 0
    ? { status: "attention", statusReason: `Needs attention: ${reasons.join(", ")}.` }
    : { status: "healthy", statusReason: "Every VM backed up with its expected consistency." };
}
