/** Where each field is read from: the row shape, the required columns, and which column wins. */
import { describe, expect, it } from "vitest";
import { JOB_QUERY_COLUMNS } from "../../src/logs/columns.js";
import { first, missingJobColumns, planFor } from "../../src/logs/normalise-fields.js";

const COLUMNS = JOB_QUERY_COLUMNS.map((c) => c.name);

describe("columns", () => {
  it("names the required columns a table lacks, with every spelling that would do", () => {
    expect(missingJobColumns(COLUMNS)).toEqual([]);
    expect(missingJobColumns(["UniqueId", "Status", "StartTime"])).toEqual([]);
    expect(missingJobColumns(["TimeGenerated", "JobStatus"])).toEqual([
      "JobUniqueId or JobUniqueId_g or JobUniqueId_s or UniqueId",
      "JobStartDateTime or JobStartDateTime_s or StartTime",
    ]);
  });

  it("reads a field from its first non-empty column: exact names, then any case, and CSV ` [UTC]` suffixes", () => {
    const plan = planFor([
      "jobuniqueid",
      "JobUniqueId_s",
      "JobStartDateTime [UTC]",
      "JOBSTATUS",
      "JobStatus",
    ]);
    const row = ["", "from-s", "2026-11-24T01:00:00Z", "Failed", "Completed"];
    expect(first(row, plan.jobId)).toBe("from-s");
    expect(first(row, plan.start)).toBe("2026-11-24T01:00:00Z");
    // the exact spelling is preferred over another case of the same name
    expect(first(row, plan.status)).toBe("Completed");
    expect(first(row, plan.vault)).toBe("");
  });
});
