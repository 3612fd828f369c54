import { describe, expect, it } from "vitest";
import { parseRecoveryPointFilter } from "../../src/local/arm-recovery-points.js";

describe("parseRecoveryPointFilter", () => {
  it("reads the window in the tools' US form and in ISO form", () => {
    expect(
      parseRecoveryPointFilter(
        "startDate eq '2026-11-24 12:00:00 AM' and endDate eq '2026-11-24 01:30:00 PM'",
      ),
    ).toEqual({
      startMs: Date.parse("2026-11-24T00:00:00Z"),
      endMs: Date.parse("2026-11-24T13:30:00Z"),
    });
    expect(parseRecoveryPointFilter("startDate eq '2026-11-24T00:00:00.000Z'")).toEqual({
      startMs: Date.parse("2026-11-24T00:00:00Z"),
      endMs: null,
    });
    expect(parseRecoveryPointFilter(undefined)).toEqual({ startMs: null, endMs: null });
  });
});
