/**
 * A Table Storage endpoint that accepts requests and never answers cannot hold a run: every table request has
 * a client-side deadline covering answer and body, and the run's signal cancels what is in flight.
 */
import { describe, expect, it } from "vitest";
import { BudgetError, DeadlineError } from "../../src/deadline.js";
import { listenLoopback } from "../../src/local/loopback-server.js";
import { loopbackTls } from "../../src/local/tls.js";
import { openTables } from "../../src/store/tables.js";
import { staticCredential } from "../support/local-azure.js";

async function withBlackHole<T>(body: (url: string, requests: () => number) => Promise<T>): Promise<T> {
  let requests = 0;
  const server = await listenLoopback(async (_req, res) => {
    requests++;
    // Headers at once, then a body that never ends.
    res.writeHead(200, { "content-type": "application/json" });
    res.write("{");
    await new Promise(() => {});
  });
  try {
    return await body(`${server.origin}/devstoreaccount1`, () => requests);
  } finally {
    await server.close();
  }
}

describe("table requests against an endpoint that never finishes its answer", () => {
  it("end at the request deadline, not retried", async () => {
    await withBlackHole(async (url, requests) => {
      const tables = openTables({ kind: "url", url }, staticCredential("storage-token"), {
        ca: loopbackTls().ca,
        requestTimeoutInMs: 400,
      });
      const t0 = performance.now();
      const error = await tables
        .table("PulseRuns")
        .getEntity("run", "2026-11-24")
        .catch((e: unknown) => e);
      expect(performance.now() - t0).toBeLessThan(1_500);
      expect(error).toBeInstanceOf(DeadlineError);
      expect((error as Error).message).toBe("no answer within 400 ms (client-side deadline)");
      expect(requests()).toBe(1);
    });
  });

  it("end when the run's budget runs out", async () => {
    await withBlackHole(async (url) => {
      const tables = openTables({ kind: "url", url }, staticCredential("storage-token"), {
        ca: loopbackTls().ca,
        abortSignal: AbortSignal.timeout(300),
      });
      const t0 = performance.now();
      const error = await tables
        .table("PulseRuns")
        .getEntity("run", "2026-11-24")
        .catch((e: unknown) => e);
      expect(performance.now() - t0).toBeLessThan(1_500);
      expect(error).toBeInstanceOf(BudgetError);
    });
  });
});
