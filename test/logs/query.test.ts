import { describe, expect, it } from "vitest";
import { buildEstate, SAMPLE_ADDITIONAL_FIELDS, SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import type { LogsEndpoint, LogsProvider } from "../../src/local/logs-endpoint.js";
import { loopbackTls } from "../../src/local/tls.js";
import { JOB_QUERY_COLUMNS } from "../../src/logs/columns.js";
import { renderQueryText } from "../../src/logs/kql.js";
import {
  backoffMs,
  createLogsClient,
  queryJobs,
  type LogsClientOptions,
  type QueryProgress,
} from "../../src/logs/query.js";
import { staticCredential, withLogsEndpoint } from "../support/local-azure.js";

const END = "2026-11-24";
const estate = buildEstate({ endDate: END, days: 3 });
const expectedEnd = estate.expected.days.at(-1);
const dayStart = new Date(`${END}T00:00:00Z`);
const dayEnd = new Date(dayStart.getTime() + 86_400_000);
const BOTH: string[] = [SAMPLE_WORKSPACES.main, SAMPLE_WORKSPACES.legacy];
const SCOPE = "https://api.loganalytics.example/.default";

/** A client on the local endpoint whose waits are recorded instead of slept. */
function client(logs: LogsEndpoint, extra: Partial<LogsClientOptions> = {}) {
  const delays: number[] = [];
  const credential = staticCredential("token-for-logs");
  const c = createLogsClient({
    endpoint: logs.endpoint,
    scope: SCOPE,
    credential,
    tlsCa: loopbackTls().ca,
    sdkRetry: { maxRetries: 0 },
    retry: {
      maxAttempts: 4,
      baseDelayMs: 1000,
      random: () => 0.5,
      sleep: (ms) => {
        delays.push(ms);
        return Promise.resolve();
      },
    },
    ...extra,
  });
  return { client: c, delays, credential };
}

function readDay(logs: LogsEndpoint, workspaceIds = BOTH, extra: { minWindowMs?: number } = {}) {
  const c = client(logs);
  const progress: QueryProgress[] = [];
  return {
    ...c,
    progress,
    result: queryJobs({
      client: c.client,
      workspaceIds,
      rangeStart: dayStart,
      rangeEnd: dayEnd,
      onProgress: (p) => progress.push(p),
      ...extra,
    }),
  };
}

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

  it("splits a partial result into halves until every window is whole: exact totals, no duplicates", async () => {
    await withLogsEndpoint(
      estate.logsProvider(),
      async (logs) => {
        const { result, progress } = readDay(logs, [SAMPLE_WORKSPACES.main]);
        const { read, workspaces, complete } = await result;
        const main = estate.jobs.filter((j) => j.date === END && !j.vm.vault.legacy);
        const mainRows = main.reduce((n, j) => n + j.rows.length, 0);
        expect(complete).toBe(true);
        expect(workspaces[0]?.partialSplits).toBeGreaterThan(2);
        expect(workspaces[0]?.rowsRead).toBe(mainRows);
        expect(read.rowsRead).toBe(mainRows);
        expect(read.jobs).toHaveLength(main.filter((j) => j.status !== null).length);
        expect(new Set(read.jobs.map((j) => j.jobId)).size).toBe(read.jobs.length);
        const partial = logs.requests.filter((r) => r.partial);
        expect(partial).toHaveLength(workspaces[0]?.partialSplits ?? -1);
        expect(progress.filter((p) => p.event === "split")).toHaveLength(partial.length);
        // the rows kept are exactly the rows of the whole answers
        const whole = logs.requests.filter((r) => r.queryName === "jobs" && !r.partial && r.status === 200);
        expect(whole.reduce((n, r) => n + r.rows, 0)).toBe(mainRows);
        expect(Math.max(...whole.map((r) => r.rows))).toBeLessThanOrEqual(60);
      },
      { maxRows: 60 },
    );
  });

  it("marks the read incomplete when a window is still partial at the smallest size", async () => {
    await withLogsEndpoint(
      estate.logsProvider(),
      async (logs) => {
        const { result } = readDay(logs, [SAMPLE_WORKSPACES.main], { minWindowMs: 3 * 3_600_000 });
        const { workspaces, complete, read } = await result;
        expect(complete).toBe(false);
        expect(workspaces[0]).toMatchObject({ status: "ok", complete: false });
        expect(workspaces[0]?.error).toMatch(/returned only part of its rows even after splitting/);
        expect(read.jobs.length).toBeGreaterThan(0);
      },
      { maxRows: 20 },
    );
  });

  it("retries a 429 without Retry-After (which the SDK does not) with back-off, then succeeds", async () => {
    await withLogsEndpoint(estate.logsProvider(), async (logs) => {
      logs.failNext(["throttled", "throttled"], { workspaceId: SAMPLE_WORKSPACES.main });
      const { result, delays, progress } = readDay(logs, [SAMPLE_WORKSPACES.main]);
      const { workspaces, complete } = await result;
      expect(complete).toBe(true);
      expect(workspaces[0]).toMatchObject({ status: "ok", retries: 2 });
      // each of the workspace's two queries met one 429 and waited the first back-off step
      expect(delays).toEqual([750, 750]);
      expect(logs.requests.filter((r) => r.status === 429)).toHaveLength(2);
      expect(progress.filter((p) => p.event === "retry").map((p) => p.message)).toEqual([
        expect.stringContaining("429"),
        expect.stringContaining("429"),
      ]);
    });
  });

  it("backs off exponentially with jitter, capped", () => {
    const retry = client({ endpoint: "https://127.0.0.1:1/v1" } as unknown as LogsEndpoint).client.retry;
    const steps = [1, 2, 3, 4, 5, 6, 7, 8].map((n) =>
      backoffMs({ ...retry, maxDelayMs: 20_000 }, n, new Error("x")),
    );
    expect(steps).toEqual([750, 1500, 3000, 6000, 12000, 15000, 15000, 15000]);
    const low = backoffMs({ ...retry, random: () => 0 }, 3, new Error("x"));
    const high = backoffMs({ ...retry, random: () => 0.999999 }, 3, new Error("x"));
    expect([low, high]).toEqual([2000, 4000]);
  });

  it("honours Retry-After when the service sends one", async () => {
    await withLogsEndpoint(estate.logsProvider(), async (logs) => {
      logs.failNext(
        { status: 429, code: "ThrottledError", message: "Too many requests", retryAfterSeconds: 7 },
        {
          workspaceId: SAMPLE_WORKSPACES.main,
        },
      );
      const { result, delays } = readDay(logs, [SAMPLE_WORKSPACES.main]);
      expect((await result).complete).toBe(true);
      expect(delays).toEqual([7000]);
    });
  });

  it("retries 503, 500 and a reset connection, and gives up after the bounded attempts with a clear report", async () => {
    await withLogsEndpoint(estate.logsProvider(), async (logs) => {
      logs.failNext(["unavailable", "server-error", "connection-reset"], {
        workspaceId: SAMPLE_WORKSPACES.main,
      });
      const first = await readDay(logs, [SAMPLE_WORKSPACES.main]).result;
      expect(first.workspaces[0]).toMatchObject({ status: "ok", retries: 3, complete: true });

      logs.failWorkspace(SAMPLE_WORKSPACES.main, "unavailable");
      const before = logs.requests.length;
      const second = await readDay(logs, [SAMPLE_WORKSPACES.main]).result;
      expect(second.complete).toBe(false);
      expect(second.workspaces[0]).toMatchObject({ status: "failed", complete: false });
      expect(second.workspaces[0]?.error).toMatch(/jobs query failed: 503 ServiceUnavailable/);
      // two queries, four attempts each
      expect(logs.requests.length - before).toBe(8);
    });
  });

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

  it("a 204 answer (the workspace has no data) reads as empty", async () => {
    await withLogsEndpoint(estate.logsProvider(), async (logs) => {
      logs.failWorkspace(SAMPLE_WORKSPACES.main, "no-content");
      const { workspaces, complete } = await readDay(logs, [SAMPLE_WORKSPACES.main]).result;
      expect(workspaces[0]).toMatchObject({ status: "empty", complete: true, rowsRead: 0 });
      expect(complete).toBe(true);
    });
  });

  it("stops when cancelled", async () => {
    await withLogsEndpoint(estate.logsProvider(), async (logs) => {
      const c = client(logs);
      const read = queryJobs({
        client: c.client,
        workspaceIds: BOTH,
        rangeStart: dayStart,
        rangeEnd: dayEnd,
        abortSignal: AbortSignal.abort(),
      });
      await expect(read).rejects.toThrow(/abort/i);
      expect(logs.requests).toHaveLength(0);
    });
  });

  it("keeps at most five queries in flight across all workspaces", async () => {
    const provider: LogsProvider = () => ({ columns: JOB_QUERY_COLUMNS.map((c) => ({ ...c })), rows: [] });
    await withLogsEndpoint(
      provider,
      async (logs) => {
        const ids = Array.from({ length: 8 }, (_, i) => `ws-${i}`);
        const { workspaces } = await readDay(logs, ids).result;
        expect(workspaces).toHaveLength(8);
        expect(logs.requests).toHaveLength(16);
        expect(logs.maxInFlight).toBe(5);
      },
      { latencyMs: 40 },
    );
  });

  it("a parameter value cannot change the query: an injection attempt arrives as one string", async () => {
    const attack = 'x"; AddonAzureBackupJobs | take 100000 //\n| project token';
    const template = [
      "// backup-pulse:probe",
      'let vaultName = "";',
      "AddonAzureBackupJobs | where VaultName == vaultName",
    ].join("\n");
    await withLogsEndpoint(
      (r) => ({ columns: [{ name: "echo", type: "string" }], rows: [[r.params.vaultName ?? null]] }),
      async (logs) => {
        const { client: c } = client(logs);
        const result = await c.sdk.queryWorkspace("ws-1", renderQueryText(template, { vaultName: attack }), {
          duration: "P1D",
        });
        expect(result.status).toBe("Success");
        expect(logs.requests[0]?.params).toEqual({ vaultName: attack });
        expect(logs.requests[0]?.queryName).toBe("probe");
      },
    );
  });
});
