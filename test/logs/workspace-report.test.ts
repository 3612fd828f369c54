/** Each workspace's report: a failure is named without hiding the others; a missing source table means no data. */
import { describe, expect, it } from "vitest";
import { SAMPLE_ADDITIONAL_FIELDS, SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import type { LogsProvider } from "../../src/local/logs-endpoint.js";
import { JOB_QUERY_COLUMNS } from "../../src/logs/columns.js";
import { withLogsEndpoint } from "../support/local-azure.js";
import { estate, readDay } from "./local-query.js";

describe("per-workspace reports", () => {
  it("one failing workspace is reported without hiding the other, and the message carries no token", async () => {
    await withLogsEndpoint(estate.logsProvider(), async (logs) => {
      logs.failWorkspace(SAMPLE_WORKSPACES.legacy, "insufficient-access");
      const { read, workspaces, complete } = await readDay(logs).result;
      expect(complete).toBe(false);
      expect(workspaces[0]).toMatchObject({
        workspaceId: SAMPLE_WORKSPACES.main,
        status: "ok",
        complete: true,
      });
      expect(workspaces[1]).toMatchObject({ workspaceId: SAMPLE_WORKSPACES.legacy, status: "failed" });
      expect(workspaces[1]?.error).toMatch(/403 InsufficientAccessError.*Log Analytics Reader/);
      expect(workspaces[1]?.error).not.toContain("token-for-logs");
      expect(read.jobs.length).toBeGreaterThan(150);
      expect(read.jobs.every((j) => j.workspaceId === SAMPLE_WORKSPACES.main)).toBe(true);
      // 403 is not retried
      expect(logs.requests.filter((r) => r.workspaceId === SAMPLE_WORKSPACES.legacy)).toHaveLength(2);
    });
  });

  it("a query error other than a missing source table is a failure, not 'no data', and is not retried", async () => {
    const provider: LogsProvider = (r) =>
      r.queryName === "jobs"
        ? {
            error: {
              status: 400,
              code: "BadArgumentError",
              message: "Failed to resolve table or column expression named 'CoreAzureBackup'",
            },
          }
        : { columns: JOB_QUERY_COLUMNS.map((c) => ({ ...c })), rows: [] };
    await withLogsEndpoint(provider, async (logs) => {
      const { workspaces, complete } = await readDay(logs, [SAMPLE_WORKSPACES.main]).result;
      expect(complete).toBe(false);
      expect(workspaces[0]?.status).toBe("failed");
      expect(workspaces[0]?.error).toMatch(/CoreAzureBackup event to the vault's diagnostic setting/);
      expect(logs.requests).toHaveLength(2);
    });
  });

  it("a workspace with neither table, or with no rows, is empty and complete", async () => {
    const provider: LogsProvider = (r) =>
      r.workspaceId === "ws-none"
        ? {
            error: {
              status: 400,
              code: "BadArgumentError",
              message: `Failed to resolve table or column expression named '${r.queryName === "jobs" ? "AddonAzureBackupJobs" : "AzureDiagnostics"}'`,
            },
          }
        : { columns: JOB_QUERY_COLUMNS.map((c) => ({ ...c })), rows: [] };
    await withLogsEndpoint(provider, async (logs) => {
      const { workspaces, complete } = await readDay(logs, ["ws-none", "ws-quiet"]).result;
      expect(complete).toBe(true);
      expect(workspaces.map((w) => [w.status, w.missingTables.length])).toEqual([
        ["empty", 2],
        ["empty", 0],
      ]);
    });
  });
  it("a workspace whose AzureDiagnostics keeps backup fields in AdditionalFields is a clear failure, not 'no data'", async () => {
    await withLogsEndpoint(estate.logsProvider(undefined, { azureDiagnosticsFull: true }), async (logs) => {
      const { read, workspaces, complete } = await readDay(logs).result;
      expect(complete).toBe(false);
      expect(workspaces[0]).toMatchObject({
        workspaceId: SAMPLE_WORKSPACES.main,
        status: "ok",
        complete: true,
      });
      const legacy = workspaces[1];
      expect(legacy).toMatchObject({
        workspaceId: SAMPLE_WORKSPACES.legacy,
        status: "failed",
        complete: false,
      });
      expect(legacy?.legacyFieldsInAdditionalFields).toEqual({
        rows: expect.any(Number),
        fields: [...SAMPLE_ADDITIONAL_FIELDS].sort(),
      });
      expect(legacy?.legacyFieldsInAdditionalFields?.rows).toBeGreaterThan(50);
      expect(legacy?.error).toMatch(
        /^AzureDiagnostics has reached its 500-column limit: \d+ Azure Backup report record\(s\) keep backup fields \(BackupItemUniqueId, BackupManagementType, ProtectedContainerUniqueId, SchemaVersion\) in its AdditionalFields column.*resource-specific mode/,
      );
      // the signal is a row of the legacy query's answer: no extra query, and no row rejected
      expect(logs.requests).toHaveLength(4);
      expect(read.rejected).toEqual([]);
      expect(read.jobs.every((j) => j.workspaceId === SAMPLE_WORKSPACES.main)).toBe(true);
    });
  });

  it("job rows that come with the signal row are still read, the workspace is failed, and only field names reach its message", async () => {
    const base = estate.logsProvider();
    const provider: LogsProvider = async (request) => {
      const answer = await base(request);
      if ("error" in answer || request.queryName !== "jobs-legacy") return answer;
      const signal = [
        ...JOB_QUERY_COLUMNS.map(() => null),
        12,
        ["ProtectedContainerName", "ProtectedContainerOSType", "<b>https://x</b>"],
      ];
      return { ...answer, rows: [...answer.rows, signal] };
    };
    await withLogsEndpoint(provider, async (logs) => {
      const { byWorkspace, workspaces } = await readDay(logs, [SAMPLE_WORKSPACES.legacy]).result;
      const legacy = byWorkspace.get(SAMPLE_WORKSPACES.legacy);
      expect(legacy?.jobs.length).toBeGreaterThan(50);
      expect(legacy?.rejected).toEqual([]);
      expect(workspaces[0]).toMatchObject({
        status: "failed",
        complete: false,
        legacyFieldsInAdditionalFields: {
          rows: 12,
          fields: ["ProtectedContainerName", "ProtectedContainerOSType"],
        },
      });
      expect(workspaces[0]?.error).toMatch(/12 Azure Backup report record\(s\)/);
    });
  });
});
