/**
 * Slack incoming webhook: Block Kit within Slack's limits (≤ 50 blocks, ≤ 3,000 characters per section text,
 * about 12,000 characters of blocks in all) plus a plain-text `text` fallback for notifications.
 *
 * Names and codes come from Azure or an export, as anyone wrote them. Slack mrkdwn has no escape for `*`,
 * `_`, `~` or a backtick, so they are set in inline code spans, where Slack applies no formatting; `&`, `<` and
 * `>` are escaped everywhere (also in the top-level `text`), so nothing becomes a link or a mention; and every
 * mrkdwn object is `verbatim`, so Slack does not turn bare URLs or channel names into links either.
 */
import type { Digest } from "../domain/digest.js";
import { formatInstant, messagesFor, type Messages } from "../domain/messages/index.js";
import { visible } from "../domain/visible-text.js";
import type { AlertView, RenderedPayload } from "./alert.js";
import {
  belowExpected,
  changeText,
  clip,
  clipName,
  compared,
  count,
  coverageText,
  moreLine,
  noJobText,
  summaryLine,
  msgs,
  tone,
  DIRECTION_MARK,
  type ChangeMark,
  partialTagged,
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

/** An untrusted value in an inline code span: shown literally (a backtick in it is shown as `ˋ`). */
export function slackCode(s: string): string {
  return `\`${slackEscape(visible(s)).replace(/`/g, "ˋ")}\``;
}

const name = (s: string): string => slackCode(clipName(s));

/** Emoji of a change that is bad for its figure (up or down) and of one that is good. */
export const SLACK_MARKS = {
  worseUp: ":small_red_triangle:",
  worseDown: ":small_red_triangle_down:",
  better: ":large_green_circle:",
} as const;

/**
 * Slack text has no colour: a change that is bad for its figure is a red triangle pointing its way, a good one a
 * green circle before the arrow; an unchanged or neutral figure keeps the plain mark.
 */
export const slackMark: ChangeMark = (c, dir) => {
  const t = tone(c, dir);
  if (t === "bad") return dir === "up" ? SLACK_MARKS.worseUp : SLACK_MARKS.worseDown;
  if (t === "good") return `${SLACK_MARKS.better}${DIRECTION_MARK[dir]}`;
  return DIRECTION_MARK[dir];
};

const NAME_CHAR = /[\p{L}\p{N}_-]/u;
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

/**
 * Product text with untrusted values in it (an alert's title, a change's code): escaped, and each value,
 * where it stands as a whole word, set in a code span.
 */
export function slackWithNames(text: string, values: readonly (string | null | undefined)[]): string {
  const names = [...new Set(values.filter((v): v is string => typeof v === "string" && v.trim() !== ""))];
  const plain = (t: string): string => slackEscape(visible(t));
  if (names.length === 0) return plain(text);
  const pattern = new RegExp(
    names
      .sort((a, b) => b.length - a.length)
      .map(escapeRegExp)
      .join("|"),
    "g",
  );
  let out = "";
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    const end = m.index + m[0].length;
    if (NAME_CHAR.test(text[m.index - 1] ?? "") || NAME_CHAR.test(text[end] ?? "")) continue;
    out += plain(text.slice(last, m.index)) + slackCode(m[0]);
    last = end;
  }
  return out + plain(text.slice(last));
}

/** Product text in which commands are marked with backticks: escaped, the commands kept as code spans. */
function slackProse(text: string): string {
  const escaped = slackEscape(text);
  return (escaped.match(/`/g) ?? []).length % 2 === 0 ? escaped : escaped.replace(/`/g, "");
}

/** A VM line's short action, after an arrow. */
const todo = (action: string | null): string => (action ? ` → ${slackProse(action)}` : "");

function mrkdwn(markdown: string): { type: "mrkdwn"; text: string; verbatim: true } {
  return { type: "mrkdwn", text: clip(markdown, SLACK_LIMITS.sectionChars), verbatim: true };
}

function section(markdown: string): Block {
  return { type: "section", text: mrkdwn(markdown) };
}

function context(markdown: string): Block {
  return { type: "context", elements: [mrkdwn(markdown)] };
}

/** A titled list in one section: as many lines as fit in `maxLines` and the section limit, then "+N more". */
function listSection(title: string, lines: string[], maxLines: number, m?: Messages): Block {
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
  if (lines.length > shown) text += `\n_${moreLine(lines.length - shown, m)}_`;
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
  // The notification text is escaped as the blocks are: a name in it can neither mention nor link.
  const message: SlackMessage = { text: clip(slackEscape(visible(text)), SLACK_LIMITS.textChars), blocks };
  return { format: "slack", contentType: "application/json", body: JSON.stringify(message) };
}

export function slackDigest(d: Digest): RenderedPayload {
  const h = d.headline;
  const m = msgs(d);
  const F = m.figure;
  const H = m.heading;
  const n = (x: number): string => count(x, m);
  const build = (maxLines: number): Block[] => {
    const blocks: Block[] = [
      {
        type: "header",
        text: {
          type: "plain_text",
          text: clip(
            `${m.title(m.day(d.date))} · ${m.status[h.status]}${partialTagged(h) ? ` · ${m.partialTag}` : ""}`,
            150,
          ),
        },
      },
      section(slackEscape(h.statusReason)),
    ];
    if (h.status !== "no-data") {
      const field = (title: string, value: string): Block => mrkdwn(`*${title}*\n${value}`);
      blocks.push({
        type: "section",
        fields: [
          field(F.degraded, compared(h.degraded, false, m, slackMark)),
          field(F.succeeded, compared(h.successRate, true, m, slackMark)),
          field(F.application, compared(h.application, true, m, slackMark)),
          field(
            F.fileSystem,
            `${compared(h.fileSystem, true, m, slackMark)}\n${belowExpected(h.counts.fileSystemBelowExpected, m)}`,
          ),
          field(
            F.crash,
            `${compared(h.crash, true, m, slackMark)}\n${belowExpected(h.counts.crashBelowExpected, m)}`,
          ),
          field(F.none, compared(h.none, true, m, slackMark)),
          field(F.jobs, compared(h.jobs, false, m, slackMark)),
        ],
      });
      blocks.push(
        context(
          `${F.legend} · ${F.toneLegend(`${SLACK_MARKS.worseUp} ${SLACK_MARKS.worseDown}`, SLACK_MARKS.better)}`,
        ),
      );
    }
    const changes = [...d.changes.newFailures, ...d.changes.downgrades, ...d.changes.recoveries];
    if (changes.length > 0 && maxLines > 0) {
      blocks.push({ type: "divider" });
      blocks.push(
        listSection(
          `${H.changed}: ${H.changedSub(n(d.changes.newFailures.length), n(d.changes.downgrades.length), n(d.changes.recoveries.length))}`,
          changes.map(
            (c) =>
              `• ${name(c.vmLabel)} (${name(c.vaultLabel)}): ${slackWithNames(clip(changeText(c, m), 90), [c.errorCode])}${todo(c.action)}`,
          ),
          maxLines,
          m,
        ),
      );
    }
    const p = d.persisting;
    const persisting = [
      ...p.failing.map(
        (s) =>
          `• ${name(s.vmLabel)} (${name(s.vaultLabel)}): ${m.persist.failingDays(s.days)}${todo(s.action)}`,
      ),
      ...p.belowExpected.map(
        (s) =>
          `• ${name(s.vmLabel)} (${name(s.vaultLabel)}): ${m.persist.belowDays(s.expectedConsistency ? m.consistency[s.expectedConsistency] : null, s.days)}${todo(s.action)}`,
      ),
      ...p.noJobToday.map((x) => `• ${name(x.vmLabel)} (${name(x.vaultLabel)}): ${noJobText(d.date, m)}`),
    ];
    if (persisting.length > 0 && maxLines > 0) {
      blocks.push(
        listSection(
          `${H.persists}: ${H.persistsSub(n(p.failing.length), n(p.belowExpected.length), n(p.noJobToday.length), m.day(d.date))}`,
          persisting,
          maxLines,
          m,
        ),
      );
    }
    if (d.topCodes.length > 0 && maxLines > 0) {
      blocks.push(
        listSection(
          H.topCodes,
          d.topCodes.map(
            (c) =>
              `• *${slackCode(clip(c.code, 80))}*: ${m.codeLine(n(c.jobs), n(c.vms), m.category[c.category])}. ` +
              `${slackProse(clip(c.action, 160))} <${c.docUrl}|${m.docs}>`,
          ),
          Math.min(maxLines, 8),
          m,
        ),
      );
    }
    blocks.push({ type: "divider" });
    blocks.push(
      context(
        `${slackEscape(coverageText(d))}\n${d.notes.map(slackEscape).join("\n")} <${m.troubleshootUrl}|${m.footer.troubleshooting}>`,
      ),
    );
    return blocks;
  };
  return fit(build, summaryLine(d));
}

export function slackAlerts(
  alerts: readonly AlertView[],
  options: { messages?: Messages; timeZone?: string } = {},
): RenderedPayload {
  const m = options.messages ?? messagesFor("en");
  const build = (maxLines: number): Block[] => {
    const blocks: Block[] = [
      {
        type: "header",
        text: {
          type: "plain_text",
          text: `${m.product} · ${m.alert.count(alerts.length)}`,
        },
      },
    ];
    const shown = alerts.slice(0, Math.max(1, maxLines));
    for (const a of shown) {
      const vm = a.vmLabel ?? a.vm;
      const vault = a.vaultLabel ?? a.vault;
      const names = [vm, vault, a.vm, a.vault, a.jobId, a.errorCode];
      const lines = [
        `*${slackWithNames(clip(a.title, 200), names)}*`,
        `${m.alert.vmInVault(name(vm), name(vault))} · ${slackEscape(visible(formatInstant(a.at, m, options.timeZone)))}${a.errorCode ? ` · ${slackCode(clip(a.errorCode, 80))}` : ""}`,
        slackWithNames(clip(a.detail, 400), names),
      ];
      if (a.action) lines.push(`_${m.alert.whatToDo}:_ ${slackEscape(clip(a.action, 300))}`);
      for (const hint of a.hints ?? []) lines.push(`_${m.alert.tip}:_ ${slackEscape(clip(hint, 400))}`);
      if (a.docUrl) lines.push(`<${a.docUrl}|${m.alert.doc}>`);
      blocks.push(section(lines.join("\n")));
    }
    if (alerts.length > shown.length) blocks.push(context(moreLine(alerts.length - shown.length, m)));
    return blocks;
  };
  const first = alerts[0];
  const text =
    alerts.length === 1 && first ? m.alert.one(first.title) : m.alert.many(alerts.length, first?.title ?? "");
  return fit(build, text);
}
