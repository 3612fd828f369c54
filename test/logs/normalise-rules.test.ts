/** The rules every shape shares: what makes a row readable, and why a job is left out (first reason wins). */
import { describe, expect, it } from "vitest";
import { planFor } from "../../src/logs/normalise-fields.js";
import { exclusionOf, readRowHead } from "../../src/logs/normalise-rules.js";

const COLUMNS = [
  "TimeGenerated",
  "JobUniqueId",
  "JobStartDateTime",
  "JobStatus",
  "JobOperation",
  "JobOperationSubType",
  "BackupManagementType",
  "State",
];
const plan = planFor(COLUMNS);
const row = (cells: Partial<Record<(typeof COLUMNS)[number], unknown>>): unknown[] =>
  COLUMNS.map(
    (c) =>
      ({
        TimeGenerated: "2026-11-24T02:00:00Z",
        JobUniqueId: "job-1",
        JobStartDateTime: "2026-11-24T01:00:00Z",
        JobStatus: "Completed",
        JobOperation: "Backup",
        JobOperationSubType: "",
        BackupManagementType: "IaaSVM",
        State: "Active",
        ...cells,
      })[c],
  );

describe("readRowHead", () => {
  it("reads the job ID, status in any spelling, start and TimeGenerated", () => {
    expect(readRowHead(plan, row({ JobStatus: "canceled" }))).toEqual({
      jobId: "job-1",
      status: "Cancelled",
      startMs: Date.UTC(2026, 10, 24, 1),
      timeGeneratedMs: Date.UTC(2026, 10, 24, 2),
    });
    expect(readRowHead(plan, row({ JobStatus: "Cancelling" }))).toMatchObject({ status: "in-progress" });
  });

  it("says why a row cannot be read, naming the job", () => {
    expect(readRowHead(plan, row({ JobUniqueId: " " }))).toBe("no job ID (JobUniqueId is empty)");
    expect(readRowHead(plan, row({ JobStatus: null }))).toBe("no job status");
    expect(readRowHead(plan, row({ JobStatus: "Paused" }))).toBe('unknown job status "Paused" (job "job-1")');
    expect(readRowHead(plan, row({ JobStartDateTime: "" }))).toBe('no job start time (job "job-1")');
    expect(readRowHead(plan, row({ JobStartDateTime: "soon" }))).toBe(
      'job start time "soon" is not a date (job "job-1")',
    );
    expect(readRowHead(plan, row({ TimeGenerated: "x".repeat(100) }))).toMatch(
      /^TimeGenerated "x{57}\.\.\." is not a date \(job "job-1"\)$/,
    );
  });
});

describe("exclusionOf", () => {
  it("gives the first reason in order: not a backup, log backup, not a VM, deleted, in progress", () => {
    const reason = (cells: Parameters<typeof row>[0], status: "Completed" | "in-progress" = "Completed") =>
      exclusionOf(plan, row(cells), status);
    expect(reason({})).toBeNull();
    expect(reason({ JobOperation: "Restore", JobOperationSubType: "Log" })).toBe("not-backup");
    expect(reason({ JobOperationSubType: "Recovery point_Log", BackupManagementType: "AzureWorkload" })).toBe(
      "log-backup",
    );
    expect(reason({ BackupManagementType: "MAB", State: "Deleted" })).toBe("not-vm");
    expect(reason({ State: "deleted" }, "in-progress")).toBe("deleted");
    expect(reason({ BackupManagementType: "azureiaasvm" }, "in-progress")).toBe("in-progress");
  });
});
