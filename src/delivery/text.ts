/**
 * Wording shared by every digest and alert renderer, so that Teams, Slack, JSON and HTML say the same thing.
 */
import type { Comparison, Digest, DigestStatus, Direction, VmChange } from "../domain/digest.js";

export const STATUS_LABEL: Record<DigestStatus, string> = {
  healthy: "HEALTHY",
  attention: "ATTENTION",
  failing: "FAILING",
  "no-data": "NO DATA",
};

export const DIRECTION_MARK: Record<Direction, string> = { up: "▲", down: "▼", same: "=", none: "–" };

export function percent(rate: number | null): string {
  if (rate === null) return "–";
  return `${(Math.round(rate * 1000) / 10).toFixed(1)}%`;
}

export function count(n: number | null): string {
  if (n === null) return "–";
  return Math.round(n).toLocaleString("en-US");
}

/** Whether a move of a figure is good news, bad news or neither (unchanged, or a neutral figure). */
export function tone(c: Comparison, dir: Direction): "good" | "bad" | "flat" {
  if (dir === "same" || dir === "none" || c.higherIsBetter === null) return "flat";
  return (dir === "up") === c.higherIsBetter ? "good" : "bad";
}

/** How many jobs of a consistency level were below what their VMs should get. */
export function belowExpected(n: number): string {
  return `below expected: ${count(n)}`;
}

/** A VM with no job on the digest's day (a digest about an earlier day does not say "today"). */
export function noJobText(date: string): string {
  return `no backup job on ${date}`;
}

/** "98.2% · ▼ yesterday 99.0% · = 7-day avg 98.1%" */
export function compared(c: Comparison, asRate: boolean): string {
  const f = asRate ? percent : count;
  return (
    `${f(c.value)} · ${DIRECTION_MARK[c.vsYesterday]} yesterday ${f(c.yesterday)} · ` +
    `${DIRECTION_MARK[c.vs7d]} 7-day avg ${f(c.average7d)}`
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

export function changeText(c: VmChange): string {
  switch (c.kind) {
    case "new-failure":
      return `failed${c.errorCode ? ` (${c.errorCode})` : ""}`;
    case "recovery":
      return `recovered: ${c.consistency}`;
    case "downgrade":
      return `${c.consistency}, expected ${c.expectedConsistency}${c.errorCode ? ` (${c.errorCode})` : ""}`;
  }
}

export function moreLine(hidden: number): string {
  return `+${count(hidden)} more`;
}

/** The one-line summary used as a notification preview (Slack `text`, Teams summary). */
export function summaryLine(d: Digest): string {
  const h = d.headline;
  const partial = h.partial ? " (partial data)" : "";
  if (h.status === "no-data") return `Backup pulse ${d.date}: NO DATA${partial}. ${h.statusReason}`;
  return (
    `Backup pulse ${d.date}: ${STATUS_LABEL[h.status]}${partial}. ${count(h.counts.jobs)} jobs, ` +
    `${percent(h.successRate.value)} succeeded, ${percent(h.application.value)} application-consistent.`
  );
}

export function coverageText(d: Digest): string {
  const c = d.coverage;
  const parts = [
    `${c.workspacesQueried} workspace${c.workspacesQueried === 1 ? "" : "s"} queried`,
    `${c.vaultsSeen.length} vault${c.vaultsSeen.length === 1 ? "" : "s"} reported`,
  ];
  if (c.workspacesFailed.length > 0) parts.push(`${c.workspacesFailed.length} workspace(s) failed`);
  if (c.vaultsSilent.length > 0) parts.push(`${c.vaultsSilent.length} vault(s) sent nothing`);
  if (c.vmsKnown > 0) parts.push(`${count(c.vmsWithJob)} of ${count(c.vmsKnown)} known VMs had a job`);
  if (c.rowsRejected > 0) parts.push(`${count(c.rowsRejected)} unreadable row(s)`);
  if (c.partial) parts.push("PARTIAL DATA: some figures are missing");
  return parts.join(" · ");
}
