import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  canonicalTimeZone,
  dayOf,
  dayOfIso,
  dayWindow,
  HOUR_MS,
  isoOfMs,
  yesterdayIn,
} from "../../src/domain/days.js";

const BERLIN = "Europe/Berlin";
const TOKYO = "Asia/Tokyo";

describe("dayOf", () => {
  it("puts Berlin jobs at 23:30 and 00:30 local on their local days, on both sides of UTC midnight", () => {
    // Winter (UTC+1): 23:30 local on the 24th is 22:30 UTC the same day; 00:30 local on the 25th is
    // 23:30 UTC on the 24th, so UTC days would put both on the 24th.
    expect(dayOfIso("2026-11-24T22:30:00Z", BERLIN)).toBe("2026-11-24");
    expect(dayOfIso("2026-11-24T23:30:00Z", BERLIN)).toBe("2026-11-25");
    expect(dayOfIso("2026-11-24T23:30:00Z", "UTC")).toBe("2026-11-24");
    // Summer (UTC+2): 00:30 local on 1 July is 22:30 UTC on 30 June.
    expect(dayOfIso("2026-06-30T21:30:00Z", BERLIN)).toBe("2026-06-30");
    expect(dayOfIso("2026-06-30T22:30:00Z", BERLIN)).toBe("2026-07-01");
    // Just after local midnight, the instant before it, and the UTC day for the same instants.
    expect(dayOfIso("2026-11-24T23:00:00Z", BERLIN)).toBe("2026-11-25");
    expect(dayOf(Date.parse("2026-11-24T23:00:00Z") - 1, BERLIN)).toBe("2026-11-24");
  });

  it("puts Tokyo jobs on the day nine hours ahead of UTC", () => {
    expect(dayOfIso("2026-11-24T14:59:59Z", TOKYO)).toBe("2026-11-24");
    expect(dayOfIso("2026-11-24T15:00:00Z", TOKYO)).toBe("2026-11-25");
    expect(dayOfIso("2026-11-24T16:00:00Z", TOKYO)).toBe("2026-11-25");
  });

  it("is the UTC day without a time zone", () => {
    expect(dayOfIso("2026-11-24T23:59:59.999Z")).toBe("2026-11-24");
    expect(dayOf(Date.parse("2026-11-25T00:00:00Z"))).toBe("2026-11-25");
  });
});

describe("dayWindow", () => {
  it("a Berlin winter day runs from 23:00 UTC the day before, 24 hours", () => {
    const w = dayWindow("2026-11-24", BERLIN);
    expect(new Date(w.startMs).toISOString()).toBe("2026-11-23T23:00:00.000Z");
    expect(new Date(w.endMs).toISOString()).toBe("2026-11-24T23:00:00.000Z");
  });

  it("the spring DST change day in Berlin has 23 hours, the autumn one 25", () => {
    const spring = dayWindow("2026-03-29", BERLIN);
    expect(new Date(spring.startMs).toISOString()).toBe("2026-03-28T23:00:00.000Z");
    expect(new Date(spring.endMs).toISOString()).toBe("2026-03-29T22:00:00.000Z");
    expect((spring.endMs - spring.startMs) / HOUR_MS).toBe(23);
    const autumn = dayWindow("2026-10-25", BERLIN);
    expect(new Date(autumn.startMs).toISOString()).toBe("2026-10-24T22:00:00.000Z");
    expect(new Date(autumn.endMs).toISOString()).toBe("2026-10-25T23:00:00.000Z");
    expect((autumn.endMs - autumn.startMs) / HOUR_MS).toBe(25);
    // Consecutive days tile time: no gap, no overlap.
    expect(dayWindow("2026-03-28", BERLIN).endMs).toBe(spring.startMs);
    expect(dayWindow("2026-03-30", BERLIN).startMs).toBe(spring.endMs);
  });

  it("every instant of a window has the window's day, and the instant before it the day before", () => {
    for (const [date, tz] of [
      ["2026-03-29", BERLIN],
      ["2026-10-25", BERLIN],
      ["2026-11-24", TOKYO],
      ["2026-11-24", "UTC"],
      ["2026-11-01", "America/New_York"],
    ] as const) {
      const w = dayWindow(date, tz);
      expect(dayOf(w.startMs, tz)).toBe(date);
      expect(dayOf(w.endMs - 1, tz)).toBe(date);
      expect(dayOf(w.startMs - 1, tz)).not.toBe(date);
      expect(dayOf(w.endMs, tz)).not.toBe(date);
    }
  });

  it("a Tokyo day runs from 15:00 UTC the day before", () => {
    const w = dayWindow("2026-11-25", TOKYO);
    expect(new Date(w.startMs).toISOString()).toBe("2026-11-24T15:00:00.000Z");
    expect((w.endMs - w.startMs) / HOUR_MS).toBe(24);
  });

  it("a UTC day is midnight to midnight", () => {
    const w = dayWindow("2026-11-24");
    expect(new Date(w.startMs).toISOString()).toBe("2026-11-24T00:00:00.000Z");
    expect(new Date(w.endMs).toISOString()).toBe("2026-11-25T00:00:00.000Z");
  });
});

describe("yesterdayIn and canonicalTimeZone", () => {
  it("yesterday is yesterday in the time zone", () => {
    const now = Date.parse("2026-11-24T23:30:00Z"); // 00:30 on the 25th in Berlin
    expect(yesterdayIn("UTC", now)).toBe("2026-11-23");
    expect(yesterdayIn(BERLIN, now)).toBe("2026-11-24");
    expect(yesterdayIn(TOKYO, Date.parse("2026-11-24T16:00:00Z"))).toBe("2026-11-24");
  });

  it("knows IANA names, in any case, and refuses others", () => {
    expect(canonicalTimeZone("europe/berlin")).toBe(BERLIN);
    expect(canonicalTimeZone("Asia/Tokyo")).toBe(TOKYO);
    expect(canonicalTimeZone("Mars/Olympus_Mons")).toBeNull();
    expect(canonicalTimeZone("")).toBeNull();
  });
});

describe("isoOfMs", () => {
  it("writes every instant as Date's toISOString does", () => {
    const dates = fc.oneof(
      fc.integer({ min: -8.64e15, max: 8.64e15 }),
      fc.integer({ min: Date.UTC(2020, 0, 1), max: Date.UTC(2030, 0, 1) }),
      fc.double({ min: -1e14, max: 1e14, noNaN: true }),
    );
    fc.assert(
      fc.property(dates, (ms) => {
        expect(isoOfMs(ms)).toBe(new Date(ms).toISOString());
      }),
      { numRuns: 2000 },
    );
    for (const ms of [0, 253402300799999, 253402300800000, -1, Date.UTC(2024, 1, 29, 23, 59, 59, 999)]) {
      expect(isoOfMs(ms)).toBe(new Date(ms).toISOString());
    }
    expect(() => isoOfMs(Number.NaN)).toThrow(RangeError);
  });
});
