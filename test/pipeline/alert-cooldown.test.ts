/**
 * The rules applied with what the alert state (in Azurite) remembers: each VM's history from every job read,
 * the cooldown from the stored firing times, and no second alert for the same job.
 */
import { describe, expect, inject, it } from "vitest";
import { alertKey, parseAlertRules } from "../../src/domain/alert-rules.js";
import type { ClassifiedJob } from "../../src/domain/model.js";
import { evaluateWithCooldown } from "../../src/pipeline/alert-cooldown.js";
import { AlertStateStore } from "../../src/store/alert-state.js";
import { openTables } from "../../src/store/tables.js";
import { classifiedJob } from "../support/jobs.js";

const HOUR = 3_600_000;
const NOW = Date.parse("2026-11-25T03:00:00Z");
const connectionString = inject("tablesConnection");

let stores = 0;
function freshState(): Promise<AlertStateStore> {
  const tables = openTables({ kind: "connection", connectionString }, undefined, {
    tablePrefix: `cooldown${process.pid}s${stores++}`,
  });
  return AlertStateStore.open(tables);
}

function failed(jobId: string, hoursBeforeNow: number, fields: Partial<ClassifiedJob> = {}): ClassifiedJob {
  return classifiedJob({
    jobId,
    start: new Date(NOW - hoursBeforeNow * HOUR).toISOString(),
    status: "Failed",
    consistency: "none",
    degraded: true,
    errorCode: "UserErrorGuestAgentStatusUnavailable",
    errorCategory: "agent",
    ...fields,
  });
}

const STREAK = parseAlertRules("consecutive-failures:2");

describe("evaluateWithCooldown", () => {
  it("a VM's earlier failure among the jobs read completes a streak with a new one, whatever the names' case", async () => {
    const earlier = failed("f1", 26, { vm: "VM-APP-01", vault: "RSV-PROD" });
    const latest = failed("f2", 2);
    const args = { rules: STREAK, nowMs: NOW, state: null };
    const alone = await evaluateWithCooldown({ ...args, jobs: [latest], newJobs: [latest] });
    expect(alone.alerts).toEqual([]);
    const result = await evaluateWithCooldown({ ...args, jobs: [earlier, latest], newJobs: [latest] });
    expect(result.alerts.map((a) => [a.rule, a.jobId])).toEqual([["consecutive-failures", "f2"]]);
    expect(result).toMatchObject({ suppressed: 0, alreadySent: 0 });
  });

  it("stays quiet within the cooldown of the stored firing, and never alerts twice on the same job", async () => {
    const state = await freshState();
    const jobs = [failed("f1", 26), failed("f2", 2)];
    const key = alertKey("consecutive-failures", "rsv-prod", "vm-app-01");
    const input = { jobs, newJobs: [jobs[1]!], rules: STREAK, nowMs: NOW, state };

    await state.recordFired(
      [{ key, jobId: "f0", rule: "consecutive-failures", vault: "rsv-prod", vm: "vm-app-01" }],
      NOW - HOUR,
    );
    expect(await evaluateWithCooldown(input)).toMatchObject({ alerts: [], suppressed: 1, alreadySent: 0 });

    // Fired for this very job, even long ago (no cooldown applies): not again.
    await state.recordFired(
      [{ key, jobId: "f2", rule: "consecutive-failures", vault: "rsv-prod", vm: "vm-app-01" }],
      NOW - 30 * 24 * HOUR,
    );
    expect(await evaluateWithCooldown(input)).toMatchObject({ alerts: [], suppressed: 0, alreadySent: 1 });
  });
});
