/**
 * A Log Analytics endpoint that accepts queries and never answers (a black hole on loopback HTTPS, read
 * through the real LogsQueryClient) cannot hold `backup-pulse run`: each query has a client-side deadline,
 * the run as a whole a time budget; the run ends, says which workspace timed out, stores and posts what it
 * has, and exits 1.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runRun } from "../../src/commands/run.js";
import { listenLoopback, type LoopbackServer } from "../../src/local/loopback-server.js";
import { FUNCTION_TIMEOUT_MS, RUN_BUDGET_MS } from "../../src/pipeline/budget.js";
import { captureIo } from "../support/capture-io.js";
import { startLocalRun } from "./local-run.js";

const outDir = mkdtempSync(join(tmpdir(), "pulse-budget-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

async function blackHole(): Promise<LoopbackServer & { requests: () => number }> {
  let requests = 0;
  const server = await listenLoopback(async (req) => {
    requests++;
    req.resume();
    await new Promise(() => {
      /* accepts, never answers */
    });
  });
  return { ...server, requests: () => requests };
}

describe("a run against a Log Analytics endpoint that never answers", () => {
  it("ends at the query deadline, reports the workspace as timed out, and exits 1", async () => {
    const hole = await blackHole();
    const run = await startLocalRun({
      days: 1,
      env: {
        PULSE_LOGS_ENDPOINT: `${hole.origin}/v1`,
        PULSE_RECOVERY_POINTS: "off",
        PULSE_LOOKBACK_DAYS: "0",
      },
    });
    try {
      const [day] = run.estate.days as [string];
      const cli = captureIo(run.env);
      const t0 = performance.now();
      const code = await runRun(["--date", day, "--html", join(outDir, "hole.html")], cli, {
        ...run.depsOptions,
        deadlines: { logsRequestTimeoutInMs: 1_000 },
      });
      const ms = performance.now() - t0;
      expect(code).toBe(1);
      expect(ms).toBeLessThan(8_000);
      expect(hole.requests()).toBeGreaterThan(0);
      for (const w of run.estate.workspaces) {
        expect(cli.err()).toContain(`workspace ${w.workspaceId}: failed, 0 row(s)`);
      }
      expect(cli.err()).toContain("no answer within 1 s (client-side deadline)");
      // The digest says the fleet's state is unknown; it is not a healthy day.
      expect(cli.out()).toMatch(/NO DATA/);
      expect(readFileSync(join(outDir, "hole.html"), "utf8")).toContain("no answer within 1 s");
      // The digest that says so is still posted.
      expect(run.hook.received).toHaveLength(1);
      expect(run.hook.received[0]?.headline.status).toBe("no-data");
    } finally {
      await run.close();
      await hole.close();
    }
  });

  it("ends when the run's budget is spent, whatever the query deadline, and says so", async () => {
    const hole = await blackHole();
    const run = await startLocalRun({
      days: 1,
      env: {
        PULSE_LOGS_ENDPOINT: `${hole.origin}/v1`,
        PULSE_RECOVERY_POINTS: "off",
        PULSE_LOOKBACK_DAYS: "0",
      },
    });
    try {
      const [day] = run.estate.days as [string];
      const cli = captureIo(run.env);
      const t0 = performance.now();
      const code = await runRun(["--date", day, "--html", join(outDir, "budget.html")], cli, {
        ...run.depsOptions,
        runBudgetMs: 1_500,
      });
      expect(performance.now() - t0).toBeLessThan(8_000);
      expect(code).toBe(1);
      expect(cli.err()).toContain("not done: the run's time budget ran out");
      expect(cli.err()).toMatch(/The run used up its time budget of 1\.5 s/);
      expect(run.hook.received).toHaveLength(1);
      const reasons = run.hook.received[0]?.coverage.workspacesFailed.map((w) => w.reason) ?? [];
      expect(reasons).toHaveLength(run.estate.workspaces.length);
      for (const reason of reasons) expect(reason).toContain("not done: the run's time budget ran out");
    } finally {
      await run.close();
      await hole.close();
    }
  });

  it("the run's budget is a fraction of the function timeout set in host.json", () => {
    const host = JSON.parse(readFileSync("host.json", "utf8")) as { functionTimeout: string };
    const [h, m, s] = host.functionTimeout.split(":").map(Number) as [number, number, number];
    expect(((h * 60 + m) * 60 + s) * 1000).toBe(FUNCTION_TIMEOUT_MS);
    expect(RUN_BUDGET_MS).toBeLessThan(FUNCTION_TIMEOUT_MS * 0.8);
    expect(RUN_BUDGET_MS).toBeGreaterThan(FUNCTION_TIMEOUT_MS * 0.5);
  });
});
