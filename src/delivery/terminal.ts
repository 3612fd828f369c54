/**
 * The digest as plain text for a terminal (`backup-pulse run`, `backup-pulse demo`): the same wording as the
 * chat renderers, in the order a person reads it: status, headline figures, changes, what persists, codes.
 * Every line goes through `visible`, so escape sequences and bidi or zero-width characters in names are shown,
 * not obeyed.
 */
import type { Digest, VmChange, VmStreak } from "../domain/digest.js";
import { visibleLines } from "../domain/visible-text.js";
import {
  belowExpected,
  changeText,
  clipName,
  compared,
  count,
  coverageText,
  moreLine,
  percent,
  STATUS_LABEL,
} from "./text.js";

const LIST_LIMIT = 10;

function list<T>(title: string, items: readonly T[], line: (item: T) => string): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, LIST_LIMIT).map((i) => `  - ${line(i)}`);
  if (items.length > LIST_LIMIT) shown.push(`  ${moreLine(items.length - LIST_LIMIT)}`);
  return [`${title} (${count(items.length)})`, ...shown, ""];
}

const vmName = (x: { vmLabel: string; vaultLabel: string }): string =>
  `${clipName(x.vmLabel, 48)} [${clipName(x.vaultLabel, 32)}]`;
const todo = (action: string | null): string => (action ? ` → ${action.replace(/`/g, "")}` : "");
const change = (c: VmChange): string => `${vmName(c)}: ${changeText(c)}${todo(c.action)}`;
const streak = (s: VmStreak): string => `${vmName(s)}: ${s.days} days${todo(s.action)}`;

export function terminalDigest(d: Digest): string {
  const h = d.headline;
  const c = h.counts;
  const lines = [
    `Backup pulse for ${d.date}: ${STATUS_LABEL[h.status]}${h.partial ? " (PARTIAL DATA)" : ""}`,
    h.statusReason,
    "",
    `  degraded jobs   ${compared(h.degraded, false)}`,
    `  succeeded       ${compared(h.successRate, true)}`,
    `  application     ${compared(h.application, true)}`,
    `  file-system     ${compared(h.fileSystem, true)} · ${belowExpected(c.fileSystemBelowExpected)}`,
    `  crash           ${compared(h.crash, true)} · ${belowExpected(c.crashBelowExpected)}`,
    `  no point        ${compared(h.none, true)}`,
    `  jobs            ${compared(h.jobs, false)}`,
    `  ${count(c.completed)} completed, ${count(c.completedWithWarnings)} with warnings, ${count(c.failed)} failed` +
      `${c.cancelled ? `, ${count(c.cancelled)} cancelled` : ""}; ${count(c.degraded)} below expectation`,
    "",
    ...list("New failures", d.changes.newFailures, change),
    ...list("Downgrades (worse than expected consistency)", d.changes.downgrades, change),
    ...list("Recoveries", d.changes.recoveries, change),
    ...list("Failing days in a row", d.persisting.failing, streak),
    ...list("Without expected consistency, days in a row", d.persisting.belowExpected, streak),
    ...list(
      `No job on ${d.date}`,
      d.persisting.noJobToday,
      (m) => `${vmName(m)}${m.lastJobAt ? `, last job ${m.lastJobAt.slice(0, 10)}` : ""}`,
    ),
    ...list(
      "Top codes",
      d.topCodes,
      (t) =>
        `${t.code} (${t.category}): ${count(t.jobs)} job(s), ${count(t.vms)} VM(s). ${t.action.replace(/`/g, "")}`,
    ),
    `Coverage: ${coverageText(d)}`,
  ];
  const series = d.series.filter((p) => p.successRate !== null);
  if (series.length > 1) {
    lines.push(
      `Last ${series.length} days, success ${sparkline(series.map((p) => p.successRate ?? 0))} ` +
        `app-consistent ${sparkline(series.map((p) => p.applicationRate ?? 0))}` +
        ` (today ${percent(h.successRate.value)} / ${percent(h.application.value)})`,
    );
  }
  for (const note of d.notes) lines.push(`Note: ${note}`);
  // Names and codes are printed as received: hidden and terminal-steering characters are shown as escapes.
  return visibleLines(lines) + "\n";
}

const BARS = "▁▂▃▄▅▆▇█";

/** Unicode sparkline of rates between their own minimum and maximum. */
export function sparkline(values: readonly number[]): string {
  const min = Math.min(...values);
  const span = Math.max(...values) - min;
  return values
    .map((v) => BARS[span === 0 ? BARS.length - 1 : Math.round(((v - min) / span) * (BARS.length - 1))])
    .join("");
}
