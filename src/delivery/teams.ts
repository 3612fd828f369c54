/**
 * Microsoft Teams (Workflows "When a Teams webhook request is received"): an Adaptive Card 1.5 in the
 * message envelope the standard flow template loops over. Always under the ~28 KB message limit: lists are
 * cut with "+N more", the headline never is.
 *
 * Teams renders Markdown in TextBlocks (also inside Table cells) and in FactSet titles and values: every
 * string that comes from Azure or an export (VM, vault and job names, codes, times, alert titles and details)
 * goes through `teamsText`, so a name is shown as written and can never become a link, a list or emphasis.
 */
import { type Comparison, type Digest, type DigestStatus, type Direction } from "../domain/digest.js";
import type { Messages } from "../domain/messages/index.js";
import { visible } from "../domain/visible-text.js";
import { byteLength, type RenderedPayload } from "./alert.js";
import {
  DIRECTION_MARK,
  belowExpected,
  changeText,
  clip,
  clipName,
  compared,
  count,
  coverageText,
  defangUrls,
  moreLine,
  noJobText,
  percent,
  summaryLine,
  tone,
  msgs,
  partialTagged,
} from "./text.js";

/** Teams refuses messages over about 28 KB; this leaves room for the flow's own wrapping. */
export const TEAMS_BUDGET_BYTES = 26_000;

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };
export type Element = { [key: string]: Json };

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

export function text(t: string, extra: Element = {}): Element {
  return { type: "TextBlock", text: t, wrap: true, ...extra };
}

function heading(t: string): Element {
  return text(t, { weight: "Bolder", spacing: "Medium", separator: true });
}

/** Product text (an action, a note) with commands in backticks: shown as code, nothing else interpreted. */
function teamsProse(s: string): string {
  return s.replace(/[\\*[\]<>{}~&_]/g, "\\$&").replace(/`/g, "");
}

export function openUrl(title: string, url: string): Element {
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

export interface Limits {
  rows: number;
  codes: number;
}

/** Limits tried in order until the message fits. The last one keeps the headline alone. */
const LEVELS: Limits[] = [
  { rows: 10, codes: 5 },
  { rows: 6, codes: 3 },
  { rows: 3, codes: 2 },
  { rows: 1, codes: 1 },
  { rows: 0, codes: 0 },
];

const TONE_COLOR = { good: "Good", bad: "Attention", flat: "Default" } as const;

/**
 * A headline figure as a column: label, value, and its moves against yesterday and the 7-day average, each
 * coloured for good or bad news.
 */
function figure(m: Messages, label: string, c: Comparison, asRate: boolean): Element {
  const f = asRate ? percent : (n: number | null): string => count(n, m);
  const move = (dir: Direction, ref: number | null, prefix: string): Element => ({
    type: "TextRun",
    text: `${prefix}${DIRECTION_MARK[dir]} ${f(ref)}`,
    size: "Small",
    color: TONE_COLOR[tone(c, dir)],
    isSubtle: tone(c, dir) === "flat",
  });
  return {
    type: "Column",
    width: "stretch",
    items: [
      text(label, { size: "Small", isSubtle: true }),
      text(f(c.value), { size: "Large", weight: "Bolder", spacing: "None" }),
      {
        type: "RichTextBlock",
        spacing: "None",
        inlines: [move(c.vsYesterday, c.yesterday, ""), move(c.vs7d, c.average7d, "  ")],
      },
    ],
  };
}

function headline(d: Digest, m: Messages): Element[] {
  const h = d.headline;
  const F = m.figure;
  const out: Element[] = [
    {
      type: "Container",
      style: STATUS_STYLE[h.status],
      bleed: true,
      items: [
        text(m.title(m.day(d.date)), { size: "Large", weight: "Bolder" }),
        text(`${m.status[h.status]}${partialTagged(h) ? ` · ${m.partialTag}` : ""}`, {
          weight: "Bolder",
          color: STATUS_COLOR[h.status],
          spacing: "None",
        }),
        text(h.statusReason, { spacing: "Small", size: "Small" }),
      ],
    },
  ];
  if (h.status !== "no-data") {
    const c = h.counts;
    out.push({
      type: "ColumnSet",
      columns: [
        figure(m, F.degraded, h.degraded, false),
        figure(m, F.succeeded, h.successRate, true),
        figure(m, F.application, h.application, true),
      ],
    });
    out.push(
      text(F.legend, {
        size: "Small",
        isSubtle: true,
        spacing: "None",
      }),
    );
    out.push({
      type: "FactSet",
      facts: [
        { title: F.jobs, value: compared(h.jobs, false, m) },
        {
          title: F.fileSystemShort,
          value: `${percent(h.fileSystem.value)} · ${belowExpected(c.fileSystemBelowExpected, m)}`,
        },
        {
          title: F.crashShort,
          value: `${percent(h.crash.value)} · ${belowExpected(c.crashBelowExpected, m)}`,
        },
        { title: F.noneShort, value: `${percent(h.none.value)} · ${F.jobsOf(count(c.none, m))}` },
      ],
    });
  }
  return out;
}

/** A VM in a table cell: its name, its vault below in small print. */
function vmCell(vm: string, vault: string): Element[] {
  return [
    text(teamsText(clipName(vm)), { size: "Small", weight: "Bolder" }),
    text(teamsText(clipName(vault)), { size: "Small", isSubtle: true, spacing: "None" }),
  ];
}

/** What happened, with what to do below it. */
function problemCell(problem: string, action: string | null): Element[] {
  const out = [text(problem, { size: "Small" })];
  if (action) out.push(text(`→ ${teamsProse(action)}`, { size: "Small", isSubtle: true, spacing: "None" }));
  return out;
}

function vmTable(
  m: Messages,
  rows: { vm: string; vault: string; problem: string; action: string | null }[],
): Element {
  const cell = (items: Element[]): Element => ({ type: "TableCell", items });
  return {
    type: "Table",
    columns: [{ width: 2 }, { width: 3 }],
    firstRowAsHeader: true,
    showGridLines: false,
    rows: [
      {
        type: "TableRow",
        cells: [
          cell([text(m.column.vm, { weight: "Bolder", size: "Small" })]),
          cell([text(m.column.happenedTodo, { weight: "Bolder", size: "Small" })]),
        ],
      },
      ...rows.map((r) => ({
        type: "TableRow",
        cells: [cell(vmCell(r.vm, r.vault)), cell(problemCell(r.problem, r.action))],
      })),
    ],
  };
}

function digestBody(d: Digest, lim: Limits): { body: Element[]; actions: Element[] } {
  const m = msgs(d);
  const n = (x: number): string => count(x, m);
  const body = headline(d, m);
  const actions: Element[] = [];

  const changes = [...d.changes.newFailures, ...d.changes.downgrades, ...d.changes.recoveries];
  if (changes.length > 0 && lim.rows > 0) {
    body.push(heading(m.heading.changedCount(n(changes.length))));
    const shown = changes.slice(0, lim.rows);
    body.push(
      vmTable(
        m,
        shown.map((c) => ({
          vm: c.vmLabel,
          vault: c.vaultLabel,
          problem: teamsText(clip(changeText(c, m), 90)),
          action: c.action,
        })),
      ),
    );
    if (changes.length > shown.length)
      body.push(text(moreLine(changes.length - shown.length, m), { isSubtle: true, size: "Small" }));
  }

  const p = d.persisting;
  const persisting = [
    ...p.failing.map((s) => ({
      ...s,
      vm: s.vmLabel,
      vault: s.vaultLabel,
      problem: m.persist.failingDays(s.days),
    })),
    ...p.belowExpected.map((s) => ({
      ...s,
      vm: s.vmLabel,
      vault: s.vaultLabel,
      problem: m.persist.belowDays(
        s.expectedConsistency ? m.consistency[s.expectedConsistency] : null,
        s.days,
      ),
    })),
    ...p.noJobToday.map((x) => ({
      vm: x.vmLabel,
      vault: x.vaultLabel,
      problem: noJobText(d.date, m),
      action: null,
    })),
  ];
  if (persisting.length > 0 && lim.rows > 0) {
    body.push(heading(m.heading.persistsCount(n(persisting.length))));
    const shown = persisting.slice(0, lim.rows);
    body.push(vmTable(m, shown));
    if (persisting.length > shown.length) {
      body.push(text(moreLine(persisting.length - shown.length, m), { isSubtle: true, size: "Small" }));
    }
  }

  if (d.topCodes.length > 0 && lim.codes > 0) {
    body.push(heading(m.heading.topCodes));
    const shown = d.topCodes.slice(0, lim.codes);
    for (const c of shown) {
      body.push({
        type: "Container",
        spacing: "Small",
        items: [
          text(
            `**${teamsText(clip(c.code, 80))}** · ${m.codeLine(n(c.jobs), n(c.vms), m.category[c.category])}. ` +
              `${teamsProse(clip(c.action, 160))} [${m.howToFix}](${c.docUrl})`,
            { size: "Small" },
          ),
        ],
        selectAction: {
          type: "Action.OpenUrl",
          url: c.docUrl,
          title: m.docsFor(defangUrls(visible(clip(c.code, 30)))),
        },
      });
    }
    if (d.topCodes.length > shown.length)
      body.push(text(moreLine(d.topCodes.length - shown.length, m), { isSubtle: true, size: "Small" }));
  }

  body.push(
    text([`${m.coverage.label}: ${coverageText(d)}`, ...d.notes].join("\n"), {
      size: "Small",
      isSubtle: true,
      separator: true,
      spacing: "Medium",
    }),
  );
  actions.push(openUrl(m.footer.troubleshooting, m.troubleshootUrl));
  actions.push(openUrl(m.footer.aboutConsistency, m.consistencyUrl));
  return { body, actions };
}

export function fit(build: (lim: Limits) => TeamsEnvelope, maxBytes: number): RenderedPayload {
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
