/**
 * Wording shared by every digest and alert renderer, so that Teams, Slack, JSON and HTML say the same thing,
 * in the digest's locale (the words themselves are in the message tables, src/domain/messages/).
 */
import type { Comparison, Digest, Direction, VmChange } from "../domain/digest.js";
import { dayOf } from "../domain/days.js";
import { messagesFor, type Messages } from "../domain/messages/index.js";

const EN = messagesFor("en");

/** The message table of a digest's locale. */
export const msgs = (d: Pick<Digest, "locale">): Messages => messagesFor(d.locale);

export const DIRECTION_MARK: Record<Direction, string> = { up: "▲", down: "▼", same: "=", none: "–" };

export function percent(rate: number | null): string {
  if (rate === null) return "–";
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

export function count(n: number | null, m: Messages = EN): string {
  if (n === null) return "–";
  return Math.round(n).toLocaleString(m.tag);
}

/** Whether a move of a figure is good news, bad news or neither (unchanged, or a neutral figure). */
export function tone(c: Comparison, dir: Direction): "good" | "bad" | "flat" {
  if (dir === "same" || dir === "none" || c.higherIsBetter === null) return "flat";
  return (dir === "up") === c.higherIsBetter ? "good" : "bad";
}

/** The calendar day of an instant in the digest's time zone (PULSE_TIMEZONE), as its locale writes days. */
export function localDay(iso: string, d: Pick<Digest, "timeZone" | "locale">): string {
  const ms = Date.parse(iso);
  return msgs(d).day(Number.isNaN(ms) ? iso.slice(0, 10) : dayOf(ms, d.timeZone));
}

/** How many jobs of a consistency level were below what their VMs should get. */
export function belowExpected(n: number, m: Messages = EN): string {
  return m.figure.belowExpected(count(n, m));
}

/** A VM with no job on the digest's day (a digest about an earlier day does not say "today"). */
export function noJobText(date: string, m: Messages = EN): string {
  return m.persist.noJob(m.day(date));
}

/** How a change of a figure is marked: its direction, and where a renderer can, whether it is good or bad. */
export type ChangeMark = (c: Comparison, dir: Direction) => string;

const plainMark: ChangeMark = (_c, dir) => DIRECTION_MARK[dir];

/** "98.2% · ▼ yesterday 99.0% · = 7-day avg 98.1%" */
export function compared(
  c: Comparison,
  asRate: boolean,
  m: Messages = EN,
  mark: ChangeMark = plainMark,
): string {
  const f = asRate ? percent : (n: number | null): string => count(n, m);
  return (
    `${f(c.value)} · ${mark(c, c.vsYesterday)} ${m.figure.yesterday} ${f(c.yesterday)} · ` +
    `${mark(c, c.vs7d)} ${m.figure.average7d} ${f(c.average7d)}`
  );
}
/**
 * `scheme://` in an untrusted string shown as `scheme[:]//`, so that no chat client turns a name into a link
 * (names of VMs, vaults and codes never contain `://`).
 */
export function defangUrls(text: string): string {
  return text.replace(/([a-z][a-z0-9+.-]*):\/\//gi, "$1[:]//");
}

/** Shortens a display string to `max` characters with an ellipsis. */
export function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/** Shortens a name to `max` characters keeping its start and end (where names usually differ). */
export function clipName(name: string, max = 64): string {
  if (name.length <= max) return name;
  const tail = Math.floor((max - 1) / 3);
  return `${name.slice(0, max - 1 - tail)}…${name.slice(name.length - tail)}`;
}

export function changeText(c: VmChange, m: Messages = EN): string {
  const level = (x: VmChange["consistency"]): string => m.consistency[x];
  switch (c.kind) {
    case "new-failure":
      return m.change.failed(c.errorCode);
    case "recovery":
      return m.change.recovered(level(c.consistency));
    case "downgrade":
      return m.change.downgrade(level(c.consistency), level(c.expectedConsistency), c.errorCode);
  }
}

export function moreLine(hidden: number, m: Messages = EN): string {
  return m.more(count(hidden, m));
}

/** The one-line summary used as a notification preview (Slack `text`, Teams summary). */
export function summaryLine(d: Digest): string {
  const m = msgs(d);
  const h = d.headline;
  const head = `${m.product} ${m.day(d.date)}: `;
  if (h.status === "no-data") return head + m.summaryNoData(h.statusReason);
  return (
    head +
    m.summary(
      m.status[h.status],
      h.partial,
      count(h.counts.jobs, m),
      percent(h.successRate.value),
      percent(h.application.value),
    )
  );
}

/**
 * Whether a digest is tagged "partial data": a NO DATA digest is not (it says plainly that the data is missing,
 * and why), the coverage line still lists what failed.
 */
export function partialTagged(h: Pick<Digest["headline"], "partial" | "status">): boolean {
  return h.partial && h.status !== "no-data";
}

export function coverageText(d: Digest): string {
  const m = msgs(d);
  const c = d.coverage;
  const n = (x: number): string => count(x, m);
  const parts = [
    m.coverage.workspacesQueried(n(c.workspacesQueried)),
    m.coverage.vaultsReported(n(c.vaultsSeen.length)),
  ];
  if (c.workspacesFailed.length > 0) parts.push(m.coverage.workspacesFailed(n(c.workspacesFailed.length)));
  if (c.vaultsSilent.length > 0) parts.push(m.coverage.vaultsSilent(n(c.vaultsSilent.length)));
  if (c.vmsKnown > 0) parts.push(m.coverage.vmsWithJob(n(c.vmsWithJob), n(c.vmsKnown)));
  if (c.rowsRejected > 0) parts.push(m.coverage.rowsRejected(n(c.rowsRejected)));
  if (c.rowsUnstorable > 0) parts.push(m.coverage.rowsUnstorable(n(c.rowsUnstorable)));
  if (c.partial) parts.push(m.coverage.partial);
  return parts.join(" · ");
}
