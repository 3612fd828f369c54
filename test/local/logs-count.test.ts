/** The local Log Analytics stand-in answers a count query as the service does, from its provider's rows. */
import { request } from "node:https";
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { afterEach, describe, expect, it } from "vitest";
import { startLogsEndpoint, type LogsEndpoint, type LogsProvider } from "../../src/local/logs-endpoint.js";
import { loopbackTls } from "../../src/local/tls.js";
import { renderQuery } from "../../src/logs/kql.js";
import { staticCredential } from "../support/local-azure.js";

const WS = "11111111-2222-3333-4444-555555555555";
const day = { rangeStart: new Date("2026-11-24T00:00:00Z"), rangeEnd: new Date("2026-11-25T00:00:00Z") };

const asked: string[] = [];
const rows: LogsProvider = (r) => {
  asked.push(r.queryName);
  return {
    columns: [
      { name: "JobUniqueId", type: "string" },
      { name: "JobStartDateTime", type: "datetime" },
    ],
    rows: [
      ["before", "2026-11-23T23:59:59Z"],
      ["a", "2026-11-24T00:00:00Z"],
      ["a", "2026-11-24T00:00:00Z"],
      ["b", new Date("2026-11-24T00:14:59.999Z")],
      ["c", Date.parse("2026-11-24T22:05:00Z")],
      ["signal", null],
      ["after", "2026-11-25T00:00:00Z"],
    ],
  };
};

let endpoint: LogsEndpoint | undefined;
afterEach(async () => {
  await endpoint?.close();
  endpoint = undefined;
  asked.length = 0;
});

function post(ep: LogsEndpoint, query: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${ep.endpoint}/workspaces/${WS}/query`,
      {
        method: "POST",
        ca: loopbackTls().ca,
        headers: { "content-type": "application/json", authorization: "Bearer t" },
      },
      (res) => {
        let text = "";
        res.on("data", (c: Buffer) => (text += c.toString()));
        res.on("end", () => resolve(JSON.parse(text)));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ query }));
  });
}

describe("count queries on the local Log Analytics endpoint", () => {
  it("answers with the service's wire shape: the bin as a datetime, count_ as a long number, rows per non-empty bin", async () => {
    endpoint = await startLogsEndpoint({ provider: rows });
    const body = await post(endpoint, renderQuery("jobs-count", day));
    // the rows of the query counted, within [rangeStart, rangeEnd), in quarter hours
    expect(body).toEqual({
      tables: [
        {
          name: "PrimaryResult",
          columns: [
            { name: "JobStartDateTime", type: "datetime" },
            { name: "count_", type: "long" },
          ],
          rows: [
            ["2026-11-24T00:00:00.000Z", 3],
            ["2026-11-24T22:00:00.000Z", 1],
          ],
        },
      ],
    });
    expect(asked).toEqual(["jobs"]);
    expect(endpoint.requests[0]).toMatchObject({ queryName: "jobs-count", rows: 2, partial: false });
  });

  it("reads through the real LogsQueryClient as dates and numbers; the provider's error is the count query's", async () => {
    const provider: LogsProvider = (r) =>
      r.queryName === "jobs-legacy"
        ? {
            error: {
              status: 400,
              code: "BadArgumentError",
              message: "Failed to resolve table or column expression named 'AzureDiagnostics'",
            },
          }
        : rows(r);
    endpoint = await startLogsEndpoint({ provider });
    const client = new LogsQueryClient(staticCredential("t"), {
      endpoint: endpoint.endpoint,
      tlsOptions: { ca: loopbackTls().ca },
      retryOptions: { maxRetries: 0 },
    });
    const result = await client.queryWorkspace(WS, renderQuery("jobs-count", day), { duration: "P1D" });
    expect(result.status).toBe(LogsQueryResultStatus.Success);
    const tables = result.status === LogsQueryResultStatus.Success ? result.tables : [];
    expect(tables[0]?.rows).toEqual([
      [new Date("2026-11-24T00:00:00Z"), 3],
      [new Date("2026-11-24T22:00:00Z"), 1],
    ]);
    await expect(
      client.queryWorkspace(WS, renderQuery("jobs-legacy-count", day), { duration: "P1D" }),
    ).rejects.toMatchObject({ statusCode: 400, message: expect.stringContaining("AzureDiagnostics") });
  });

  it("refuses a count query it cannot read, as a bad query", async () => {
    endpoint = await startLogsEndpoint({ provider: rows });
    const body = await post(endpoint, "// backup-pulse:jobs-count\nAddonAzureBackupJobs | count");
    expect(body).toMatchObject({ error: { code: "BadArgumentError" } });
    expect(asked).toEqual([]);
  });
});
