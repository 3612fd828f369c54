/**
 * The digest as an e-mail: the subject carries the status, the day and the figures that matter; the HTML
 * part keeps its look in clients that drop `<style>`, classes and SVG (Gmail, Outlook); the plain-text part
 * is the terminal digest; the whole fits under Gmail's clipping size.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { barChart, emailDigest, emailSubject, parseEmailPayload } from "../../src/delivery/email.js";
import { inlineStyles, parseRules } from "../../src/delivery/email-html.js";
import { terminalDigest } from "../../src/delivery/terminal.js";
import { launchChromium, skipBrowser } from "./browser.js";
import { DAY, largeDigest, noDataDigest, smallDigest } from "./sample.js";

const small = smallDigest();
const mail = parseEmailPayload(emailDigest(small).body);
const large = parseEmailPayload(emailDigest(largeDigest()).body);

describe("the e-mail's subject", () => {
  it("names the status, the day, the failing VMs and the degraded jobs", () => {
    // The small estate: 2 VMs failed today, 3 jobs below their expected consistency.
    expect(small.headline.status).toBe("failing");
    expect(emailSubject(small)).toBe(`[FAILING] Backup pulse ${DAY}: 2 VMs failing, 3 degraded jobs`);
    expect(mail.subject).toBe(emailSubject(small));
  });

  it("says when no report arrived, and when the data is partial", () => {
    expect(emailSubject(noDataDigest(["w1"]))).toBe(`[NO DATA] Backup pulse ${DAY}: no backup job report`);
    expect(large.subject).toBe(
      `[FAILING] Backup pulse ${DAY}: 2,000 VMs failing, 4,000 degraded jobs (partial data)`,
    );
  });

  it("stays on one line whatever the names", () => {
    expect(emailSubject(small)).not.toMatch(/[\r\n]/);
    expect(large.subject).not.toMatch(/[\r\n]/);
  });
});

describe("the e-mail's HTML part, as mail clients keep it", () => {
  it("has no <style>, <script>, SVG or external resource", () => {
    for (const html of [mail.html, large.html]) {
      expect(html).not.toMatch(/<style|<script|<svg|<link|<iframe|\son[a-z]+=/i);
      expect(html).not.toMatch(/\ssrc="(?!cid:)/i);
    }
  });

  it("carries every element's look in its own style attribute, without what Gmail or Outlook drop", () => {
    const styled = [...mail.html.matchAll(/<([a-z0-9]+)\s[^>]*class="[^"]*"[^>]*>/gi)].map((m) => m[0]);
    expect(styled.length).toBeGreaterThan(20);
    for (const tag of styled) expect(tag).toMatch(/\sstyle="[^"]+"/);
    expect(mail.html).not.toMatch(/display:\s*(grid|flex)|box-shadow|position:|grid-template/);
    // The status colour sits on the header itself.
    expect(mail.html).toMatch(/<header class="failing" style="[^"]*background:#b42318/);
    // Quoted font names cannot end the attribute.
    expect(mail.html).not.toMatch(/style="[^"]*"[A-Za-z]/);
  });

  it("draws each chart with table cells, one per day, a day without data as a thin grey bar", () => {
    const chart = barChart(
      [
        { date: "2026-11-22", jobs: 0, successRate: null, applicationRate: null },
        { date: "2026-11-23", jobs: 10, successRate: 1, applicationRate: 0.9 },
        { date: "2026-11-24", jobs: 8, successRate: 0.75, applicationRate: 0.375 },
      ],
      (p) => p.successRate,
      "#1f7a3d",
    );
    const bars = [...chart.matchAll(/<td title="([^"]+)"[^>]*><div style="height:(\d+)px/g)].map((m) => [
      m[1],
      Number(m[2]),
    ]);
    expect(bars).toEqual([
      ["2026-11-22: no data", 2],
      ["2026-11-23: 100.0%", 56],
      ["2026-11-24: 75.0%", expect.any(Number)],
    ]);
    const lastBar = bars[2]?.[1] as number;
    expect(lastBar).toBeGreaterThan(2);
    expect(lastBar).toBeLessThan(56);
    // In the e-mail: both charts, each with the digest's 30 days.
    expect([...mail.html.matchAll(/<td title="\d{4}-\d\d-\d\d: /g)]).toHaveLength(2 * small.series.length);
  });

  it("keeps under Gmail's 102 KB clipping size for a fleet of 20,000 VMs", () => {
    expect(Buffer.byteLength(large.html, "utf8")).toBeLessThan(102 * 1024);
    expect(large.html).toContain("more");
  });

  it("inlines only tag and class descendant rules; an element's own style wins", () => {
    const rules = parseRules(
      "p{color:red;margin:0}.a p{color:blue}@media (max-width:5px){p{color:green}}*{box-sizing:border-box}a:hover{color:pink}",
    );
    expect(inlineStyles('<div class="a"><p>x</p></div><p style="color:black">y</p>', rules)).toBe(
      '<div class="a"><p style="color:blue;margin:0">x</p></div><p style="color:black;margin:0">y</p>',
    );
  });
});

describe("the plain-text part", () => {
  it("is the terminal digest", () => {
    expect(mail.plainText).toBe(terminalDigest(small));
  });
});

describe.skipIf(skipBrowser)("the e-mail as Gmail shows it (classes and <head> removed), in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  }, 60_000);
  afterAll(() => browser?.close());

  it("keeps the status colour, the figures and the charts, with nothing wider than a phone", async () => {
    const gmailLike = mail.html
      .replace(/<head>[\s\S]*?<\/head>/i, "<head></head>")
      .replace(/\sclass="[^"]*"/g, "");
    const page = await browser.newPage({ viewport: { width: 390, height: 800 }, javaScriptEnabled: false });
    try {
      await page.setContent(gmailLike);
      const seen = await page.evaluate(() => {
        interface El {
          innerText: string;
          scrollWidth: number;
          getBoundingClientRect(): { height: number };
        }
        const g = globalThis as unknown as {
          document: {
            body: El;
            documentElement: El;
            querySelector(s: string): El | null;
            querySelectorAll(s: string): Iterable<El>;
          };
          getComputedStyle(e: El): { backgroundColor: string };
        };
        const header = g.document.querySelector("header");
        const bars = [...g.document.querySelectorAll("td[title] > div")].filter(
          (d) => d.getBoundingClientRect().height >= 2,
        );
        return {
          headerBg: header ? g.getComputedStyle(header).backgroundColor : null,
          text: g.document.body.innerText,
          bars: bars.length,
          scrollWidth: g.document.documentElement.scrollWidth,
        };
      });
      expect(seen.headerBg).toBe("rgb(180, 35, 24)");
      expect(seen.text).toContain("FAILING");
      expect(seen.text).toContain("75.0%");
      expect(seen.bars).toBe(2 * small.series.length);
      expect(seen.scrollWidth).toBeLessThanOrEqual(390);
    } finally {
      await page.close();
    }
  });
});
