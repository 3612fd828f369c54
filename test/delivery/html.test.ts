import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { escapeHtml, htmlDigest } from "../../src/delivery/html.js";
import { addDays } from "../../src/domain/days.js";
import { DAY, largeDigest, noDataDigest, smallDigest, trend } from "./sample.js";
import { launchChromium, skipBrowser } from "./browser.js";

const small = htmlDigest(smallDigest());
const large = htmlDigest(largeDigest());
const noData = htmlDigest(noDataDigest(["w"]));

describe("HTML digest (static)", () => {
  it("is self-contained: no script, stylesheet link, image or remote URL is loaded", () => {
    for (const html of [small, large, noData]) {
      expect(html).toMatch(/^<!doctype html>/);
      expect(html).not.toMatch(/<script|<link|<img|<iframe|@import|url\(/i);
      expect(html).not.toMatch(/\ssrc=/i);
    }
  });

  it("escapes names so markup in them stays text", () => {
    expect(large).not.toContain("<b>&");
    expect(large).toContain("&lt;b&gt;&amp;&quot;&#39;");
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe("&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  });

  it("caps long lists with +N more", () => {
    expect(large).toMatch(/\+3,950 more/);
  });
});

describe("HTML digest: read in ten seconds", () => {
  /** The page's text without tags, entities decoded enough to search it. */
  const textOf = (html: string): string =>
    html
      .replace(/<style>[\s\S]*?<\/style>/, "")
      .replace(/<[^>]+>/g, " ")
      .replace(/&#39;/g, "'")
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, "&");

  it("has the degraded jobs as a headline card and consistency against expectation", () => {
    expect(small).toMatch(
      /<div class="kpi key"><div class="label">Degraded jobs<\/div><div class="value">3<\/div>/,
    );
    expect(textOf(small)).toContain("below expected: 1");
  });

  it("puts a short action next to each failing or degraded VM, and keeps the code table", () => {
    expect(small).toMatch(/vm-app-01<\/code>.*?<\/td><td>.*?<\/td><td>Check that the VM guest agent runs/);
    expect(small).toContain("Top error codes: what to do");
  });

  it("shows commands as code, never with literal backticks", () => {
    expect(small).toContain("<code>vssadmin list writers</code>");
    expect(textOf(small)).not.toContain("`");
  });

  it("colours each arrow for good or bad news", () => {
    // Success fell (bad), crash share rose (bad), degraded jobs rose (bad).
    expect(small).toMatch(/Succeeded<\/div>.*?<span class="bad">▼<\/span> yesterday/);
    expect(small).toMatch(/Degraded jobs<\/div>.*?<span class="bad">▲<\/span> yesterday/);
  });

  it("starts the charts where the data starts and marks the days without data", () => {
    const trends = [5, 4, 2, 1].map((i) => trend(addDays(DAY, -i)));
    const html = htmlDigest(smallDigest({ trends }));
    // 6 days from the first with data; day -3 has none.
    expect(html).toContain(`aria-label="Success rate over 6 days"`);
    expect(html).toContain(`>${addDays(DAY, -5).slice(5)}</text>`);
    expect(html.match(/class="no-data"/g)).toHaveLength(2); // one per chart
    expect(html).toContain("1 day(s) without data");
  });

  it("names the digest's day for a VM without a job, not 'today'", () => {
    expect(textOf(small)).toContain(`No backup job on ${DAY}`);
    expect(textOf(small)).not.toMatch(/\btoday\b/i);
  });
});

describe.skipIf(skipBrowser)("HTML digest in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("shows the headline, both 30-day charts, and never overflows sideways at 390 px or 1280 px", async () => {
    for (const [name, html] of Object.entries({ small, large, noData })) {
      for (const width of [390, 1280]) {
        const page = await browser.newPage({ viewport: { width, height: 900 } });
        const requests: string[] = [];
        page.on("request", (r) => requests.push(r.url()));
        await page.setContent(html, { waitUntil: "load" });
        const seen = await page.evaluate(() => {
          interface El {
            innerText: string;
            scrollWidth: number;
            clientWidth: number;
            getBoundingClientRect(): { width: number; right: number };
          }
          const doc = (
            globalThis as unknown as {
              document: {
                documentElement: El;
                querySelector(s: string): El | null;
                querySelectorAll(s: string): { length: number } & Iterable<El>;
              };
            }
          ).document;
          const svgs = [...doc.querySelectorAll(".chart svg")];
          return {
            h1: doc.querySelector("h1")?.innerText ?? "",
            status: doc.querySelector(".status")?.innerText ?? "",
            charts: svgs.length,
            chartWidths: svgs.map((s) => s.getBoundingClientRect().width),
            lines: doc.querySelectorAll(".chart polyline").length,
            scrollWidth: doc.documentElement.scrollWidth,
            clientWidth: doc.documentElement.clientWidth,
            injected: doc.querySelectorAll("main b").length,
            text: doc.querySelector("main")?.innerText ?? "",
          };
        });
        const where = `${name} at ${width}px`;
        expect(seen.h1, where).toBe(`Backup pulse · ${DAY}`);
        expect(seen.charts, where).toBe(2);
        expect(
          seen.chartWidths.every((w) => w > 200),
          where,
        ).toBe(true);
        expect(seen.scrollWidth, where).toBeLessThanOrEqual(seen.clientWidth);
        expect(seen.injected, where).toBe(0);
        expect(
          requests.filter((u) => !u.startsWith("about:") && !u.startsWith("data:")),
          where,
        ).toEqual([]);
        if (name === "noData") {
          expect(seen.status, where).toBe("NO DATA");
          expect(seen.text, where).not.toContain("HEALTHY");
        } else {
          expect(seen.status, where).toBe("FAILING");
          expect(seen.lines, where).toBeGreaterThanOrEqual(2);
          expect(seen.text, where).toContain("Succeeded");
          expect(seen.text, where).toContain("What changed since yesterday");
        }
        if (name === "small") {
          expect(seen.text, where).toContain("vm-sql-01");
          expect(seen.text, where).toContain("ExtensionFailedVssWriterInBadState");
          expect(seen.text, where).toContain("shut down cleanly");
        }
        await page.close();
      }
    }
  });
});
