import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { buildDigest, OFFLINE_VM_NOTE, TROUBLESHOOT_URL } from "../../src/domain/digest.js";
import { shortAction } from "../../src/domain/digest/codes.js";
import { addDays } from "../../src/domain/days.js";
import type { ClassifiedJob } from "../../src/domain/model.js";
import { DAY, job, lookup, noDataDigest, smallDigest, smallInput, trend } from "../delivery/sample.js";

describe("buildDigest: the headline", () => {
  const d = smallDigest();

  it("counts the day's jobs, success rate and consistency split", () => {
    expect(d.headline.counts).toMatchObject({
      jobs: 8,
      vms: 8,
      completed: 4,
      completedWithWarnings: 2,
      failed: 2,
      application: 3,
      fileSystem: 1,
      crash: 1,
      none: 2,
      unknown: 1,
    });
    expect(d.headline.successRate.value).toBeCloseTo(0.75);
    expect(d.headline.application.value).toBeCloseTo(3 / 8);
  });

  it("compares with yesterday and the 7-day average, with a direction", () => {
    expect(d.headline.successRate.yesterday).toBe(1);
    expect(d.headline.successRate.average7d).toBe(1);
    expect(d.headline.successRate.vsYesterday).toBe("down");
    expect(d.headline.crash.vsYesterday).toBe("up");
    expect(d.headline.crash.higherIsBetter).toBe(false);
    expect(d.headline.jobs).toMatchObject({ value: 8, yesterday: 10, average7d: 10, vsYesterday: "down" });
  });

  it("says failing when under 90% succeeded, and why", () => {
    expect(d.headline.status).toBe("failing");
    expect(d.headline.statusReason).toContain("75.0%");
  });

  it("marks a figure unchanged within half a point, and uncomparable without history", () => {
    const same = buildDigest(
      smallInput({ trends: [trend(addDays(DAY, -1), { jobs: 8, completed: 6, completedWithWarnings: 0 })] }),
    );
    expect(same.headline.successRate.vsYesterday).toBe("same");
    expect(same.headline.successRate.vs7d).toBe("same");
    const none = buildDigest(smallInput({ trends: [] }));
    expect(none.headline.successRate).toMatchObject({
      yesterday: null,
      average7d: null,
      vsYesterday: "none",
      vs7d: "none",
    });
  });
});

describe("buildDigest: what changed and what persists", () => {
  const d = smallDigest();

  it("lists new failures, recoveries and downgrades with VM and vault", () => {
    expect(d.changes.newFailures.map((c) => c.vm)).toEqual(["vm-app-01"]);
    expect(d.changes.newFailures[0]).toMatchObject({
      vault: "rsv-prod",
      errorCode: "UserErrorGuestAgentStatusUnavailable",
    });
    expect(d.changes.recoveries.map((c) => c.vm)).toEqual(["vm-file-01"]);
    expect(d.changes.downgrades).toEqual([
      expect.objectContaining({
        vm: "vm-sql-01",
        vault: "rsv-data",
        consistency: "file-system",
        expectedConsistency: "application",
        errorCode: "ExtensionFailedVssWriterInBadState",
      }),
    ]);
  });

  it("lists VMs failing for days, below expectation for days, and without a job today", () => {
    expect(d.persisting.failing).toEqual([expect.objectContaining({ vm: "vm-app-02", days: 3 })]);
    expect(d.persisting.belowExpected).toEqual([
      expect.objectContaining({ vm: "vm-sql-02", days: 4, expectedConsistency: "application" }),
    ]);
    expect(d.persisting.noJobToday.map((m) => `${m.vault}/${m.vm}`)).toEqual([
      "rsv-data/vm-sql-02",
      "rsv-old/vm-legacy-01",
    ]);
  });

  it("takes a VM's latest job of the day: a successful retry after a failure is no new failure", () => {
    const retried = buildDigest(
      smallInput({
        jobs: [
          job({
            vm: "vm-web-01",
            status: "Failed",
            consistency: "none",
            degraded: true,
            start: `${DAY}T01:00:00.000Z`,
          }),
          job({ vm: "vm-web-01", start: `${DAY}T03:00:00.000Z` }),
        ],
      }),
    );
    expect(retried.changes.newFailures).toEqual([]);
    expect(retried.vms).toEqual([expect.objectContaining({ vm: "vm-web-01", status: "Completed", jobs: 2 })]);
  });

  it("matches VM and vault names case-insensitively across days", () => {
    const d2 = buildDigest(
      smallInput({
        jobs: [
          job({ vm: "VM-WEB-01", vault: "RSV-PROD", status: "Failed", consistency: "none", degraded: true }),
        ],
        yesterday: [{ vm: "vm-web-01", vault: "rsv-prod", status: "Failed" }],
        knownVms: [{ vm: "vm-web-01", vault: "rsv-prod" }],
      }),
    );
    expect(d2.changes.newFailures).toEqual([]);
    expect(d2.persisting.noJobToday).toEqual([]);
  });
});

describe("buildDigest: error codes, coverage, series, notes", () => {
  const d = smallDigest();

  it("ranks error codes by VMs affected, with category, action and doc link", () => {
    expect(d.topCodes.map((c) => [c.code, c.jobs, c.vms, c.category])).toEqual([
      ["UserErrorGuestAgentStatusUnavailable", 2, 2, "agent"],
      ["ExtensionFailedVssWriterInBadState", 1, 1, "vss"],
      ["SomethingNewAndStrange", 1, 1, "unknown"],
    ]);
    expect(d.topCodes[1]?.action).toContain("VSS");
    expect(d.topCodes[1]?.docUrl).toMatch(/^https:\/\/learn\.microsoft\.com\//);
    expect(d.topCodes[2]).toMatchObject({ known: false, kind: "unknown", docUrl: TROUBLESHOOT_URL });
  });

  it("reports the vaults that reported and those that sent nothing", () => {
    expect(d.coverage).toMatchObject({
      workspacesQueried: 1,
      vaultsSeen: ["rsv-data", "rsv-prod"],
      vaultsSilent: ["rsv-old"],
      vmsKnown: 10,
      vmsWithJob: 8,
      partial: false,
    });
  });

  it("gives 30 days of success and application rates, today last", () => {
    expect(d.series).toHaveLength(30);
    expect(d.series[0]?.date).toBe(addDays(DAY, -29));
    expect(d.series.at(-1)).toEqual({ date: DAY, jobs: 8, successRate: 0.75, applicationRate: 3 / 8 });
    expect(d.series[0]).toMatchObject({ successRate: 1, applicationRate: 0.9 });
    const gaps = buildDigest(smallInput({ trends: [] }));
    expect(gaps.series[0]).toEqual({
      date: addDays(DAY, -29),
      jobs: 0,
      successRate: null,
      applicationRate: null,
    });
  });

  it("says a stopped VM's crash-consistent point is safe after a clean shutdown", () => {
    expect(d.notes).toContain(OFFLINE_VM_NOTE);
    expect(OFFLINE_VM_NOTE).toMatch(/shut down cleanly/);
  });

  it("is plain JSON: it survives a round trip unchanged", () => {
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });

  it("falls back to the catalogue when no lookup is given", () => {
    const withCatalogue = buildDigest({ ...smallInput(), lookup: undefined });
    const vss = withCatalogue.topCodes.find((c) => c.code === "ExtensionFailedVssWriterInBadState");
    expect(vss).toMatchObject({ known: true, category: "vss" });
  });
});

describe("buildDigest: status", () => {
  const good = (vm: string): ClassifiedJob => job({ vm });

  it("is healthy only when every known VM backed up as expected with full coverage", () => {
    const d = buildDigest({
      date: DAY,
      jobs: [good("a"), good("b")],
      trends: [],
      yesterday: [],
      vmStates: [],
      knownVms: [
        { vm: "a", vault: "rsv-prod" },
        { vm: "b", vault: "rsv-prod" },
      ],
      coverage: { workspacesQueried: ["w"] },
      lookup,
    });
    expect(d.headline.status).toBe("healthy");
  });

  it("is NO DATA, never healthy, when no job arrived", () => {
    const d = noDataDigest([]);
    expect(d.headline.status).toBe("no-data");
    expect(d.headline.statusReason).toContain(DAY);
  });

  it("is NO DATA when every workspace failed, even with jobs left over", () => {
    const d = buildDigest(
      smallInput({
        coverage: {
          workspacesQueried: ["w1"],
          workspacesFailed: [{ workspaceId: "w1", reason: "forbidden" }],
        },
      }),
    );
    expect(d.headline.status).toBe("no-data");
    expect(d.headline.partial).toBe(true);
  });

  it("flags partial data and asks for attention", () => {
    const d = buildDigest({
      date: DAY,
      jobs: [good("a")],
      trends: [],
      yesterday: [],
      vmStates: [],
      knownVms: [],
      coverage: { workspacesQueried: ["w1"], partial: true },
      lookup,
    });
    expect(d.headline).toMatchObject({ status: "attention", partial: true });
    expect(d.headline.statusReason).toContain("partial data");
  });

  it("is failing when a VM has failed three days in a row, even at a high success rate", () => {
    const jobs = Array.from({ length: 99 }, (_, i) => good(`vm-${i}`));
    jobs.push(job({ vm: "stuck", status: "Failed", consistency: "none", degraded: true }));
    const d = buildDigest({
      date: DAY,
      jobs,
      trends: [],
      yesterday: [],
      vmStates: [{ vm: "stuck", vault: "rsv-prod", failingDays: 3, belowExpectedDays: 3 }],
      knownVms: [],
      coverage: { workspacesQueried: ["w"] },
      lookup,
    });
    expect(d.headline.status).toBe("failing");
    expect(d.headline.statusReason).toMatch(/3 or more days/);
  });

  it("never shows healthy with a failed job, a missing VM or no jobs (property)", () => {
    const statuses = ["Completed", "CompletedWithWarnings", "Failed", "Cancelled"] as const;
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...statuses), { maxLength: 30 }),
        fc.boolean(),
        (list, missing) => {
          const jobs = list.map((status, i) =>
            job({
              vm: `vm-${i}`,
              status,
              consistency: status === "Failed" || status === "Cancelled" ? "none" : "application",
              degraded: status === "Failed" || status === "Cancelled",
            }),
          );
          const d = buildDigest({
            date: DAY,
            jobs,
            trends: [],
            yesterday: [],
            vmStates: [],
            knownVms: missing ? [{ vm: "absent", vault: "rsv-prod" }] : [],
            coverage: { workspacesQueried: ["w"] },
            lookup,
          });
          const c = d.headline.counts;
          expect(c.completed + c.completedWithWarnings + c.failed + c.cancelled).toBe(jobs.length);
          const bad = jobs.length === 0 || c.failed + c.cancelled > 0 || missing;
          if (bad) expect(d.headline.status).not.toBe("healthy");
          if (jobs.length === 0) expect(d.headline.status).toBe("no-data");
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("buildDigest: what reads in ten seconds", () => {
  const d = smallDigest();

  it("counts the degraded jobs as a headline figure, lower being better", () => {
    // vm-app-01 and vm-app-02 failed, vm-sql-01 fell to file-system: 3 jobs below expectation.
    expect(d.headline.degraded).toMatchObject({ value: 3, yesterday: 2, higherIsBetter: false });
    expect(d.headline.degraded.vsYesterday).toBe("up");
  });

  it("says how many file-system and crash points were below what their VMs should get", () => {
    // vm-sql-01 is file-system but should be application; vm-dhcp-01 is crash as expected.
    expect(d.headline.counts).toMatchObject({ fileSystemBelowExpected: 1, crashBelowExpected: 0 });
  });

  it("never shows a change from one to none as unchanged", () => {
    const oneYesterday = trend(addDays(DAY, -1), {
      jobs: 1_000,
      completed: 999,
      completedWithWarnings: 0,
      failed: 1,
      none: 1,
    });
    const today = Array.from({ length: 1_000 }, (_, i) => job({ vm: `vm-${i}` }));
    const x = buildDigest(smallInput({ jobs: today, trends: [oneYesterday] }));
    expect(x.headline.none).toMatchObject({ value: 0, yesterday: 0.001, vsYesterday: "down" });
    expect(x.headline.successRate.vsYesterday).toBe("up");
  });

  it("gives each failing or degraded VM a short action, from its code when the catalogue knows it", () => {
    expect(d.changes.newFailures[0]?.action).toBe("Check that the VM guest agent runs and is up to date.");
    expect(d.changes.downgrades[0]?.action).toBe("Restart the VSS service, then the VM.");
    expect(d.changes.recoveries[0]?.action).toBeNull();
    expect(d.persisting.failing[0]).toMatchObject({
      vm: "vm-app-02",
      errorCode: "UserErrorGuestAgentStatusUnavailable",
      action: "Check that the VM guest agent runs and is up to date.",
    });
    // vm-sql-02 had no job today: the action says what to look at without a code.
    expect(d.persisting.belowExpected[0]).toMatchObject({ vm: "vm-sql-02", errorCode: null });
    expect(d.persisting.belowExpected[0]?.action).toMatch(/VSS.*pre\/post scripts/);
  });
});

describe("shortAction", () => {
  it("keeps the first sentence, cut at a word with an ellipsis when long", () => {
    expect(shortAction("Restart the VSS service, then the VM; `vssadmin list writers` shows it.")).toBe(
      "Restart the VSS service, then the VM.",
    );
    const long = `Exclude ${"the folder ".repeat(20)}from antivirus.`;
    const cut = shortAction(long);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut).toMatch(/^Exclude the folder .*folder…$/);
    expect(shortAction("再試行してください。詳しくはリンク先を参照。")).toBe("再試行してください。");
  });
});
