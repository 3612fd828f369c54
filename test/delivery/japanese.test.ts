/**
 * PULSE_LOCALE=ja: every renderer speaks Japanese within its size budget, Teams cards pass the adaptivecards
 * parser, the HTML digest shows Japanese glyphs in Chromium, and no English is left in the rendered text
 * (codes, names, links and a few product and technical names aside).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { buildDigest } from "../../src/domain/digest.js";
import { genericDigest, GENERIC_MAX_BYTES } from "../../src/delivery/generic.js";
import { htmlDigest } from "../../src/delivery/html.js";
import { renderAlert, type AlertView } from "../../src/delivery/render.js";
import { emailDigest, parseEmailPayload } from "../../src/delivery/email.js";
import { evaluateAlerts, parseAlertRules, type Alert } from "../../src/domain/alert-rules.js";
import type { ClassifiedJob } from "../../src/domain/model.js";
import { alertViews } from "../../src/pipeline/alert-delivery.js";
import { classifiedJob } from "../support/jobs.js";
import { expectedVms } from "../../src/domain/expected-vms.js";
import { messagesFor } from "../../src/domain/messages/index.js";
import { SLACK_LIMITS, slackDigest } from "../../src/delivery/slack.js";
import { TEAMS_BUDGET_BYTES, teamsDigest } from "../../src/delivery/teams.js";
import { terminalDigest } from "../../src/delivery/terminal.js";
import { loadConfig, SettingError } from "../../src/config.js";
import { launchChromium, skipBrowser } from "./browser.js";
import { renderCard } from "./card-render.js";
import { DAY, largeDigest, smallInput } from "./sample.js";

const ja = buildDigest(smallInput({ locale: "ja", timeZone: "Asia/Tokyo" }));
const large = largeDigest({ locale: "ja" });

/** Words that may stay as they are in a Japanese digest: names of products, services, commands and places. */
const KEPT = [
  "Backup pulse",
  "vssadmin list writers",
  "[1] Stable",
  "waagent",
  "Azure",
  "Windows",
  "Linux",
  "Oracle",
  "VSS",
  "VM",
  "Asia/Tokyo",
];

/**
 * Technical words an operator types or looks for as they are (commands, settings, paths, services, roles),
 * kept in the Japanese advice of the catalogue and the alerts.
 */
const KEPT_TECHNICAL = [
  "/etc/azure/VMSnapshotScriptPluginConfig.json",
  "/etc/azure/workload.conf",
  "HKLM\\SOFTWARE\\Microsoft\\BcdrAgentPersistentKeys",
  "HKLM\\SOFTWARE\\Microsoft\\BCDRAGENT",
  "SnapshotWithoutThreads",
  "USEVSSCOPYBACKUP",
  "TRUE",
  "True",
  "SQL Server",
  "SQL",
  "MySQL",
  "Azure Backup",
  "Microsoft",
  "fsfreeze",
  "net stop vss",
  "net start vss",
  "ID",
  "Backup Reader",
  "timeoutInSeconds",
  "Linux",
  "root",
  "IOPS",
  "CPU",
];

/** The English words left in `text` once codes, names, links and the kept words are taken out. */
function english(text: string, more: readonly string[] = []): string[] {
  // Links are not words, nor are Slack's emoji codes (shown as pictures).
  let t = text.replace(/https:\/\/[^\s)]+/g, " ").replace(/:[a-z0-9_+-]+:/g, " ");
  const names = [
    ...ja.topCodes.map((c) => c.code),
    ...ja.vms.flatMap((v) => [v.vmLabel, v.vaultLabel, v.errorCode ?? ""]),
    ...ja.persisting.noJobToday.flatMap((v) => [v.vmLabel, v.vaultLabel]),
    ...ja.persisting.belowExpected.flatMap((v) => [v.vmLabel, v.vaultLabel]),
    ...ja.coverage.vaultsSilent,
    ...KEPT_TECHNICAL,
    ...more,
    ...KEPT,
  ].filter((n) => n !== "");
  for (const n of names.sort((a, b) => b.length - a.length)) t = t.split(n).join(" ");
  // Nor are Markdown escapes and names clipped with an ellipsis.
  t = t.replace(/\\/g, "").replace(/[A-Za-z]+…/g, " ");
  for (const n of names.sort((a, b) => b.length - a.length)) t = t.split(n).join(" ");
  return t.match(/[A-Za-z]{2,}/g) ?? [];
}

/** The human-readable strings of a Teams or Slack payload (not URLs, types or colours). */
function shownStrings(node: unknown, key = ""): string[] {
  if (typeof node === "string") return ["text", "title", "value", "fallbackText"].includes(key) ? [node] : [];
  if (Array.isArray(node)) return node.flatMap((n) => shownStrings(n, key));
  if (node && typeof node === "object") return Object.entries(node).flatMap(([k, v]) => shownStrings(v, k));
  return [];
}

describe("PULSE_LOCALE", () => {
  it("is en by default, takes ja, and refuses anything else naming the setting", () => {
    expect(loadConfig({}).locale).toBe("en");
    expect(loadConfig({ PULSE_LOCALE: "ja" }).locale).toBe("ja");
    expect(loadConfig({ PULSE_LOCALE: "ja-JP" }).locale).toBe("ja");
    expect(() => loadConfig({ PULSE_LOCALE: "fr" })).toThrow(SettingError);
    expect(() => loadConfig({ PULSE_LOCALE: "fr" })).toThrow(/^PULSE_LOCALE: "fr" must be en or ja/);
  });
});

describe("the digest in Japanese", () => {
  it("uses the Japanese terms, dates and advice with ja-jp links; codes and names stay as Azure gives them", () => {
    expect(ja.headline.statusReason).toBe("成功したバックアップ ジョブは 75.0% だけです (基準 90.0% 未満)。");
    const html = htmlDigest(ja);
    for (const word of [
      "アプリケーション整合性",
      "ファイルシステム整合性",
      "クラッシュ整合性",
      "2026年11月24日",
    ]) {
      expect(html).toContain(word);
    }
    const vss = ja.topCodes.find((c) => c.code === "ExtensionFailedVssWriterInBadState");
    expect(vss?.action).toMatch(/^`vssadmin list writers` を実行し/);
    expect(vss?.docUrl).toMatch(/^https:\/\/learn\.microsoft\.com\/ja-jp\/azure\/backup\//);
    expect(ja.changes.newFailures[0]).toMatchObject({
      vm: "vm-app-01",
      errorCode: "UserErrorGuestAgentStatusUnavailable",
    });
    expect(ja.changes.newFailures[0]?.action).toMatch(/ゲスト エージェント/);
    expect(html).toContain('<html lang="ja">');
    // generated 2026-11-25T07:00Z is 16:00 in Tokyo
    expect(html).toContain("2026/11/25 16:00 (Asia/Tokyo)");
  });

  it("every renderer stays within its size budget, multi-byte text counted", () => {
    for (const d of [ja, large]) {
      expect(Buffer.byteLength(teamsDigest(d).body)).toBeLessThanOrEqual(TEAMS_BUDGET_BYTES);
      const slack = JSON.parse(slackDigest(d).body) as { blocks: unknown[] };
      expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      expect(JSON.stringify(slack.blocks).length).toBeLessThanOrEqual(SLACK_LIMITS.totalBlockChars);
      expect(Buffer.byteLength(genericDigest(d).body)).toBeLessThanOrEqual(GENERIC_MAX_BYTES);
    }
  });

  it("leaves no English in what a reader sees", () => {
    const texts: Record<string, string> = {
      terminal: terminalDigest(ja),
      html: htmlDigest(ja)
        .replace(/<style>[\s\S]*?<\/style>/, "")
        .replace(/<[^>]+>/g, " ")
        .replace(/&[a-z#0-9]+;/g, " "),
      teams: shownStrings(JSON.parse(teamsDigest(ja).body)).join("\n"),
      slack: shownStrings(JSON.parse(slackDigest(ja).body)).join("\n"),
    };
    for (const [name, text] of Object.entries(texts))
      expect({ name, left: english(text) }).toEqual({ name, left: [] });
  });

  it("alerts speak Japanese around the alert's own text", () => {
    const alert: AlertView = {
      rule: "vss",
      vm: "vm-sql-01",
      vault: "rsv-data",
      jobId: "job-1",
      at: `${DAY}T16:30:00.000Z`,
      title: "vm-sql-01: VSS",
      detail: "d",
      errorCode: "ExtensionFailedVssWriterInBadState",
      action: "a",
      docUrl: "https://learn.microsoft.com/ja-jp/azure/backup/backup-azure-vms-troubleshoot",
    };
    const teams = renderAlert("teams", [alert], { locale: "ja", timeZone: "Asia/Tokyo" }).body;
    expect(teams).toContain("アラート 1 件");
    expect(teams).toContain("2026/11/25 01:30 (Asia/Tokyo)");
    const slack = renderAlert("slack", [alert], { locale: "ja" }).body;
    expect(slack).toContain("Backup pulse アラート: vm-sql-01: VSS");
  });
});

/** One job of the alert tests: `vm` in `rsv-prod`, started `hour` hours into the day after DAY. */
function alertJob(vm: string, hour: number, over: Partial<ClassifiedJob> = {}): ClassifiedJob {
  const start = new Date(Date.parse(`${DAY}T00:00:00Z`) + (24 + hour) * 3_600_000).toISOString();
  return classifiedJob({ jobId: `job-${vm}-${hour}`, start, vm, ...over });
}

const failedWith = (code: string, over: Partial<ClassifiedJob> = {}): Partial<ClassifiedJob> => ({
  status: "Failed",
  consistency: "none",
  degraded: true,
  errorCode: code,
  errorCategory: "agent",
  ...over,
});

/** Azure's own words about a job (kept as Azure gives them). */
const AZURE_DETAIL = "VSS writer SqlServerWriter is in a bad state.";

/** Jobs that raise an alert of every rule, with and without a code, known and unknown codes. */
const alertHistory: ClassifiedJob[] = [
  alertJob("vm-app-01", 0, failedWith("UserErrorGuestAgentStatusUnavailable")),
  alertJob("vm-sql-01", 0, failedWith("ExtensionFailedVssWriterInBadState", { errorCategory: "vss" })),
];
const alertNew: ClassifiedJob[] = [
  // consecutive-failures, agent code
  alertJob("vm-app-01", 1, failedWith("UserErrorGuestAgentStatusUnavailable")),
  // consecutive-failures and vss in one alert, SQL Server in play (its hint), the VSS writer steps
  alertJob(
    "vm-sql-01",
    1,
    failedWith("ExtensionFailedVssWriterInBadState", { errorCategory: "vss", errorDetail: AZURE_DETAIL }),
  ),
  // consistency-downgrade: a Linux script warning (the Linux script hints), observed on the recovery point
  alertJob("vm-lnx-01", 2, {
    os: "Linux",
    status: "CompletedWithWarnings",
    consistency: "file-system",
    consistencySource: "observed",
    degraded: true,
    errorCode: "Pre-ScriptTimeout",
    errorCategory: "fsfreeze",
  }),
  // consistency-downgrade without a code: Windows file-system, Linux file-system, crash while running, crash
  alertJob("vm-win-fs", 3, { consistency: "file-system", degraded: true }),
  alertJob("vm-lnx-fs", 3, { os: "Linux", consistency: "file-system", degraded: true }),
  alertJob("vm-run-01", 3, { consistency: "crash", powerState: "running", degraded: true }),
  alertJob("vm-crash-01", 3, { consistency: "crash", powerState: "unknown", degraded: true }),
  // consistency-downgrade with a code the catalogue does not know
  alertJob("vm-odd-01", 4, {
    status: "CompletedWithWarnings",
    consistency: "file-system",
    degraded: true,
    errorCode: "UserErrorSomethingNew",
    errorCategory: "unknown",
  }),
  // vss alone, VSS service code
  alertJob("vm-vss-02", 5, {
    status: "CompletedWithWarnings",
    consistency: "file-system",
    expectedConsistency: "file-system",
    errorCode: "ExtensionFailedVssServiceInBadState",
    errorCategory: "vss",
  }),
  // consistency-not-confirmed
  alertJob("vm-warn-01", 6, { status: "CompletedWithWarnings", consistency: "unknown" }),
];

function jaAlerts(): Alert[] {
  return evaluateAlerts({
    newJobs: alertNew,
    history: (vault, vm) => alertHistory.filter((j) => j.vault === vault && j.vm === vm),
    rules: parseAlertRules(""),
    lastFiredMs: () => undefined,
    nowMs: Date.parse(`${DAY}T12:00:00Z`) + 86_400_000,
    locale: "ja",
    timeZone: "Asia/Tokyo",
  }).alerts;
}

/** Names, IDs, codes and Azure's own words in the alerts: never translated. */
const ALERT_NAMES = [
  ...alertNew.flatMap((j) => [j.vm, j.vault, j.jobId, j.errorCode ?? ""]),
  "UserErrorSomethingNew",
  AZURE_DETAIL,
];

describe("the alerts in Japanese", () => {
  it("raise every rule, with Japanese titles, details, actions and hints and ja-jp links", () => {
    const alerts = jaAlerts();
    expect(new Set(alerts.flatMap((a) => a.rules))).toEqual(
      new Set(["consecutive-failures", "vss", "consistency-downgrade", "consistency-not-confirmed"]),
    );
    const sql = alerts.find((a) => a.vm === "vm-sql-01");
    expect(sql?.title).toBe("vm-sql-01: 2 回連続でバックアップが失敗");
    expect(sql?.detail).toContain(AZURE_DETAIL);
    expect(sql?.detail).toContain("2026/11/25 10:00 (Asia/Tokyo)");
    expect(sql?.action).toMatch(/^`vssadmin list writers` を実行し/);
    expect(sql?.docUrl).toMatch(/^https:\/\/learn\.microsoft\.com\/ja-jp\/azure\/backup\//);
    // The VSS root cause: the Japanese support blog's log-collection guide.
    expect(sql?.hints.join("\n")).toContain(
      "https://jpabrs-scem.github.io/blog/RecoveryServicesVaults/RequestForInvestigating/#1-1",
    );
    expect(sql?.hints.join("\n")).toContain("USEVSSCOPYBACKUP");
    const lnx = alerts.find((a) => a.vm === "vm-lnx-01");
    expect(lnx?.title).toBe("vm-lnx-01: アプリケーション整合性ではなくファイルシステム整合性のバックアップ");
    expect(lnx?.hints.join("\n")).toContain("https://learn.microsoft.com/ja-jp/azure/backup/");
    for (const a of alerts) {
      expect(a.docUrl ?? "", a.vm).toMatch(/^https:\/\/learn\.microsoft\.com\/ja-jp\//);
      for (const hint of a.hints) expect(hint, a.vm).not.toMatch(/learn\.microsoft\.com\/(?!ja-jp\/)/);
    }
  });

  it("leave no English in any renderer's alert", () => {
    const views = alertViews(jaAlerts(), alertNew);
    const words = { locale: "ja" as const, timeZone: "Asia/Tokyo" };
    const generic = JSON.parse(renderAlert("generic", views, words).body) as { alerts: AlertView[] };
    const texts: Record<string, string> = {
      teams: shownStrings(JSON.parse(renderAlert("teams", views, words).body)).join("\n"),
      slack: shownStrings(JSON.parse(renderAlert("slack", views, words).body)).join("\n"),
      generic: generic.alerts
        .flatMap((a) => [a.title, a.detail, a.action ?? "", ...(a.hints ?? [])])
        .join("\n"),
    };
    expect(generic.alerts).toHaveLength(views.length);
    for (const [name, text] of Object.entries(texts))
      expect({ name, left: english(text, ALERT_NAMES) }).toEqual({ name, left: [] });
  });

  it("stay within every renderer's size budget, multi-byte text counted, however many there are", () => {
    const words = { locale: "ja" as const, timeZone: "Asia/Tokyo" };
    const one = alertViews(jaAlerts(), alertNew);
    const many = Array.from({ length: 40 }, (_, i) =>
      one.map((a) => ({ ...a, vm: `${a.vm}-${i}`, vmLabel: `${a.vmLabel ?? a.vm}-${i}` })),
    ).flat();
    for (const views of [one, many]) {
      expect(Buffer.byteLength(renderAlert("teams", views, words).body)).toBeLessThanOrEqual(
        TEAMS_BUDGET_BYTES,
      );
      const slack = JSON.parse(renderAlert("slack", views, words).body) as { blocks: unknown[] };
      expect(slack.blocks.length).toBeLessThanOrEqual(SLACK_LIMITS.blocks);
      expect(JSON.stringify(slack.blocks).length).toBeLessThanOrEqual(SLACK_LIMITS.totalBlockChars);
      expect(Buffer.byteLength(renderAlert("generic", views, words).body)).toBeLessThanOrEqual(
        GENERIC_MAX_BYTES,
      );
    }
  });
});

describe("the e-mail in Japanese", () => {
  const mail = parseEmailPayload(emailDigest(ja).body);

  it("has a Japanese subject with the status and the day", () => {
    expect(mail.subject).toBe(
      "【失敗あり】Backup pulse 2026年11月24日: 失敗した VM 2 台、整合性が想定未満のジョブ 3 件",
    );
  });

  it("leaves no English in the subject, the HTML or the plain-text part", () => {
    const texts: Record<string, string> = {
      subject: mail.subject,
      plainText: mail.plainText,
      html: mail.html
        .replace(/<style>[\s\S]*?<\/style>/, "")
        .replace(/<[^>]+>/g, " ")
        .replace(/&[a-z#0-9]+;/g, " "),
      titles: [...mail.html.matchAll(/title="([^"]*)"/g)].map((m) => m[1]).join("\n"),
    };
    for (const [name, text] of Object.entries(texts))
      expect({ name, left: english(text) }).toEqual({ name, left: [] });
  });
});

describe("the pipeline's notes in Japanese", () => {
  const m = messagesFor("ja");

  it("say a VM gone from its vault, stopped, or lapsed in Japanese", () => {
    const vm = (name: string, lastJobAt: string | null) => ({
      vm: name,
      vault: "rsv-prod",
      vmId: null,
      vaultId: null,
      lastJobAt,
      retiredOn: null,
    });
    const known = [
      vm("vm-gone-01", `${DAY}T01:00:00Z`),
      vm("vm-stop-01", `${DAY}T01:00:00Z`),
      vm("vm-paused-01", `${DAY}T01:00:00Z`),
      vm("vm-lapsed-01", "2026-11-09T01:00:00Z"),
    ];
    const items: Record<string, { policy: null; protectionState: string } | null | undefined> = {
      "vm-gone-01": null,
      "vm-stop-01": { policy: null, protectionState: "ProtectionStopped" },
      "vm-paused-01": { policy: null, protectionState: "BackupsSuspended" },
    };
    const { notes } = expectedVms({
      date: DAY,
      tz: "Asia/Tokyo",
      known,
      hadJob: () => false,
      itemOf: (v) => items[v.vm],
      messages: m,
    });
    expect(notes).toEqual([
      "vm-gone-01 (コンテナー rsv-prod) はコンテナーで保護されなくなりました。今後この VM のバックアップは想定しません。",
      "vm-stop-01 (コンテナー rsv-prod) の保護が停止されました。今後この VM のバックアップは想定しません。",
      "vm-paused-01 (コンテナー rsv-prod) の保護が停止されました (BackupsSuspended)。今後この VM のバックアップは想定しません。",
      expect.stringMatching(
        /^vm-lapsed-01 \(コンテナー rsv-prod\) には 14 日を超えてバックアップ ジョブがありません。/,
      ),
    ]);
    const names = [...known.map((v) => v.vm), "rsv-prod", "BackupsSuspended"];
    expect(english(notes.join("\n"), names)).toEqual([]);
  });

  it("say a late digest, a given-up message and a workspace a stored run could not read in Japanese", () => {
    const texts = [
      m.notes.late(m.day("2026-11-23"), m.day(DAY)),
      m.notes.notDelivered({
        digestDay: "2026-11-23",
        key: "2026-11-23",
        summary: null,
        givenUpAt: "2026-11-24T07:00:00.000Z",
        attempts: 10,
        firstFailedAt: "2026-11-23T07:00:00.000Z",
        error: null,
      }),
      m.notes.notDelivered({
        digestDay: null,
        key: "alerts-0123456789abcdef01234567",
        summary: "2 alert(s) on vm-a, vm-b",
        givenUpAt: null,
        attempts: 10,
        firstFailedAt: null,
        error: null,
      }),
      m.coverage.notReadOnRun("2026-11-24T07:00:00.000Z"),
      m.coverage.notReadOnRun(null),
    ];
    expect(texts[0]).toBe(
      "遅延: 2026年11月23日 のダイジェストは当日にどの実行でも配信されなかったため、2026年11月24日 の実行とともに送ります。",
    );
    expect(english(texts.join("\n"), ["alerts-0123456789abcdef01234567"])).toEqual([]);
  });
});

describe.skipIf(skipBrowser)("the Japanese digest in Chromium", () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it("Teams cards in Japanese parse and validate with the adaptivecards package", async () => {
    for (const d of [ja, large]) {
      const card = await renderCard(browser, JSON.parse(teamsDigest(d).body).attachments[0].content);
      expect(card.parseEvents).toEqual([]);
      expect(card.validation).toEqual([]);
      expect(card.text).toContain("アプリケーション整合性");
    }
  });

  it("Teams alert cards in Japanese parse and validate with the adaptivecards package", async () => {
    const views = alertViews(jaAlerts(), alertNew);
    const body = renderAlert("teams", views, { locale: "ja", timeZone: "Asia/Tokyo" }).body;
    const card = await renderCard(browser, JSON.parse(body).attachments[0].content);
    expect(card.parseEvents).toEqual([]);
    expect(card.validation).toEqual([]);
    expect(card.text).toContain("回連続でバックアップが失敗");
  });

  it("the HTML digest draws its Japanese text with a font that has the glyphs", async () => {
    const page = await browser.newPage({ viewport: { width: 390, height: 900 } });
    await page.setContent(htmlDigest(ja), { waitUntil: "load" });
    const cdp = await page.context().newCDPSession(page);
    await cdp.send("DOM.enable");
    await cdp.send("CSS.enable");
    const { root } = await cdp.send("DOM.getDocument");
    const fontsOf = async (selector: string): Promise<{ familyName: string; glyphCount: number }[]> => {
      const { nodeId } = await cdp.send("DOM.querySelector", { nodeId: root.nodeId, selector });
      return (await cdp.send("CSS.getPlatformFontsForNode", { nodeId })).fonts;
    };
    for (const selector of [".status", "section h2", ".kpi .label"]) {
      const fonts = await fontsOf(selector);
      expect(fonts.length, selector).toBeGreaterThan(0);
      expect(
        fonts.some((f) => /CJK|JP|Gothic|IPA|Takao|Sans/i.test(f.familyName) && f.glyphCount > 0),
        `${selector}: ${JSON.stringify(fonts)}`,
      ).toBe(true);
    }
    const text = await page.evaluate(
      () => (globalThis as unknown as { document: { body: { innerText: string } } }).document.body.innerText,
    );
    expect(text).toContain("続いている問題");
    await page.close();
  });
});
