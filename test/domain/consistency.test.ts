import { describe, expect, it } from "vitest";
import { inferConsistency } from "../../src/domain/classify.js";
import { lookupCode } from "../../src/domain/catalogue.js";
import {
  compileVmPatterns,
  expectedConsistency,
  isWorseThan,
  recoveryPointLevel,
} from "../../src/domain/consistency.js";
import type { BackupJob, ClassifyOptions, JobPolicy } from "../../src/domain/model.js";

const CRASH_ONLY: JobPolicy = { name: "crash-only", type: "V2", crashOnly: true };

const none: ClassifyOptions = { linuxAppConsistentVms: [] };
const listed: ClassifyOptions = { linuxAppConsistentVms: ["vm-db-*", "erp01"] };

function job(over: Partial<BackupJob>): BackupJob {
  return {
    jobId: "j",
    vm: "vm-x",
    vault: "v",
    vaultId: null,
    container: null,
    itemId: null,
    os: "Windows",
    status: "Completed",
    startMs: Date.UTC(2026, 10, 24, 2),
    durationSec: 100,
    code: null,
    timeGeneratedMs: 0,
    workspaceId: null,
    ...over,
  };
}

describe("inferred consistency: the table, row by row", () => {
  it("Failed (any OS) → none", () => {
    for (const os of ["Windows", "Linux", "unknown"] as const) {
      expect(inferConsistency(job({ status: "Failed", os }), none, null)).toBe("none");
    }
    expect(inferConsistency(job({ status: "Failed", policy: CRASH_ONLY }), none, null)).toBe("none");
  });

  it("CompletedWithWarnings with a VSS code → file-system", () => {
    for (const code of ["ExtensionFailedVssWriterInBadState", "ExtensionFailedVssServiceInBadState"]) {
      const entry = lookupCode(code);
      expect(entry?.category).toBe("vss");
      expect(inferConsistency(job({ status: "CompletedWithWarnings", code }), none, entry)).toBe(
        "file-system",
      );
    }
  });

  it("CompletedWithWarnings with a Linux pre/post-script code → file-system", () => {
    for (const code of ["Pre-ScriptExecutionFailed", "Post-ScriptTimeout", "Pre-ScriptNotFound"]) {
      const entry = lookupCode(code);
      expect(entry?.kind).toBe("warning");
      expect(inferConsistency(job({ status: "CompletedWithWarnings", os: "Linux", code }), none, entry)).toBe(
        "file-system",
      );
    }
  });

  it("Completed, Windows → application", () => {
    expect(inferConsistency(job({ os: "Windows" }), none, null)).toBe("application");
  });

  it("Completed, Linux, listed in PULSE_LINUX_APP_CONSISTENT_VMS → application", () => {
    expect(inferConsistency(job({ os: "Linux", vm: "VM-DB-07" }), listed, null)).toBe("application");
    expect(inferConsistency(job({ os: "Linux", vm: "erp01" }), listed, null)).toBe("application");
  });

  it("Completed, Linux, otherwise → file-system", () => {
    expect(inferConsistency(job({ os: "Linux", vm: "vm-web-01" }), listed, null)).toBe("file-system");
    expect(inferConsistency(job({ os: "Linux", vm: "erp010" }), listed, null)).toBe("file-system");
  });

  it("item under a crash-only policy → crash", () => {
    expect(inferConsistency(job({ policy: CRASH_ONLY }), none, null)).toBe("crash");
    expect(inferConsistency(job({ policy: CRASH_ONLY, status: "CompletedWithWarnings" }), none, null)).toBe(
      "crash",
    );
  });

  it("anything else (unknown OS, unknown warning) → unknown", () => {
    expect(inferConsistency(job({ os: "unknown" }), none, null)).toBe("unknown");
    expect(inferConsistency(job({ status: "CompletedWithWarnings", code: "Whatever" }), none, null)).toBe(
      "unknown",
    );
    expect(inferConsistency(job({ status: "CompletedWithWarnings", code: null }), none, null)).toBe(
      "unknown",
    );
    // A failure-kind fsfreeze code on a warning job is not a script warning.
    const freeze = lookupCode("UserErrorFsFreezeFailed");
    expect(freeze?.kind).toBe("failure");
    expect(inferConsistency(job({ status: "CompletedWithWarnings", os: "Linux" }), none, freeze)).toBe(
      "unknown",
    );
  });

  it("Cancelled → none (no recovery point)", () => {
    expect(inferConsistency(job({ status: "Cancelled" }), none, null)).toBe("none");
  });
});

describe("expected consistency", () => {
  it("Windows → application; Linux → application when listed, else file-system; crash-only → crash", () => {
    expect(expectedConsistency(job({ os: "Windows" }), none)).toBe("application");
    expect(expectedConsistency(job({ os: "Linux", vm: "vm-db-01" }), listed)).toBe("application");
    expect(expectedConsistency(job({ os: "Linux", vm: "vm-db-01" }), none)).toBe("file-system");
    expect(expectedConsistency(job({ os: "Windows", policy: CRASH_ONLY }), none)).toBe("crash");
    expect(expectedConsistency(job({ os: "unknown" }), none)).toBe("unknown");
  });
});

describe("recovery point types", () => {
  it("maps the three documented values case-insensitively and anything else to unknown", () => {
    expect(recoveryPointLevel("AppConsistent")).toBe("application");
    expect(recoveryPointLevel("appconsistent")).toBe("application");
    expect(recoveryPointLevel(" FILESYSTEMCONSISTENT ")).toBe("file-system");
    expect(recoveryPointLevel("CrashConsistent")).toBe("crash");
    expect(recoveryPointLevel("CrashConsistentOnline")).toBe("unknown");
    expect(recoveryPointLevel("")).toBe("unknown");
    expect(recoveryPointLevel(null)).toBe("unknown");
  });
});

describe("VM patterns", () => {
  it("matches names and * wildcards case-insensitively, anchored at both ends", () => {
    const p = compileVmPatterns(["vm-db-*", "*-sap", "ERP01", "a*b*c", " "]);
    expect(p.matches("VM-DB-01")).toBe(true);
    expect(p.matches("prod-SAP")).toBe(true);
    expect(p.matches("erp01")).toBe(true);
    expect(p.matches("axxbyyc")).toBe(true);
    expect(p.matches("xvm-db-01")).toBe(false);
    expect(p.matches("erp011")).toBe(false);
    expect(p.matches("prod-sap-2")).toBe(false);
    expect(p.matches("")).toBe(false);
  });

  it("treats regex characters in a pattern literally", () => {
    const p = compileVmPatterns(["vm.db", "x+(y)"]);
    expect(p.matches("vm.db")).toBe(true);
    expect(p.matches("vmxdb")).toBe(false);
    expect(p.matches("x+(y)")).toBe(true);
  });
});

describe("worse than expected", () => {
  it("orders application > file-system > crash > none, and never judges unknown", () => {
    expect(isWorseThan("file-system", "application")).toBe(true);
    expect(isWorseThan("crash", "file-system")).toBe(true);
    expect(isWorseThan("none", "crash")).toBe(true);
    expect(isWorseThan("application", "file-system")).toBe(false);
    expect(isWorseThan("crash", "crash")).toBe(false);
    expect(isWorseThan("unknown", "application")).toBe(false);
    expect(isWorseThan("crash", "unknown")).toBe(false);
  });
});
