import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Ajv } from "ajv";
import type { Browser } from "playwright-core";
import { teamsAlerts } from "../../src/delivery/teams-alerts.js";
import { teamsDigest, TEAMS_BUDGET_BYTES } from "../../src/delivery/teams.js";
import { renderAlert, renderDigest, type AlertView } from "../../src/delivery/render.js";
import { DAY, largeDigest, noDataDigest, smallDigest } from "./sample.js";
import { launchChromium, skipBrowser } from "./browser.js";
import { renderCard } from "./card-render.js";

const schema = JSON.parse(readFileSync("test/delivery/adaptive-card-subset.schema.json", "utf8"));
const validate = new Ajv({ allErrors: true }).compile(schema);

const small = teamsDigest(smallDigest());
const large = teamsDigest(largeDigest());
const noData = teamsDigest(noDataDigest(["w"]));
const COPY_ONLY_HINT =
  'SQL Server VM: set HKLM\\SOFTWARE\\Microsoft\\BCDRAGENT USEVSSCOPYBACKUP = "TRUE" for copy-only VSS backups.';
const alerts: AlertView[] = Array.from({ length: 400 }, (_, i) => ({
  rule: "consecutive-failures",
  vm: `vm-${i}-${"y".repeat(50)}`,
  vault: "rsv-prod",
  jobId: `job-${i}`,
  at: `${DAY}T01:00:00.000Z`,
  title: `vm-${i} failed 3 days in a row`,
  detail: "The last three backup jobs of this VM failed: no new recovery point since 2026-11-21.",
  errorCode: "UserErrorGuestAgentStatusUnavailable",
  action: "Check that the VM guest agent runs and is up to date.",
  hints: i % 2 === 0 ? [COPY_ONLY_HINT] : [],
  docUrl:
    "https://learn.microsoft.com/azure/backup/backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout",
}));
const alertCard = teamsAlerts(alerts);
const oneAlert = teamsAlerts(alerts.slice(0, 1));

const all = { small, large, noData, alertCard, oneAlert };

/** Every Table row has as many cells as the table has columns. */
function tablesConsistent(node: unknown): boolean {
  if (Array.isArray(node)) return node.every(tablesConsistent);
  if (node && typeof node === "object") {
    const o = node as Record<string, unknown>;
    if (o.type === "Table") {
      const cols = (o.columns as unknown[]).length;
      if (!(o.rows as { cells: unknown[] }[]).every((r) => r.cells.length === cols)) return false;
    }
    return Object.values(o).every(tablesConsistent);
  }
  return true;
}

describe("Teams Workflows payload", () => {
  it.each(Object.entries(all))(
    "%s: matches the Adaptive Card 1.5 subset schema in the message envelope",
    (_name, p) => {
      const json = JSON.parse(p.body);
      const ok = validate(json);
      expect(validate.errors ?? []).toEqual([]);
      expect(ok).toBe(true);
      expect(tablesConsistent(json)).toBe(true);
      expect(p.contentType).toBe("application/json");
    },
  );

  it.each(Object.entries(all))("%s: stays under the 28 KB message limit", (_name, p) => {
    expect(Buffer.byteLength(p.body)).toBeLessThanOrEqual(TEAMS_BUDGET_BYTES);
    expect(Buffer.byteLength(p.body)).toBeLessThan(28 * 1024);
  });

  it("a large estate keeps its headline and cuts lists with +N more", () => {
    const text = large.body;
    expect(text).toContain(`Backup pulse · ${DAY}`);
    expect(text).toContain("FAILING");
    expect(text).toContain('"FactSet"');
    expect(text).toContain("Succeeded");
    expect(text).toMatch(/\+[\d,]+ more/);
    // 2,000 new failures + 2,000 downgrades were listed: the cut count is right
    const card = JSON.parse(text).attachments[0].content;
    const changeTable = card.body.find((e: { type: string }) => e.type === "Table");
    const shownRows = changeTable.rows.length - 1;
    expect(text).toContain(`+${(4_000 - shownRows).toLocaleString("en-US")} more`);
  });

  it("links the docs of the top error codes with Action.OpenUrl", () => {
    const card = JSON.parse(small.body).attachments[0].content;
    const codeLinks = card.body
      .filter((e: { selectAction?: unknown }) => e.selectAction)
      .map((e: { selectAction: { type: string; url: string } }) => e.selectAction);
    expect(codeLinks[0]).toEqual({
      type: "Action.OpenUrl",
      url: "https://learn.microsoft.com/azure/backup/backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout",
      title: expect.stringMatching(/^Docs: UserErrorGuestAgent/),
    });
    expect(small.body).toContain("[How to fix](https://learn.microsoft.com/");
    const titles = card.actions.map((a: { title: string }) => a.title);
    expect(titles).toEqual(["Troubleshooting guide", "About snapshot consistency"]);
  });

  it("shows NO DATA without figures that could pass for green", () => {
    expect(noData.body).toContain("NO DATA");
    expect(noData.body).not.toContain('"Good"');
    expect(noData.body).not.toContain("HEALTHY");
  });

  it("shows an alert's hints whole, on their own lines, however long its detail", () => {
    const long = { ...alerts[0], detail: "x".repeat(1_000), hints: [COPY_ONLY_HINT] } as AlertView;
    const body = JSON.parse(teamsAlerts([long]).body) as unknown;
    const texts = JSON.stringify(body);
    expect(texts).toContain(JSON.stringify(`Tip: ${COPY_ONLY_HINT}`).slice(1, -1));
  });

  it("renderDigest / renderAlert pick the Teams renderer", () => {
    expect(renderDigest("teams", smallDigest({ generatedAt: "x" })).body).toBe(
      teamsDigest(smallDigest({ generatedAt: "x" })).body,
    );
    expect(renderAlert("teams", alerts.slice(0, 2)).body).toBe(teamsAlerts(alerts.slice(0, 2)).body);
  });
});

describe.skipIf(skipBrowser)("Teams cards in the adaptivecards object model (Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("parse with no warning, validate with no error, and render the headline", async () => {
    for (const [name, p] of Object.entries(all)) {
      const content = JSON.parse(p.body).attachments[0].content;
      const result = await renderCard(browser, content);
      expect({ name, events: result.parseEvents }).toEqual({ name, events: [] });
      expect({ name, validation: result.validation }).toEqual({ name, validation: [] });
      if (name === "small" || name === "large") {
        expect(result.text).toContain(`Backup pulse · ${DAY}`);
        expect(result.text).toContain("FAILING");
        expect(result.text).toContain("Application-consistent");
      }
      if (name === "small") expect(result.text).toContain("vm-sql-01");
      if (name === "alertCard") expect(result.text).toMatch(/\+[\d,]+ more/);
    }
  });
});

describe("Teams digest: read in ten seconds", () => {
  const card = JSON.parse(small.body).attachments[0].content;
  const json = JSON.stringify(card);

  it("leads with the degraded jobs, each figure's arrows coloured for good or bad news", () => {
    const columns = card.body.find((e: { type: string }) => e.type === "ColumnSet").columns;
    expect(columns[0].items[0].text).toBe("Degraded jobs");
    expect(columns[0].items[1].text).toBe("3");
    // Degraded jobs rose (3 against 2): bad news, in the attention colour.
    expect(columns[0].items[2].inlines[0]).toMatchObject({ text: "▲ 2", color: "Attention" });
    expect(json).toContain("below expected: 1");
  });

  it("puts the short action under each failing or degraded VM", () => {
    expect(json).toContain("→ Check that the VM guest agent runs and is up to date.");
    expect(json).toContain("→ Restart the VSS service, then the VM.");
    expect(json).not.toContain("`");
  });

  it("names the digest's day for a VM without a job, not 'today'", () => {
    expect(json).toContain(`no backup job on ${DAY}`);
    expect(json).not.toMatch(/\btoday\b/i);
  });
});

describe.skipIf(skipBrowser)("Teams digest height (adaptivecards in Chromium)", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  // Measured before the card was tightened: 1,252 px (small) and 3,578 px (large) at 520 px, 1,388 px
  // (small) at 390 px; after: 1,151, 3,090 and 1,298 px, with the actions and the degraded figure added.
  it("stays compact at 390 and 520 px", async () => {
    const height = async (p: { body: string }, width: number): Promise<number> =>
      (await renderCard(browser, JSON.parse(p.body).attachments[0].content, width)).height;
    expect(await height(small, 520)).toBeLessThan(1_200);
    expect(await height(small, 390)).toBeLessThan(1_340);
    expect(await height(large, 520)).toBeLessThan(3_200);
  });
});
