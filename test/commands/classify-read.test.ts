/** The table's report counts each job from its verdict, shared by like jobs: it must say what classifying each job says. */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyRead } from "../../src/commands/classify.js";
import { classifyJob, summarise } from "../../src/domain/classify.js";
import type { ClassifiedJob } from "../../src/domain/model.js";
import { JOB_QUERY_COLUMNS } from "../../src/logs/columns.js";
import { readExportJobs } from "../../src/logs/formats-stream.js";

const dir = mkdtempSync(join(tmpdir(), "pulse-classify-read-"));
const CODES = [
  "",
  "Success",
  "ExtensionFailedVssWriterInBadState",
  "Pre-ScriptExecutionFailed",
  "UserErrorFsFreezeFailed",
  "BackUpOperationFailedV2",
  "SomethingUndocumented",
];
const STATUSES = ["Completed", "CompletedWithWarnings", "Failed", "Cancelled", "InProgress"];
const VMS = ["vm-lx-db-01", "vm-lx-web-02", "VM-LX-DB-03", "vm-win-04", "vm-x-05"];
const OSES = ["Linux", "Windows", "", "linux"];

const row: fc.Arbitrary<Row> = fc.record({
  id: fc.integer({ min: 1, max: 40 }),
  upper: fc.boolean(),
  minute: fc.integer({ min: 0, max: 50 }),
  status: fc.constantFrom(...STATUSES),
  code: fc.constantFrom(...CODES),
  vm: fc.integer({ min: 0, max: VMS.length - 1 }),
  os: fc.constantFrom(...OSES),
  vault: fc.integer({ min: 0, max: 2 }),
});

interface Row {
  id: number;
  upper: boolean;
  minute: number;
  status: string;
  code: string;
  vm: number;
  os: string;
  vault: number;
}

function restFile(rows: Row[], name: string): string {
  const text = rows.map((r) => {
    const id = `6c1d00${String(r.id).padStart(2, "0")}-2a7e-4b1f-9c3d-0000000000${String(r.id).padStart(2, "0")}`;
    const vm = VMS[r.vm] ?? "";
    const vault = `rsv-${r.vault}`;
    const time = `2026-11-24T0${r.minute % 10}:${String(r.minute).padStart(2, "0")}:00Z`;
    return [
      time,
      r.upper ? id.toUpperCase() : id,
      time,
      600,
      r.status,
      r.code,
      "Backup",
      "",
      "IaaSVM",
      vault,
      `/subscriptions/S/resourceGroups/RG/providers/Microsoft.RecoveryServices/vaults/${vault}`,
      `item-${r.vm}-${r.vault}`,
      vm,
      `iaasvmcontainerv2;rg;${vm}`,
      r.os,
      "",
    ];
  });
  const file = join(dir, name);
  writeFileSync(
    file,
    JSON.stringify({ tables: [{ name: "PrimaryResult", columns: JOB_QUERY_COLUMNS, rows: text }] }),
  );
  return file;
}

describe("classifyRead", () => {
  it("counts, shows and identifies the jobs as classifying each one does", async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { maxLength: 120 }),
        fc.constantFrom(["vm-lx-db-*", "!vm-lx-db-03"], [], ["VM-LX-WEB-02"]),
        async (rows, patterns) => {
          const options = { linuxAppConsistentVms: patterns };
          const read = await readExportJobs(restFile(rows, `r${n++}.json`));
          const each: ClassifiedJob[] = [];
          for (let k = 0; k < read.jobs.length; k++) each.push(classifyJob(read.jobs.at(k)!, options));
          const report = classifyRead(read, options);
          expect(report.summary).toEqual(summarise(each));
          const order = (a: ClassifiedJob, b: ClassifiedJob) =>
            a.start < b.start ? -1 : a.start > b.start ? 1 : a.vm < b.vm ? -1 : a.vm > b.vm ? 1 : 0;
          expect(report.degradedShown).toEqual(
            each
              .filter((j) => j.degraded)
              .sort(order)
              .slice(0, 50),
          );
          expect([...report.vmIds].sort()).toEqual(
            [...new Set(each.flatMap((j) => (j.vmId ? [j.vmId] : [])))].sort(),
          );
          expect([...report.vaultIds].sort()).toEqual(
            [...new Set(each.flatMap((j) => (j.vaultId ? [j.vaultId] : [])))].sort(),
          );
        },
      ),
      { numRuns: 60 },
    );
  });
});
