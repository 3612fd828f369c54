/**
 * The fleet's status in one word and one sentence: no-data, failing, attention or healthy. Pure.
 */
import type { Messages } from "../messages/index.js";
import type { DigestDay } from "./day.js";
import { rate } from "./day.js";
import type { CoverageInput, DigestThresholds } from "./input.js";
import type { Digest, DigestCoverage, DigestStatus } from "./model.js";

function percent(r: number): string {
  return `${(Math.round(r * 1000) / 10).toFixed(1)}%`;
}

/** Why the day needs attention, when nothing makes it fail (empty when the day is healthy). */
function attentionReasons(
  day: DigestDay,
  persisting: Digest["persisting"],
  coverage: DigestCoverage,
  m: Messages,
): string[] {
  const { counts } = day;
  const n = (x: number): string => x.toLocaleString(m.tag);
  const reasons: string[] = [];
  const failedJobs = counts.failed + counts.cancelled;
  if (failedJobs > 0) reasons.push(m.reason.failedJobs(n(failedJobs)));
  const lowered = counts.degraded - counts.failed - counts.cancelled;
  if (lowered > 0) reasons.push(m.reason.belowExpected(n(lowered)));
  const missing = persisting.noJobToday.length;
  if (missing > 0) reasons.push(m.reason.vmsWithoutJob(n(missing)));
  const silent = coverage.vaultsSilent.length;
  if (silent > 0) reasons.push(m.reason.silentVaults(n(silent)));
  if (coverage.partial) reasons.push(m.reason.partial);
  return reasons;
}

/** Why a day without a job is NO DATA: nothing arrived, or every workspace answered without a job. */
function noJobReason(date: string, coverage: Pick<CoverageInput, "emptyRead">, m: Messages): string {
  const empty = coverage.emptyRead;
  if (!empty) return m.reason.noReport(m.day(date));
  return empty.vmsExpected > 0
    ? m.reason.emptyRead(m.day(date), empty.vmsExpected.toLocaleString(m.tag))
    : m.reason.nothingYet(m.day(date));
}

export function digestStatus(
  day: DigestDay,
  persisting: Digest["persisting"],
  coverage: DigestCoverage & Pick<CoverageInput, "emptyRead">,
  th: DigestThresholds,
  m: Messages,
): { status: DigestStatus; statusReason: string } {
  const successRate = rate(day.figures.succeeded, day.figures.jobs);
  const allWorkspacesFailed =
    coverage.workspacesQueried > 0 && coverage.workspacesFailed.length >= coverage.workspacesQueried;
  if (day.figures.jobs === 0 || allWorkspacesFailed) {
    return {
      status: "no-data",
      statusReason: allWorkspacesFailed ? m.reason.noWorkspace : noJobReason(day.date, coverage, m),
    };
  }
  if (successRate !== null && successRate < th.failingSuccessRate) {
    return {
      status: "failing",
      statusReason: m.reason.failingRate(percent(successRate), percent(th.failingSuccessRate)),
    };
  }
  const longFailing = persisting.failing.filter((s) => s.days >= th.failingStreakDays).length;
  if (longFailing > 0) {
    return {
      status: "failing",
      statusReason: m.reason.failingStreak(longFailing.toLocaleString(m.tag), th.failingStreakDays),
    };
  }
  const reasons = attentionReasons(day, persisting, coverage, m);
  return reasons.length > 0
    ? { status: "attention", statusReason: m.reason.attention(reasons) }
    : { status: "healthy", statusReason: m.reason.healthy };
}
