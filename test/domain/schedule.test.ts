import { describe, expect, it } from "vitest";
import {
  describeSchedule,
  expectationOn,
  isDue,
  policyZone,
  type BackupSchedule,
} from "../../src/domain/schedule.js";
import { wallClockInstant } from "../../src/domain/days.js";

const daily = (time: string, timeZone: string | null = null): BackupSchedule => ({
  frequency: "daily",
  days: [],
  times: [time],
  intervalHours: null,
  windowHours: null,
  timeZone,
});
const weekly = (
  days: BackupSchedule["days"],
  time: string,
  timeZone: string | null = null,
): BackupSchedule => ({
  ...daily(time, timeZone),
  frequency: "weekly",
  days,
});
const hourly = (
  start: string,
  intervalHours: number,
  windowHours: number,
  timeZone: string | null = null,
) => ({
  ...daily(start, timeZone),
  frequency: "hourly" as const,
  intervalHours,
  windowHours,
});

// 2026-11-22 is a Sunday.
describe("isDue", () => {
  it("a daily policy is due every day; no schedule is due every day", () => {
    for (const day of ["2026-11-22", "2026-11-23", "2026-11-24"]) {
      expect(isDue(daily("22:00"), day, "UTC")).toBe(true);
      expect(isDue(null, day, "UTC")).toBe(true);
    }
  });

  it("a weekly policy is due on its days only", () => {
    const sundays = weekly(["Sunday"], "02:00");
    expect(isDue(sundays, "2026-11-22", "UTC")).toBe(true);
    for (const day of ["2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"]) {
      expect(isDue(sundays, day, "UTC")).toBe(false);
    }
    expect(isDue(sundays, "2026-11-29", "UTC")).toBe(true);
    const twice = weekly(["Wednesday", "Saturday"], "20:00");
    expect(["2026-11-22", "2026-11-25", "2026-11-28"].map((d) => isDue(twice, d, "UTC"))).toEqual([
      false,
      true,
      true,
    ]);
  });

  it("runs at the policy's clock time in its own time zone, judged on the days of PULSE_TIMEZONE", () => {
    // Sunday 23:30 in Berlin (UTC+1 in November) is Sunday 22:30 UTC, but Monday 07:30 in Tokyo.
    const berlin = weekly(["Sunday"], "23:30", "W. Europe Standard Time");
    expect(isDue(berlin, "2026-11-22", "UTC")).toBe(true);
    expect(isDue(berlin, "2026-11-22", "Europe/Berlin")).toBe(true);
    expect(isDue(berlin, "2026-11-22", "Asia/Tokyo")).toBe(false);
    expect(isDue(berlin, "2026-11-23", "Asia/Tokyo")).toBe(true);
    // Sunday 01:00 in Tokyo is Saturday 16:00 UTC.
    const tokyo = weekly(["Sunday"], "01:00", "Tokyo Standard Time");
    expect(isDue(tokyo, "2026-11-21", "UTC")).toBe(true);
    expect(isDue(tokyo, "2026-11-22", "UTC")).toBe(false);
    // An IANA name works too.
    expect(isDue(weekly(["Sunday"], "01:00", "Asia/Tokyo"), "2026-11-21", "UTC")).toBe(true);
  });

  it("follows daylight saving time (23- and 25-hour days)", () => {
    // Europe: summer time ends on Sunday 2026-10-25 (03:00 → 02:00), starts on Sunday 2026-03-29.
    expect(wallClockInstant("2026-10-24", 150, "Europe/Berlin")).toBe(Date.parse("2026-10-24T00:30:00Z"));
    expect(wallClockInstant("2026-10-26", 150, "Europe/Berlin")).toBe(Date.parse("2026-10-26T01:30:00Z"));
    // A Sunday 00:30 Berlin run falls on Saturday in UTC, in summer and in winter alike.
    const sunday = weekly(["Sunday"], "00:30", "W. Europe Standard Time");
    expect(isDue(sunday, "2026-10-24", "UTC")).toBe(true);
    expect(isDue(sunday, "2026-10-25", "UTC")).toBe(false);
    expect(isDue(sunday, "2026-03-28", "UTC")).toBe(true);
    // New York: 23:30 local is 03:30 UTC next day in summer (EDT) and 04:30 in winter (EST).
    const ny = weekly(["Saturday"], "23:30", "Eastern Standard Time");
    expect(isDue(ny, "2026-11-01", "UTC")).toBe(true); // the run of Saturday 2026-10-31
    expect(isDue(ny, "2026-10-31", "America/New_York")).toBe(true);
    // The skipped hour (02:30 on 2026-03-29 in Berlin) still runs, an hour later on the clock.
    expect(isDue(weekly(["Sunday"], "02:30", "Europe/Berlin"), "2026-03-29", "Europe/Berlin")).toBe(true);
  });

  it("an hourly (Enhanced) policy is due on days its window touches", () => {
    // Every 4 h from 08:00 India time for 16 h: 08, 12, 16, 20 IST = 02:30 … 14:30 UTC.
    const h = hourly("08:00", 4, 16, "India Standard Time");
    expect(isDue(h, "2026-11-24", "UTC")).toBe(true);
    expect(isDue(h, "2026-11-24", "America/Los_Angeles")).toBe(true);
    // A window from 22:00 for 4 hours, every 4 hours: a single run at 22:00 UTC.
    const late = hourly("22:00", 4, 4);
    expect(isDue(late, "2026-11-24", "UTC")).toBe(true);
    expect(isDue(late, "2026-11-24", "Asia/Tokyo")).toBe(true); // 07:00 next day in Tokyo: every day has one
  });

  it("knows the Windows time-zone names policies use, and falls back to UTC", () => {
    expect(policyZone("Pacific Standard Time")).toBe("America/Los_Angeles");
    expect(policyZone("india standard time")).toBe("Asia/Kolkata");
    expect(policyZone("Europe/Paris")).toBe("Europe/Paris");
    expect(policyZone("Nowhere Standard Time")).toBe("UTC");
    expect(policyZone(null)).toBe("UTC");
  });

  it("describes schedules in a few words", () => {
    expect(describeSchedule(weekly(["Sunday", "Wednesday"], "02:00", "UTC"))).toBe(
      "weekly Sun, Wed 02:00 (UTC)",
    );
    expect(describeSchedule(hourly("08:00", 4, 16))).toBe("every 4 h from 08:00 for 16 h");
    expect(describeSchedule(null)).toBe("schedule unknown");
  });
});

describe("what is expected of a VM without a job", () => {
  const policy = {
    name: "weekly-sun",
    id: null,
    type: "V1" as const,
    crashOnly: false,
    schedule: weekly(["Sunday"], "02:00"),
  };
  const base = { tz: "UTC", lastJobDay: "2026-11-22", retiredOn: null };

  it("due: no job is reported, with the policy; not due: nothing is", () => {
    const item = { policy, protectionState: "Protected" };
    expect(expectationOn({ ...base, day: "2026-11-29", item })).toEqual({
      kind: "due",
      policy: "weekly-sun",
    });
    expect(expectationOn({ ...base, day: "2026-11-24", item })).toEqual({
      kind: "not-due",
      policy: "weekly-sun",
    });
  });

  it("protection stopped or gone from the vault: said once, on the first day it is seen, then dropped", () => {
    const stopped = { policy, protectionState: "ProtectionStopped" };
    expect(expectationOn({ ...base, day: "2026-11-24", item: stopped })).toEqual({
      kind: "retired",
      announce: true,
      reason: "stopped",
      state: "ProtectionStopped",
    });
    expect(
      expectationOn({ ...base, day: "2026-11-24", item: stopped, retiredOn: "2026-11-24" }),
    ).toMatchObject({
      kind: "retired",
      announce: true,
    });
    expect(
      expectationOn({ ...base, day: "2026-11-25", item: stopped, retiredOn: "2026-11-24" }),
    ).toMatchObject({
      kind: "retired",
      announce: false,
    });
    expect(expectationOn({ ...base, day: "2026-11-24", item: null })).toMatchObject({
      kind: "retired",
      reason: "gone",
    });
  });

  it("without an inventory: due daily, until no job for more than 14 days (said on the 15th day, then dropped)", () => {
    const off = { ...base, item: undefined, lastJobDay: "2026-11-01" };
    expect(expectationOn({ ...off, day: "2026-11-15" })).toEqual({ kind: "due", policy: null });
    expect(expectationOn({ ...off, day: "2026-11-16" })).toEqual({
      kind: "lapsed",
      announce: true,
      days: 15,
    });
    expect(expectationOn({ ...off, day: "2026-11-17" })).toEqual({
      kind: "lapsed",
      announce: false,
      days: 16,
    });
    // Found retired by an earlier run: still retired without today's inventory (a stored day's report).
    expect(expectationOn({ ...off, day: "2026-11-10", retiredOn: "2026-11-09" })).toMatchObject({
      kind: "retired",
      announce: false,
    });
  });
});
