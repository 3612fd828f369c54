/**
 * Microsoft Teams (Workflows "When a Teams webhook request is received"): an Adaptive Card 1.5 in the
 * message envelope the standard flow template loops over. Always under the ~28 KB message limit: lists are
 * cut with "+N more", the headline never is.
 *
 * Teams renders Markdown in TextBlocks (also inside Table cells) and in FactSet titles and values: every
 * string that comes from Azure or an export (VM, vault and job names, codes, times, alert titles and details)
 * goes through `teamsText`, so a name is shown as written and can never become a link, a list or emphasis.
 */
import { TROUBLESHOOT_URL, CONSISTENCY_DOC_URL, type Digest, type DigestStatus } from "../domain/digest.js";
import { visible } from "../domain/visible-text.js";
import { byteLength, type AlertView, type RenderedPayload } from "./alert.js";
import {
  STATUS_LABEL,
  changeText,
  clip,
  clipName,
  compared,
  count,
  coverageText,
  defangUrls,
  moreLine,
  summaryLine,
} from "./text.js";

/** Teams refuses messages over about 28 KB; this leaves room for the flow's own wrapping. */
export const TEAMS_BUDGET_BYTES = 26_000;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
type Element = { [key: string]: Json };

export interface AdaptiveCard {
  $schema: string;
  type: "AdaptiveCard";
  version: "1.5";
  body: Element[];
  actions?: Element[];
  msteams?: { width: "Full" };
  [key: string]: Json | undefined;
}

export interface TeamsEnvelope {
  type: "message";
  attachments: {
    contentType: "application/vnd.microsoft.card.adaptive";
    contentUrl: null;
    content: AdaptiveCard;
  }[];
}

export interface TeamsOptions {
  maxBytes?: number;
}

const STATUS_COLOR: Record<DigestStatus, string> = {
  healthy: "Good",
  attention: "Warning",
  failing: "Attention",
  "no-data": "Attention",
};
const STATUS_STYLE: Record<DigestStatus, string> = {
  healthy: "good",
  attention: "warning",
  failing: "attention",
  "no-data": "attention",
};

/**
 * An untrusted string as Adaptive Card Markdown that shows it literally: hidden characters shown as escapes
 * (`visible`), Markdown punctuation backslash-escaped (CommonMark), an `_` only where it could start or end
 * emphasis (so `vm_sql_01` stays readable), a leading list marker escaped, `{` escaped so `{{DATE(…)}}` is
 * not evaluated, and `scheme://` defanged so that no host turns it into a link.
 */
export function teamsText(s: string): string {
  const escaped = defangUrls(visible(s))
    .replace(/[\\`*[\]<>{}~&]/g, "\\$&")
    .replace(/_/g, (u, at: number, all: string) =>
      /[\p{L}\p{N}]/u.test(all[at - 1] ?? "") && /[\p{L}\p{N}]/u.test(all[at + 1] ?? "") ? u : "\\_",
    );
  return escaped.replace(
    /^(\s*)([-+]|\d+[.)])(?=\s|$)/,
    (_m, space: string, marker: string) => `${space}${marker.replace(/[-+.)]$/, "\\$&")}`,
  );
}

function text(t: string, extra: Element = {}): Element {
  return { type: "TextBlock", text: t, wrap: true, ...extra };
}

function heading(t: string): Element {
  return text(t, { weight: "Bolder", size: "Medium", spacing: "Medium", separator: true });
}

function table(headers: string[], widths: number[], rows: string[][]): Element {
  const cell = (t: string, header = false): Element => ({
    type: "TableCell",
    items: [text(t, header ? { weight: "Bolder" } : { size: "Small" })],
  });
  return {
    type: "Table",
    columns: widths.map((w) => ({ width: w })),
    firstRowAsHeader: true,
    showGridLines: false,
    rows: [headers, ...rows].map((r, i) => ({ type: "TableRow", cells: r.map((c) => cell(c, i === 0)) })),
  };
}

function openUrl(title: string, url: string): Element {
  return { type: "Action.OpenUrl", title: clip(title, 40), url };
}

export function card(body: Element[], actions: Element[]): AdaptiveCard {
  return {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.5",
    body,
    ...(actions.length > 0 ? { actions } : {}),
    msteams: { width: "Full" },
  };
}

export function envelope(content: AdaptiveCard): TeamsEnvelope {
  return {
    type: "message",
    attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content }],
  };
}

interface Limits {
  rows: number;
  codes: number;
}

/** Limits tried in order until the message fits. The last one keeps the headline alone. */
const LEVELS: Limits[] = [
  { rows: 15, codes: 8 },
  { rows: 10, codes: 5 },
  { rows: 6, codes: 3 },
  { rows: 3, codes: 2 },
  { rows: 1, codes: 1 },
  { rows: 0, codes: 0 },
];

function headline(d: Digest): Element[] {
  const h = d.headline;
  const out: Element[] = [
    {
      type: "Container",
      style: STATUS_STYLE[h.status],
      bleed: true,
      items: [
        text(`Backup pulse · ${d.date}`, { size: "Large", weight: "Bolder" }),
        text(`${STATUS_LABEL[h.status]}${h.partial ? " · PARTIAL DATA" : ""}`, {
          weight: "Bolder",
          color: STATUS_COLOR[h.status],
          spacing: "None",
        }),
        text(h.statusReason, { spacing: "Small" }),
      ],
    },
  ];
  if (h.status !== "no-data") {
    out.push({
      type: "FactSet",
      facts: [
        { title: "Jobs", value: compared(h.jobs, false) },
        { title: "Succeeded", value: compared(h.successRate, true) },
        { title: "Application-consistent", value: compared(h.application, true) },
        { title: "File-system consistent", value: compared(h.fileSystem, true) },
        { title: "Crash-consistent", value: compared(h.crash, true) },
        { title: "No recovery point", value: compared(h.none, true) },
      ],
    });
    out.push(
      text("▲ ▼ = against yesterday and the 7-day average", {
        size: "Small",
        isSubtle: true,
        spacing: "None",
      }),
    );
  }
  return out;
}

function digestBody(d: Digest, lim: Limits): { body: Element[]; actions: Element[] } {
  const body = headline(d);
  const actions: Element[] = [];
  const name = (s: string): string => teamsText(clipName(s));

  const changes = [...d.changes.newFailures, ...d.changes.downgrades, ...d.changes.recoveries];
  if (changes.length > 0 && lim.rows > 0) {
    body.push(heading("What changed since yesterday"));
    body.push(
      text(
        `${count(d.changes.newFailures.length)} new failure(s) · ${count(d.changes.downgrades.length)} downgrade(s) · ` +
          `${count(d.changes.recoveries.length)} recover${d.changes.recoveries.length === 1 ? "y" : "ies"}`,
        { size: "Small" },
      ),
    );
    const shown = changes.slice(0, lim.rows);
    body.push(
      table(
        ["VM", "Vault", "Change"],
        [3, 3, 4],
        shown.map((c) => [name(c.vm), name(c.vault), teamsText(clip(changeText(c), 90))]),
      ),
    );
    if (changes.length > shown.length)
      body.push(text(moreLine(changes.length - shown.length), { isSubtle: true }));
  }

  const p = d.persisting;
  const persisting: string[][] = [
    ...p.failing.map((s) => [name(s.vm), name(s.vault), `failing ${s.days} days in a row`]),
    ...p.belowExpected.map((s) => [
      name(s.vm),
      name(s.vault),
      `below ${s.expectedConsistency ?? "expected"} consistency ${s.days} days`,
    ]),
    ...p.noJobToday.map((m) => [name(m.vm), name(m.vault), "no backup job today"]),
  ];
  if (persisting.length > 0 && lim.rows > 0) {
    body.push(heading("What persists"));
    body.push(
      text(
        `${count(p.failing.length)} failing for days · ${count(p.belowExpected.length)} below expected consistency · ` +
          `${count(p.noJobToday.length)} with no job today`,
        { size: "Small" },
      ),
    );
    const shown = persisting.slice(0, lim.rows);
    body.push(table(["VM", "Vault", "Problem"], [3, 3, 4], shown));
    if (persisting.length > shown.length) {
      body.push(text(moreLine(persisting.length - shown.length), { isSubtle: true }));
    }
  }

  if (d.topCodes.length > 0 && lim.codes > 0) {
    body.push(heading("Top error codes: what to do"));
    const shown = d.topCodes.slice(0, lim.codes);
    for (const c of shown) {
      body.push({
        type: "Container",
        spacing: "Small",
        items: [
          text(
            `**${teamsText(clip(c.code, 80))}** · ${count(c.jobs)} job(s) on ${count(c.vms)} VM(s) · ${c.category}`,
            {
              size: "Small",
            },
          ),
          text(`${clip(c.action, 220)} [How to fix](${c.docUrl})`, {
            size: "Small",
            isSubtle: true,
            spacing: "None",
          }),
        ],
        selectAction: {
          type: "Action.OpenUrl",
          url: c.docUrl,
          title: `Docs: ${defangUrls(visible(clip(c.code, 30)))}`,
        },
      });
    }
    if (d.topCodes.length > shown.length)
      body.push(text(moreLine(d.topCodes.length - shown.length), { isSubtle: true }));
  }

  body.push(heading("Coverage"));
  body.push(text(coverageText(d), { size: "Small" }));
  for (const n of d.notes) body.push(text(n, { size: "Small", isSubtle: true }));
  actions.push(openUrl("Troubleshooting guide", TROUBLESHOOT_URL));
  actions.push(openUrl("About snapshot consistency", CONSISTENCY_DOC_URL));
  return { body, actions };
}

function fit(build: (lim: Limits) => TeamsEnvelope, maxBytes: number): RenderedPayload {
  let body = "";
  for (const lim of LEVELS) {
    body = JSON.stringify(build(lim));
    if (byteLength(body) <= maxBytes) break;
  }
  return { format: "teams", contentType: "application/json", body };
}

/** The digest as a Teams Workflows message. */
export function teamsDigest(d: Digest, options: TeamsOptions = {}): RenderedPayload {
  return fit((lim) => {
    const { body, actions } = digestBody(d, lim);
    return envelope({ ...card(body, actions), fallbackText: summaryLine(d) });
  }, options.maxBytes ?? TEAMS_BUDGET_BYTES);
}

/** Alerts as one Teams Workflows message. */
export function teamsAlerts(alerts: readonly AlertView[], options: TeamsOptions = {}): RenderedPayload {
  return fit((lim) => {
    const n = lim.rows;
    const body: Element[] = [
      text(`Backup pulse · ${alerts.length} alert${alerts.length === 1 ? "" : "s"}`, {
        size: "Large",
        weight: "Bolder",
      }),
    ];
    const shown = alerts.slice(0, n);
    for (const a of shown) {
      const items: Element[] = [
        text(teamsText(clip(a.title, 200)), { weight: "Bolder", color: "Attention" }),
        {
          type: "FactSet",
          facts: [
            { title: "VM", value: teamsText(clip(a.vm, 80)) },
            { title: "Vault", value: teamsText(clip(a.vault, 80)) },
            { title: "When", value: teamsText(a.at) },
            ...(a.errorCode ? [{ title: "Code", value: teamsText(clip(a.errorCode, 80)) }] : []),
          ],
        },
        text(teamsText(clip(a.detail, 400)), { size: "Small" }),
      ];
      if (a.action) items.push(text(`What to do: ${clip(a.action, 300)}`, { size: "Small", isSubtle: true }));
      for (const hint of a.hints ?? [])
        items.push(text(`Tip: ${clip(hint, 400)}`, { size: "Small", isSubtle: true }));
      if (a.docUrl) items.push({ type: "ActionSet", actions: [openUrl("Troubleshooting doc", a.docUrl)] });
      body.push({ type: "Container", separator: true, spacing: "Medium", items });
    }
    if (alerts.length > shown.length)
      body.push(text(moreLine(alerts.length - shown.length), { isSubtle: true }));
    return envelope(card(body, []));
  }, options.maxBytes ?? TEAMS_BUDGET_BYTES);
}
