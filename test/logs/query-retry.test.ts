/** Throttling, server errors and dropped connections are retried; at most five queries run at once; a read can be cancelled. */
import { describe, expect, it } from "vitest";
import { SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import type { LogsProvider } from "../../src/local/logs-endpoint.js";
import { JOB_QUERY_COLUMNS } from "../../src/logs/columns.js";
import { queryJobs } from "../../src/logs/query.js";
import { withLogsEndpoint } from "../support/local-azure.js";
import { BOTH, client, dayEnd, dayStart, estate, readDay } from "./local-query.js";

describe("retries, limits and cancellation", () => {
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
});
