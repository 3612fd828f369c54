import { describe, expect, it } from "vitest";
import { alertRuleSet, SettingError } from "../../src/config.js";
import {
  alertKey,
  AlertRulesError,
  DEFAULT_ALERT_RULES,
  evaluateAlerts,
  formatAlertRules,
  historyNeeded,
  parseAlertRules,
  type AlertInput,
  type AlertRuleSet,
} from "../../src/domain/alert-rules.js";
import type { ClassifiedJob } from "../../src/domain/model.js";
import { classifiedJob } from "../support/jobs.js";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const T0 = Date.parse("2026-11-24T00:00:00Z");

let seq = 0;
/** A Windows VM's job, `hoursAfterT0` after T0; a clean success unless told otherwise. */
function job(hoursAfterT0: number, overrides: Partial<ClassifiedJob> = {}): ClassifiedJob {
  seq++;
  return classifiedJob({
    jobId: `job-${seq}`,
    start: new Date(T0 + hoursAfterT0 * HOUR).toISOString(),
    ...overrides,
  });
}

function failed(hoursAfterT0: number, overrides: Partial<ClassifiedJob> = {}): ClassifiedJob {
  return job(hoursAfterT0, {
    status: "Failed",
    consistency: "none",
    degraded: true,
    errorCode: "UserErrorGuestAgentStatusUnavailable",
    errorCategory: "agent",
    ...overrides,
  });
}

/** History store fake: jobs by vault|vm, as the alert timer would read them from the table. */
function historyOf(jobs: ClassifiedJob[]): AlertInput["history"] {
  return (vault, vm) =>
    jobs.filter(
      (j) => j.vault.toLowerCase() === vault.toLowerCase() && j.vm.toLowerCase() === vm.toLowerCase(),
    );
}

function evaluate(
  newJobs: ClassifiedJob[],
  options: {
    history?: ClassifiedJob[];
    rules?: AlertRuleSet;
    fired?: Map<string, number>;
    nowMs?: number;
  } = {},
) {
  const fired = options.fired ?? new Map<string, number>();
  return evaluateAlerts({
    newJobs,
    history: historyOf(options.history ?? []),
    rules: options.rules ?? parseAlertRules(null),
    lastFiredMs: (key) => fired.get(key),
    nowMs: options.nowMs ?? T0 + DAY,
  });
}

describe("parseAlertRules", () => {
  it("turns every rule on with the documented defaults when the setting is unset or blank", () => {
    for (const raw of [null, undefined, "", "  ", " , "]) {
      expect(parseAlertRules(raw)).toEqual({
        consecutiveFailures: 2,
        downgrade: true,
        vss: true,
        notConfirmed: true,
        cooldownMs: DAY,
      });
    }
  });

  it("reads a full list, ignoring case and spaces", () => {
    expect(parseAlertRules("consecutive-failures:3,consistency-downgrade,vss,cooldown:12h")).toEqual({
      consecutiveFailures: 3,
      downgrade: true,
      vss: true,
      notConfirmed: false,
      cooldownMs: 12 * HOUR,
    });
    expect(parseAlertRules(" Consecutive-Failures , VSS ,Cooldown : 30M")).toEqual({
      consecutiveFailures: 2,
      downgrade: false,
      vss: true,
      notConfirmed: false,
      cooldownMs: 30 * 60_000,
    });
  });

  it("enables only the rules listed", () => {
    expect(parseAlertRules("vss")).toEqual({
      consecutiveFailures: null,
      downgrade: false,
      vss: true,
      notConfirmed: false,
      cooldownMs: DAY,
    });
    expect(parseAlertRules("consistency-not-confirmed")).toEqual({
      consecutiveFailures: null,
      downgrade: false,
      vss: false,
      notConfirmed: true,
      cooldownMs: DAY,
    });
    expect(parseAlertRules("consistency-downgrade")).toMatchObject({
      consecutiveFailures: null,
      downgrade: true,
      vss: false,
    });
  });

  it("keeps the default rules when only a cooldown is given", () => {
    expect(parseAlertRules("cooldown:2d")).toEqual({ ...DEFAULT_ALERT_RULES, cooldownMs: 2 * DAY });
    expect(parseAlertRules("cooldown:0").cooldownMs).toBe(0);
  });

  it("turns everything off with `off`", () => {
    expect(parseAlertRules(" OFF ")).toMatchObject({
      consecutiveFailures: null,
      downgrade: false,
      vss: false,
      notConfirmed: false,
    });
  });

  it.each([
    ["off,vss", /cannot be combined/],
    ["vss:1", /"vss" takes no value/],
    ["consistency-downgrade:yes", /takes no value/],
    ["consecutive-failures:0", /from 1 to 100/],
    ["consecutive-failures:two", /from 1 to 100/],
    ["consecutive-failures:101", /from 1 to 100/],
    ["consecutive-failures:", /from 1 to 100/],
    ["cooldown", /needs a duration/],
    ["cooldown:12", /minutes, hours or days/],
    ["cooldown:1w", /minutes, hours or days/],
    ["cooldown:31d", /up to 30d/],
    ["vss,failures", /unknown entry "failures"/],
    ["vss;cooldown:1h", /unknown entry/],
    ["vss,VSS", /more than once/],
    ["consistency-not-confirmed:on", /takes no value/],
  ])("rejects %j with a message naming PULSE_ALERT_RULES", (raw, reason) => {
    const thrown = (read: () => unknown): unknown => {
      try {
        read();
      } catch (e) {
        return e;
      }
      return undefined;
    };
    // The rule list alone: a typed error saying what is wrong, naming no setting.
    const problem = thrown(() => parseAlertRules(raw));
    expect(problem).toBeInstanceOf(AlertRulesError);
    expect((problem as Error).message).toMatch(reason);
    expect((problem as Error).message).not.toMatch(/PULSE_/);
    // The setting: the same message, naming PULSE_ALERT_RULES.
    const error = thrown(() => alertRuleSet({ alertRules: raw }));
    expect(error).toBeInstanceOf(SettingError);
    expect((error as SettingError).setting).toBe("PULSE_ALERT_RULES");
    expect((error as Error).message).toMatch(/^PULSE_ALERT_RULES: /);
    expect((error as Error).message).toMatch(reason);
    expect((error as Error).message).toBe(`PULSE_ALERT_RULES: ${(problem as Error).message}`);
  });

  it("writes a rule set back in the setting's syntax, which parses to the same set", () => {
    for (const raw of [
      "consecutive-failures:3,consistency-downgrade,vss,cooldown:12h",
      "vss,cooldown:90m",
      "consistency-downgrade,cooldown:2d",
      "consecutive-failures:1,cooldown:0",
      "consistency-not-confirmed,cooldown:6h",
    ]) {
      const rules = parseAlertRules(raw);
      expect(formatAlertRules(rules)).toBe(raw);
      expect(parseAlertRules(formatAlertRules(rules))).toEqual(rules);
    }
    expect(formatAlertRules(parseAlertRules(null))).toBe(
      "consecutive-failures:2,consistency-downgrade,vss,consistency-not-confirmed,cooldown:1d",
    );
    expect(formatAlertRules(parseAlertRules("off"))).toBe("off");
  });

  it("says how much history the failure streak needs", () => {
    expect(historyNeeded(parseAlertRules("consecutive-failures:3"))).toBe(2);
    expect(historyNeeded(parseAlertRules("vss"))).toBe(0);
  });
});

describe("consecutive-failures", () => {
  it("fires when a new failure follows a failure read by the previous run", () => {
    const previous = failed(0);
    const latest = failed(24);
    const { alerts, suppressed } = evaluate([latest], { history: [previous] });
    expect(suppressed).toBe(0);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({
      rule: "consecutive-failures",
      vm: "vm-app-01",
      vault: "rsv-prod",
      jobId: latest.jobId,
      at: latest.start,
      errorCode: "UserErrorGuestAgentStatusUnavailable",
      key: alertKey("consecutive-failures", "rsv-prod", "vm-app-01"),
    });
    expect(alerts[0]?.title).toBe("vm-app-01: 2 failed backups in a row");
    expect(alerts[0]?.detail).toContain("UserErrorGuestAgentStatusUnavailable");
    expect(alerts[0]?.action).toMatch(/guest agent/);
    expect(alerts[0]?.docUrl).toMatch(/^https:\/\/learn\.microsoft\.com\//);
  });

  it("does not fire on a single failure", () => {
    expect(evaluate([failed(24)], { history: [job(0)] }).alerts).toEqual([]);
  });

  it("counts only the latest runs: a success ends the streak", () => {
    expect(evaluate([failed(48)], { history: [failed(0), job(24)] }).alerts).toEqual([]);
    // The VM recovered in this window: the earlier failures are no longer a streak.
    expect(evaluate([failed(24), job(30)], { history: [failed(0)] }).alerts).toEqual([]);
  });

  it("skips cancelled runs without breaking the streak", () => {
    const { alerts } = evaluate([failed(48)], {
      history: [failed(0), job(24, { status: "Cancelled", consistency: "none" })],
    });
    expect(alerts.map((a) => a.rule)).toEqual(["consecutive-failures"]);
  });

  it("stays quiet when the streak has nothing new", () => {
    const history = [failed(0), failed(24)];
    expect(evaluate([job(48, { status: "Cancelled", consistency: "none" })], { history }).alerts).toEqual([]);
  });

  it("takes a job present in both the history and the new jobs once", () => {
    const same = failed(24);
    expect(evaluate([same], { history: [same, job(0)] }).alerts).toEqual([]);
  });

  it("honours a configured count", () => {
    const rules = parseAlertRules("consecutive-failures:3");
    expect(evaluate([failed(24)], { history: [failed(0)], rules }).alerts).toEqual([]);
    const { alerts } = evaluate([failed(48)], { history: [failed(0), failed(24)], rules });
    expect(alerts[0]?.title).toBe("vm-app-01: 3 failed backups in a row");
  });

  it("reports a longer streak by its length", () => {
    const { alerts } = evaluate([failed(48), failed(60)], { history: [failed(0), failed(24)] });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.title).toBe("vm-app-01: 4 failed backups in a row");
  });

  it("keeps VMs apart and matches vault and VM names case-insensitively", () => {
    const { alerts } = evaluate(
      [failed(24, { vm: "VM-APP-01", vault: "RSV-Prod" }), failed(24, { vm: "vm-db-01" })],
      {
        history: [failed(0), failed(0, { vm: "vm-web-01" })],
      },
    );
    expect(alerts.map((a) => a.vm)).toEqual(["VM-APP-01"]);
    expect(alerts[0]?.key).toBe(alertKey("consecutive-failures", "rsv-prod", "vm-app-01"));
  });
});

describe("consistency-downgrade", () => {
  it("fires for a degraded hourly job between two good ones of the same day (a good last job hides nothing)", () => {
    const degraded = job(10, {
      status: "CompletedWithWarnings",
      consistency: "file-system",
      degraded: true,
      errorCode: "UserErrorSomethingNew",
      errorCategory: "unknown",
    });
    const { alerts } = evaluate([job(2), degraded, job(18)]);
    expect(alerts.map((a) => [a.rule, a.jobId])).toEqual([["consistency-downgrade", degraded.jobId]]);
  });

  it("fires when a VM expected to be application-consistent got a file-system point", () => {
    const warned = job(24, {
      status: "CompletedWithWarnings",
      consistency: "file-system",
      degraded: true,
      errorCode: "UserErrorSomethingNew",
      errorCategory: "unknown",
    });
    const { alerts } = evaluate([warned]);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ rule: "consistency-downgrade", jobId: warned.jobId });
    expect(alerts[0]?.title).toBe(
      "vm-app-01: file-system-consistent backup instead of application-consistent",
    );
    expect(alerts[0]?.detail).toContain("UserErrorSomethingNew (not in the catalogue)");
    expect(alerts[0]?.action).toMatch(/vssadmin list writers/);
    expect(alerts[0]?.docUrl).toBe(
      "https://learn.microsoft.com/azure/backup/backup-azure-vms-introduction#snapshot-consistency",
    );
  });

  it("uses the code's own advice when it has one", () => {
    const script = job(24, {
      os: "Linux",
      status: "CompletedWithWarnings",
      consistency: "file-system",
      degraded: true,
      errorCode: "Pre-ScriptTimeout",
      errorCategory: "fsfreeze",
    });
    const { alerts } = evaluate([script]);
    expect(alerts[0]?.action).toMatch(/timeoutInSeconds/);
    expect(alerts[0]?.hints.join(" ")).toContain("/etc/azure/VMSnapshotScriptPluginConfig.json");
    expect(alerts[0]?.docUrl).toContain("backup-azure-linux-app-consistent");
  });

  it("treats a crash-consistent point as a downgrade and says a clean shutdown is safe", () => {
    const { alerts } = evaluate([job(24, { consistency: "crash", degraded: true })]);
    expect(alerts[0]?.rule).toBe("consistency-downgrade");
    expect(alerts[0]?.action).toMatch(/shut down cleanly/);
  });

  it("stays quiet when the expectation was met or nothing is known", () => {
    const linuxDefault = job(24, {
      os: "Linux",
      consistency: "file-system",
      expectedConsistency: "file-system",
    });
    const unknown = job(24, { vm: "vm-2", consistency: "unknown" });
    const crashOnly = job(24, { vm: "vm-3", consistency: "crash", expectedConsistency: "crash" });
    expect(evaluate([linuxDefault, unknown, crashOnly, job(25, { vm: "vm-4" })]).alerts).toEqual([]);
  });
});

describe("vss", () => {
  it("fires on a VSS code with restart advice, and the SQL Server copy-only hint where SQL Server is in play", () => {
    const vss = failed(24, {
      errorCode: "ExtensionFailedVssWriterInBadState",
      errorCategory: "vss",
      errorDetail: "VSS writer SqlServerWriter is in a bad state.",
    });
    const { alerts } = evaluate([vss]);
    expect(alerts.map((a) => a.rule)).toEqual(["vss"]);
    expect(alerts[0]?.title).toBe("vm-app-01: VSS problem (ExtensionFailedVssWriterInBadState)");
    expect(alerts[0]?.action).toMatch(/VSS service/);
    expect(alerts[0]?.hints.join(" ")).toContain("USEVSSCOPYBACKUP");
    expect(alerts[0]?.hints.join(" ")).toMatch(/check whether/);
    expect(alerts[0]?.detail).toContain("Detail: VSS writer SqlServerWriter is in a bad state.");
    expect(alerts[0]?.docUrl).toContain("#extensionfailedvsswriterinbadstate");
  });

  it("leaves the SQL Server hint out where SQL Server is not in play, and keeps the writer steps", () => {
    const vss = failed(24, { errorCode: "ExtensionFailedVssWriterInBadState", errorCategory: "vss" });
    const hints = evaluate([vss]).alerts[0]?.hints.join(" ") ?? "";
    expect(hints).not.toContain("USEVSSCOPYBACKUP");
    expect(hints).toContain("SnapshotWithoutThreads");
    expect(hints).toMatch(/belongs to its vendor/);
    // The steps are documented on the code's own page, which the alert links once.
    expect(evaluate([vss]).alerts[0]?.docUrl).toContain("#extensionfailedvsswriterinbadstate");
    expect(hints).not.toContain("https://");
  });

  it("recognises a VSS code even when the category was not filled in", () => {
    const { alerts } = evaluate([
      failed(24, { errorCode: "extensionfailedvssserviceinbadstate", errorCategory: null }),
    ]);
    expect(alerts.map((a) => a.rule)).toEqual(["vss"]);
  });

  it("raises one alert per job naming every rule that applies, ordered by vault, VM and rule", () => {
    const newJobs = [
      failed(24, { vm: "vm-b", errorCode: "ExtensionFailedVssServiceInBadState", errorCategory: "vss" }),
      job(24, {
        vm: "vm-a",
        status: "CompletedWithWarnings",
        consistency: "file-system",
        degraded: true,
        errorCode: "ExtensionFailedVssWriterInBadState",
        errorCategory: "vss",
      }),
    ];
    const { alerts } = evaluate(newJobs, { history: [failed(0, { vm: "vm-b" })] });
    expect(alerts.map((a) => `${a.vm} ${a.rules.join("+")}`)).toEqual([
      "vm-a vss+consistency-downgrade",
      "vm-b consecutive-failures+vss",
    ]);
    const vmA = alerts[0];
    expect(vmA?.rule).toBe("vss");
    expect(vmA?.keys).toEqual([
      alertKey("vss", "rsv-prod", "vm-a"),
      alertKey("consistency-downgrade", "rsv-prod", "vm-a"),
    ]);
    expect(vmA?.reasons).toEqual([
      "vm-a: VSS problem (ExtensionFailedVssWriterInBadState)",
      "vm-a: file-system-consistent backup instead of application-consistent",
    ]);
    expect(vmA?.detail).toContain(
      "Also: vm-a: file-system-consistent backup instead of application-consistent.",
    );
    // One code, so its advice is given once.
    expect(new Set(vmA?.hints).size).toBe(vmA?.hints.length);
  });
});

describe("consistency-not-confirmed", () => {
  const unconfirmed = (hours: number, overrides: Partial<ClassifiedJob> = {}) =>
    job(hours, {
      status: "CompletedWithWarnings",
      consistency: "unknown",
      errorCode: "UserErrorSomethingNew",
      errorCategory: "unknown",
      ...overrides,
    });

  it("fires on a warning whose point could not be confirmed, on by default", () => {
    const warned = unconfirmed(24);
    const { alerts } = evaluate([warned]);
    expect(alerts.map((a) => a.rules)).toEqual([["consistency-not-confirmed"]]);
    expect(alerts[0]?.title).toBe("vm-app-01: backup completed with warnings, consistency not confirmed");
    expect(alerts[0]?.action).toMatch(/Backup Reader/);
    expect(alerts[0]?.docUrl).toContain("#snapshot-consistency");
    expect(alerts[0]?.hints).toEqual([]);
  });

  it("stays quiet when the rule is off, the point was read, or the job did not warn", () => {
    expect(evaluate([unconfirmed(24)], { rules: parseAlertRules("vss") }).alerts).toEqual([]);
    expect(
      evaluate([unconfirmed(24, { consistency: "application", consistencySource: "observed" })]).alerts,
    ).toEqual([]);
    expect(evaluate([job(24, { consistency: "unknown", os: "unknown" })]).alerts).toEqual([]);
  });
});

describe("crash points and the VM's power state", () => {
  it("never alerts on a stopped VM's crash point", () => {
    const stopped = job(24, { consistency: "crash", powerState: "stopped", degraded: false });
    expect(evaluate([stopped])).toEqual({ alerts: [], suppressed: 0 });
  });

  it("alerts on a running VM's crash fallback, saying it was running", () => {
    const running = job(24, { consistency: "crash", powerState: "running", degraded: true });
    const { alerts } = evaluate([running]);
    expect(alerts.map((a) => a.rule)).toEqual(["consistency-downgrade"]);
    expect(alerts[0]?.detail).toContain("while the VM was running");
    expect(alerts[0]?.action).toMatch(/fallback/);
  });
});

describe("cooldown", () => {
  it("fires, stays quiet within 24 hours, then fires again", () => {
    const fired = new Map<string, number>();
    const record = (result: ReturnType<typeof evaluate>, nowMs: number) => {
      for (const a of result.alerts) fired.set(a.key, nowMs);
    };
    const history = [failed(0)];

    const firstAt = T0 + 25 * HOUR;
    const first = evaluate([failed(24)], { history, fired, nowMs: firstAt });
    expect(first.alerts).toHaveLength(1);
    record(first, firstAt);

    const secondAt = firstAt + 23 * HOUR;
    const second = evaluate([failed(47)], { history: [failed(0), failed(24)], fired, nowMs: secondAt });
    expect(second).toEqual({ alerts: [], suppressed: 1 });

    const thirdAt = firstAt + DAY;
    const third = evaluate([failed(48 + 24)], { history: [failed(24), failed(47)], fired, nowMs: thirdAt });
    expect(third.suppressed).toBe(0);
    expect(third.alerts.map((a) => a.rule)).toEqual(["consecutive-failures"]);
  });

  it("is kept per VM and per rule", () => {
    const fired = new Map([[alertKey("consecutive-failures", "rsv-prod", "vm-app-01"), T0 + DAY - HOUR]]);
    const newJobs = [
      failed(24, { errorCode: "ExtensionFailedVssWriterInBadState", errorCategory: "vss" }),
      failed(24, { vm: "vm-other" }),
    ];
    const { alerts, suppressed } = evaluate(newJobs, {
      history: [failed(0), failed(0, { vm: "vm-other" })],
      fired,
      nowMs: T0 + DAY,
    });
    expect(suppressed).toBe(1);
    expect(alerts.map((a) => `${a.vm} ${a.rules.join("+")}`)).toEqual([
      "vm-app-01 vss",
      "vm-other consecutive-failures",
    ]);
  });

  it("follows the configured length", () => {
    const rules = parseAlertRules("vss,cooldown:12h");
    const key = alertKey("vss", "rsv-prod", "vm-app-01");
    const vssJob = () =>
      failed(24, { errorCode: "ExtensionFailedVssWriterInBadState", errorCategory: "vss" });
    const at = T0 + DAY;
    expect(
      evaluate([vssJob()], { rules, fired: new Map([[key, at - 11 * HOUR]]), nowMs: at }).suppressed,
    ).toBe(1);
    expect(
      evaluate([vssJob()], { rules, fired: new Map([[key, at - 12 * HOUR]]), nowMs: at }).alerts,
    ).toHaveLength(1);
  });
});

describe("rules turned off", () => {
  it("raises nothing with `off`", () => {
    const newJobs = [
      failed(24, { errorCode: "ExtensionFailedVssWriterInBadState", errorCategory: "vss" }),
      job(24, { vm: "vm-2", consistency: "crash", degraded: true }),
    ];
    expect(evaluate(newJobs, { history: [failed(0)], rules: parseAlertRules("off") })).toEqual({
      alerts: [],
      suppressed: 0,
    });
  });

  it("leaves out the rules not listed", () => {
    const vssFailure = failed(24, { errorCode: "ExtensionFailedVssWriterInBadState", errorCategory: "vss" });
    const { alerts } = evaluate([vssFailure], { history: [failed(0)], rules: parseAlertRules("vss") });
    expect(alerts.map((a) => a.rule)).toEqual(["vss"]);
  });
});

describe("umbrella codes re-categorised from the job's details", () => {
  it("raise the vss alert with the VSS writer advice, and the SQL Server check where the detail names SQL", () => {
    const umbrella = failed(24, {
      errorCode: "VMRestorePointClientError",
      errorCategory: "vss",
      errorDetail: "VSS writer SqlServerWriter is in a bad state.",
    });
    const { alerts } = evaluate([umbrella], { rules: parseAlertRules("vss") });
    expect(alerts.map((a) => a.rule)).toEqual(["vss"]);
    expect(alerts[0]?.action).toContain("vssadmin list writers");
    expect(alerts[0]?.docUrl).toContain("#extensionfailedvsswriterinbadstate");
    expect(alerts[0]?.detail).toContain("Code VMRestorePointClientError:");
    expect(alerts[0]?.detail).toContain("Detail: VSS writer SqlServerWriter is in a bad state.");
    expect(alerts[0]?.hints.join(" ")).toContain("USEVSSCOPYBACKUP");
  });
});
