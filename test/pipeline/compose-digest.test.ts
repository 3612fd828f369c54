/** The digest of a day, from this run's read or from the run record an earlier run stored. */
import { describe, expect, it } from "vitest";
import { composeDigest } from "../../src/pipeline/compose-digest.js";
import type { RunRecord } from "../../src/store/trend-store.js";
import type { WorkspaceReport } from "../../src/logs/workspace-report.js";

const DATE = "2026-11-24";

function workspace(workspaceId: string, status: WorkspaceReport["status"], error?: string): WorkspaceReport {
  return {
    workspaceId,
    status,
    complete: status !== "failed",
    queries: 2,
    retries: 0,
    rowsRead: 0,
    partialSplits: 0,
    missingTables: [],
    ...(error ? { error } : {}),
  };
}

describe("composeDigest", () => {
  it("from this run's read: the workspaces queried, those that failed with their reason, rejected rows", async () => {
    const digest = await composeDigest({
      date: DATE,
      jobs: [],
      store: null,
      workspaces: [workspace("ws-a", "ok"), workspace("ws-b", "failed", "403 InsufficientAccessError")],
      complete: false,
      rowsRejected: 3,
    });
    expect(digest.date).toBe(DATE);
    expect(digest.coverage).toMatchObject({
      workspacesQueried: 2,
      workspacesFailed: [{ workspaceId: "ws-b", reason: "403 InsufficientAccessError" }],
      partial: true,
      rowsRejected: 3,
    });
  });

  it("from a stored run record: failed workspaces by ID with the run that missed them, the rest by count", async () => {
    const run: RunRecord = {
      date: DATE,
      complete: false,
      runAt: "2026-11-25T07:00:00.000Z",
      jobs: 0,
      vaults: 0,
      vms: 0,
      failed: 0,
      degraded: 0,
      workspacesOk: 2,
      workspacesFailed: 1,
      failedWorkspaceIds: ["ws-c"],
      workspaceIds: [],
      rowsRejected: 0,
      timeZone: "UTC",
    };
    const digest = await composeDigest({ date: DATE, jobs: [], store: null, run });
    expect(digest.coverage).toMatchObject({
      workspacesQueried: 3,
      workspacesFailed: [
        {
          workspaceId: "ws-c",
          reason:
            "not read completely on the run of 2026-11-25T07:00:00.000Z; the reason is in that run's log",
        },
      ],
      partial: true,
    });
  });
});
