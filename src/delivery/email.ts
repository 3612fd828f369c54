/**
 * The digest as an e-mail: a subject that carries the status and the day
 * (`[FAILING] Backup pulse 2026-11-29: 3 VMs failing`), the HTML digest made e-mail-safe (src/delivery/
 * email-html.ts: inline styles, no script, charts drawn with table cells) and the terminal digest as the
 * plain-text part. The e-mail says what the HTML digest says, in the digest's own words.
 *
 * The rendered payload is what the outbox stores: JSON `{ key, subject, html, plainText }`, where `key`
 * names the message (`digest|<day>`) so that a resend can recognise an earlier send of it.
 */
import type { Digest, SeriesPoint } from "../domain/digest.js";
import type { RenderedPayload } from "./alert.js";
import { emailSafeHtml } from "./email-html.js";
import { htmlDigest } from "./html.js";
import { terminalDigest } from "./terminal.js";
import { count, msgs, partialTagged, percent } from "./text.js";

export interface EmailPayload {
  /** Names the message: `digest|<day>`. */
  key: string;
  subject: string;
  html: string;
  plainText: string;
}

/** Rows per list in the e-mail: Gmail clips a message whose HTML passes 102 KB. */
const EMAIL_ROWS = 20;

/**
 * `[FAILING] Backup pulse 2026-11-29: 3 VMs failing` (in Japanese `【失敗あり】Backup pulse 2026年11月29日: 失敗した
 * VM 3 台`): the status, the day and the figure that matters, in the digest's language.
 */
export function emailSubject(d: Digest): string {
  const m = msgs(d);
  const E = m.email;
  const h = d.headline;
  const failingVms = d.vms.filter((v) => v.status === "Failed" || v.status === "Cancelled").length;
  const figures: string[] = [];
  if (h.status === "no-data") figures.push(E.noReport);
  else {
    if (failingVms > 0) figures.push(E.failingVms(failingVms, count(failingVms, m)));
    if (h.counts.degraded > 0) figures.push(E.degradedJobs(h.counts.degraded, count(h.counts.degraded, m)));
    if (figures.length === 0) figures.push(E.allAsExpected(h.counts.jobs, count(h.counts.jobs, m)));
  }
  // One line: a header may not carry line breaks.
  return E.subject(m.status[h.status], m.day(d.date), figures, partialTagged(h)).replace(/[\r\n]+/g, " ");
}

/** A rate over the series as bars of table cells: shown by every mail client, unlike SVG. */
export function barChart(
  series: readonly SeriesPoint[],
  pick: (p: SeriesPoint) => number | null,
  color: string,
  noData = "no data",
): string {
  const height = 56;
  const values = series.map(pick);
  const present = values.filter((v): v is number => v !== null);
  const min = Math.min(
    present.length > 0 ? Math.max(0, Math.floor(Math.min(...present) * 10) / 10 - 0.05) : 0,
    0.9,
  );
  const cells = series.map((p, i) => {
    const v = values[i] ?? null;
    const title = `${p.date}: ${v === null ? noData : percent(v)}`;
    const bar =
      v === null
        ? `<div style="height:2px;line-height:2px;font-size:0;background:#d0d5dd">&nbsp;</div>`
        : `<div style="height:${Math.max(2, Math.round(((v - min) / (1 - min)) * height))}px;line-height:1px;font-size:0;background:${color}">&nbsp;</div>`;
    return `<td title="${title}" valign="bottom" style="height:${height}px;vertical-align:bottom;padding:0 1px">${bar}</td>`;
  });
  const first = series[0]?.date.slice(5) ?? "";
  const last = series[series.length - 1]?.date.slice(5) ?? "";
  return (
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0" style="border-collapse:collapse;table-layout:fixed"><tr>${cells.join("")}</tr></table>` +
    `<table role="presentation" width="100%" cellpadding="0" cellspacing="0"><tr>` +
    `<td style="font-size:11px;color:#536071;border:0;padding:2px 0">${first} · ${Math.round(min * 100)}–100%</td>` +
    `<td align="right" style="font-size:11px;color:#536071;border:0;padding:2px 0;text-align:right">${last}</td></tr></table>`
  );
}

export function emailDigest(d: Digest): RenderedPayload {
  const noData = msgs(d).email.noData;
  const charts = [
    barChart(d.series, (p) => p.successRate, "#1f7a3d", noData),
    barChart(d.series, (p) => p.applicationRate, "#0b5cad", noData),
  ];
  const payload: EmailPayload = {
    key: `digest|${d.date}`,
    subject: emailSubject(d),
    html: emailSafeHtml(htmlDigest(d, { maxRows: EMAIL_ROWS }), charts),
    plainText: terminalDigest(d),
  };
  return { format: "email", contentType: "application/json", body: JSON.stringify(payload) };
}

/** The e-mail `backup-pulse doctor --send-test` sends: its own message each time (keyed by its time). */
export function testEmail(at: Date): RenderedPayload {
  const text = "backup-pulse test message: these recipients receive the daily digest by e-mail.";
  const payload: EmailPayload = {
    key: `test|${at.toISOString()}|${Date.now()}`,
    subject: "[TEST] Backup pulse: test message",
    html: `<!doctype html><html><body style="font:15px/1.45 Arial,sans-serif;color:#1b2430"><p>${text}</p></body></html>`,
    plainText: text,
  };
  return { format: "email", contentType: "application/json", body: JSON.stringify(payload) };
}

/** Reads a stored e-mail payload back. */
export function parseEmailPayload(body: string): EmailPayload {
  const p = JSON.parse(body) as Partial<EmailPayload> | null;
  if (
    typeof p?.key !== "string" ||
    typeof p.subject !== "string" ||
    typeof p.html !== "string" ||
    typeof p.plainText !== "string"
  ) {
    throw new Error("The stored e-mail is not a rendered digest e-mail");
  }
  return { key: p.key, subject: p.subject, html: p.html, plainText: p.plainText };
}
