/**
 * Digest inputs for the delivery tests: a small estate whose every figure is known, and a large one
 * (20,000 VMs, 2,000 failing, 300 distinct codes, long names) for the size limits.
 */
import { buildDigest, type Digest, type DigestInput } from "../../src/domain/digest.js";
import type { CodeLookup } from "../../src/domain/digest/input.js";
import { addDays } from "../../src/domain/days.js";
import type { ClassifiedJob, DailyTrend } from "../../src/domain/model.js";
import { classifiedJob } from "../support/jobs.js";

export const DAY = "2026-11-24";

export function job(over: Partial<ClassifiedJob> & { vm: string }): ClassifiedJob {
  return classifiedJob({
    jobId: `job-${over.vm}-${over.start ?? DAY}`,
    start: `${DAY}T01:00:00.000Z`,
    ...over,
  });
}

export function trend(date: string, over: Partial<DailyTrend> = {}): DailyTrend {
  return {
    date,
    scope: "all",
    jobs: 100,
    completed: 98,
    completedWithWarnings: 1,
    failed: 1,
    application: 90,
    fileSystem: 8,
    crash: 1,
    none: 1,
    unknown: 0,
    degraded: 2,
    ...over,
  };
}

/** Catalogue stand-in: knows the VSS writer code and the agent code only. */
export const lookup: CodeLookup = (code) => {
  const c = code.toLowerCase();
  if (c === "extensionfailedvsswriterinbadstate") {
    return {
      kind: "warning",
      category: "vss",
      action: "Restart the VSS service, then the VM; `vssadmin list writers` shows writers not stable.",
      docUrl:
        "https://learn.microsoft.com/azure/backup/backup-azure-vms-troubleshoot#extensionfailedvsswriterinbadstate",
    };
  }
  if (c === "usererrorguestagentstatusunavailable") {
    return {
      kind: "failure",
      category: "agent",
      action: "Check that the VM guest agent runs and is up to date.",
      docUrl:
        "https://learn.microsoft.com/azure/backup/backup-azure-troubleshoot-vm-backup-fails-snapshot-timeout",
    };
  }
  return null;
};

/** A small, fully known estate (see the digest tests for what each VM shows). */
export function smallInput(over: Partial<DigestInput> = {}): DigestInput {
  const jobs: ClassifiedJob[] = [
    job({ vm: "vm-web-01" }),
    job({ vm: "vm-web-02" }),
    // new failure: fine yesterday
    job({
      vm: "vm-app-01",
      status: "Failed",
      consistency: "none",
      degraded: true,
      errorCode: "UserErrorGuestAgentStatusUnavailable",
      errorCategory: "agent",
    }),
    // still failing (3 days)
    job({
      vm: "vm-app-02",
      status: "Failed",
      consistency: "none",
      degraded: true,
      errorCode: "UserErrorGuestAgentStatusUnavailable",
      errorCategory: "agent",
    }),
    // downgrade: SQL Server VM file-system consistent because a VSS writer failed
    job({
      vm: "vm-sql-01",
      vault: "rsv-data",
      status: "CompletedWithWarnings",
      consistency: "file-system",
      degraded: true,
      errorCode: "ExtensionFailedVssWriterInBadState",
      errorCategory: "vss",
    }),
    // recovery: failed yesterday
    job({ vm: "vm-file-01", vault: "rsv-data" }),
    // stopped VM, crash-only expectation
    job({ vm: "vm-dhcp-01", os: "Linux", consistency: "crash", expectedConsistency: "crash" }),
    // unknown code, not in the catalogue
    job({
      vm: "vm-odd-01",
      status: "CompletedWithWarnings",
      consistency: "unknown",
      expectedConsistency: "application",
      errorCode: "SomethingNewAndStrange",
      errorCategory: "unknown",
    }),
  ];
  const yesterday = [
    job({ vm: "vm-web-01", start: `${addDays(DAY, -1)}T01:00:00.000Z` }),
    job({ vm: "vm-web-02", start: `${addDays(DAY, -1)}T01:00:00.000Z` }),
    job({ vm: "vm-app-01", start: `${addDays(DAY, -1)}T01:00:00.000Z` }),
    job({ vm: "vm-app-02", status: "Failed", consistency: "none", degraded: true }),
    job({ vm: "vm-sql-01", vault: "rsv-data" }),
    job({ vm: "vm-file-01", vault: "rsv-data", status: "Failed", consistency: "none", degraded: true }),
  ];
  const trends: DailyTrend[] = [];
  for (let i = 1; i <= 30; i++) {
    trends.push(
      trend(addDays(DAY, -i), {
        jobs: 10,
        completed: 10,
        completedWithWarnings: 0,
        failed: 0,
        application: 9,
        fileSystem: 1,
        crash: 0,
        none: 0,
      }),
    );
  }
  return {
    date: DAY,
    jobs,
    trends,
    yesterday,
    vmStates: [
      { vm: "vm-app-01", vault: "rsv-prod", failingDays: 1, belowExpectedDays: 1 },
      { vm: "vm-app-02", vault: "rsv-prod", failingDays: 3, belowExpectedDays: 3 },
      {
        vm: "vm-sql-02",
        vault: "rsv-data",
        failingDays: 0,
        belowExpectedDays: 4,
        expectedConsistency: "application",
      },
    ],
    knownVms: [
      ...jobs.map((j) => ({ vm: j.vm, vault: j.vault })),
      { vm: "vm-sql-02", vault: "rsv-data", lastJobAt: `${addDays(DAY, -1)}T01:00:00.000Z` },
      { vm: "vm-legacy-01", vault: "rsv-old", lastJobAt: `${addDays(DAY, -9)}T01:00:00.000Z` },
    ],
    coverage: {
      workspacesQueried: ["11111111-1111-1111-1111-111111111111"],
      vaultsKnown: ["rsv-prod", "rsv-data"],
    },
    lookup,
    generatedAt: `${addDays(DAY, 1)}T07:00:00.000Z`,
    ...over,
  };
}

export function smallDigest(over: Partial<DigestInput> = {}): Digest {
  return buildDigest(smallInput(over));
}

/** The digest of a day on which no job arrived from the workspaces queried. */
export function noDataDigest(workspacesQueried: string[]): Digest {
  return buildDigest({
    date: DAY,
    jobs: [],
    trends: [],
    yesterday: [],
    vmStates: [],
    knownVms: [],
    coverage: { workspacesQueried },
    lookup,
  });
}

const LONG = "x".repeat(40);

/** 20,000 VMs in 40 vaults, 2,000 failing with 300 distinct codes, long names with markup characters. */
export function largeDigest(over: Partial<DigestInput> = {}): Digest {
  const jobs: ClassifiedJob[] = [];
  const vmStates: DigestInput["vmStates"][number][] = [];
  for (let i = 0; i < 20_000; i++) {
    const vm = `vm-${LONG}-<b>&"'${String(i).padStart(5, "0")}`;
    const vault = `rsv-${LONG}-${i % 40}`;
    if (i < 2_000) {
      const code = `UserErrorSomethingQuiteLongAndSpecific${i % 300}`;
      jobs.push(
        job({
          vm,
          vault,
          status: "Failed",
          consistency: "none",
          degraded: true,
          errorCode: code,
          errorCategory: "unknown",
        }),
      );
      vmStates.push({ vm, vault, failingDays: 1 + (i % 6), belowExpectedDays: 1 + (i % 6) });
    } else if (i < 4_000) {
      jobs.push(
        job({
          vm,
          vault,
          status: "CompletedWithWarnings",
          consistency: "file-system",
          degraded: true,
          errorCode: "ExtensionFailedVssWriterInBadState",
          errorCategory: "vss",
        }),
      );
      vmStates.push({
        vm,
        vault,
        failingDays: 0,
        belowExpectedDays: 1 + (i % 5),
        expectedConsistency: "application",
      });
    } else {
      jobs.push(job({ vm, vault }));
    }
  }
  const knownVms = jobs.map((j) => ({ vm: j.vm, vault: j.vault }));
  for (let i = 0; i < 500; i++) knownVms.push({ vm: `vm-gone-${LONG}-${i}`, vault: `rsv-${LONG}-${i % 40}` });
  const trends: DailyTrend[] = [];
  for (let i = 1; i <= 30; i++)
    trends.push(
      trend(addDays(DAY, -i), {
        jobs: 20_000,
        completed: 19_000,
        completedWithWarnings: 500,
        failed: 500,
        application: 19_000,
        fileSystem: 500,
        crash: 0,
        none: 500,
      }),
    );
  return buildDigest({
    date: DAY,
    jobs,
    trends,
    yesterday: [],
    vmStates,
    knownVms,
    coverage: {
      workspacesQueried: ["11111111-1111-1111-1111-111111111111", "22222222-2222-2222-2222-222222222222"],
      workspacesFailed: [{ workspaceId: "22222222-2222-2222-2222-222222222222", reason: "query timed out" }],
      vaultsKnown: Array.from({ length: 60 }, (_, i) => `rsv-${LONG}-${i}`),
    },
    lookup,
    generatedAt: `${addDays(DAY, 1)}T07:00:00.000Z`,
    ...over,
  });
}
