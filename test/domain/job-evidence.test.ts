import { describe, expect, it } from "vitest";
import { classifyJob } from "../../src/domain/classify.js";
import {
  categoryOfDetail,
  isUmbrellaCode,
  linuxScriptVms,
  powerStateAt,
} from "../../src/domain/job-evidence.js";
import type { BackupJob } from "../../src/domain/model.js";

const T = Date.parse("2026-11-24T22:00:00Z");
const H = 3_600_000;
const op = (name: string, timeMs: number, status = "Succeeded") => ({
  operation: `Microsoft.Compute/virtualMachines/${name}/action`,
  status,
  timeMs,
});

describe("umbrella codes", () => {
  it("knows the two umbrella codes in any case", () => {
    expect(isUmbrellaCode("VMRestorePointClientError")).toBe(true);
    expect(isUmbrellaCode(" usererrorcrpreportedusererror ")).toBe(true);
    expect(isUmbrellaCode("ExtensionFailedVssWriterInBadState")).toBe(false);
    expect(isUmbrellaCode(null)).toBe(false);
  });

  it.each([
    ["VSS writer SqlServerWriter is in a bad state", "vss"],
    ["Snapshot failed: Volume Shadow Copy error", "vss"],
    ["COM+ was unable to talk to the Microsoft Distributed Transaction Coordinator", "extension"],
    ["Installing the VC++ redistributable failed", "extension"],
    ["The disk snapshot limit was reached", "disk"],
    ["The VM has no network connectivity", "network"],
    ["Inadequate VM resources", "network"],
    ["A concurrent restore point creation is in progress", "config"],
    ["Shared disks are not supported", "config"],
    ["Something else entirely", null],
    ["", null],
  ])("reads %j as %s", (text, category) => {
    expect(categoryOfDetail(text)).toBe(category);
  });
});

describe("power state at backup time", () => {
  it("takes the last successful power operation before the job", () => {
    expect(powerStateAt([op("start", T - 10 * H), op("deallocate", T - H)], T)).toBe("stopped");
    expect(powerStateAt([op("deallocate", T - 10 * H), op("start", T - H)], T)).toBe("running");
    expect(powerStateAt([op("powerOff", T - H)], T)).toBe("stopped");
    expect(powerStateAt([op("restart", T - H)], T)).toBe("running");
  });

  it("ignores failed operations, later ones and others, and says unknown when none is left", () => {
    expect(powerStateAt([op("deallocate", T - H, "Failed")], T)).toBe("unknown");
    expect(powerStateAt([op("deallocate", T + H)], T)).toBe("unknown");
    expect(
      powerStateAt(
        [{ operation: "Microsoft.Compute/virtualMachines/write", status: "Succeeded", timeMs: T - H }],
        T,
      ),
    ).toBe("unknown");
    expect(powerStateAt([], T)).toBe("unknown");
  });
});

describe("Linux script evidence", () => {
  it("comes from a script code or an application-consistent point of a Linux VM", () => {
    const vms = linuxScriptVms([
      { key: "a", os: "Linux", scriptCode: true, applicationPoint: false },
      { key: "b", os: "Linux", scriptCode: false, applicationPoint: true },
      { key: "c", os: "Linux", scriptCode: false, applicationPoint: false },
      { key: "d", os: "Windows", scriptCode: false, applicationPoint: true },
    ]);
    expect([...vms].sort()).toEqual(["a", "b"]);
  });
});

describe("classifyJob with evidence", () => {
  const base: BackupJob = {
    jobId: "j",
    vm: "vm-1",
    vault: "rsv",
    vaultId: null,
    container: null,
    itemId: null,
    os: "Windows",
    status: "Completed",
    startMs: T,
    durationSec: 600,
    code: null,
    timeGeneratedMs: T,
    workspaceId: null,
  };
  const crash = { recoveryPointType: "CrashConsistent", timeMs: T };
  const options = { linuxAppConsistentVms: [] };

  it("a stopped VM's crash point is expected, not degraded; a running VM's is a degraded fallback", () => {
    expect(classifyJob(base, options, crash, { powerState: "stopped" })).toMatchObject({
      degraded: false,
      powerState: "stopped",
    });
    expect(classifyJob(base, options, crash, { powerState: "running" })).toMatchObject({
      degraded: true,
      powerState: "running",
    });
    expect(classifyJob(base, options, crash, { powerState: "unknown" })).toMatchObject({
      degraded: true,
      powerState: "unknown",
    });
  });

  it("a Linux job with a script code expects application; a completed one with evidence infers application", () => {
    const linux = { ...base, os: "Linux" as const };
    expect(
      classifyJob({ ...linux, status: "CompletedWithWarnings", code: "Post-ScriptTimeout" }, options),
    ).toMatchObject({
      consistency: "file-system",
      expectedConsistency: "application",
      degraded: true,
    });
    expect(classifyJob(linux, options, null, { linuxScripts: true })).toMatchObject({
      consistency: "application",
      expectedConsistency: "application",
    });
    expect(classifyJob(linux, options)).toMatchObject({
      consistency: "file-system",
      expectedConsistency: "file-system",
    });
    const excluded = { linuxAppConsistentVms: ["!vm-1"] };
    expect(classifyJob(linux, excluded, null, { linuxScripts: true }).expectedConsistency).toBe(
      "file-system",
    );
    expect(classifyJob(linux, { linuxAppConsistentVms: ["vm-*"] }).expectedConsistency).toBe("application");
  });

  it("an umbrella code takes the category its detail names and keeps the detail", () => {
    const job = { ...base, status: "Failed" as const, code: "VMRestorePointClientError" };
    expect(classifyJob(job, options).errorCategory).toBe("extension");
    expect(classifyJob(job, options, null, { errorDetail: "VSS writers in bad state" })).toMatchObject({
      errorCode: "VMRestorePointClientError",
      errorCategory: "vss",
      errorDetail: "VSS writers in bad state",
    });
  });
});
