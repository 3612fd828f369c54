/**
 * Slack incoming webhook: Block Kit within Slack's limits (≤ 50 blocks, ≤ 3,000 characters per section text,
 * about 12,000 characters of blocks in all) plus a plain-text `text` fallback for notifications.
 */
import { TROUBLESHOOT_URL, type Digest } from "../domain/digest.js";
import type { AlertView, RenderedPayload } from "./alert.js";
import {
  STATUS_LABEL,
  changeText,
  clip,
  clipName,
  compared,
  count,
  coverageText,
  moreLine,
  summaryLine,
} from "./text.js";

export const SLACK_LIMITS = {
  blocks: 50,
  sectionChars: 3_000,
  /** Slack answers `msg_blocks_too_long` at about 13,200; this keeps a margin. */
  totalBlockChars: 12_000,
  headerChars: 150,
  fieldChars: 2_000,
  fields: 10,
  textChars: 3_000,
} as const;

type Block = Record<string, unknown>;

export interface SlackMessage {
  text: string;
  blocks: Block[];
}

/** Slack mrkdwn needs &, < and > escaped; everything user-supplied goes through this. */
export function slackEscape(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

const name = (s: string): string => slackEscape(clipName(s));

function section(markdown: string): Block {
  return { type: "section", text: { type: "mrkdwn", text: clip(markdown, SLACK_LIMITS.sectionChars) } };
}

function context(markdown: string): Block {
  return { type: "context", elements: [{ type: "mrkdwn", text: clip(markdown, SLACK_LIMITS.sectionChars) }] };
}

/** A titled list in one section: as many lines as fit in `maxLines` and the section limit, then "+N more". */
function listSection(title: string, lines: string[], maxLines: number): Block {
  const head = `*${title}*`;
  let text = head;
  let shown = 0;
  for (const line of lines.slice(0, maxLines)) {
    const next = `${text}\n${line}`;
    const hiddenAfter = lines.length - (shown + 1);
    const reserve = hiddenAfter > 0 ? 24 : 0;
    if (next.length + reserve > SLACK_LIMITS.sectionChars) break;
    text = next;
    shown++;
  }
  if (lines.length > shown) text += `\n_${moreLine(lines.length - shown)}_`;
  return section(text);
}

function blocksLength(blocks: Block[]): number {
  return JSON.stringify(blocks).length;
}

const LEVELS = [15, 10, 6, 3, 1, 0];

function fit(build: (lines: number) => Block[], text: string): RenderedPayload {
  let blocks: Block[] = [];
  for (const lines of LEVELS) {
    blocks = build(lines);
    if (blocks.length <= SLACK_LIMITS.blocks && blocksLength(blocks) <= SLACK_LIMITS.totalBlockChars) break;
  }
  const message: SlackMessage = { text: clip(text, SLACK_LIMITS.textChars), blocks };
  return { format: "slack", contentType: "application/json", body: JSON.stringify(message) };
}

export function slackDigest(d: Digest): RenderedPayload {
  const h = d.headline;
  const build = (maxLines: number): Block[] => {
    const blocks: Block[] = [
      {
        type: "header",
        text: {
          type: "plain_text",
          text: clip(
            `Backup pulse · ${d.date} · ${STATUS_LABEL[h.status]}${h.partial ? " · PARTIAL DATA" : ""}`,
            150,
          ),
        },
      },
      section(slackEscape(h.statusReason)),
    ];
    if (h.status !== "no-data") {
      const field = (title: string, value: string): Block => ({
        type: "mrkdwn",
        text: `*${title}*\n${value}`,
      });
      blocks.push({
        type: "section",
        fields: [
          field("Jobs", compared(h.jobs, false)),
          field("Succeeded", compared(h.successRate, true)),
          field("Application-consistent", compared(h.application, true)),
          field("File-system consistent", compared(h.fileSystem, true)),
          field("Crash-consistent", compared(h.crash, true)),
          field("No recovery point", compared(h.none, true)),
        ],
      });
      blocks.push(context("▲ ▼ = against yesterday and the 7-day average"));
    }
    const changes = [...d.changes.newFailures, ...d.changes.downgrades, ...d.changes.recoveries];
    if (changes.length > 0 && maxLines > 0) {
      blocks.push({ type: "divider" });
      blocks.push(
        listSection(
          `What changed: ${count(d.changes.newFailures.length)} new failure(s), ${count(d.changes.downgrades.length)} downgrade(s), ${count(d.changes.recoveries.length)} recovered`,
          changes.map(
            (c) => `• \`${name(c.vm)}\` (${name(c.vault)}): ${slackEscape(clip(changeText(c), 90))}`,
          ),
          maxLines,
        ),
      );
    }
    const p = d.persisting;
    const persisting = [
      ...p.failing.map((s) => `• \`${name(s.vm)}\` (${name(s.vault)}): failing ${s.days} days in a row`),
      ...p.belowExpected.map(
        (s) =>
          `• \`${name(s.vm)}\` (${name(s.vault)}): below ${s.expectedConsistency ?? "expected"} consistency ${s.days} days`,
      ),
      ...p.noJobToday.map((m) => `• \`${name(m.vm)}\` (${name(m.vault)}): no backup job today`),
    ];
    if (persisting.length > 0 && maxLines > 0) {
      blocks.push(
        listSection(
          `What persists: ${count(p.failing.length)} failing for days, ${count(p.belowExpected.length)} below expected consistency, ${count(p.noJobToday.length)} with no job today`,
          persisting,
          maxLines,
        ),
      );
    }
    if (d.topCodes.length > 0 && maxLines > 0) {
      blocks.push(
        listSection(
          "Top error codes: what to do",
          d.topCodes.map(
            (c) =>
              `• *${slackEscape(clip(c.code, 80))}*: ${count(c.jobs)} job(s) on ${count(c.vms)} VM(s), ${c.category}. ` +
              `${slackEscape(clip(c.action, 160))} <${c.docUrl}|docs>`,
          ),
          Math.min(maxLines, 8),
        ),
      );
    }
    blocks.push({ type: "divider" });
    blocks.push(
      context(
        `${slackEscape(coverageText(d))}\n${d.notes.map(slackEscape).join("\n")} <${TROUBLESHOOT_URL}|Troubleshooting guide>`,
      ),
    );
    return blocks;
  };
  return fit(build, summaryLine(d));
}

export function slackAlerts(alerts: readonly AlertView[]): RenderedPayload {
  const build = (maxLines: number): Block[] => {
    const blocks: Block[] = [
      {
        type: "header",
        text: {
          type: "plain_text",
          text: `Backup pulse · ${alerts.length} alert${alerts.length === 1 ? "" : "s"}`,
        },
      },
    ];
    const shown = alerts.slice(0, Math.max(1, maxLines));
    for (const a of shown) {
      const lines = [
        `*${slackEscape(clip(a.title, 200))}*`,
        `VM \`${name(a.vm)}\` in ${name(a.vault)} · ${slackEscape(a.at)}${a.errorCode ? ` · ${slackEscape(clip(a.errorCode, 80))}` : ""}`,
        slackEscape(clip(a.detail, 400)),
      ];
      if (a.action) lines.push(`_What to do:_ ${slackEscape(clip(a.action, 300))}`);
      for (const hint of a.hints ?? []) lines.push(`_Tip:_ ${slackEscape(clip(hint, 400))}`);
      if (a.docUrl) lines.push(`<${a.docUrl}|Troubleshooting doc>`);
      blocks.push(section(lines.join("\n")));
    }
    if (alerts.length > shown.length) blocks.push(context(moreLine(alerts.length - shown.length)));
    return blocks;
  };
  const first = alerts[0];
  const text =
    alerts.length === 1 && first
      ? `Backup pulse alert: ${first.title}`
      : `Backup pulse: ${alerts.length} alerts${first ? `, first: ${first.title}` : ""}`;
  return fit(build, text);
}
