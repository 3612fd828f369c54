import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parseCsvRecords } from "../../src/logs/csv.js";
import { InputError, readExport, readParsedExport } from "../../src/logs/formats.js";
import { inputProblem as problem } from "./input-problem.js";

const fixture = (name: string): string =>
  readFileSync(new URL(`../fixtures/exports/${name}`, import.meta.url), "utf8");

const RESOURCE_SPECIFIC = {
  rowsRead: 24,
  duplicates: 3,
  excluded: { "log-backup": 1, "not-vm": 2, "not-backup": 1, "in-progress": 1, deleted: 1 },
  rejected: [19, 20, 21],
};

describe("resource-specific exports in the three file formats", () => {
  const files = [
    ["rest-resource-specific.json", "rest"],
    ["az-resource-specific.json", "az-json"],
    ["portal-resource-specific.csv", "csv"],
  ] as const;

  for (const [file, format] of files) {
    it(`${file}: exact counts and rejected rows`, () => {
      const r = readExport(fixture(file));
      expect(r.format).toBe(format);
      expect(r.rowsRead).toBe(RESOURCE_SPECIFIC.rowsRead);
      expect(r.duplicates).toBe(RESOURCE_SPECIFIC.duplicates);
      expect(r.excluded).toEqual(RESOURCE_SPECIFIC.excluded);
      expect(r.rejected.map((x) => x.row)).toEqual(RESOURCE_SPECIFIC.rejected);
      expect(r.jobs).toHaveLength(12);
    });
  }

  it("all three formats give the same jobs, field by field", () => {
    const [rest, az, csv] = files.map(([f]) => readExport(fixture(f)).jobs);
    expect(az).toEqual(rest);
    expect(csv).toEqual(rest);
  });

  it("reads the edge cases: re-sent rows, odd-case codes, empty OS, late rows, container fallback", () => {
    const jobs = new Map(readExport(fixture("portal-resource-specific.csv")).jobs.map((j) => [j.jobId, j]));
    expect(jobs.get("6c1d0001-2a7e-4b1f-9c3d-000000000001")).toEqual({
      jobId: "6c1d0001-2a7e-4b1f-9c3d-000000000001",
      vm: "vm-web-01",
      vault: "rsv-prod-weu",
      vaultId:
        "/subscriptions/3f2c8a51-6b0e-4f4c-9d7a-2b1e5c7d9a10/resourcegroups/rg-backup/providers/microsoft.recoveryservices/vaults/rsv-prod-weu",
      vmId: "/subscriptions/3f2c8a51-6b0e-4f4c-9d7a-2b1e5c7d9a10/resourcegroups/rg-app/providers/microsoft.compute/virtualmachines/vm-web-01",
      container: "iaasvmcontainerv2;rg-app;vm-web-01",
      itemId: "item-vm-web-01",
      os: "Windows",
      status: "Completed",
      startMs: Date.UTC(2026, 10, 24, 1, 30),
      durationSec: 1980,
      code: null,
      timeGeneratedMs: Date.UTC(2026, 10, 24, 2, 41, 7, 123),
      workspaceId: null,
    });
    expect(jobs.get("6c1d0002-2a7e-4b1f-9c3d-000000000002")).toMatchObject({
      status: "CompletedWithWarnings",
      code: "extensionfailedvsswriterinbadstate",
    });
    expect(jobs.get("6c1d0004-2a7e-4b1f-9c3d-000000000004")?.os).toBe("Linux");
    expect(jobs.get("6c1d0005-2a7e-4b1f-9c3d-000000000005")?.os).toBe("unknown");
    expect(jobs.get("6c1d0008-2a7e-4b1f-9c3d-000000000008")).toMatchObject({
      startMs: Date.UTC(2026, 10, 24, 23, 30),
      timeGeneratedMs: Date.UTC(2026, 10, 25, 0, 20),
    });
    // Completed row first in the file, an older in-progress row after it: the completed row wins.
    expect(jobs.get("6c1d000f-2a7e-4b1f-9c3d-00000000000f")?.status).toBe("Completed");
    expect(jobs.get("6c1d0014-2a7e-4b1f-9c3d-000000000014")).toMatchObject({
      vm: "vm-edge-01",
      container: "iaasvmcontainerv2;rg-edge;vm-edge-01",
    });
  });
});

describe("legacy AzureDiagnostics export", () => {
  it("joins names and OS from BackupItem and ProtectedContainer records; V1 rows left out", () => {
    const r = readExport(fixture("rest-azure-diagnostics.json"));
    expect(r).toMatchObject({ format: "rest", rowsRead: 15, duplicates: 1 });
    expect(r.excluded).toEqual({ "not-backup": 5, "legacy-v1": 1, "log-backup": 1, "not-vm": 1, deleted: 1 });
    expect(r.rejected).toHaveLength(1);
    expect(r.rejected[0]?.row).toBe(14);
    expect(r.jobs.map((j) => [j.jobId.slice(0, 8), j.vm, j.os, j.status, j.code])).toEqual([
      ["6c1d0065", "vm-erp-01", "Windows", "Completed", null],
      ["6c1d0066", "vm-erp-01", "Windows", "CompletedWithWarnings", "ExtensionFailedVssServiceInBadState"],
      ["6c1d0067", "vm-erp-lx02", "Linux", "Completed", null],
      ["6c1d0068", "vm-erp-lx02", "Linux", "Failed", "UserErrorFsFreezeFailed"],
    ]);
    expect(r.jobs[0]).toMatchObject({
      vault: "RSV-LEGACY-NEU",
      durationSec: 1500,
      container: "iaasvmcontainerv2;rg-erp;vm-erp-01",
      startMs: Date.UTC(2026, 10, 24, 1),
    });
  });
});

describe("_AzureBackup_GetJobs() export", () => {
  it("reads UniqueId/Status/ErrorTitle/StartTime and leaves out other solutions", () => {
    const r = readExport(fixture("rest-getjobs.json"));
    expect(r).toMatchObject({ rowsRead: 10, duplicates: 1 });
    expect(r.excluded).toEqual({ "log-backup": 1, "not-vm": 2, "not-backup": 1 });
    expect(r.rejected.map((x) => x.row)).toEqual([9]);
    expect(r.rejected[0]?.reason).toMatch(/"Complete"/);
    expect(r.jobs.map((j) => [j.vm, j.status, j.code])).toEqual([
      ["vm-eus-web-01", "Completed", null],
      ["vm-eus-sql-01", "CompletedWithWarnings", "ExtensionFailedVssWriterInBadState"],
      ["vm-eus-app-01", "Failed", "UserErrorVmNotInDesirableState"],
      ["vm-eus-web-03", "Completed", "320001"],
    ]);
    expect(r.jobs[2]?.timeGeneratedMs).toBe(Date.UTC(2026, 10, 24, 2, 50));
    expect(r.jobs[3]).toMatchObject({
      vault: "rsv-prod-eus",
      container: "iaasvmcontainerv2;rg-app;vm-eus-web-03",
      os: "unknown",
    });
  });
});

describe("bad files", () => {
  it("empty, blank or BOM-only files", () => {
    expect(problem("")).toMatch(/empty/);
    expect(problem(" \n\t ")).toMatch(/empty/);
    expect(problem("\ufeff")).toMatch(/empty/);
  });

  it("truncated JSON", () => {
    const text = fixture("rest-resource-specific.json");
    expect(problem(text.slice(0, Math.floor(text.length / 2)))).toMatch(/truncated/);
    expect(problem(fixture("az-resource-specific.json").slice(0, 500))).toMatch(/truncated/);
  });

  it("JSON that is not a query result", () => {
    expect(problem('{"value": []}')).toMatch(/not a query result/);
    expect(problem("42")).toMatch(/truncated|not valid JSON|not a query result|columns/);
    expect(problem('{"tables":[{"name":"t","columns":[{"name":"Foo"}],"rows":[]}]}')).toMatch(
      /lacks the job columns .*JobUniqueId/,
    );
  });

  it("CSV without the job columns names them", () => {
    const message = problem("\ufeffTimeGenerated [UTC],JobUniqueId,VaultName\r\n1,2,3\r\n");
    expect(message).toMatch(/JobStartDateTime/);
    expect(message).toMatch(/JobStatus/);
    expect(message).not.toMatch(/JobUniqueId or/);
  });

  it("CSV that ends inside a quoted field", () => {
    const csv = fixture("portal-resource-specific.csv");
    const cut = csv.indexOf('"{\n') + 4;
    expect(problem(csv.slice(0, cut))).toMatch(/truncated/);
  });

  it("plain text", () => {
    expect(problem("hello world")).toMatch(/not a query result/);
  });
});

describe("CSV parsing", () => {
  it("handles quotes, doubled quotes, commas and line breaks inside quotes, CRLF and blank lines", () => {
    expect(parseCsvRecords('a,b,c\r\n"1,5","say ""hi""","x\ny"\r\n\r\n,,\n').records).toEqual([
      ["a", "b", "c"],
      ["1,5", 'say "hi"', "x\ny"],
      ["", "", ""],
    ]);
  });
});

describe("properties", () => {
  it("any text either reads or raises InputError, and never anything else", () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.json(), fc.string({ unit: "binary" })), (text) => {
        try {
          const r = readExport(text);
          expect(r.rowsRead).toBeGreaterThanOrEqual(0);
        } catch (error) {
          expect(error).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 500 },
    );
  });

  it("any az-style array of records accounts for every row", () => {
    const key = fc.constantFrom(
      "JobUniqueId",
      "JobStatus",
      "JobStartDateTime",
      "TimeGenerated",
      "TableName",
      "__proto__",
      "constructor",
    );
    fc.assert(
      fc.property(
        fc.array(
          fc.dictionary(
            key,
            fc.oneof(fc.string(), fc.constant("None"), fc.constantFrom("Completed", "2026-11-24T01:00:00Z")),
          ),
          { maxLength: 20 },
        ),
        (records) => {
          const full = records.map((r) => ({
            JobUniqueId: "x",
            JobStatus: "Completed",
            JobStartDateTime: "2026-11-24T01:00:00Z",
            ...r,
          }));
          const r = readParsedExport(full);
          const excluded = Object.values(r.excluded).reduce((a, b) => a + (b ?? 0), 0);
          expect(r.jobs.length + r.rejected.length + excluded + r.duplicates).toBe(full.length);
        },
      ),
      { numRuns: 200 },
    );
  });
});
