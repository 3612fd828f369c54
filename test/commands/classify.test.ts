import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runClassify } from "../../src/commands/classify.js";
import { main } from "../../src/commands/index.js";
import { captureIo } from "../support/capture-io.js";

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/exports/${name}`, import.meta.url));

interface JsonOutput {
  jobs: Record<string, unknown>[];
  rejected: { row: number; reason: string }[];
  excluded: Record<string, number>;
  summary: { rowsRead: number; duplicates: number; jobs: number; degraded: number };
}

describe("classify --format json", () => {
  it("prints {jobs, rejected} as the interface specifies, for the portal CSV", async () => {
    const io = captureIo();
    const code = await runClassify(["--input", fixture("portal-resource-specific.csv")], io);
    expect(code).toBe(0);
    const out = JSON.parse(io.out()) as JsonOutput;
    expect(out.jobs).toHaveLength(12);
    expect(out.rejected.map((r) => r.row)).toEqual([19, 20, 21]);
    expect(out.excluded).toEqual({
      "log-backup": 1,
      "not-vm": 2,
      "not-backup": 1,
      "in-progress": 1,
      deleted: 1,
    });
    // The Linux VM whose pre-script failed has scripts configured: its file-system point is a downgrade.
    expect(out.summary).toMatchObject({ rowsRead: 24, duplicates: 3, jobs: 12, degraded: 5 });
    const byVm = new Map(out.jobs.map((j) => [j.vm, j]));
    expect(byVm.get("vm-sql-01")).toEqual({
      jobId: "6c1d0002-2a7e-4b1f-9c3d-000000000002",
      vm: "vm-sql-01",
      vault: "rsv-prod-weu",
      os: "Windows",
      status: "CompletedWithWarnings",
      start: "2026-11-24T02:00:00.000Z",
      consistency: "file-system",
      consistencySource: "inferred",
      expectedConsistency: "application",
      degraded: true,
      errorCode: "ExtensionFailedVssWriterInBadState",
      errorCategory: "vss",
      vmId: "/subscriptions/3f2c8a51-6b0e-4f4c-9d7a-2b1e5c7d9a10/resourcegroups/rg-app/providers/microsoft.compute/virtualmachines/vm-sql-01",
      vaultId:
        "/subscriptions/3f2c8a51-6b0e-4f4c-9d7a-2b1e5c7d9a10/resourcegroups/rg-backup/providers/microsoft.recoveryservices/vaults/rsv-prod-weu",
      action:
        "Run `vssadmin list writers`; restart the services of writers not in [1] Stable, then the VSS service; reboot the VM if writers stay unstable, then retry.",
      docUrl:
        "https://learn.microsoft.com/azure/backup/backup-azure-vms-troubleshoot#extensionfailedvsswriterinbadstate---snapshot-operation-failed-because-vss-writers-were-in-a-bad-state",
    });
    expect(byVm.get("vm-web-03")).toMatchObject({
      errorCode: "UserErrorBrandNewThing",
      errorCategory: "unknown",
    });
    expect(byVm.get("vm-file-01")).toMatchObject({ consistency: "unknown", degraded: false });
    expect(byVm.get("vm-web-04")).toMatchObject({ status: "Cancelled", consistency: "none", degraded: true });
    expect(byVm.get("vm-app-lx01")).toMatchObject({
      consistency: "file-system",
      expectedConsistency: "file-system",
    });
    expect(io.err()).toMatch(/Classified 12 jobs from 24 rows/);
  });

  it("honours PULSE_LINUX_APP_CONSISTENT_VMS", async () => {
    const io = captureIo({ PULSE_LINUX_APP_CONSISTENT_VMS: "vm-app-*, vm-DB-lx02" });
    expect(await runClassify(["-i", fixture("rest-resource-specific.json")], io)).toBe(0);
    const byVm = new Map((JSON.parse(io.out()) as JsonOutput).jobs.map((j) => [j.vm, j]));
    expect(byVm.get("vm-app-lx01")).toMatchObject({
      consistency: "application",
      expectedConsistency: "application",
      degraded: false,
    });
    expect(byVm.get("vm-db-lx02")).toMatchObject({
      consistency: "file-system",
      expectedConsistency: "application",
      degraded: true,
      errorCategory: "fsfreeze",
    });
  });

  it("needs no other setting, and ignores unrelated bad ones", async () => {
    const io = captureIo({ PULSE_WEBHOOK_FORMAT: "fax", PULSE_WORKSPACE_IDS: "nope" });
    expect(await runClassify(["--input", fixture("rest-getjobs.json")], io)).toBe(0);
    expect((JSON.parse(io.out()) as JsonOutput).jobs).toHaveLength(4);
  });
});

describe("classify --format table", () => {
  it("shows counts, degraded jobs, top codes with what to do, and rejected rows", async () => {
    const io = captureIo();
    expect(
      await runClassify(["--input", fixture("rest-resource-specific.json"), "--format", "table"], io),
    ).toBe(0);
    const text = io.out();
    expect(text).toMatch(/24 rows, 12 VM backup jobs classified, 3 duplicate rows, 6 left out, 3 rejected/);
    expect(text).toMatch(/file-system\s+4/);
    expect(text).toMatch(/Degraded jobs \(5\)/);
    expect(text).toMatch(/vm-db-lx02 .* file-system \/ application Pre-ScriptExecutionFailed/);
    expect(text).toMatch(/vm-sql-01 .*file-system \/ application\s+ExtensionFailedVssWriterInBadState/);
    expect(text).toMatch(/ExtensionFailedVssWriterInBadState \(vss\): 1 jobs on 1 VMs\n\s+what to do: \S+/);
    expect(text).toMatch(/UserErrorBrandNewThing \(unknown\).*\n\s+not in the catalogue/);
    expect(text).toMatch(/row 20: unknown job status "Invalid"/);
  });
});

describe("usage and bad input: exit 2 with one clear line", () => {
  const dir = mkdtempSync(join(tmpdir(), "pulse-classify-"));
  const write = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const cases: [string, string[], Record<string, string>, RegExp][] = [
    ["no --input", [], {}, /--input FILE is required/],
    ["missing file", ["--input", join(dir, "nope.json")], {}, /cannot read .*nope\.json: no such file/],
    ["directory", ["--input", dir], {}, /it is a directory/],
    ["bad format", ["--input", "x", "--format", "xml"], {}, /--format must be json or table/],
    ["unknown option", ["--input", "x", "--colour"], {}, /Unknown option '--colour'/],
    ["empty file", ["--input", write("empty.csv", "")], {}, /empty\.csv: The file is empty/],
    ["truncated JSON", ["--input", write("cut.json", '{"tables":[{"name":"x","columns":[')], {}, /truncated/],
    [
      "CSV without the columns",
      ["--input", write("other.csv", "Name,Value\r\na,1\r\n")],
      {},
      /lacks the job columns JobUniqueId or JobUniqueId_g or JobUniqueId_s or UniqueId; .*JobStatus/,
    ],
    [
      "bad setting",
      ["--input", fixture("rest-getjobs.json")],
      { PULSE_LINUX_APP_CONSISTENT_VMS: "vm-[0-9]" },
      /^backup-pulse classify: PULSE_LINUX_APP_CONSISTENT_VMS: "vm-\[0-9\]" is not a VM name/,
    ],
  ];
  for (const [name, args, env, message] of cases) {
    it(name, async () => {
      const io = captureIo(env);
      expect(await runClassify(args, io)).toBe(2);
      expect(io.out()).toBe("");
      expect(io.err()).toMatch(message);
      expect(io.err().trimEnd().split("\n")).toHaveLength(1);
      expect(io.err()).not.toMatch(/\n\s+at /);
    });
  }

  it("--help prints the usage and exits 0", async () => {
    const io = captureIo();
    expect(await runClassify(["--help"], io)).toBe(0);
    expect(io.out()).toMatch(/Usage: backup-pulse classify --input FILE \[--format json\|table\]/);
  });
});

describe("dispatcher", () => {
  it("routes classify, lists every command, and rejects unknown ones with exit 2", async () => {
    const help = captureIo();
    expect(await main(["--help"], help)).toBe(0);
    for (const c of ["run", "demo", "classify", "trends", "alerts"])
      expect(help.out()).toMatch(`backup-pulse ${c}`);
    const none = captureIo();
    expect(await main([], none)).toBe(2);
    const bad = captureIo();
    expect(await main(["frobnicate"], bad)).toBe(2);
    expect(bad.err()).toMatch(/Unknown command "frobnicate"/);
    const io = captureIo();
    expect(await main(["classify", "--input", fixture("rest-getjobs.json")], io)).toBe(0);
    expect((JSON.parse(io.out()) as JsonOutput).jobs).toHaveLength(4);
  });
});
