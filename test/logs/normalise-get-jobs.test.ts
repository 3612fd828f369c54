/** Rows of `_AzureBackup_GetJobs()`: the workload from BackupSolution or DatasourceType, the container from BackupInstanceId. */
import { describe, expect, it } from "vitest";
import { normaliseTable } from "../support/normalise.js";

describe("_AzureBackup_GetJobs() rows", () => {
  it("_AzureBackup_GetJobs(): BackupSolution decides the workload; container from BackupInstanceId", () => {
    const cols = [
      "UniqueId",
      "OperationCategory",
      "Operation",
      "Status",
      "ErrorTitle",
      "StartTime",
      "BackupSolution",
      "BackupInstanceFriendlyName",
      "BackupInstanceId",
      "VaultName",
    ];
    const id =
      "/SUBSCRIPTIONS/S/RESOURCEGROUPS/RG/PROVIDERS/MICROSOFT.RECOVERYSERVICES/VAULTS/V/BACKUPFABRICS/AZURE/PROTECTIONCONTAINERS/IAASVMCONTAINER;IAASVMCONTAINERV2;RG-APP;VM-1/PROTECTEDITEMS/VM;IAASVMCONTAINERV2;RG-APP;VM-1";
    const r = normaliseTable(cols, [
      [
        "u1",
        "Backup",
        "",
        "Completed",
        "Success",
        "2026-11-24T01:00:00Z",
        "Azure Virtual Machine Backup",
        "vm-1",
        id,
        "v",
      ],
      [
        "u2",
        "Backup",
        "",
        "Completed",
        "Success",
        "2026-11-24T01:00:00Z",
        "SAP HANA in Azure VM Backup",
        "hana",
        "",
        "v",
      ],
      [
        "u3",
        "Backup",
        "",
        "Completed",
        "Success",
        "2026-11-24T01:00:00Z",
        "Azure Storage (Azure Files) Backup",
        "share",
        "",
        "v",
      ],
    ]);
    expect(r.jobs).toHaveLength(1);
    expect(r.jobs[0]).toMatchObject({ jobId: "u1", vm: "vm-1", container: "iaasvmcontainerv2;rg-app;vm-1" });
    expect(r.excluded).toEqual({ "not-vm": 2 });
  });

  it("without a BackupSolution column, DatasourceType decides the workload", () => {
    const cols = ["UniqueId", "Status", "StartTime", "DatasourceType", "DatasourceFriendlyName"];
    const r = normaliseTable(cols, [
      ["u1", "Failed", "2026-11-24T01:00:00Z", "Microsoft.Compute/virtualMachines", "vm-1"],
      [
        "u2",
        "Completed",
        "2026-11-24T01:00:00Z",
        "Microsoft.Storage/storageAccounts/fileServices/shares",
        "share",
      ],
      ["u3", "Completed", "2026-11-24T01:00:00Z", "", "vm-3"],
    ]);
    expect(r.jobs.map((j) => [j.jobId, j.vm, j.status])).toEqual([
      ["u1", "vm-1", "Failed"],
      ["u3", "vm-3", "Completed"],
    ]);
    expect(r.excluded).toEqual({ "not-vm": 1 });
  });
});
