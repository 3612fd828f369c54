/**
 * The `report` HTTP function: the digest of a stored day as one self-contained HTML page, read from a trend
 * store in Azurite (written as the daily run writes it).
 */
import { HttpRequest, InvocationContext, type HttpResponseInit } from "@azure/functions";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { createReportHandler, REPORT_CSP } from "../../src/functions/report.js";
import { TrendStore, type StoredJob } from "../../src/store/trend-store.js";
import { classifiedJob } from "../support/jobs.js";

const connection = inject("tablesConnection");
const tablePrefix = `fnreport${process.pid}`;
const NOW = Date.parse("2026-11-25T09:00:00Z"); // yesterday = 2026-11-24
const FAILED_WORKSPACE = "c4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70";

function job(date: string, vm: string, over: Partial<StoredJob> = {}): StoredJob {
  return classifiedJob({
    jobId: `${date}-${vm}`,
    vm,
    start: `${date}T20:00:00Z`,
    consistencySource: "observed",
    ...over,
  });
}

beforeAll(async () => {
  const store = await TrendStore.open({ kind: "connection", connectionString: connection }, undefined, {
    tablePrefix,
  });
  const vms = ["vm-web-001", "vm-web-002", "vm-sql-<01>", "vm-app-001"];
  await store.writeDay({
    date: "2026-11-23",
    complete: true,
    workspaces: [{ workspaceId: "8d3f2a61-5b7c-4e90-a1d2-3c4b5a6f7e80", ok: true }],
    jobs: vms.map((vm) => job("2026-11-23", vm)),
  });
  await store.writeDay({
    date: "2026-11-24",
    complete: false,
    workspaces: [
      { workspaceId: "8d3f2a61-5b7c-4e90-a1d2-3c4b5a6f7e80", ok: true },
      { workspaceId: FAILED_WORKSPACE, ok: false },
    ],
    jobs: [
      job("2026-11-24", "vm-web-001"),
      job("2026-11-24", "vm-web-002"),
      job("2026-11-24", "vm-app-001"),
      job("2026-11-24", "vm-sql-<01>", {
        status: "Failed",
        consistency: "none",
        degraded: true,
        errorCode: "UserErrorGuestAgentStatusUnavailable",
        errorCategory: "agent",
      }),
    ],
  });
});

const handler = createReportHandler({
  env: { PULSE_TABLES_CONNECTION: connection },
  deps: { tablePrefix },
  now: () => NOW,
});

async function get(query: string): Promise<HttpResponseInit> {
  const ctx = new InvocationContext({ functionName: "report", logHandler: () => undefined });
  return handler(new HttpRequest({ method: "GET", url: `http://localhost/api/report${query}` }), ctx);
}

describe("GET /api/report", () => {
  it("serves yesterday's digest as a self-contained page under a strict Content-Security-Policy", async () => {
    const response = await get("");
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": REPORT_CSP,
      "x-content-type-options": "nosniff",
      "referrer-policy": "no-referrer",
    });
    expect(REPORT_CSP).toMatch(/^default-src 'none'; style-src 'unsafe-inline'; img-src data:;/);
    const html = bodyText(response);
    expect(html).toMatch(/^<!doctype html>/i);
    expect(html).toContain("2026-11-24");
    // Nothing to load: no script, no external stylesheet, image or frame.
    expect(html).not.toMatch(/<script|<link|<iframe|\ssrc="(?!data:)/i);
    // Names are escaped.
    expect(html).toContain("vm-sql-&lt;01&gt;");
    expect(html).not.toContain("vm-sql-<01>");
  });

  it("builds the digest from the stored day: its jobs, its failure, and the coverage its run record kept", async () => {
    const html = bodyText(await get("?date=2026-11-24"));
    expect(html).toContain("vm-sql-&lt;01&gt;");
    expect(html).toContain("UserErrorGuestAgentStatusUnavailable");
    expect(html).toContain(FAILED_WORKSPACE);
    expect(html).toContain("2 workspaces queried");
    expect(html).toContain("Partial data");

    const complete = bodyText(await get("?date=2026-11-23"));
    expect(complete).toContain("1 workspace queried");
    expect(complete).not.toContain("Partial data");
    expect(complete).not.toContain(FAILED_WORKSPACE);
  });

  it("answers 404 with a message for a day that was never stored", async () => {
    const response = await get("?date=2026-11-22");
    expect(response.status).toBe(404);
    expect(response.headers).toMatchObject({ "content-type": "text/plain; charset=utf-8" });
    expect(bodyText(response)).toContain("No digest is stored for 2026-11-22");
  });

  it.each([
    ["?date=2026-02-30", "date must be a day (YYYY-MM-DD)"],
    ["?date=yesterday", "date must be a day"],
    ["?date=2026-11-23&date=2026-11-24", "Give date once"],
    ["?day=2026-11-24", 'Unknown parameter "day"'],
  ])("%s → 400 with a clear message", async (query, message) => {
    const response = await get(query);
    expect(response.status).toBe(400);
    expect(bodyText(response)).toContain(message);
  });

  it("takes the function key in `code` without complaint", async () => {
    expect((await get("?code=FUNCTIONKEY&date=2026-11-23")).status).toBe(200);
  });
});

/** The body of a text answer (HTML, CSV, plain text). */
function bodyText(response: HttpResponseInit): string {
  expect(typeof response.body).toBe("string");
  return response.body as string;
}
