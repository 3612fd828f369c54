import { request } from "node:https";
import { LogsQueryClient, LogsQueryResultStatus, type LogsQueryResult } from "@azure/monitor-query-logs";
import { afterEach, describe, expect, it } from "vitest";
import { startLogsEndpoint, type LogsEndpoint, type LogsProvider } from "../../src/local/logs-endpoint.js";
import { loopbackTls } from "../../src/local/tls.js";
import { staticCredential } from "../support/local-azure.js";
import { QUERY } from "./sample-query.js";

const WS = "11111111-2222-3333-4444-555555555555";
function client(endpoint: string, token?: string): LogsQueryClient {
  return new LogsQueryClient(staticCredential(token ?? "test-token"), {
    endpoint,
    tlsOptions: { ca: loopbackTls().ca },
    retryOptions: { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 50 },
  });
}

const jobRows: LogsProvider = () => ({
  columns: [
    { name: "TimeGenerated", type: "datetime" },
    { name: "JobUniqueId", type: "string" },
    { name: "JobDurationInSecs", type: "real" },
    { name: "Extra", type: "dynamic" },
  ],
  rows: [
    [new Date("2026-11-24T02:09:47.123Z"), "job-1", 61.5, { disks: 2 }],
    ["2026-11-24T03:00:00Z", "job-2", null, null],
    [Date.parse("2026-11-24T04:00:00Z"), "job-3", 10, "[1,2]"],
  ],
});

let endpoint: LogsEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
});

async function start(provider: LogsProvider = jobRows, options = {}): Promise<LogsEndpoint> {
  endpoint = await startLogsEndpoint({ provider, ...options });
  return endpoint;
}

function tablesOf(result: LogsQueryResult) {
  return result.status === LogsQueryResultStatus.Success ? result.tables : result.partialTables;
}

describe("local Log Analytics endpoint with the real LogsQueryClient", () => {
  it("answers a workspace query: datetime cells become Dates, dynamic cells objects", async () => {
    const seen: unknown[] = [];
    const ep = await start((req) => {
      seen.push(req);
      return jobRows(req);
    });
    const result = await client(ep.endpoint).queryWorkspace(WS, QUERY, {
      startTime: new Date("2026-11-24T00:00:00Z"),
      endTime: new Date("2026-11-25T00:00:00Z"),
    });
    expect(result.status).toBe(LogsQueryResultStatus.Success);
    const [table] = tablesOf(result);
    expect(table?.columnDescriptors.map((c) => c.name)).toEqual([
      "TimeGenerated",
      "JobUniqueId",
      "JobDurationInSecs",
      "Extra",
    ]);
    expect(table?.rows[0]).toEqual([new Date("2026-11-24T02:09:47.123Z"), "job-1", 61.5, { disks: 2 }]);
    expect(table?.rows[1]).toEqual([new Date("2026-11-24T03:00:00Z"), "job-2", null, null]);
    expect(table?.rows[2]).toEqual([new Date("2026-11-24T04:00:00Z"), "job-3", 10, [1, 2]]);

    expect(seen).toEqual([
      {
        workspaceId: WS,
        queryName: "vm-jobs",
        params: expect.objectContaining({ dayStart: "2026-11-24T00:00:00.000Z" }),
        timespan: "2026-11-24T00:00:00.000Z/2026-11-25T00:00:00.000Z",
        query: QUERY,
      },
    ]);
    expect(ep.requests).toEqual([
      expect.objectContaining({
        method: "POST",
        path: `/v1/workspaces/${WS}/query`,
        workspaceId: WS,
        queryName: "vm-jobs",
        timespan: "2026-11-24T00:00:00.000Z/2026-11-25T00:00:00.000Z",
        authorization: "Bearer test-token",
        status: 200,
        rows: 3,
        partial: false,
      }),
    ]);
  });

  it("cuts a result at the row limit and the SDK reports a PartialFailure", async () => {
    const ep = await start(
      () => ({
        columns: [{ name: "n", type: "long" }],
        rows: Array.from({ length: 25 }, (_, i) => [i]),
      }),
      { maxRows: 10 },
    );
    const result = await client(ep.endpoint).queryWorkspace(WS, QUERY, { duration: "P1D" });
    expect(result.status).toBe(LogsQueryResultStatus.PartialFailure);
    if (result.status !== LogsQueryResultStatus.PartialFailure) return;
    expect(result.partialTables[0]?.rows).toHaveLength(10);
    expect(result.partialError.code).toBe("PartialError");
    expect(JSON.stringify(result.partialError)).toContain("E_QUERY_RESULT_SET_TOO_LARGE");
    expect(ep.requests[0]).toMatchObject({ rows: 10, partial: true, timespan: "P1D" });
  });

  it("cuts a result at the byte limit too", async () => {
    const ep = await start(
      () => ({
        columns: [{ name: "s", type: "string" }],
        rows: Array.from({ length: 100 }, () => ["x".repeat(95)]),
      }),
      { maxBytes: 1_000 },
    );
    const result = await client(ep.endpoint).queryWorkspace(WS, QUERY, { duration: "P1D" });
    expect(result.status).toBe(LogsQueryResultStatus.PartialFailure);
    // each row is `["x…x"]` (99 bytes) plus a separator: 10 fit in 1,000 bytes
    expect(tablesOf(result)[0]?.rows.length).toBe(10);
  });

  it("throws a 429 without Retry-After at once: the SDK does not retry it", async () => {
    const ep = await start();
    ep.failNext("throttled");
    await expect(client(ep.endpoint).queryWorkspace(WS, QUERY, { duration: "P1D" })).rejects.toMatchObject({
      statusCode: 429,
      code: "ThrottledError",
    });
    expect(ep.requests.map((r) => r.status)).toEqual([429]);
  });

  it("waits out a 429 with Retry-After: 1, then succeeds", async () => {
    const ep = await start();
    ep.failNext("throttled-retry-after", { workspaceId: WS });
    const started = Date.now();
    const result = await client(ep.endpoint).queryWorkspace(WS, QUERY, { duration: "P1D" });
    expect(result.status).toBe(LogsQueryResultStatus.Success);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(ep.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("retries a 503, a 500 and a reset connection", async () => {
    const ep = await start();
    ep.failNext(["unavailable", "server-error"]);
    const result = await client(ep.endpoint).queryWorkspace(WS, QUERY, { duration: "P1D" });
    expect(result.status).toBe(LogsQueryResultStatus.Success);
    expect(ep.requests.map((r) => r.status)).toEqual([503, 500, 200]);

    ep.failNext("connection-reset");
    const again = await client(ep.endpoint).queryWorkspace(WS, QUERY, { duration: "P1D" });
    expect(again.status).toBe(LogsQueryResultStatus.Success);
    expect(ep.requests.slice(3).map((r) => r.fault ?? r.status)).toEqual(["connection-reset", 200]);
  });

  it("gives up on a 503 that lasts, after the SDK's retries", async () => {
    const ep = await start();
    ep.failWorkspace(WS, "unavailable");
    await expect(client(ep.endpoint).queryWorkspace(WS, QUERY, { duration: "P1D" })).rejects.toMatchObject({
      statusCode: 503,
    });
    expect(ep.requests).toHaveLength(3);
  });

  it("answers 400 BadArgumentError and a permanently broken workspace with 403, without retries", async () => {
    const ep = await start();
    ep.failNext("bad-argument", { workspaceId: WS });
    await expect(client(ep.endpoint).queryWorkspace(WS, QUERY, { duration: "P1D" })).rejects.toMatchObject({
      statusCode: 400,
      code: "BadArgumentError",
    });
    const other = "99999999-2222-3333-4444-555555555555";
    ep.failWorkspace(other);
    for (let i = 0; i < 2; i++) {
      await expect(
        client(ep.endpoint).queryWorkspace(other, QUERY, { duration: "P1D" }),
      ).rejects.toMatchObject({
        statusCode: 403,
        code: "InsufficientAccessError",
      });
    }
    expect(await client(ep.endpoint).queryWorkspace(WS, QUERY, { duration: "P1D" })).toMatchObject({
      status: "Success",
    });
    ep.restoreWorkspace(other);
    expect(await client(ep.endpoint).queryWorkspace(other, QUERY, { duration: "P1D" })).toMatchObject({
      status: "Success",
    });
    expect(ep.requests.map((r) => r.status)).toEqual([400, 403, 403, 200, 200]);
  });

  it("answers 204 for a workspace with no data; the SDK 1.0.0 then throws a TypeError, not a RestError", async () => {
    const ep = await start();
    ep.failNext("no-content", { workspaceId: WS });
    // Whoever calls queryWorkspace must treat this as "no data", not as a crash.
    await expect(client(ep.endpoint).queryWorkspace(WS, QUERY, { duration: "P1D" })).rejects.toThrow(
      /reading 'error'/,
    );
    expect(ep.requests.map((r) => r.status)).toEqual([204]);
  });

  it("refuses a request without a bearer token with 401 AuthenticationFailed", async () => {
    const ep = await start();
    const { status, body } = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = request(
        `${ep.endpoint}/workspaces/${WS}/query`,
        { method: "POST", ca: loopbackTls().ca, headers: { "content-type": "application/json" } },
        (res) => {
          let text = "";
          res.on("data", (c: Buffer) => (text += c.toString()));
          res.on("end", () => resolve({ status: res.statusCode ?? 0, body: text }));
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify({ query: QUERY }));
    });
    expect(status).toBe(401);
    expect(JSON.parse(body)).toMatchObject({ error: { code: "AuthenticationFailed" } });
    expect(ep.requests[0]).toMatchObject({ authorization: null, status: 401 });
  });

  it("refuses a token other than the expected one with 403 InvalidAuthenticationToken", async () => {
    const ep = await start(jobRows, { expectedToken: "mi-token" });
    await expect(
      client(ep.endpoint, "other").queryWorkspace(WS, QUERY, { duration: "P1D" }),
    ).rejects.toMatchObject({
      statusCode: 403,
      code: "InvalidAuthenticationToken",
    });
    expect(
      await client(ep.endpoint, "mi-token").queryWorkspace(WS, QUERY, { duration: "P1D" }),
    ).toMatchObject({
      status: "Success",
    });
  });

  it("serves resource queries (double slash) and batches; 404 PathNotFoundError elsewhere", async () => {
    const ep = await start();
    const resourceId = "/subscriptions/s1/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/rsv";
    const byResource = await client(ep.endpoint).queryResource(resourceId, QUERY, { duration: "P1D" });
    expect(byResource.status).toBe("Success");
    expect(ep.requests[0]).toMatchObject({ path: `/v1/${resourceId}/query`, workspaceId: resourceId });

    ep.failNext("insufficient-access", { workspaceId: "ws-b" });
    const batch = await client(ep.endpoint).queryBatch([
      { workspaceId: "ws-a", query: QUERY, timespan: { duration: "P1D" } },
      { workspaceId: "ws-b", query: QUERY, timespan: { duration: "P1D" } },
    ]);
    expect(batch[0]).toMatchObject({ status: "Success" });
    // An entry with an error body comes back from the SDK as a PartialFailure with no tables.
    expect(batch[1]).toMatchObject({
      status: "PartialFailure",
      partialTables: [],
      partialError: { code: "InsufficientAccessError" },
    });
    expect(ep.requests.slice(1).map((r) => [r.batch, r.workspaceId, r.status])).toEqual([
      [true, "ws-a", 200],
      [true, "ws-b", 403],
    ]);

    const wrong = new LogsQueryClient(staticCredential("test-token"), {
      endpoint: ep.endpoint.replace(/\/v1$/, ""),
      tlsOptions: { ca: loopbackTls().ca },
    });
    await expect(wrong.queryWorkspace(WS, QUERY, { duration: "P1D" })).rejects.toMatchObject({
      statusCode: 404,
      code: "PathNotFoundError",
    });
  });
});
