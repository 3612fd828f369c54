/** Reading jobs from every workspace: both job queries, all workspaces together, what went over the wire. */
import { describe, expect, it } from "vitest";
import { SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import { withLogsEndpoint } from "../support/local-azure.js";
import { dayEnd, dayStart, estate, readDay, SCOPE } from "./local-query.js";

const expectedEnd = estate.expected.days.at(-1);

describe("queryJobs against the local Log Analytics endpoint", () => {
  it("reads a whole day of the sample estate from both workspaces, resource-specific and legacy", async () => {
    await withLogsEndpoint(estate.logsProvider(), async (logs) => {
      const { result, credential } = readDay(logs);
      const { read, workspaces, complete, byWorkspace } = await result;
      expect(complete).toBe(true);
      expect(read.jobs).toHaveLength(expectedEnd?.jobs ?? -1);
      expect(read.rowsRead).toBe(expectedEnd?.rows);
      expect(read.duplicates).toBe(expectedEnd?.duplicates);
      expect(read.excluded["in-progress"]).toBe(expectedEnd?.inProgress);
      expect(read.jobs.filter((j) => j.status === "Failed")).toHaveLength(expectedEnd?.failed ?? -1);
      expect(workspaces).toEqual([
        expect.objectContaining({
          workspaceId: SAMPLE_WORKSPACES.main,
          status: "ok",
          complete: true,
          queries: 2,
          partialSplits: 0,
          missingTables: ["AzureDiagnostics"],
        }),
        expect.objectContaining({
          workspaceId: SAMPLE_WORKSPACES.legacy,
          status: "ok",
          complete: true,
          queries: 2,
          partialSplits: 0,
          missingTables: ["AddonAzureBackupJobs"],
        }),
      ]);
      const legacyJobs = byWorkspace.get(SAMPLE_WORKSPACES.legacy)?.jobs ?? [];
      expect(legacyJobs.length).toBeGreaterThan(50);
      expect(
        legacyJobs.every((j) => j.vault === "RSV-LEGACY-NEU" && j.workspaceId === SAMPLE_WORKSPACES.legacy),
      ).toBe(true);
      // what went over the wire: the configured scope's token, the day as parameters, a timespan with the
      // look-up margin before the day (item and container records of the 7 days before) and the late-row margin after
      expect(new Set(credential.scopes)).toEqual(new Set([SCOPE]));
      expect(logs.requests).toHaveLength(4);
      for (const r of logs.requests) {
        expect(r.authorization).toBe("Bearer token-for-logs");
        expect(r.params).toEqual({ rangeStart: dayStart.toISOString(), rangeEnd: dayEnd.toISOString() });
        expect(r.timespan).toBe("2026-11-17T00:00:00.000Z/2026-11-27T00:00:00.000Z");
      }
      expect(new Set(logs.requests.map((r) => `${r.workspaceId}:${r.queryName}`)).size).toBe(4);
    });
  });
});
