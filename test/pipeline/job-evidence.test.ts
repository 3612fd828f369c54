/**
 * The evidence step on the local ARM stand-in, through the real SDK client: job details are read for umbrella
 * codes only, the Activity Log for crash-consistent points only, and what they say changes the verdict.
 */
import { describe, expect, it } from "vitest";
import type { BackupJob } from "../../src/domain/model.js";
import type { ArmEndpoint } from "../../src/local/arm-endpoint.js";
import { loopbackTls } from "../../src/local/tls.js";
import { classifyWithEvidence } from "../../src/pipeline/job-evidence.js";
import { createRecoveryPointsClient } from "../../src/recovery/recovery-points.js";
import { staticCredential, withArmEndpoint } from "../support/local-azure.js";

const SUB = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod`;
const START = Date.parse("2026-11-24T22:00:00Z");
const HOUR = 3_600_000;
const vmIdOf = (vm: string): string =>
  `/subscriptions/${SUB}/resourcegroups/rg-app/providers/microsoft.compute/virtualmachines/${vm}`;

function job(jobId: string, vm: string, fields: Partial<BackupJob> = {}): BackupJob {
  return {
    jobId,
    vm,
    vault: "rsv-prod",
    vaultId: VAULT_ID,
    vmId: vmIdOf(vm),
    container: `iaasvmcontainerv2;rg-app;${vm}`,
    itemId: null,
    os: "Windows",
    status: "Completed",
    startMs: START,
    durationSec: 1200,
    code: null,
    timeGeneratedMs: START + HOUR,
    workspaceId: null,
    ...fields,
  };
}

const JOBS = [
  job("ok", "vm-app-01"),
  job("umbrella-vss", "vm-sql-01", { status: "Failed", code: "VMRestorePointClientError" }),
  job("umbrella-net", "vm-web-01", { status: "Failed", code: "UserErrorCrpReportedUserError" }),
  job("agent", "vm-web-02", { status: "Failed", code: "UserErrorGuestAgentStatusUnavailable" }),
  job("stopped", "vm-dev-01"),
  job("running", "vm-file-01"),
  job("quiet", "vm-file-02"),
  job("script", "vm-pg-01", {
    os: "Linux",
    status: "CompletedWithWarnings",
    code: "Pre-ScriptExecutionFailed",
  }),
  job("pg-ok", "vm-pg-01", { os: "Linux", startMs: START - 24 * HOUR }),
  // a crash-only policy's crash point: what the policy asks for, so its Activity Log is not read
  job("crash-only", "vm-batch-01", { policy: { name: "CrashOnlyDaily", type: "V1", crashOnly: true } }),
];
const CRASH = new Set(["stopped", "running", "quiet", "crash-only"]);

async function withStandIn<R>(body: (arm: ArmEndpoint) => Promise<R>): Promise<R> {
  return withArmEndpoint(() => [], body, {
    evidence: {
      jobDetails: ({ job: name }) =>
        name === "umbrella-vss"
          ? {
              status: "Failed",
              errors: [
                { errorCode: 400, errorString: "VSS writer SqlServerWriter is in a bad state (timed out)." },
              ],
            }
          : name === "umbrella-net"
            ? { status: "Failed", errors: [{ errorString: "The VM has no outbound network connectivity." }] }
            : null,
      activityLog: (vmId) =>
        vmId === vmIdOf("vm-dev-01")
          ? [
              { operation: "Microsoft.Compute/virtualMachines/start/action", time: START - 12 * HOUR },
              { operation: "Microsoft.Compute/virtualMachines/deallocate/action", time: START - 2 * HOUR },
              { operation: "Microsoft.Compute/virtualMachines/start/action", time: START + 8 * HOUR },
            ]
          : vmId === vmIdOf("vm-file-01")
            ? [{ operation: "Microsoft.Compute/virtualMachines/start/action", time: START - 30 * HOUR }]
            : [],
    },
  });
}

async function classify(arm: ArmEndpoint | null, linuxAppConsistentVms: string[] = []) {
  const client = arm
    ? createRecoveryPointsClient({
        endpoint: arm.endpoint,
        credential: staticCredential("arm-token"),
        tlsCa: loopbackTls().ca,
      })
    : null;
  const { classified, counts } = await classifyWithEvidence(
    JOBS,
    { linuxAppConsistentVms },
    (j) => (CRASH.has(j.jobId) ? { recoveryPointType: "CrashConsistent", timeMs: j.startMs + 60_000 } : null),
    (j) => ({ workspaceId: j.workspaceId, durationSec: j.durationSec }),
    client,
    () => true,
  );
  return { byId: new Map(classified.map((c) => [c.jobId, c])), counts };
}

describe("evidence read through ARM", () => {
  it("reads job details for umbrella codes only and the Activity Log for crash points only", async () => {
    await withStandIn(async (arm) => {
      const { counts, byId } = await classify(arm);
      const details = arm.requests.filter((r) => /\/backupJobs\//i.test(r.path));
      const activity = arm.requests.filter((r) => /\/eventtypes\/management\/values$/i.test(r.path));
      expect(counts).toEqual({ jobDetails: 2, activityLogs: 3 });
      // the crash-only policy's crash point: expected, never degraded, and no Activity Log read for it
      expect(arm.requests.some((r) => (r.filter ?? "").includes("vm-batch-01"))).toBe(false);
      expect(byId.get("crash-only")).toMatchObject({
        consistency: "crash",
        expectedConsistency: "crash",
        degraded: false,
      });
      expect(details.map((r) => r.path.split("/").at(-1)).sort()).toEqual(["umbrella-net", "umbrella-vss"]);
      expect(activity).toHaveLength(3);
      expect(arm.requests).toHaveLength(5);
      expect(arm.requests.every((r) => r.status === 200 && r.apiVersion !== null)).toBe(true);
      expect(activity.every((r) => /resourceUri eq '\/subscriptions\//.test(r.filter ?? ""))).toBe(true);
    });
  });

  it("re-categorises an umbrella code from its details and keeps the detail line", async () => {
    await withStandIn(async (arm) => {
      const { byId } = await classify(arm);
      expect(byId.get("umbrella-vss")).toMatchObject({
        errorCode: "VMRestorePointClientError",
        errorCategory: "vss",
        errorDetail: "VSS writer SqlServerWriter is in a bad state (timed out).",
      });
      expect(byId.get("umbrella-net")).toMatchObject({ errorCategory: "network" });
      expect(byId.get("agent")?.errorDetail).toBeUndefined();
    });
  });

  it("tells a stopped VM's crash point (not degraded) from a running VM's fallback and an unknown one", async () => {
    await withStandIn(async (arm) => {
      const { byId } = await classify(arm);
      expect(byId.get("stopped")).toMatchObject({
        consistency: "crash",
        powerState: "stopped",
        degraded: false,
      });
      expect(byId.get("running")).toMatchObject({
        consistency: "crash",
        powerState: "running",
        degraded: true,
      });
      expect(byId.get("quiet")).toMatchObject({
        consistency: "crash",
        powerState: "unknown",
        degraded: true,
      });
      expect(byId.get("ok")?.powerState).toBeUndefined();
    });
  });

  it("treats a Linux VM with script codes as expecting application consistency, the setting overriding both ways", async () => {
    await withStandIn(async (arm) => {
      const evidence = (await classify(arm)).byId;
      expect(evidence.get("script")).toMatchObject({ expectedConsistency: "application", degraded: true });
      expect(evidence.get("pg-ok")).toMatchObject({
        consistency: "application",
        expectedConsistency: "application",
      });
      const excluded = (await classify(arm, ["!vm-pg-*"])).byId;
      expect(excluded.get("script")).toMatchObject({ expectedConsistency: "file-system", degraded: false });
      expect(excluded.get("pg-ok")).toMatchObject({ consistency: "file-system", degraded: false });
    });
  });

  it("reads nothing when ARM is off, and says so", async () => {
    const { byId, counts } = await classify(null);
    expect(counts).toBeNull();
    expect(byId.get("stopped")).toMatchObject({ consistency: "crash", degraded: true });
    expect(byId.get("stopped")?.powerState).toBeUndefined();
    expect(byId.get("umbrella-vss")?.errorCategory).toBe("extension");
  });
});
