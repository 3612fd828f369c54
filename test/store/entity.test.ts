import { describe, expect, it } from "vitest";
import { dateCol, double, iso, num, oneOf, optCol, str } from "../../src/store/entity.js";

describe("entity values", () => {
  it("read strings and numbers strictly: the wrong type is null, never a guess", () => {
    expect(str("")).toBe("");
    expect(str("vm-01")).toBe("vm-01");
    expect(str(7)).toBeNull();
    expect(str(undefined)).toBeNull();
    expect(num(12)).toBe(12);
    expect(num(2.5)).toBe(2.5);
    expect(num(1_764_000_000_000n)).toBe(1_764_000_000_000);
    expect(num("12")).toBeNull();
    expect(num(true)).toBeNull();
    expect(num(null)).toBeNull();
    expect(num(Number.NaN)).toBeNull();
    expect(num(new Date(0))).toBeNull();
  });

  it("read times as ISO-8601 and enumerations as one of their values", () => {
    expect(iso(new Date("2026-11-24T02:00:00Z"))).toBe("2026-11-24T02:00:00.000Z");
    expect(iso("2026-11-24T02:00:00+01:00")).toBe("2026-11-24T01:00:00.000Z");
    expect(iso("yesterday")).toBeNull();
    expect(iso(new Date(Number.NaN))).toBeNull();
    expect(oneOf("Linux", ["Windows", "Linux", "unknown"], "unknown")).toBe("Linux");
    expect(oneOf("linux", ["Windows", "Linux", "unknown"], "unknown")).toBe("unknown");
  });

  it("write absent values as no column, times as DateTime and large numbers as explicit Doubles", () => {
    expect(optCol("errorCode", null)).toEqual({});
    expect(optCol("errorCode", "X")).toEqual({ errorCode: "X" });
    expect(dateCol("lastJobAt", null)).toEqual({});
    expect(dateCol("lastJobAt", "2026-11-24T02:00:00Z")).toEqual({
      lastJobAt: new Date("2026-11-24T02:00:00Z"),
    });
    expect(double(1_764_000_000_000)).toEqual({ value: "1764000000000", type: "Double" });
  });
});
