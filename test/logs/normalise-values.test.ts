/** Cells of any type read as text, numbers and UTC dates, never throwing. */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { cellDateMs, daysInMonth, utcMs } from "../../src/logs/normalise-values.js";

describe("dates", () => {
  it("reads ISO (7-digit fractions, no zone = UTC), Date objects and the portal's US style", () => {
    expect(cellDateMs("2026-11-24T02:09:47.1234567Z")).toBe(Date.UTC(2026, 10, 24, 2, 9, 47, 123));
    expect(cellDateMs("2026-11-24 02:09:47")).toBe(Date.UTC(2026, 10, 24, 2, 9, 47));
    expect(cellDateMs("2026-11-24T02:09Z")).toBe(Date.UTC(2026, 10, 24, 2, 9));
    expect(cellDateMs("2026-11-24T03:09:47+01:00")).toBe(Date.UTC(2026, 10, 24, 2, 9, 47));
    expect(cellDateMs("11/24/2026, 2:09:47.000 AM")).toBe(Date.UTC(2026, 10, 24, 2, 9, 47));
    expect(cellDateMs("11/24/2026, 12:05:00.500 AM")).toBe(Date.UTC(2026, 10, 24, 0, 5, 0, 500));
    expect(cellDateMs("11/24/2026, 12:05:00 PM")).toBe(Date.UTC(2026, 10, 24, 12, 5));
    expect(cellDateMs("11/24/2026 11:59:59 PM")).toBe(Date.UTC(2026, 10, 24, 23, 59, 59));
    expect(cellDateMs(new Date(Date.UTC(2026, 0, 1)))).toBe(Date.UTC(2026, 0, 1));
    for (const bad of [
      "",
      "None",
      "2026-02-30T00:00:00Z",
      "13/01/2026, 1:00 AM",
      "11/24/2026, 13:00 PM",
      {},
      [],
      true,
      NaN,
    ]) {
      expect(cellDateMs(bad)).toBeNull();
    }
  });

  it("works out a date's time as Date.UTC does, for any year 0-9999 (0-99 being 1900-1999)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 31 }),
        fc.integer({ min: 0, max: 23 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 59 }),
        fc.integer({ min: 0, max: 999 }),
        (y, mo, day, h, mi, s, ms) => {
          const d = Math.min(day, daysInMonth(y < 100 ? y + 1900 : y, mo));
          expect(utcMs(y, mo, d, h, mi, s, ms)).toBe(Date.UTC(y, mo - 1, d, h, mi, s, ms));
        },
      ),
      { numRuns: 2000 },
    );
    expect(utcMs(2024, 2, 29, 23, 59, 59, 999)).toBe(Date.UTC(2024, 1, 29, 23, 59, 59, 999));
    expect(utcMs(1970, 1, 1, 0, 0, 0, 0)).toBe(0);
    expect(utcMs(1600, 3, 1, 0, 0, 0, 0)).toBe(Date.UTC(1600, 2, 1));
  });
});
