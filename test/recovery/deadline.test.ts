/**
 * An ARM endpoint that accepts requests and never answers cannot hold a run: each recovery-point list has a
 * client-side deadline (answer and body), and once the run's budget is spent no further item is looked up.
 */
import { describe, expect, it } from "vitest";
import type { BackupJob } from "../../src/domain/model.js";
import { listenLoopback } from "../../src/local/loopback-server.js";
import { loopbackTls } from "../../src/local/tls.js";
import { createRecoveryPointsClient, lookupRecoveryPoints } from "../../src/recovery/recovery-points.js";
import { staticCredential } from "../support/local-azure.js";

function job(i: number): BackupJob {
  return {
    jobId: `job-${i}`,
    vm: `vm-${i}`,
    vault: "rsv-prod",
    vaultId:
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod",
    container: `iaasvmcontainerv2;rg-app;vm-${i}`,
    itemId: null,
    os: "Linux",
    status: "CompletedWithWarnings",
    startMs: Date.parse("2026-11-24T01:00:00Z"),
    durationSec: 600,
    code: null,
    timeGeneratedMs: 0,
    workspaceId: null,
  };
}

async function blackHole() {
  let requests = 0;
  const server = await listenLoopback(async () => {
    requests++;
    await new Promise(() => {
      /* accepts, never answers */
    });
  });
  return { server, requests: () => requests };
}

describe("recovery-point look-ups against an ARM endpoint that never answers", () => {
  it("each list call ends at its deadline and the job keeps its inferred consistency, with the reason", async () => {
    const arm = await blackHole();
    try {
      const client = createRecoveryPointsClient({
        endpoint: arm.server.origin,
        credential: staticCredential("arm-token"),
        tlsCa: loopbackTls().ca,
        retry: { maxRetries: 1, retryDelayInMs: 10, maxRetryDelayInMs: 20 },
        requestTimeoutInMs: 400,
      });
      const t0 = performance.now();
      const result = await lookupRecoveryPoints({
        client,
        jobs: [job(1), job(2)],
        mode: "all",
        concurrency: 2,
      });
      expect(performance.now() - t0).toBeLessThan(2_000);
      expect([...result.values()]).toEqual([
        { error: "ARM gave no answer within 400 ms (client-side deadline): the consistency stays inferred" },
        { error: "ARM gave no answer within 400 ms (client-side deadline): the consistency stays inferred" },
      ]);
      expect(arm.requests()).toBe(2);
    } finally {
      await arm.server.close();
    }
  });

  it("once the run's budget is spent, the rest is reported as not looked up", async () => {
    const arm = await blackHole();
    try {
      const budget = AbortSignal.timeout(300);
      const client = createRecoveryPointsClient({
        endpoint: arm.server.origin,
        credential: staticCredential("arm-token"),
        tlsCa: loopbackTls().ca,
        requestTimeoutInMs: 60_000,
        abortSignal: budget,
      });
      const t0 = performance.now();
      const jobs = [1, 2, 3, 4].map(job);
      const result = await lookupRecoveryPoints({
        client,
        jobs,
        mode: "all",
        concurrency: 1,
        abortSignal: budget,
      });
      expect(performance.now() - t0).toBeLessThan(1_500);
      expect(new Set([...result.values()].map((r) => ("error" in r ? r.error : "")))).toEqual(
        new Set(["not looked up: the run's time budget ran out"]),
      );
      expect(arm.requests()).toBe(1);
    } finally {
      await arm.server.close();
    }
  });
});
