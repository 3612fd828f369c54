/**
 * Same-named VMs stay apart: three VMs called web01 (two resource groups behind one vault, one behind a
 * same-named vault in another subscription), read from an export and classified as three VMs with their IDs.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { runClassify } from "../../src/commands/classify.js";
import { captureIo } from "../support/capture-io.js";

const SUB1 = "3f2c8a51-6b0e-4f4c-9d7a-2b1e5c7d9a10";
const SUB2 = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
const vault = (sub: string): string =>
  `/subscriptions/${sub}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod`;
const vm = (sub: string, rg: string): string =>
  `/subscriptions/${sub}/resourcegroups/${rg}/providers/microsoft.compute/virtualmachines/web01`;

const COLUMNS = [
  "TimeGenerated",
  "JobUniqueId",
  "JobStartDateTime",
  "JobStatus",
  "JobFailureCode",
  "JobOperation",
  "BackupManagementType",
  "VaultName",
  "ResourceId",
  "DatasourceResourceId",
  "BackupItemFriendlyName",
  "ProtectedContainerName",
  "ProtectedContainerOSType",
];

function row(id: string, sub: string, rg: string, status: string, withDatasource: boolean): unknown[] {
  return [
    "2026-11-24T03:00:00Z",
    id,
    "2026-11-24T02:00:00Z",
    status,
    status === "Failed" ? "UserErrorVmNotFound" : "Success",
    "Backup",
    "IaaSVM",
    "rsv-prod",
    vault(sub),
    // The job's own DatasourceResourceId, as Azure spells it; absent, the ID is built from the container.
    withDatasource
      ? `/subscriptions/${sub}/resourceGroups/${rg.toUpperCase()}/providers/Microsoft.Compute/virtualMachines/web01`
      : null,
    "web01",
    `iaasvmcontainerv2;${rg};web01`,
    "Windows",
  ];
}

function exportFile(): string {
  const dir = mkdtempSync(join(tmpdir(), "pulse-web01-"));
  const file = join(dir, "web01.json");
  const rows = [
    row("00000000-0000-4000-8000-000000000001", SUB1, "rg-app", "Completed", true),
    row("00000000-0000-4000-8000-000000000002", SUB1, "rg-web", "Failed", false),
    row("00000000-0000-4000-8000-000000000003", SUB2, "rg-app", "Failed", true),
  ];
  const body = {
    tables: [{ name: "PrimaryResult", columns: COLUMNS.map((name) => ({ name, type: "string" })), rows }],
  };
  writeFileSync(file, JSON.stringify(body));
  return file;
}

describe("three VMs called web01", () => {
  it("are read and classified as three VMs with their resource IDs", async () => {
    const io = captureIo();
    expect(await runClassify(["--input", exportFile(), "--format", "json"], io)).toBe(0);
    const out = JSON.parse(io.out()) as {
      jobs: { jobId: string; vm: string; vmId: string; vaultId: string }[];
    };
    expect(out.jobs).toHaveLength(3);
    const ids = Object.fromEntries(out.jobs.map((j) => [j.jobId.slice(-1), [j.vmId, j.vaultId]]));
    expect(ids).toEqual({
      "1": [vm(SUB1, "rg-app"), vault(SUB1).toLowerCase()],
      "2": [vm(SUB1, "rg-web"), vault(SUB1).toLowerCase()],
      "3": [vm(SUB2, "rg-app"), vault(SUB2).toLowerCase()],
    });
    expect(new Set(out.jobs.map((j) => j.vmId)).size).toBe(3);
    expect(out.jobs.every((j) => j.vm === "web01")).toBe(true);
  });

  it("the table tells the two failing web01 apart", async () => {
    const io = captureIo();
    expect(await runClassify(["--input", exportFile(), "--format", "table"], io)).toBe(0);
    const lines = io
      .out()
      .split("\n")
      .filter((l) => l.includes("2026-11-24 02:00"));
    expect(lines).toHaveLength(2);
    expect(lines.filter((l) => l.includes("web01 (rg-web)"))).toHaveLength(1);
    expect(lines.filter((l) => l.includes("web01 (rg-app, 9a1b2c3d)"))).toHaveLength(1);
    expect(lines.filter((l) => l.includes("rsv-prod (rg-backup, 9a1b2c3d)"))).toHaveLength(1);
  });
});
