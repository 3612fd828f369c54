import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { daysBetween } from "../../src/domain/days.js";
import type { ClassifiedJob } from "../../src/domain/model.js";
import { buildDailyTrends, groupJobsByDay } from "../../src/domain/trends.js";
import { summariseVmDay, type VmDay } from "../../src/domain/vm-day.js";
import {
  HISTORY_DAYS,
  nextVmState,
  stateAsOf,
  setMark,
  streaks,
  type VmState,
} from "../../src/domain/vm-state.js";
import { classifiedJob } from "../support/jobs.js";

let seq = 0;
/** The mark of `date` in a history ("-" when outside it). */
function markOn(h: { history: string; historyEnd: string | null }, date: string): string {
  if (h.historyEnd === null) return "-";
  const i = h.history.length - 1 - daysBetween(date, h.historyEnd);
  return (i >= 0 && i < h.history.length ? h.history[i] : undefined) ?? "-";
}

function job(over: Partial<ClassifiedJob> = {}): ClassifiedJob {
  seq += 1;
  return classifiedJob({ jobId: `job-${seq}`, vault: "vault-a", start: "2026-11-24T02:00:00Z", ...over });
}
const failed = (over: Partial<ClassifiedJob> = {}): ClassifiedJob =>
  job({
    status: "Failed",
    consistency: "none",
    degraded: true,
    errorCode: "ExtensionFailedVssWriterInBadState",
    errorCategory: "vss",
    ...over,
  });
const fsOnly = (over: Partial<ClassifiedJob> = {}): ClassifiedJob =>
  job({
    status: "CompletedWithWarnings",
    consistency: "file-system",
    degraded: true,
    errorCode: "ExtensionFailedVssWriterInBadState",
    errorCategory: "vss",
    ...over,
  });

describe("buildDailyTrends", () => {
  it("counts a day for the fleet, each vault, each VM and each code", () => {
    const jobs = [
      job(),
      fsOnly({ vm: "vm-sql-01" }),
      failed({ vm: "vm-web-01", vault: "vault-b" }),
      job({ vm: "VM-APP-01", vault: "Vault-A", status: "Cancelled", consistency: "none", degraded: true }),
    ];
    const trends = buildDailyTrends("2026-11-24", jobs);
    const by = new Map(trends.map((t) => [t.trend.scope, t.trend]));
    expect([...by.keys()]).toEqual([
      "all",
      "vault:Vault-A",
      "vault:vault-b",
      "vm:VM-APP-01",
      "vm:vm-sql-01",
      "vm:vm-web-01",
      "code:ExtensionFailedVssWriterInBadState",
    ]);
    expect(by.get("all")).toMatchObject({
      jobs: 4,
      completed: 1,
      completedWithWarnings: 1,
      failed: 1,
      application: 1,
      fileSystem: 1,
      none: 2,
      degraded: 3,
    });
    expect(by.get("vault:Vault-A")).toMatchObject({ jobs: 3, failed: 0, none: 1 });
    expect(by.get("vm:VM-APP-01")).toMatchObject({ jobs: 2, completed: 1 });
    expect(by.get("code:ExtensionFailedVssWriterInBadState")).toMatchObject({
      jobs: 2,
      failed: 1,
      fileSystem: 1,
    });
  });

  it("gives the same result whatever the order of the jobs", () => {
    const jobs = [
      job(),
      fsOnly({ vm: "x", vault: "VAULT-A" }),
      failed({ vault: "Vault-a" }),
      job({ vm: "y" }),
    ];
    fc.assert(
      fc.property(fc.shuffledSubarray(jobs, { minLength: jobs.length }), (shuffled) => {
        expect(buildDailyTrends("2026-11-24", shuffled)).toEqual(buildDailyTrends("2026-11-24", jobs));
      }),
    );
  });

  it("refuses a job of another day, and groupJobsByDay puts jobs on the day they started", () => {
    const late = job({ start: "2026-11-23T23:59:00Z" });
    expect(() => buildDailyTrends("2026-11-24", [late])).toThrow(/started on 2026-11-23/);
    const days = groupJobsByDay([job(), late, job({ start: "2026-11-24T23:59:59.999Z" })]);
    expect([...days.keys()].sort()).toEqual(["2026-11-23", "2026-11-24"]);
    expect(days.get("2026-11-24")).toHaveLength(2);
  });

  it("groups by the day of PULSE_TIMEZONE, and a day's figures take the jobs grouped onto it", () => {
    const early = job({ start: "2026-11-23T23:30:00Z" }); // 00:30 on the 24th in Berlin
    const days = groupJobsByDay([early, job({ start: "2026-11-24T23:30:00Z" })], "Europe/Berlin");
    expect([...days.keys()].sort()).toEqual(["2026-11-24", "2026-11-25"]);
    const [onDay] = days.get("2026-11-24") ?? [];
    expect(onDay?.day).toBe("2026-11-24");
    expect(buildDailyTrends("2026-11-24", days.get("2026-11-24") ?? [])[0]?.trend.jobs).toBe(1);
    expect(() => buildDailyTrends("2026-11-24", [early])).toThrow(/started on 2026-11-23/);
  });
});

describe("summariseVmDay", () => {
  it("marks the day by its latest point (the one the vault keeps) against expectation", () => {
    const d = "2026-11-24";
    expect(summariseVmDay(d, [job()]).mark).toBe("A");
    expect(summariseVmDay(d, [fsOnly()]).mark).toBe("f");
    expect(
      summariseVmDay(d, [
        job({ os: "Linux", consistency: "file-system", expectedConsistency: "file-system" }),
      ]).mark,
    ).toBe("F");
    expect(summariseVmDay(d, [failed()]).mark).toBe("X");
    expect(summariseVmDay(d, [job({ consistency: "unknown", expectedConsistency: "unknown" })]).mark).toBe(
      "U",
    );
    // a retry that succeeded later the same day wins over the failure
    const day = summariseVmDay(d, [
      failed({ start: "2026-11-24T01:00:00Z" }),
      job({ start: "2026-11-24T05:00:00Z" }),
    ]);
    expect(day).toMatchObject({
      mark: "A",
      lastStatus: "Completed",
      lastGoodPointAt: "2026-11-24T05:00:00.000Z",
    });
    expect(day.trend).toMatchObject({ jobs: 2, failed: 1, completed: 1 });
    // hourly jobs: a good early point does not hide a degraded later one, whose day is below expectation
    const lastBad = summariseVmDay(d, [
      job({ start: "2026-11-24T02:00:00Z" }),
      fsOnly({ start: "2026-11-24T14:00:00Z" }),
    ]);
    expect(lastBad).toMatchObject({
      mark: "f",
      lastConsistency: "file-system",
      lastGoodPointAt: "2026-11-24T02:00:00.000Z",
    });
    // a failure after a good point leaves that point as the day's latest
    expect(
      summariseVmDay(d, [job({ start: "2026-11-24T02:00:00Z" }), failed({ start: "2026-11-24T14:00:00Z" })])
        .mark,
    ).toBe("A");
  });
});

describe("VM history and streaks", () => {
  it("reads streaks backwards over days with jobs", () => {
    expect(streaks("AAXX")).toEqual({ failingDays: 2, belowExpectedDays: 2 });
    expect(streaks("AXf-X-")).toEqual({ failingDays: 1, belowExpectedDays: 3 });
    expect(streaks("XXA")).toEqual({ failingDays: 0, belowExpectedDays: 0 });
    expect(streaks("ffU")).toEqual({ failingDays: 0, belowExpectedDays: 0 });
    expect(streaks("")).toEqual({ failingDays: 0, belowExpectedDays: 0 });
  });

  it("sets a day in place, extends with gaps and keeps at most HISTORY_DAYS", () => {
    let h = setMark("", null, "2026-11-20", "A");
    h = setMark(h.history, h.historyEnd, "2026-11-23", "X");
    expect(h).toEqual({ history: "A--X", historyEnd: "2026-11-23" });
    h = setMark(h.history, h.historyEnd, "2026-11-21", "f");
    expect(h.history).toBe("Af-X");
    expect(markOn(h, "2026-11-21")).toBe("f");
    expect(markOn(h, "2026-01-01")).toBe("-");
    // a day losing its jobs at the end moves the end back to the latest day with a job
    expect(setMark(h.history, h.historyEnd, "2026-11-23", "-")).toEqual({
      history: "Af",
      historyEnd: "2026-11-21",
    });
    expect(setMark("A", "2026-11-20", "2026-11-20", "-")).toEqual({ history: "", historyEnd: null });
    // at most HISTORY_DAYS days, ending on the latest day with a job
    h = setMark(h.history, h.historyEnd, "2027-02-19", "A");
    expect(h.history).toHaveLength(HISTORY_DAYS - 1); // window 2026-11-22..2027-02-19, starting on a job day
    expect(h.historyEnd).toBe("2027-02-19");
    expect(markOn(h, "2026-11-23")).toBe("X");
    expect(markOn(h, "2026-11-20")).toBe("-");
    // a day older than the window is ignored
    expect(setMark(h.history, h.historyEnd, "2026-11-01", "X")).toEqual(h);
  });
});

/** Applies days in order, as the store does: facts of earlier days are read from the days written so far. */
function replayWith(order: string[], facts: Map<string, VmDay | null>): VmState | null {
  let state: VmState | null = null;
  const stored = new Map<string, VmDay | null>();
  for (const date of order) {
    const day = facts.get(date) ?? null;
    stored.set(date, day);
    let step = nextVmState(state, date, day, { vm: "vm-app-01", vault: "vault-a" });
    if (step.missing) {
      expect(step.missing.every((d) => stored.has(d))).toBe(true); // only days already written
      step = nextVmState(state, date, day, { vm: "vm-app-01", vault: "vault-a" }, stored);
    }
    state = step.state ?? null;
  }
  return state;
}

/** Applies day facts in the given order, as the store does (reading stored days when asked). */
function replay(order: string[], facts: Map<string, VmDay | null>): VmState | null {
  let state: VmState | null = null;
  for (const date of order) {
    const day = facts.get(date) ?? null;
    let step = nextVmState(state, date, day, { vm: "vm-app-01", vault: "vault-a" });
    if (step.missing) step = nextVmState(state, date, day, { vm: "vm-app-01", vault: "vault-a" }, facts);
    state = step.state ?? null;
  }
  return state;
}

describe("nextVmState", () => {
  const days = ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23", "2026-11-24"];
  const at = (d: string, h = "02"): string => `${d}T${h}:00:00Z`;
  const facts = new Map<string, VmDay | null>([
    ["2026-11-20", summariseVmDay("2026-11-20", [job({ start: at("2026-11-20") })])],
    ["2026-11-21", summariseVmDay("2026-11-21", [fsOnly({ start: at("2026-11-21") })])],
    ["2026-11-22", null],
    ["2026-11-23", summariseVmDay("2026-11-23", [failed({ start: at("2026-11-23") })])],
    ["2026-11-24", summariseVmDay("2026-11-24", [failed({ start: at("2026-11-24", "03") })])],
  ]);

  it("counts failing days and days below expectation, and keeps the last good point", () => {
    const s = replay(days, facts);
    expect(s).toMatchObject({
      failingDays: 2,
      belowExpectedDays: 3,
      lastGoodPointAt: "2026-11-20T02:00:00.000Z",
      lastJobAt: "2026-11-24T03:00:00.000Z",
      lastStatus: "Failed",
      lastConsistency: "none",
      expectedConsistency: "application",
      os: "Windows",
      history: "Af-XX",
      historyEnd: "2026-11-24",
    });
  });

  it("is the same whatever order the days are applied in, and however often", () => {
    const expected = replay(days, facts);
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...days), { maxLength: 12 }),
        fc.shuffledSubarray(days, { minLength: 5 }),
        (extra, order) => {
          expect(replay([...order, ...extra], facts)).toEqual(expected);
        },
      ),
    );
  });

  it("depends only on the day facts, for any subset of days in any order", () => {
    const withGap = new Map(facts);
    withGap.set("2026-11-24", null);
    for (const f of [facts, withGap]) {
      fc.assert(
        fc.property(fc.shuffledSubarray(days), (order) => {
          const sorted = [...order].sort();
          expect(replayWith(order, f)).toEqual(replayWith(sorted, f));
        }),
      );
    }
  });

  it("keeps the latest day's early good point when an earlier good day is applied again", () => {
    // The 24th: a good job at 01:00, then a file-system one at 03:00 (the day's mark is below expectation).
    const intraday = new Map(facts);
    intraday.set(
      "2026-11-24",
      summariseVmDay("2026-11-24", [
        job({ start: at("2026-11-24", "01") }),
        fsOnly({ start: at("2026-11-24", "03") }),
      ]),
    );
    const expected = replay(days, intraday);
    expect(expected).toMatchObject({ lastGoodPointAt: "2026-11-24T01:00:00.000Z", history: "Af-Xf" });
    // The look-back re-reads the 20th (the latest good day of the history): the 24th's facts are read back.
    const step = nextVmState(expected, "2026-11-20", intraday.get("2026-11-20") ?? null, {
      vm: "vm-app-01",
      vault: "vault-a",
    });
    expect(step.missing).toEqual(["2026-11-24"]);
    fc.assert(
      fc.property(
        fc.shuffledSubarray(days, { minLength: 5 }),
        fc.array(fc.constantFrom(...days)),
        (order, extra) => {
          expect(replayWith([...order, ...extra], intraday)).toEqual(expected);
        },
      ),
    );
  });

  it("falls back to the stored earlier day when the latest day loses its jobs on a re-run", () => {
    const before = replay(days, facts);
    const after = new Map(facts);
    after.set("2026-11-24", null);
    const step = nextVmState(before, "2026-11-24", null, { vm: "vm-app-01", vault: "vault-a" });
    expect(step.missing).toEqual(["2026-11-23"]);
    const state = replay(["2026-11-24"], after);
    expect(state).toBeNull(); // replay from scratch with only an empty day: nothing known
    const s = nextVmState(before, "2026-11-24", null, { vm: "vm-app-01", vault: "vault-a" }, after).state;
    expect(s).toMatchObject({
      lastJobAt: "2026-11-23T02:00:00.000Z",
      failingDays: 1,
      history: "Af-X",
      historyEnd: "2026-11-23",
    });
    expect(s).toEqual(replay(days, after));
  });

  it("knows the days of its facts in any time zone: a re-run of an earlier day needs no stored day", () => {
    // Europe/Berlin: jobs at 23:30 UTC belong to the next local day.
    const late = (d: string): string => `${d}T23:30:00.000Z`;
    const local = new Map<string, VmDay | null>([
      ["2026-11-23", summariseVmDay("2026-11-23", [job({ start: late("2026-11-22"), day: "2026-11-23" })])],
      [
        "2026-11-24",
        summariseVmDay("2026-11-24", [failed({ start: late("2026-11-23"), day: "2026-11-24" })]),
      ],
    ]);
    const state = replay(["2026-11-23", "2026-11-24"], local);
    expect(state).toMatchObject({ historyEnd: "2026-11-24", lastGoodPointAt: late("2026-11-22") });
    // the look-back re-reads the 23rd: the state's own facts of the 24th and of its good point are enough
    const step = nextVmState(state, "2026-11-23", local.get("2026-11-23") ?? null, {
      vm: "vm-app-01",
      vault: "vault-a",
    });
    expect(step.missing).toBeUndefined();
    expect(step.state).toEqual(state);
  });

  it("as of an earlier day, has the history and streaks it had at the end of that day", () => {
    const now = replay(days, facts);
    expect(now).not.toBeNull();
    for (const [i, date] of days.entries()) {
      const then = replay(days.slice(0, i + 1), facts);
      const pick = (s: VmState | null) => s && [s.history, s.historyEnd, s.failingDays, s.belowExpectedDays];
      expect(pick(stateAsOf(now!, date)), date).toEqual(pick(then));
    }
    expect(stateAsOf(now!, "2026-11-23")).toMatchObject({
      failingDays: 1,
      belowExpectedDays: 2,
      history: "Af-X",
    });
    expect(stateAsOf(now!, "2026-11-30")).toBe(now); // a later day: the state as it is
  });

  it("forgets a VM whose only day lost its jobs", () => {
    const only = replay(["2026-11-20"], facts);
    expect(only).not.toBeNull();
    expect(nextVmState(only, "2026-11-20", null, { vm: "vm-app-01", vault: "vault-a" }).state).toBeNull();
  });
});
