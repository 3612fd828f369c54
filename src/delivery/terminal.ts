/**
 * The digest as plain text for a terminal (`backup-pulse run`, `backup-pulse demo`): the same wording as the
 * chat renderers, in the order a person reads it: status, headline figures, changes, what persists, codes.
 * Every line goes through `visible`, so escape sequences and bidi or zero-width characters in names are shown,
 * not obeyed.
 */
import type { Digest, VmChange, VmStreak } from "../domain/digest.js";
import { formatInstant, type Messages } from "../domain/messages/index.js";
import { visibleLines } from "../domain/visible-text.js";
import {
  belowExpected,
  changeText,
  clipName,
  compared,
  count,
  coverageText,
  localDay,
  moreLine,
  msgs,
  partialTagged,
  percent,
} from "./text.js";

const LIST_LIMIT = 10;

function list<T>(title: string, items: readonly T[], line: (item: T) => string, m: Messages): string[] {
  if (items.length === 0) return [];
  const shown = items.slice(0, LIST_LIMIT).map((i) => `  - ${line(i)}`);
  if (items.length > LIST_LIMIT) shown.push(`  ${moreLine(items.length - LIST_LIMIT, m)}`);
  return [`${title} (${count(items.length, m)})`, ...shown, ""];
}

const vmName = (x: { vmLabel: string; vaultLabel: string }): string =>
  `${clipName(x.vmLabel, 48)} [${clipName(x.vaultLabel, 32)}]`;
const todo = (action: string | null): string => (action ? ` → ${action.replace(/`/g, "")}` : "");

export function terminalDigest(d: Digest): string {
  const m = msgs(d);
  const h = d.headline;
  const c = h.counts;
  const n = (x: number): string => count(x, m);
  const L = m.terminal.labels;
  const change = (x: VmChange): string => `${vmName(x)}: ${changeText(x, m)}${todo(x.action)}`;
  const streak = (s: VmStreak): string => `${vmName(s)}: ${m.terminal.days(s.days)}${todo(s.action)}`;
  const lines = [
    m.terminal.title(m.day(d.date), m.status[h.status], partialTagged(h)),
    h.statusReason,
    "",
    `  ${L.degraded}${compared(h.degraded, false, m)}`,
    `  ${L.succeeded}${compared(h.successRate, true, m)}`,
    `  ${L.application}${compared(h.application, true, m)}`,
    `  ${L.fileSystem}${compared(h.fileSystem, true, m)} · ${belowExpected(c.fileSystemBelowExpected, m)}`,
    `  ${L.crash}${compared(h.crash, true, m)} · ${belowExpected(c.crashBelowExpected, m)}`,
    `  ${L.none}${compared(h.none, true, m)}`,
    `  ${L.jobs}${compared(h.jobs, false, m)}`,
    `  ${m.terminal.counts(n(c.completed), n(c.completedWithWarnings), n(c.failed), c.cancelled ? n(c.cancelled) : null, n(c.degraded))}`,
    "",
    ...list(m.heading.newFailures, d.changes.newFailures, change, m),
    ...list(m.heading.downgrades, d.changes.downgrades, change, m),
    ...list(m.heading.recoveries, d.changes.recoveries, change, m),
    ...list(m.heading.failingStreaks, d.persisting.failing, streak, m),
    ...list(m.heading.belowStreaks, d.persisting.belowExpected, streak, m),
    ...list(
      m.heading.noJob(m.day(d.date)),
      d.persisting.noJobToday,
      (x) => `${vmName(x)}${x.lastJobAt ? `, ${m.persist.lastJob(localDay(x.lastJobAt, d))}` : ""}`,
      m,
    ),
    ...list(
      m.terminal.topCodes,
      d.topCodes,
      (t) =>
        m.terminal.codeLine(t.code, m.category[t.category], n(t.jobs), n(t.vms), t.action.replace(/`/g, "")),
      m,
    ),
    `${m.coverage.label}: ${coverageText(d)}`,
  ];
  const series = d.series.filter((p) => p.successRate !== null);
  if (series.length > 1) {
    lines.push(
      m.terminal.lastDays(
        n(series.length),
        sparkline(series.map((p) => p.successRate ?? 0)),
        sparkline(series.map((p) => p.applicationRate ?? 0)),
        `${percent(h.successRate.value)} / ${percent(h.application.value)}`,
      ),
    );
  }
  for (const note of d.notes) lines.push(`${m.note}: ${note}`);
  lines.push(m.footer.generated(formatInstant(d.generatedAt, m, d.timeZone)));
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
