/**
 * Names, codes and messages come from Log Analytics and exports as anyone wrote them. Crafted ones go through
 * every renderer a person reads (Teams, Slack, the terminal digest, the alerts text, the trends and classify
 * tables): none may become a link, a mention, emphasis, an extra line or a terminal command.
 */
import { describe, expect, it } from "vitest";
import { formatAlertsText } from "../../src/commands/alerts.js";
import { classifyRead, renderTable } from "../../src/commands/classify.js";
import { htmlDigest } from "../../src/delivery/html.js";
import { renderTrendTable } from "../../src/delivery/trend-table.js";
import { slackAlerts, slackDigest } from "../../src/delivery/slack.js";
import { teamsAlerts } from "../../src/delivery/teams-alerts.js";
import { teamsDigest } from "../../src/delivery/teams.js";
import { terminalDigest } from "../../src/delivery/terminal.js";
import { evaluateAlerts, parseAlertRules, type Alert } from "../../src/domain/alert-rules.js";
import { buildDigest, type Digest } from "../../src/domain/digest.js";
import type { BackupJob, ClassifiedJob } from "../../src/domain/model.js";
import { addDays } from "../../src/domain/days.js";
import type { AlertRunResult } from "../../src/pipeline/alerts.js";
import { DAY, job, lookup, trend } from "./sample.js";

const H = {
  link: "[Fix now](https://evil.example)",
  ping: "<!channel>",
  bold: "*bold*",
  italic: "_x_",
  ansi: "\x1b[2J\x1b[31mRED",
  osc: "\x1b]8;;https://evil.example\x07click\x1b]8;;\x07",
  bidi: "vm\u202egnp.exe",
  zeroWidth: "rsv\u200b-prod",
  newline: "vm-n\nBackup pulse: HEALTHY",
  c1: "vm\u009b31m",
  list: "- item",
  date: "{{DATE(2017-02-14T06:00:00Z, SHORT)}}",
} as const;

/** Characters that must never reach a terminal as received (newline aside, which the renderers add). */
const HIDDEN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
const hiddenIn = (text: string): string[] =>
  [...text].filter((c) => c !== "\n" && HIDDEN.test(c)).map((c) => c.codePointAt(0)!.toString(16));

function hostileJobs(): ClassifiedJob[] {
  return [
    job({
      vm: H.link,
      vault: H.ping,
      status: "Failed",
      consistency: "none",
      degraded: true,
      errorCode: H.ansi,
    }),
    job({
      vm: H.bold,
      vault: H.italic,
      status: "CompletedWithWarnings",
      consistency: "file-system",
      degraded: true,
      errorCode: H.link,
      errorCategory: "vss",
    }),
    job({ vm: H.bidi, vault: H.zeroWidth, status: "Failed", consistency: "none", degraded: true }),
    job({
      vm: H.newline,
      vault: H.c1,
      status: "Failed",
      consistency: "none",
      degraded: true,
      errorCode: H.osc,
    }),
    job({
      vm: H.list,
      vault: H.date,
      status: "Failed",
      consistency: "none",
      degraded: true,
      errorCode: H.bold,
    }),
  ];
}

/** The same estate with every name made harmless: what the renderers print for ordinary names. */
const tame = (j: ClassifiedJob, i: number): ClassifiedJob => ({
  ...j,
  vm: `vm-${i}`,
  vault: `rsv-${i}`,
  errorCode: j.errorCode === null ? null : `Code${i}`,
});

function digestOf(jobs: ClassifiedJob[]): Digest {
  const yesterday = jobs.map((j) => ({ ...j, ...CLEAN, start: `${addDays(DAY, -1)}T01:00:00.000Z` }));
  return buildDigest({
    date: DAY,
    jobs,
    trends: [trend(addDays(DAY, -1), { jobs: jobs.length })],
    yesterday,
    vmStates: jobs.map((j) => ({ vm: j.vm, vault: j.vault, failingDays: 4, belowExpectedDays: 4 })),
    knownVms: [
      ...jobs.map((j) => ({ vm: j.vm, vault: j.vault })),
      { vm: H.osc, vault: H.ping, lastJobAt: null },
    ],
    coverage: { workspacesQueried: ["11111111-1111-1111-1111-111111111111"] },
    lookup,
    generatedAt: `${addDays(DAY, 1)}T07:00:00.000Z`,
  });
}
const CLEAN = {
  status: "Completed",
  consistency: "application",
  degraded: false,
  errorCode: null,
  errorCategory: null,
} as const;

function alertsOf(jobs: ClassifiedJob[]): Alert[] {
  return evaluateAlerts({
    newJobs: jobs,
    history: (vault, vm) =>
      [1, 2].map((d) => ({
        ...jobs.find((j) => j.vault === vault && j.vm === vm)!,
        jobId: `old-${d}`,
        start: `${addDays(DAY, -d)}T01:00:00.000Z`,
      })),
    rules: parseAlertRules(null),
    lastFiredMs: () => undefined,
    nowMs: Date.parse(`${DAY}T12:00:00Z`),
  }).alerts;
}

const digest = digestOf(hostileJobs());
const alerts = alertsOf(hostileJobs());

/** Every string in a JSON value, with the path of its property. */
function strings(node: unknown, key = ""): { key: string; value: string }[] {
  if (typeof node === "string") return [{ key, value: node }];
  if (Array.isArray(node)) return node.flatMap((n) => strings(n, key));
  if (node && typeof node === "object") return Object.entries(node).flatMap(([k, v]) => strings(v, k));
  return [];
}

/** The strings Teams renders as Markdown: TextBlock texts (also in Table cells), Fact titles and values. */
function teamsMarkdown(node: unknown): string[] {
  if (Array.isArray(node)) return node.flatMap(teamsMarkdown);
  if (!node || typeof node !== "object") return [];
  const o = node as { type?: string; text?: string; facts?: { title: string; value: string }[] };
  const own =
    o.type === "TextBlock" && o.text !== undefined
      ? [o.text]
      : o.type === "FactSet"
        ? (o.facts ?? []).flatMap((f) => [f.title, f.value])
        : [];
  return [...own, ...Object.values(o).flatMap(teamsMarkdown)];
}

/** Markdown links `[text](target)` not cancelled by a backslash. */
const markdownLinks = (md: string): string[] =>
  [...md.matchAll(/(?<!\\)\[[^\]]*(?<!\\)\]\(([^)]*)\)/g)].map((m) => m[1] ?? "");

describe("Teams: names are Markdown-escaped in TextBlocks, FactSets and Tables", () => {
  const cards = {
    digest: JSON.parse(teamsDigest(digest).body),
    alerts: JSON.parse(teamsAlerts(alerts).body),
  };

  it.each(Object.entries(cards))(
    "%s: no name becomes a link, a list, emphasis or a date function",
    (_n, card) => {
      const markdown = teamsMarkdown(card);
      const all = markdown.join("\n");
      // The only links are the product's own, to Microsoft's documentation.
      for (const md of markdown) {
        for (const target of markdownLinks(md)) expect(target).toMatch(/^https:\/\/learn\.microsoft\.com\//);
      }
      expect(all).not.toContain("https://evil.example");
      expect(all).toContain("\\[Fix now\\](https\\[:\\]//evil.example)");
      for (const md of markdown) {
        expect(md).not.toMatch(/(?<!\\)<!channel/);
        expect(md).not.toMatch(/(?<!\\)\*bold/);
        expect(md).not.toMatch(/(?<![\\\w])_x/);
        expect(md).not.toMatch(/(?<!\\)\{\{DATE/);
        expect(md).not.toMatch(/^- item/);
      }
      expect(hiddenIn(all)).toEqual([]);
    },
  );

  it("shows each crafted name, escaped, where the plain name would be", () => {
    const all = Object.values(cards).flatMap(teamsMarkdown).join("\n");
    for (const shown of ["\\<!channel\\>", "\\*bold\\*", "\\_x\\_", "\\- item", "vm\\\\u202egnp.exe"]) {
      expect(all).toContain(shown);
    }
    // Button labels are plain text: a crafted code in one shows no scheme a reader could take for a link.
    for (const t of strings(cards).filter((x) => x.key === "title")) expect(t.value).not.toContain("://evil");
  });
});

describe("Slack: names cannot mention, link or format", () => {
  const messages = {
    digest: JSON.parse(slackDigest(digest).body),
    alerts: JSON.parse(slackAlerts(alerts).body),
  };

  it.each(Object.entries(messages))("%s: the top-level text is escaped as the blocks are", (_n, msg) => {
    const all = strings(msg).map((s) => s.value);
    for (const text of all) {
      expect(text).not.toContain("<!channel>");
      // Only the product's own links (`<url|label>`) remain.
      for (const m of text.matchAll(/<([^>|]*)\|[^>]*>/g)) {
        expect(m[1]).toMatch(/^https:\/\/learn\.microsoft\.com\//);
      }
      expect(hiddenIn(text)).toEqual([]);
    }
    expect(msg.text).not.toMatch(/<!|<http/);
  });

  it("the alert's notification text shows the name escaped", () => {
    const pinged = alertsOf([
      job({ vm: H.ping, status: "CompletedWithWarnings", consistency: "file-system", degraded: true }),
    ]);
    const msg = JSON.parse(slackAlerts(pinged).body);
    expect(msg.text).toContain("&lt;!channel&gt;");
    expect(msg.text).not.toContain("<!channel>");
  });

  it.each(Object.entries(messages))(
    "%s: every mrkdwn object is verbatim; names stand in code spans",
    (_n, msg) => {
      const objects: { type: string; text: string; verbatim?: boolean }[] = [];
      const walk = (n: unknown): void => {
        if (Array.isArray(n)) n.forEach(walk);
        else if (n && typeof n === "object") {
          const o = n as { type?: string; text?: unknown };
          if (o.type === "mrkdwn") objects.push(o as (typeof objects)[number]);
          Object.values(o).forEach(walk);
        }
      };
      walk(msg.blocks);
      expect(objects.length).toBeGreaterThan(0);
      for (const o of objects) {
        expect(o.verbatim).toBe(true);
        const outsideCode = o.text.replace(/`[^`]*`/g, "");
        expect(outsideCode).not.toContain("*bold*");
        expect(outsideCode).not.toContain("_x_");
        expect(outsideCode).not.toContain("Fix now");
      }
      expect(JSON.stringify(msg.blocks)).toContain("`*bold*`");
    },
  );
});

describe("Terminal: hidden and steering characters are shown, never obeyed", () => {
  const run = (jobs: ClassifiedJob[]): Record<string, string> => {
    const alertList = alertsOf(jobs);
    const result = { since: `${DAY}T00:00:00Z`, rules: "all", newJobs: jobs.length, alerts: alertList };
    const backupJobs: BackupJob[] = jobs.map((j) => ({
      jobId: j.jobId,
      vm: j.vm,
      vault: j.vault,
      vaultId: null,
      container: null,
      itemId: null,
      os: j.os,
      status: j.status,
      startMs: Date.parse(j.start),
      durationSec: null,
      code: j.errorCode,
      timeGeneratedMs: 0,
      workspaceId: null,
    }));
    const report = classifyRead(
      {
        jobs: backupJobs,
        rejected: jobs.map((j, i) => ({ row: i + 1, reason: `unreadable VM name ${j.vm}` })),
        excluded: {},
        rowsRead: jobs.length,
        duplicates: 0,
      },
      { linuxAppConsistentVms: [] },
    );
    return {
      digest: terminalDigest(digestOf(jobs)),
      alerts: formatAlertsText(result as unknown as AlertRunResult),
      trends: renderTrendTable(jobs.map((j) => trend(DAY, { scope: `vm:${j.vm}` }))),
      classify: renderTable(report, { name: "export.json" }),
    };
  };
  const hostile = run(hostileJobs());
  const plain = run(hostileJobs().map(tame));

  it.each(Object.keys(hostile))("%s: no control, bidi or zero-width character is printed", (name) => {
    expect(hiddenIn(hostile[name]!)).toEqual([]);
  });

  it.each(Object.keys(hostile))("%s: a name cannot add a line", (name) => {
    expect(hostile[name]!.split("\n")).toHaveLength(plain[name]!.split("\n").length);
    expect(hostile[name]).not.toMatch(/^Backup pulse: HEALTHY/m);
  });

  it.each(Object.keys(hostile))("%s: the names are shown with visible escapes", (name) => {
    const out = hostile[name]!;
    expect(out).toContain("vm\\u202egnp.exe");
    expect(out).toContain("vm-n\\x0aBackup pulse: HEALTHY");
    if (name !== "trends") expect(out).toContain("rsv\\u200b-prod");
    if (name === "digest" || name === "alerts") expect(out).toContain("\\x1b[2J\\x1b[31mRED");
  });
});

describe("HTML: hidden and steering characters are shown, never obeyed", () => {
  const html = htmlDigest(digestOf(hostileJobs()));
  const text = html.replace(/<style>[\s\S]*?<\/style>/g, "");

  it("no bidi, zero-width or control character reaches the page", () => {
    expect(hiddenIn(text)).toEqual([]);
  });

  it("the names are shown with visible escapes, and no markup comes from a name", () => {
    expect(text).toContain("vm\\u202egnp.exe");
    expect(text).toContain("rsv\\u200b-prod");
    expect(text).toContain("vm-n\\x0aBackup pulse: HEALTHY");
    expect(text).not.toContain("<!channel>");
    expect(text).toContain("&lt;!channel&gt;");
  });
});
