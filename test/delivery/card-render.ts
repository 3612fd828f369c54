/**
 * Renders an Adaptive Card with the `adaptivecards` package in headless Chromium: what its parser and
 * validator say, the text it shows, and how tall it is at a given width.
 */
import type { Browser } from "playwright-core";

export interface RenderedCard {
  parseEvents: string[];
  validation: string[];
  text: string;
  height: number;
}

export async function renderCard(browser: Browser, content: unknown, width = 520): Promise<RenderedCard> {
  const page = await browser.newPage({ viewport: { width, height: 800 } });
  try {
    await page.setContent(
      `<!doctype html><meta charset="utf-8"><body style="margin:0;font-family:'Segoe UI',system-ui,sans-serif"><div id="root"></div></body>`,
    );
    await page.addScriptTag({ path: "node_modules/adaptivecards/dist/adaptivecards.js" });
    return await page.evaluate((json) => {
      /* Runs in the page: the adaptivecards UMD bundle put AdaptiveCards on window. */
      interface Events {
        eventCount: number;
        getEventAt(i: number): { message: string };
      }
      interface Card {
        parse(json: unknown, ctx: Events): void;
        validateProperties(): { validationEvents: { message: string }[] };
        render(): unknown;
      }
      interface Page {
        AdaptiveCards: {
          AdaptiveCard: (new () => Card) & { onProcessMarkdown: unknown };
          SerializationContext: new () => Events;
        };
        document: {
          getElementById(id: string): {
            innerHTML: string;
            innerText: string;
            appendChild(n: unknown): void;
            getBoundingClientRect(): { height: number };
          };
        };
      }
      const w = globalThis as unknown as Page;
      const AC = w.AdaptiveCards;
      // Markdown as Teams shows it: **bold**, [links](url) as their text, backslash escapes resolved.
      AC.AdaptiveCard.onProcessMarkdown = (t: string, r: { outputHtml: string; didProcess: boolean }) => {
        r.outputHtml = t
          .replace(/&/g, "&amp;")
          .replace(/</g, "&lt;")
          .replace(/>/g, "&gt;")
          .replace(/\*\*(.+?)\*\*/g, "<b>$1</b>")
          .replace(/\[([^\]]+)\]\((https:[^)]+)\)/g, '<a href="$2">$1</a>')
          .replace(/\\(.)/g, "$1")
          .replace(/\n/g, "<br>");
        r.didProcess = true;
      };
      const card = new AC.AdaptiveCard();
      const ctx = new AC.SerializationContext();
      card.parse(json, ctx);
      const parseEvents: string[] = [];
      for (let i = 0; i < ctx.eventCount; i++) parseEvents.push(ctx.getEventAt(i).message);
      const validation = card.validateProperties().validationEvents.map((e) => e.message);
      const root = w.document.getElementById("root");
      root.innerHTML = "";
      root.appendChild(card.render());
      return { parseEvents, validation, text: root.innerText, height: root.getBoundingClientRect().height };
    }, content);
  } finally {
    await page.close();
  }
}
