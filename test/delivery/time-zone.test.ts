/**
 * Times in PULSE_TIMEZONE, as the locale writes them, in every renderer: the terminal digest (also the
 * e-mail's plain-text part), the HTML digest (also the e-mail's HTML), Teams and Slack alerts and the alerts'
 * own text. Los Angeles is 8 hours behind UTC in November, so a 01:00 UTC job falls on the day before there.
 */
import { describe, expect, it } from "vitest";
import { emailDigest, parseEmailPayload } from "../../src/delivery/email.js";
import { htmlDigest } from "../../src/delivery/html.js";
import { renderAlert } from "../../src/delivery/render.js";
import { terminalDigest } from "../../src/delivery/terminal.js";
import { evaluateAlerts, parseAlertRules } from "../../src/domain/alert-rules.js";
import { classifiedJob } from "../support/jobs.js";
import { smallDigest } from "./sample.js";

const LA = "America/Los_Angeles";

describe("times in PULSE_TIMEZONE", () => {
  // vm-sql-02's last job: 2026-11-23T01:00Z = 2026-11-22 17:00 in Los Angeles; generated 2026-11-25T07:00Z.
  const digest = smallDigest({ timeZone: LA });

  it("the terminal digest and the e-mail's plain text: the local day of the last job, the local time generated", () => {
    const text = terminalDigest(digest);
    expect(text).toContain("vm-sql-02 [rsv-data], last job 2026-11-22");
    expect(text).not.toContain("last job 2026-11-23");
    expect(text).toContain(`generated Nov 24, 2026, 23:00 (${LA})`);
    expect(text).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/); // no ISO instant left
    expect(parseEmailPayload(emailDigest(digest).body).plainText).toBe(text);
    // in UTC (the default) the same instant is shown as such, named
    expect(terminalDigest(smallDigest())).toContain("generated Nov 25, 2026, 07:00 (UTC)");
  });

  it("the HTML digest and the e-mail's HTML", () => {
    for (const html of [htmlDigest(digest), parseEmailPayload(emailDigest(digest).body).html]) {
      expect(html).toContain("Last job 2026-11-22");
      expect(html).toContain(`generated Nov 24, 2026, 23:00 (${LA})`);
    }
  });

  it("alerts: the card's time and the text's 'started' in the time zone", () => {
    const job = classifiedJob({
      jobId: "job-1",
      start: "2026-11-24T01:00:00.000Z",
      status: "Failed",
      consistency: "none",
      degraded: true,
      errorCode: "ExtensionFailedVssWriterInBadState",
      errorCategory: "vss",
    });
    const { alerts } = evaluateAlerts({
      newJobs: [job],
      history: () => [],
      rules: parseAlertRules("vss"),
      lastFiredMs: () => undefined,
      nowMs: Date.parse("2026-11-25T00:00:00Z"),
      timeZone: LA,
    });
    expect(alerts[0]?.detail).toContain(`(started Nov 23, 2026, 17:00 (${LA}))`);
    for (const format of ["teams", "slack"] as const) {
      const body = renderAlert(format, alerts, { timeZone: LA }).body;
      expect(body).toContain(`Nov 23, 2026, 17:00 (${LA})`);
      expect(body).not.toContain("2026-11-24T01:00");
    }
  });
});
