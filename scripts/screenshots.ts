#!/usr/bin/env node
/**
 * Renders the demo's digest as the HTML page and as the Teams card (drawn by the adaptivecards library, in
 * headless Chromium) and saves docs/digest.png and docs/teams-card.png.
 *
 *   npm run screenshots
 *
 * Needs Debian's Chromium at /usr/bin/chromium (apt-get install -y chromium), or CHROMIUM_PATH.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { chromium } from "playwright-core";
import type { ClassifiedJob, DailyTrend, OsType } from "../src/domain/model.js";
import { buildDigest } from "../src/domain/digest.js";
import type { DigestInput, KnownVm, VmStreakState } from "../src/domain/digest/input.js";
import { addDays } from "../src/domain/days.js";
import { htmlDigest } from "../src/delivery/html.js";
import { teamsDigest } from "../src/delivery/teams.js";

// Run from the package folder (as `npm run` does): the images go to its docs/.
const docs = (name: string): string => `docs/${name}`;
const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
if (!existsSync(executablePath)) {
  console.error(
    `Chromium not found at ${executablePath}: install it (apt-get install -y chromium) or set CHROMIUM_PATH.`,
  );
  process.exit(1);
}

const DAY = "2026-11-24";
const at = (date: string, hour: number): string => `${date}T${String(hour).padStart(2, "0")}:15:00.000Z`;

/** A believable estate: 3 vaults, ~320 VMs, a few problems of each kind. */
function sampleInput(): DigestInput {
  const jobs: ClassifiedJob[] = [];
  const yesterday: ClassifiedJob[] = [];
  const knownVms: KnownVm[] = [];
  const add = (
    list: ClassifiedJob[],
    date: string,
    vm: string,
    vault: string,
    os: OsType,
    over: Partial<ClassifiedJob> = {},
  ): void => {
    list.push({
      jobId: `${vault}-${vm}-${date}`,
      vm,
      vault,
      os,
      status: "Completed",
      start: at(date, os === "Windows" ? 1 : 2),
      consistency: os === "Windows" ? "application" : "file-system",
      consistencySource: "inferred",
      expectedConsistency: os === "Windows" ? "application" : "file-system",
      degraded: false,
      errorCode: null,
      errorCategory: null,
      vmId: null,
      vaultId: null,
      ...over,
    });
  };
  const fleet: [string, string, OsType][] = [];
  for (let i = 1; i <= 140; i++)
    fleet.push([`app-web-${String(i).padStart(3, "0")}`, "rsv-prod-weu", i % 3 ? "Windows" : "Linux"]);
  for (let i = 1; i <= 90; i++) fleet.push([`sql-${String(i).padStart(2, "0")}`, "rsv-data-weu", "Windows"]);
  for (let i = 1; i <= 88; i++)
    fleet.push([`dev-box-${String(i).padStart(2, "0")}`, "rsv-dev-neu", i % 2 ? "Linux" : "Windows"]);
  const failedToday: Record<string, string> = {
    "app-web-017": "UserErrorGuestAgentStatusUnavailable",
    "app-web-052": "UserErrorVmProvisioningStateFailed",
    "sql-07": "ExtensionFailedVssServiceInBadState",
    "dev-box-33": "UserErrorGuestAgentStatusUnavailable",
  };
  const failedYesterday = new Set(["app-web-052", "sql-07", "dev-box-12", "app-web-099"]);
  const vssWarn = new Set(["sql-03", "sql-11", "sql-12", "sql-40", "sql-41", "sql-77"]);
  const stopped = new Set(["dev-box-05", "dev-box-06", "dev-box-07"]);
  for (const [vm, vault, os] of fleet) {
    knownVms.push({ vm, vault });
    if (vm === "dev-box-80" || vm === "dev-box-81") continue; // no job today
    const code = failedToday[vm];
    if (code) {
      add(jobs, DAY, vm, vault, os, {
        status: "Failed",
        consistency: "none",
        degraded: true,
        errorCode: code,
        errorCategory: code.includes("Vss") ? "vss" : code.includes("Agent") ? "agent" : "vm-state",
      });
    } else if (vssWarn.has(vm)) {
      add(jobs, DAY, vm, vault, os, {
        status: "CompletedWithWarnings",
        consistency: "file-system",
        degraded: true,
        errorCode: "ExtensionFailedVssWriterInBadState",
        errorCategory: "vss",
      });
    } else if (stopped.has(vm)) {
      add(jobs, DAY, vm, vault, os, { consistency: "crash", degraded: true });
    } else add(jobs, DAY, vm, vault, os);
    const y = addDays(DAY, -1);
    if (failedYesterday.has(vm))
      add(yesterday, y, vm, vault, os, { status: "Failed", consistency: "none", degraded: true });
    else if (vssWarn.has(vm) && vm !== "sql-77")
      add(yesterday, y, vm, vault, os, {
        status: "CompletedWithWarnings",
        consistency: "file-system",
        degraded: true,
      });
    else add(yesterday, y, vm, vault, os);
  }
  const trends: DailyTrend[] = [];
  for (let i = 1; i <= 30; i++) {
    const date = addDays(DAY, -i);
    const failed = i === 12 ? 21 : i === 11 ? 9 : 2 + (i % 3);
    const fs = 60 + (i % 4) + (i < 5 ? 3 : 0);
    trends.push({
      date,
      scope: "all",
      jobs: 316,
      completed: 316 - failed - 8,
      completedWithWarnings: 8,
      failed,
      application: 316 - failed - fs - 3,
      fileSystem: fs,
      crash: 3,
      none: failed,
      unknown: 0,
      degraded: failed + 9,
    });
  }
  return {
    date: DAY,
    jobs,
    trends,
    yesterday,
    vmStates: [
      {
        vm: "sql-07",
        vault: "rsv-data-weu",
        failingDays: 2,
        belowExpectedDays: 2,
        expectedConsistency: "application",
      },
      {
        vm: "app-web-052",
        vault: "rsv-prod-weu",
        failingDays: 4,
        belowExpectedDays: 4,
        expectedConsistency: "application",
      },
      ...["sql-03", "sql-11", "sql-12", "sql-40", "sql-41"].map((vm, i): VmStreakState => ({
        vm,
        vault: "rsv-data-weu",
        failingDays: 0,
        belowExpectedDays: 2 + i * 2,
        expectedConsistency: "application",
      })),
    ],
    knownVms,
    coverage: {
      workspacesQueried: ["6f1c2f7e-0b1a-4c55-9a64-3b0e1f2d9c11", "a3d9b0c4-5e6f-4a7b-8c9d-0e1f2a3b4c5d"],
      vaultsKnown: ["rsv-prod-weu", "rsv-data-weu", "rsv-dev-neu"],
    },
    generatedAt: "2026-11-25T07:00:04.000Z",
  };
}

// The digest the demo writes for its last day (the embedded sample estate through the whole pipeline);
// SAMPLE=1 renders the small hand-made digest above instead.
const digest =
  process.env.SAMPLE === "1"
    ? buildDigest(sampleInput())
    : await (async () => {
        const { runDemo } = await import("../src/demo/run-demo.js");
        const demo = await runDemo({ endDate: DAY });
        const last = demo.results.at(-1);
        if (!last) throw new Error("the demo ran no day");
        return last.digest;
      })();
const card = (JSON.parse(teamsDigest(digest).body) as { attachments: { content: unknown }[] }).attachments[0]
  ?.content;

/** A host config close to Teams' light theme. */
const hostConfig = {
  fontFamily: "'Segoe UI', system-ui, -apple-system, Roboto, 'Helvetica Neue', sans-serif",
  spacing: { small: 4, default: 8, medium: 14, large: 20, extraLarge: 28, padding: 16 },
  separator: { lineThickness: 1, lineColor: "#E1E1E1" },
  fontSizes: { small: 12, default: 14, medium: 16, large: 20, extraLarge: 24 },
  fontWeights: { lighter: 300, default: 400, bolder: 600 },
  containerStyles: {
    default: {
      backgroundColor: "#FFFFFF",
      foregroundColors: {
        default: { default: "#242424", subtle: "#616161" },
        good: { default: "#0E700E" },
        warning: { default: "#835B00" },
        attention: { default: "#C4314B" },
      },
    },
    emphasis: {
      backgroundColor: "#F5F5F5",
      foregroundColors: { default: { default: "#242424", subtle: "#616161" } },
    },
    good: {
      backgroundColor: "#E7F2DA",
      foregroundColors: { default: { default: "#242424", subtle: "#484644" }, good: { default: "#0E700E" } },
    },
    warning: {
      backgroundColor: "#FBF6D9",
      foregroundColors: {
        default: { default: "#242424", subtle: "#484644" },
        warning: { default: "#835B00" },
      },
    },
    attention: {
      backgroundColor: "#FCF4F6",
      foregroundColors: {
        default: { default: "#242424", subtle: "#484644" },
        attention: { default: "#C4314B" },
      },
    },
  },
  actions: {
    maxActions: 5,
    buttonSpacing: 8,
    actionsOrientation: "horizontal",
    actionAlignment: "left",
    showCard: { actionMode: "inline" },
  },
  factSet: {
    title: { weight: "bolder", size: "default", maxWidth: 190 },
    value: { size: "default" },
    spacing: 10,
  },
  table: { cellSpacing: 6 },
};

const browser = await chromium.launch({
  executablePath,
  args: [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
  ],
});
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 }, deviceScaleFactor: 1 });
  await page.setContent(htmlDigest(digest), { waitUntil: "load" });
  await page.screenshot({ path: docs("digest.png"), fullPage: true });

  const teams = await browser.newPage({ viewport: { width: 760, height: 900 }, deviceScaleFactor: 1 });
  await teams.setContent(
    `<!doctype html><meta charset="utf-8"><style>
      body{margin:0;background:#EBEBEB;font-family:'Segoe UI',system-ui,sans-serif}
      #frame{width:680px;margin:24px auto;background:#fff;border-radius:6px;box-shadow:0 2px 6px rgba(0,0,0,.12);overflow:hidden}
      #who{padding:10px 16px 0;color:#616161;font-size:12px}
      #root{padding:0 0 8px}
      .ac-pushButton{background:#fff;border:1px solid #D1D1D1;border-radius:4px;padding:5px 12px;font:600 13px 'Segoe UI',system-ui,sans-serif;color:#242424;cursor:pointer}
      a{color:#5B5FC7}
    </style><body><div id="frame"><div id="who">Workflows · Backup pulse</div><div id="root"></div></div></body>`,
  );
  await teams.addScriptTag({
    path: createRequire(import.meta.url).resolve("adaptivecards/dist/adaptivecards.js"),
  });
  await teams.evaluate(
    ([json, config]) => {
      /* Runs in the page: the adaptivecards UMD bundle put AdaptiveCards on window. */
      interface Card {
        hostConfig: unknown;
        parse(json: unknown): void;
        render(): unknown;
      }
      interface Page {
        AdaptiveCards: {
          AdaptiveCard: (new () => Card) & { onProcessMarkdown: unknown };
          HostConfig: new (config: unknown) => unknown;
        };
        document: { getElementById(id: string): { appendChild(n: unknown): void } };
      }
      const w = globalThis as unknown as Page;
      const AC = w.AdaptiveCards;
      AC.AdaptiveCard.onProcessMarkdown = (
        text: string,
        result: { outputHtml: string; didProcess: boolean },
      ) => {
        const esc = text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
        result.outputHtml = esc
          .replace(/\*\*(.+?)\*\*/g, "<strong>$1</strong>")
          .replace(/\[([^\]]+)\]\((https:[^)\s]+)\)/g, '<a href="$2">$1</a>');
        result.didProcess = true;
      };
      const c = new AC.AdaptiveCard();
      c.hostConfig = new AC.HostConfig(config);
      c.parse(json);
      w.document.getElementById("root").appendChild(c.render());
    },
    [card, hostConfig],
  );
  await teams.locator("#frame").screenshot({ path: docs("teams-card.png") });
  console.error("wrote docs/digest.png and docs/teams-card.png");
} finally {
  await browser.close();
}
