import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JOB_QUERY_COLUMNS } from "../../src/logs/columns.js";
import { createJobReader } from "../../src/logs/normalise.js";
import { normaliseRecords, normaliseTable } from "../support/normalise.js";
import type { ReadResult } from "../../src/domain/model.js";

const COLUMNS = JOB_QUERY_COLUMNS.map((c) => c.name);
const WITH_STATE: string[] = [...COLUMNS, "State"];
type Cells = Partial<Record<(typeof COLUMNS)[number] | "State", unknown>>;

function row(cells: Cells, columns: readonly string[] = COLUMNS): unknown[] {
  const base: Cells = {
    TimeGenerated: "2026-11-24T02:40:00Z",
    JobUniqueId: "job-1",
    JobStartDateTime: "2026-11-24T01:30:00Z",
    JobDurationInSecs: 1800,
    JobStatus: "Completed",
    JobFailureCode: "Success",
    JobOperation: "Backup",
    JobOperationSubType: "",
    BackupManagementType: "IaaSVM",
    VaultName: "rsv-prod",
    ResourceId: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/rsv-prod",
    BackupItemUniqueId: "item-1",
    BackupItemFriendlyName: "vm-web-01",
    ProtectedContainerName: "iaasvmcontainerv2;rg-app;vm-web-01",
    ProtectedContainerOSType: "Windows",
    ...cells,
  };
  return columns.map((c) => base[c as keyof Cells] ?? null);
}

function accounted(r: ReadResult): number {
  const excluded = Object.values(r.excluded).reduce((a, b) => a + (b ?? 0), 0);
  return r.jobs.length + r.rejected.length + excluded + r.duplicates;
}

describe("normaliseTable: backup-pulse's own query columns", () => {
  it("reads a job field by field, with Date cells as the SDK gives them", () => {
    const r = normaliseTable(
      COLUMNS,
      [
        row({
          TimeGenerated: new Date("2026-11-24T02:40:00Z"),
          JobStartDateTime: new Date("2026-11-24T01:30:00Z"),
        }),
      ],
      { workspaceId: "ws-1" },
    );
    expect(r).toMatchObject({ rowsRead: 1, duplicates: 0, rejected: [], excluded: {} });
    expect(r.jobs).toEqual([
      {
        jobId: "job-1",
        vm: "vm-web-01",
        vault: "rsv-prod",
        vaultId: "/subscriptions/s/resourcegroups/rg/providers/microsoft.recoveryservices/vaults/rsv-prod",
        vmId: "/subscriptions/s/resourcegroups/rg-app/providers/microsoft.compute/virtualmachines/vm-web-01",
        container: "iaasvmcontainerv2;rg-app;vm-web-01",
        itemId: "item-1",
        os: "Windows",
        status: "Completed",
        startMs: Date.UTC(2026, 10, 24, 1, 30),
        durationSec: 1800,
        code: null,
        timeGeneratedMs: Date.UTC(2026, 10, 24, 2, 40),
        workspaceId: "ws-1",
      },
    ]);
  });

  it("keeps the latest TimeGenerated of a job, whatever the row order; ties go to the later row", () => {
    const r = normaliseTable(COLUMNS, [
      row({ TimeGenerated: "2026-11-24T03:00:00Z", JobStatus: "Failed", JobFailureCode: "A" }),
      row({ TimeGenerated: "2026-11-24T02:00:00Z", JobStatus: "InProgress" }),
      row({ TimeGenerated: "2026-11-24T03:00:00Z", JobStatus: "Failed", JobFailureCode: "B" }),
      row({ TimeGenerated: "2026-11-24T01:00:00Z", JobStatus: "Completed" }),
    ]);
    expect(r.duplicates).toBe(3);
    expect(r.jobs).toHaveLength(1);
    expect(r.jobs[0]).toMatchObject({ status: "Failed", code: "B" });
  });

  it("decides exclusion on the winning row: an in-progress row superseded by a completed one is not excluded", () => {
    const r = normaliseTable(COLUMNS, [
      row({ TimeGenerated: "2026-11-24T02:00:00Z", JobStatus: "InProgress" }),
      row({ TimeGenerated: "2026-11-24T02:40:00Z", JobStatus: "Completed" }),
      row({ JobUniqueId: "job-2", TimeGenerated: "2026-11-24T02:40:00Z", JobStatus: "Completed" }),
      row({ JobUniqueId: "job-2", TimeGenerated: "2026-11-24T02:50:00Z", JobStatus: "Cancelling" }),
    ]);
    expect(r.jobs.map((j) => j.jobId)).toEqual(["job-1"]);
    expect(r.excluded).toEqual({ "in-progress": 1 });
    expect(r.duplicates).toBe(2);
  });

  it("leaves out and counts log backups, restores, other workloads and deleted items", () => {
    const r = normaliseTable(WITH_STATE, [
      row(
        { JobUniqueId: "log", JobOperationSubType: "Log", BackupManagementType: "AzureWorkload" },
        WITH_STATE,
      ),
      row({ JobUniqueId: "rplog", JobOperationSubType: "Recovery point_Log" }, WITH_STATE),
      row({ JobUniqueId: "restore", JobOperation: "Restore" }, WITH_STATE),
      row({ JobUniqueId: "cfg", JobOperation: "ConfigureBackup" }, WITH_STATE),
      row({ JobUniqueId: "sql", BackupManagementType: "AzureWorkload" }, WITH_STATE),
      ...["MAB", "DPM", "AzureBackupServer", "AzureStorage"].map((m) =>
        row({ JobUniqueId: m, BackupManagementType: m }, WITH_STATE),
      ),
      row({ JobUniqueId: "del", State: "Deleted" }, WITH_STATE),
      row({ JobUniqueId: "ok", BackupManagementType: "iaasvm", State: "Active" }, WITH_STATE),
    ]);
    expect(r.excluded).toEqual({ "log-backup": 2, "not-backup": 2, "not-vm": 5, deleted: 1 });
    expect(r.jobs.map((j) => j.jobId)).toEqual(["ok"]);
  });

  it("names the VM from the item, else from the container name; reads OS and status in any case", () => {
    const r = normaliseTable(COLUMNS, [
      row({
        JobUniqueId: "a",
        BackupItemFriendlyName: "",
        ProtectedContainerOSType: "LINUX",
        JobStatus: "completedwithwarnings",
      }),
      row({
        JobUniqueId: "b",
        BackupItemFriendlyName: null,
        ProtectedContainerName: null,
        ProtectedContainerOSType: "",
      }),
      row({ JobUniqueId: "c", ProtectedContainerOSType: "Solaris", JobStatus: "FAILED", JobFailureCode: "" }),
    ]);
    expect(r.jobs.map((j) => [j.vm, j.os, j.status])).toEqual([
      ["vm-web-01", "Linux", "CompletedWithWarnings"],
      ["unknown", "unknown", "Completed"],
      ["vm-web-01", "unknown", "Failed"],
    ]);
    expect(r.jobs[2]?.code).toBeNull();
  });

  it("a job belongs to the UTC day of its start, even when its row arrived the next day", () => {
    const r = normaliseTable(COLUMNS, [
      row({ JobStartDateTime: "2026-11-24T23:30:00Z", TimeGenerated: "2026-11-25T00:20:00Z" }),
    ]);
    expect(new Date(r.jobs[0]?.startMs ?? 0).toISOString().slice(0, 10)).toBe("2026-11-24");
  });

  it("rejects bad rows with their row number and reason, and reads the rest", () => {
    const r = normaliseTable(
      COLUMNS,
      [
        row({ JobUniqueId: "good-1" }),
        row({ JobUniqueId: "" }),
        row({ JobUniqueId: "bad-status", JobStatus: "Invalid" }),
        row({ JobUniqueId: "bad-start", JobStartDateTime: "yesterday" }),
        row({ JobUniqueId: "bad-tg", TimeGenerated: "13/45/2026, 1:00 AM" }),
        row({ JobUniqueId: "no-start", JobStartDateTime: null }),
        row({ JobUniqueId: "good-2" }),
      ],
      { firstRowNumber: 11 },
    );
    expect(r.jobs.map((j) => j.jobId)).toEqual(["good-1", "good-2"]);
    expect(r.rejected.map((x) => x.row)).toEqual([12, 13, 14, 15, 16]);
    expect(r.rejected[0]?.reason).toMatch(/job ID/);
    expect(r.rejected[1]?.reason).toMatch(/unknown job status "Invalid"/);
    expect(r.rejected[2]?.reason).toMatch(/start time "yesterday" is not a date/);
    expect(r.rejected[3]?.reason).toMatch(/TimeGenerated/);
    expect(r.rejected[4]?.reason).toMatch(/no job start time/);
  });

  it("rejects every row of a table without a job ID column, without throwing", () => {
    const r = normaliseTable(
      ["Foo", "Bar"],
      [
        ["a", "b"],
        ["c", "d"],
      ],
    );
    expect(r.jobs).toEqual([]);
    expect(r.rejected).toEqual([
      { row: 1, reason: "no JobUniqueId, JobStartDateTime, JobStatus column" },
      { row: 2, reason: "no JobUniqueId, JobStartDateTime, JobStatus column" },
    ]);
  });

  it("dedupes across tables read by one reader (row numbers run on)", () => {
    const reader = createJobReader();
    reader.addTable(COLUMNS, [row({ TimeGenerated: "2026-11-24T03:00:00Z", JobStatus: "Completed" })], {
      workspaceId: "ws-a",
    });
    reader.addTable(COLUMNS, [
      row({ TimeGenerated: "2026-11-24T02:00:00Z", JobStatus: "Failed" }),
      row({ JobUniqueId: "" }),
    ]);
    const r = reader.finish();
    expect(r.jobs).toHaveLength(1);
    expect(r.jobs[0]).toMatchObject({ status: "Completed", workspaceId: "ws-a" });
    expect(r.rejected).toEqual([{ row: 3, reason: "no job ID (JobUniqueId is empty)" }]);
  });
});

describe("normaliseRecords", () => {
  it("normaliseRecords reads objects keyed by column name, including odd keys", () => {
    const r = normaliseRecords([
      {
        JobUniqueId: "r1",
        JobStatus: "Completed",
        JobStartDateTime: "2026-11-24T01:00:00Z",
        ["__proto__"]: "x",
      },
      JSON.parse(
        '{"__proto__": {"JobUniqueId": "evil"}, "JobUniqueId": "r2", "JobStatus": "Failed", "JobStartDateTime": "2026-11-24T01:00:00Z"}',
      ) as Record<string, unknown>,
    ]);
    expect(r.jobs.map((j) => [j.jobId, j.status])).toEqual([
      ["r1", "Completed"],
      ["r2", "Failed"],
    ]);
  });
});

const NAMES = [
  ...COLUMNS,
  "JobUniqueId_g",
  "JobUniqueId_s",
  "JobStatus_s",
  "JobStartDateTime_s",
  "UniqueId",
  "Status",
  "StartTime",
  "OperationName",
  "SchemaVersion_s",
  "State",
  "BackupSolution",
  "__proto__",
  "constructor",
  "toString",
  "",
];
const cell = fc.oneof(
  fc.constantFrom(
    "Completed",
    "InProgress",
    "Failed",
    "CompletedWithWarnings",
    "Cancelled",
    "Job",
    "V1",
    "Log",
    "Backup",
    "IaaSVM",
    "MAB",
    "Deleted",
    "2026-11-24T01:00:00Z",
    "11/24/2026, 2:09:47.000 AM",
    "None",
    "",
  ),
  fc.string(),
  fc.string({ minLength: 1000, maxLength: 5000 }),
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.date({ noInvalidDate: false }),
  fc.object(),
  fc.array(fc.anything(), { maxLength: 3 }),
);

describe("properties", () => {
  it("arbitrary columns and cells never throw and every row is accounted for exactly once", () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.oneof(fc.constantFrom(...NAMES), fc.string()), { maxLength: 12 }),
        fc.array(fc.array(cell, { maxLength: 14 }), { maxLength: 30 }),
        (columns, rows) => {
          const r = normaliseTable(columns, rows);
          expect(r.rowsRead).toBe(rows.length);
          expect(accounted(r)).toBe(rows.length);
          for (const j of r.jobs) {
            expect(["Completed", "CompletedWithWarnings", "Failed", "Cancelled"]).toContain(j.status);
            expect(Number.isFinite(j.startMs)).toBe(true);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it("one job per ID, carrying the row with the latest TimeGenerated", () => {
    const validRow = fc.record({
      id: fc.constantFrom("a", "b", "c", "d"),
      tg: fc.integer({ min: 0, max: 100 }),
      status: fc.constantFrom("Completed", "Failed", "InProgress", "CompletedWithWarnings"),
    });
    fc.assert(
      fc.property(fc.array(validRow, { maxLength: 40 }), (rows) => {
        const table = rows.map((x, i) =>
          row({
            JobUniqueId: x.id,
            TimeGenerated: new Date(Date.UTC(2026, 10, 24) + x.tg * 60_000).toISOString(),
            JobStatus: x.status,
            JobFailureCode: `row-${i}`,
          }),
        );
        const r = normaliseTable(COLUMNS, table);
        const ids = new Set(rows.map((x) => x.id));
        expect(r.jobs.length + (r.excluded["in-progress"] ?? 0)).toBe(ids.size);
        expect(r.duplicates).toBe(rows.length - ids.size);
        for (const j of r.jobs) {
          const mine = rows.map((x, i) => ({ ...x, i })).filter((x) => x.id === j.jobId);
          const best = Math.max(...mine.map((x) => x.tg));
          const winner = mine.filter((x) => x.tg === best).at(-1);
          expect(j.code).toBe(`row-${winner?.i}`);
        }
      }),
      { numRuns: 300 },
    );
  });
});
