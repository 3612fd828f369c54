import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { classifyCode, classifyJob, summarise } from "../../src/domain/classify.js";
import type { BackupJob, ClassifyOptions, JobPolicy } from "../../src/domain/model.js";

const CRASH_ONLY: JobPolicy = { name: "crash-only", type: "V2", crashOnly: true };
const ENHANCED: JobPolicy = { name: "enhanced", type: "V2", crashOnly: false };

const options: ClassifyOptions = { linuxAppConsistentVms: ["vm-ora-*"] };

function job(over: Partial<BackupJob>): BackupJob {
  return {
    jobId: "0b9e2f7a-0000-4000-8000-000000000001",
    vm: "vm-web-01",
    vault: "rsv-prod",
    vaultId: null,
    container: null,
    itemId: null,
    os: "Windows",
    status: "Completed",
    startMs: Date.UTC(2026, 10, 24, 1, 30),
    durationSec: 1800,
    code: null,
    timeGeneratedMs: 0,
    workspaceId: null,
    ...over,
  };
}

describe("classifyJob", () => {
  it("a clean Windows job is application-consistent, as expected, not degraded", () => {
    expect(classifyJob(job({}), options)).toEqual({
      jobId: "0b9e2f7a-0000-4000-8000-000000000001",
      vm: "vm-web-01",
      vault: "rsv-prod",
      os: "Windows",
      status: "Completed",
      start: "2026-11-24T01:30:00.000Z",
      consistency: "application",
      consistencySource: "inferred",
      expectedConsistency: "application",
      degraded: false,
      errorCode: null,
      errorCategory: null,
      vmId: null,
      vaultId: null,
    });
  });

  it("copies the VM's and the vault's resource IDs, lower-cased", () => {
    const c = classifyJob(
      job({
        vmId: "/subscriptions/AAAA/resourceGroups/RG-Web/providers/Microsoft.Compute/virtualMachines/WEB01",
        vaultId:
          "/subscriptions/AAAA/resourceGroups/RG-Backup/providers/Microsoft.RecoveryServices/vaults/RSV-Prod",
      }),
      options,
    );
    expect(c.vmId).toBe(
      "/subscriptions/aaaa/resourcegroups/rg-web/providers/microsoft.compute/virtualmachines/web01",
    );
    expect(c.vaultId).toBe(
      "/subscriptions/aaaa/resourcegroups/rg-backup/providers/microsoft.recoveryservices/vaults/rsv-prod",
    );
  });

  it("a VSS warning in odd case: canonical code, vss, file-system, degraded", () => {
    const c = classifyJob(
      job({ status: "CompletedWithWarnings", code: "extensionfailedvsswriterinbadstate" }),
      options,
    );
    expect(c).toMatchObject({
      consistency: "file-system",
      expectedConsistency: "application",
      degraded: true,
      errorCode: "ExtensionFailedVssWriterInBadState",
      errorCategory: "vss",
    });
  });

  it("an unknown code is kept as it came, category unknown", () => {
    const c = classifyJob(job({ status: "Failed", code: "UserErrorNeverSeenBefore" }), options);
    expect(c).toMatchObject({
      errorCode: "UserErrorNeverSeenBefore",
      errorCategory: "unknown",
      consistency: "none",
      degraded: true,
    });
  });

  it("a numeric code is named through the catalogue", () => {
    const c = classifyJob(job({ status: "Failed", code: "320001" }), options);
    expect(c.errorCode).toBe("ResourceNotFound");
    expect(c.errorCategory).not.toBe("unknown");
  });

  it("Success or empty code is no code", () => {
    expect(classifyCode("Success")).toMatchObject({ errorCode: null, errorCategory: null });
    expect(classifyCode(" success ")).toMatchObject({ errorCode: null, errorCategory: null });
    expect(classifyCode("")).toMatchObject({ errorCode: null, errorCategory: null });
  });

  it("an observed recovery point wins over inference", () => {
    const c = classifyJob(job({}), options, { recoveryPointType: "CrashConsistent", timeMs: 0 });
    expect(c).toMatchObject({ consistency: "crash", consistencySource: "observed", degraded: true });
    const lx = classifyJob(job({ os: "Linux", vm: "vm-ora-01" }), options, {
      recoveryPointType: "appconsistent",
      timeMs: 0,
    });
    expect(lx).toMatchObject({
      consistency: "application",
      expectedConsistency: "application",
      degraded: false,
    });
  });

  it("an observed type nobody knows gives unknown, never degraded", () => {
    const c = classifyJob(job({ status: "CompletedWithWarnings" }), options, {
      recoveryPointType: "SomethingNew",
      timeMs: 0,
    });
    expect(c).toMatchObject({ consistency: "unknown", consistencySource: "observed", degraded: false });
  });

  it("failed and cancelled jobs have no recovery point: none and degraded, even with a point found nearby", () => {
    for (const status of ["Failed", "Cancelled"] as const) {
      const c = classifyJob(job({ status, os: "unknown" }), options, {
        recoveryPointType: "AppConsistent",
        timeMs: 0,
      });
      expect(c).toMatchObject({ consistency: "none", consistencySource: "inferred", degraded: true });
    }
  });

  it("a crash-only policy expects crash, so a crash point is not degraded", () => {
    const c = classifyJob(job({ policy: CRASH_ONLY }), options);
    expect(c).toMatchObject({ consistency: "crash", expectedConsistency: "crash", degraded: false });
  });

  it("Linux: listed VMs expect application; a plain completed job of a listed VM is application", () => {
    expect(classifyJob(job({ os: "Linux", vm: "VM-ORA-02" }), options)).toMatchObject({
      consistency: "application",
      expectedConsistency: "application",
      degraded: false,
    });
    expect(
      classifyJob(
        job({ os: "Linux", vm: "vm-ora-02", status: "CompletedWithWarnings", code: "Pre-ScriptTimeout" }),
        options,
      ),
    ).toMatchObject({ consistency: "file-system", expectedConsistency: "application", degraded: true });
    expect(classifyJob(job({ os: "Linux", vm: "vm-web-02" }), options)).toMatchObject({
      consistency: "file-system",
      expectedConsistency: "file-system",
      degraded: false,
    });
  });

  it("invariants: degraded never with unknown consistency, always for failed jobs", () => {
    const statuses = ["Completed", "CompletedWithWarnings", "Failed", "Cancelled"] as const;
    fc.assert(
      fc.property(
        fc.record({
          status: fc.constantFrom(...statuses),
          os: fc.constantFrom("Windows", "Linux", "unknown" as const),
          code: fc.option(
            fc.constantFrom(
              "ExtensionFailedVssWriterInBadState",
              "Pre-ScriptExecutionFailed",
              "UserErrorFsFreezeFailed",
              "Nope",
              "Success",
            ),
          ),
          policy: fc.constantFrom(null, CRASH_ONLY, ENHANCED),
          vm: fc.constantFrom("vm-ora-1", "vm-web-1"),
        }),
        fc.option(fc.constantFrom("AppConsistent", "FileSystemConsistent", "CrashConsistent", "Odd")),
        (over, type) => {
          const c = classifyJob(
            job(over),
            options,
            type === null ? null : { recoveryPointType: type, timeMs: 0 },
          );
          if (c.consistency === "unknown") expect(c.degraded).toBe(false);
          if (c.status === "Failed") expect(c.degraded).toBe(true);
          if (c.errorCode === null) expect(c.errorCategory).toBeNull();
        },
      ),
    );
  });
});

describe("summarise", () => {
  it("counts per consistency, category and code", () => {
    const jobs = [
      classifyJob(
        job({ vm: "a", status: "CompletedWithWarnings", code: "ExtensionFailedVssWriterInBadState" }),
        options,
      ),
      classifyJob(
        job({ vm: "b", status: "CompletedWithWarnings", code: "extensionfailedvsswriterinbadstate" }),
        options,
      ),
      classifyJob(job({ vm: "b", status: "Failed", code: "Mystery" }), options),
      classifyJob(job({ vm: "c" }), options),
    ];
    const s = summarise(jobs);
    expect(s.jobs).toBe(4);
    expect(s.degraded).toBe(3);
    expect(s.byConsistency).toEqual({ application: 1, "file-system": 2, crash: 0, none: 1, unknown: 0 });
    expect(s.byCategory).toEqual({ vss: 2, unknown: 1 });
    expect(s.topCodes).toEqual([
      { code: "ExtensionFailedVssWriterInBadState", category: "vss", jobs: 2, vms: 2 },
      { code: "Mystery", category: "unknown", jobs: 1, vms: 1 },
    ]);
  });
});
