/** The outbox key of a batch of alerts: what makes a repeated run post nothing twice. */
import { describe, expect, it } from "vitest";
import { alertBatchKey } from "../../src/pipeline/alert-delivery.js";

const a = { key: "vss|rsv-prod|vm-web-01", jobId: "job-1" };
const b = { key: "consecutive-failures|rsv-prod|vm-sql-01", jobId: "job-2" };

describe("alertBatchKey", () => {
  it("is the same for the same alerts in any order, and a valid outbox key", () => {
    expect(alertBatchKey([a, b])).toBe(alertBatchKey([b, a]));
    expect(alertBatchKey([a, b])).toMatch(/^alerts-[0-9a-f]{24}$/);
  });

  it("differs when an alert or the job that fired it differs", () => {
    const keys = new Set([
      alertBatchKey([a, b]),
      alertBatchKey([a]),
      alertBatchKey([b]),
      alertBatchKey([a, { ...b, jobId: "job-3" }]),
    ]);
    expect(keys.size).toBe(4);
  });
});
