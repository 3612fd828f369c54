import { describe, expect, it } from "vitest";
import { SLACK_LIMITS, slackAlerts, slackDigest, slackEscape } from "../../src/delivery/slack.js";
import type { AlertView } from "../../src/delivery/alert.js";
import { addDays } from "../../src/domain/days.js";
import type { Digest } from "../../src/domain/digest.js";
import { messagesFor } from "../../src/domain/messages/index.js";
import { DAY, largeDigest, noDataDigest, smallDigest, trend } from "./sample.js";

interface Block {
  type: string;
  text?: { type: string; text: string };
  fields?: { type: string; text: string }[];
  elements?: { type: string; text: string }[];
}

/** Checks a message against Slack's documented limits; returns the problems found. */
function problems(body: string): string[] {
  const msg = JSON.parse(body) as { text: string; blocks: Block[] };
  const out: string[] = [];
  if (typeof msg.text !== "string" || msg.text.trim() === "") out.push("no text fallback");
  if (msg.blocks.length > SLACK_LIMITS.blocks) out.push(`${msg.blocks.length} blocks`);
  const total = JSON.stringify(msg.blocks).length;
  if (total > SLACK_LIMITS.totalBlockChars) out.push(`${total} characters of blocks`);
  for (const b of msg.blocks) {
    if (!["header", "section", "context", "divider"].includes(b.type)) out.push(`unexpected block ${b.type}`);
    if (b.type === "header" && (b.text?.type !== "plain_text" || b.text.text.length > 150))
      out.push("bad header");
    if (b.type === "section") {
      if (!b.text && !b.fields) out.push("empty section");
      if (b.text && b.text.text.length > SLACK_LIMITS.sectionChars)
        out.push(`section of ${b.text.text.length}`);
      if (b.fields && (b.fields.length > 10 || b.fields.some((f) => f.text.length > 2000)))
        out.push("bad fields");
    }
    if (b.type === "context" && (!b.elements || b.elements.length > 10)) out.push("bad context");
  }
  return out;
}

const alerts = (n: number): AlertView[] =>
  Array.from({ length: n }, (_, i) => ({
    rule: "vss",
    vm: `vm-${i}`,
    vault: "rsv-prod",
    jobId: `job-${i}`,
    at: `${DAY}T01:00:00.000Z`,
    title: `VSS writer failed on vm-${i} <again> & again`,
    detail: "The recovery point is file-system consistent: a VSS writer was in a bad state. ".repeat(8),
    errorCode: "ExtensionFailedVssWriterInBadState",
    action: "Restart the VSS service, then the VM.",
    docUrl: "https://learn.microsoft.com/azure/backup/backup-azure-vms-troubleshoot",
  }));

describe("Slack Block Kit payload", () => {
  it("the small digest is within limits and says what changed", () => {
    const p = slackDigest(smallDigest());
    expect(problems(p.body)).toEqual([]);
    const msg = JSON.parse(p.body);
    expect(msg.text).toContain("FAILING");
    expect(msg.blocks[0].text.text).toBe(`Backup pulse · ${DAY} · FAILING`);
    expect(p.body).toContain("vm-app-01");
    expect(p.body).toContain("vm-sql-01");
    expect(p.body).toContain("shut down cleanly");
  });

  it("a large estate (20,000 VMs, 2,000 failing, 300 codes) stays within every limit", () => {
    const p = slackDigest(largeDigest());
    expect(problems(p.body)).toEqual([]);
    expect(p.body).toMatch(/\+[\d,]+ more/);
    expect(JSON.parse(p.body).text).toContain("(partial data)");
  });

  it("escapes markup characters in names so they cannot form links or mentions", () => {
    const p = slackDigest(largeDigest());
    const blocks = JSON.stringify(JSON.parse(p.body).blocks);
    expect(blocks).toContain("&lt;b&gt;&amp;");
    expect(blocks).not.toContain("<b>");
    expect(slackEscape("<!channel> & co")).toBe("&lt;!channel&gt; &amp; co");
  });

  it("NO DATA is said plainly", () => {
    const p = slackDigest(noDataDigest([]));
    expect(problems(p.body)).toEqual([]);
    expect(JSON.parse(p.body).text).toContain("NO DATA");
  });

  it("alerts stay within limits, one or many", () => {
    for (const n of [1, 3, 60, 500]) {
      const p = slackAlerts(alerts(n));
      expect(problems(p.body)).toEqual([]);
      expect(p.body).toContain("vm-0");
    }
    expect(slackAlerts(alerts(500)).body).toMatch(/\+[\d,]+ more/);
    expect(JSON.parse(slackAlerts(alerts(1)).body).text).toContain("VSS writer failed on vm-0");
  });

  it("shows an alert's hints on their own lines", () => {
    const [first] = alerts(1);
    const p = slackAlerts([{ ...first!, hints: ["Set USEVSSCOPYBACKUP to TRUE on SQL Server VMs."] }]);
    expect(problems(p.body)).toEqual([]);
    expect(p.body).toContain("_Tip:_ Set USEVSSCOPYBACKUP to TRUE on SQL Server VMs.");
  });
});

describe("the change marks of the Slack digest", () => {
  /** The headline fields by title, in the digest's language. */
  function fields(d: Digest): Record<string, string> {
    const msg = JSON.parse(slackDigest(d).body) as { blocks: Block[] };
    const section = msg.blocks.find((b) => b.fields);
    return Object.fromEntries(
      (section?.fields ?? []).map((f) => {
        const [title = "", ...rest] = f.text.split("\n");
        return [title.replace(/\*/g, ""), rest.join("\n")];
      }),
    );
  }
  const legend = (d: Digest): string =>
    (JSON.parse(slackDigest(d).body) as { blocks: Block[] }).blocks.find((b) => b.type === "context")
      ?.elements?.[0]?.text ?? "";

  // Yesterday half the jobs failed: today's 75% success and 3 degraded jobs are better than yesterday's.
  const better = (locale: "en" | "ja"): Digest =>
    smallDigest({
      locale,
      trends: [
        trend(addDays(DAY, -1), {
          jobs: 10,
          completed: 5,
          completedWithWarnings: 0,
          failed: 5,
          application: 2,
          fileSystem: 0,
          crash: 0,
          none: 5,
          degraded: 8,
        }),
      ],
    });

  it("colours a change by whether it is good or bad for its figure, in both languages", () => {
    for (const locale of ["en", "ja"] as const) {
      const m = messagesFor(locale);
      // Against a clean yesterday: fewer successes and more degraded jobs are bad news.
      const worse = fields(smallDigest({ locale }));
      expect(worse[m.figure.succeeded], locale).toMatch(/^75\.0% · :small_red_triangle_down: /);
      expect(worse[m.figure.degraded], locale).toMatch(/^3 · :small_red_triangle: /);
      // The job count is neither good nor bad: its arrow stays plain.
      expect(worse[m.figure.jobs], locale).toMatch(/^8 · ▼ /);
      const good = fields(better(locale));
      expect(good[m.figure.succeeded], locale).toMatch(/^75\.0% · :large_green_circle:▲ /);
      expect(good[m.figure.degraded], locale).toMatch(/^3 · :large_green_circle:▼ /);
      expect(legend(smallDigest({ locale })), locale).toContain(
        ":small_red_triangle: :small_red_triangle_down:",
      );
      expect(legend(smallDigest({ locale })), locale).toContain(":large_green_circle:");
    }
    expect(legend(smallDigest({ locale: "ja" }))).toContain("は悪化");
  });
});
