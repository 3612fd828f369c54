/** Legacy AzureDiagnostics rows: `_s`/`_g` columns, V1 rows, names from BackupItem and ProtectedContainer records. */
import { describe, expect, it } from "vitest";
import { normaliseTable } from "../support/normalise.js";

describe("AzureDiagnostics rows", () => {
  it("legacy AzureDiagnostics: _g or _s job ID, text dates and numbers, V1 rows left out, vault from Resource", () => {
    const cols = [
      "TimeGenerated",
      "OperationName",
      "Resource",
      "SchemaVersion_s",
      "JobUniqueId_g",
      "JobUniqueId_s",
      "JobStartDateTime_s",
      "JobDurationInSecs_s",
      "JobStatus_s",
      "JobFailureCode_s",
      "JobOperation_s",
      "BackupManagementType_s",
    ];
    const r = normaliseTable(cols, [
      [
        "2026-11-24T02:00:00Z",
        "Job",
        "RSV-OLD",
        "V2",
        "",
        "id-s",
        "2026-11-24 01:00:00Z",
        "1500.5",
        "Completed",
        "Success",
        "Backup",
        "IaaSVM",
      ],
      [
        "2026-11-24T02:00:00Z",
        "Job",
        "RSV-OLD",
        "V1",
        "id-v1",
        "",
        "2026-11-24 01:00:00Z",
        "1500",
        "Completed",
        "Success",
        "Backup",
        "IaaSVM",
      ],
      ["2026-11-24T02:00:00Z", "Alert", "RSV-OLD", "V2", "", "", "", "", "", "", "", ""],
    ]);
    expect(r.jobs).toHaveLength(1);
    expect(r.jobs[0]).toMatchObject({
      jobId: "id-s",
      vault: "RSV-OLD",
      durationSec: 1500.5,
      startMs: Date.UTC(2026, 10, 24, 1),
    });
    expect(r.excluded).toEqual({ "legacy-v1": 1, "not-backup": 1 });
  });

  it("completes a job's VM, OS and container from item and container records read after it", () => {
    const cols = [
      "TimeGenerated",
      "OperationName",
      "Resource",
      "SchemaVersion_s",
      "JobUniqueId_g",
      "JobStartDateTime_s",
      "JobStatus_s",
      "JobOperation_s",
      "BackupManagementType_s",
      "BackupItemUniqueId_s",
      "ProtectedContainerUniqueId_s",
      "BackupItemFriendlyName_s",
      "ProtectedContainerName_s",
      "ProtectedContainerOSType_s",
    ];
    const job = (id: string, item: string, container: string) => [
      "2026-11-24T02:00:00Z",
      "Job",
      "RSV-OLD",
      "V2",
      id,
      "2026-11-24 01:00:00Z",
      "Completed",
      "Backup",
      "IaaSVM",
      item,
      container,
      "",
      "",
      "",
    ];
    const r = normaliseTable(cols, [
      job("j1", "LI-1", "LC-1"),
      job("j2", "li-2", ""),
      [
        "2026-11-24T00:10:00Z",
        "BackupItem",
        "RSV-OLD",
        "V2",
        "",
        "",
        "",
        "",
        "IaaSVM",
        "li-1",
        "",
        "vm-erp-01",
        "",
        "",
      ],
      [
        "2026-11-24T00:10:00Z",
        "ProtectedContainer",
        "RSV-OLD",
        "V2",
        "",
        "",
        "",
        "",
        "",
        "",
        "lc-1",
        "",
        "iaasvmcontainerv2;rg;vm-erp-01",
        "Linux",
      ],
    ]);
    expect(r.excluded).toEqual({ "not-backup": 2 });
    expect(r.jobs.map((j) => [j.jobId, j.vm, j.os, j.container])).toEqual([
      ["j1", "vm-erp-01", "Linux", "iaasvmcontainerv2;rg;vm-erp-01"],
      // no record names it: still read, as an unknown VM
      ["j2", "unknown", "unknown", null],
    ]);
  });
});
