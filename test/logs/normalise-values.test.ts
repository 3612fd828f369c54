/** Cells of any type read as text, numbers and UTC dates, never throwing. */
import { describe, expect, it } from "vitest";
import { cellDateMs } from "../../src/logs/normalise-values.js";

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
});
