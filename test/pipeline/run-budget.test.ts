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
import { startLocalRun, type LocalRun } from "./local-run.js";

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

/** `backup-pulse run` for one day against the black hole, with the given deadlines; `check` sees its output. */
async function runAgainstHole(
  html: string,
  deps: { deadlines?: { logsRequestTimeoutInMs: number }; runBudgetMs?: number },
  check: (r: { code: number; ms: number; err: string; out: string; run: LocalRun }) => void,
): Promise<void> {
  const hole = await blackHole();
  const run = await startLocalRun({
    days: 1,
    env: { PULSE_LOGS_ENDPOINT: `${hole.origin}/v1`, PULSE_RECOVERY_POINTS: "off", PULSE_LOOKBACK_DAYS: "0" },
  });
  try {
    const [day] = run.estate.days as [string];
    const cli = captureIo(run.env);
    const t0 = performance.now();
    const code = await runRun(["--date", day, "--html", join(outDir, html)], cli, {
      ...run.depsOptions,
      ...deps,
    });
    const ms = performance.now() - t0;
    expect(hole.requests()).toBeGreaterThan(0);
    check({ code, ms, err: cli.err(), out: cli.out(), run });
  } finally {
    await run.close();
    await hole.close();
  }
}

describe("a run against a Log Analytics endpoint that never answers", () => {
  it("ends at the query deadline, reports the workspace as timed out, and exits 1", async () => {
    await runAgainstHole(
      "hole.html",
      { deadlines: { logsRequestTimeoutInMs: 1_000 } },
      ({ code, ms, err, out, run }) => {
        expect(code).toBe(1);
        expect(ms).toBeLessThan(8_000);
        for (const w of run.estate.workspaces)
          expect(err).toContain(`workspace ${w.workspaceId}: failed, 0 row(s)`);
        expect(err).toContain("no answer within 1 s (client-side deadline)");
        // The digest says the fleet's state is unknown; it is not a healthy day.
        expect(out).toMatch(/NO DATA/);
        expect(readFileSync(join(outDir, "hole.html"), "utf8")).toContain("no answer within 1 s");
        // The digest that says so is still posted.
        expect(run.hook.received).toHaveLength(1);
        expect(run.hook.received[0]?.headline.status).toBe("no-data");
      },
    );
  });

  it("ends when the run's budget is spent, whatever the query deadline, and says so", async () => {
    await runAgainstHole("budget.html", { runBudgetMs: 1_500 }, ({ code, ms, err, run }) => {
      expect(ms).toBeLessThan(8_000);
      expect(code).toBe(1);
      expect(err).toContain("not done: the run's time budget ran out");
      expect(err).toMatch(/The run used up its time budget of 1\.5 s/);
      expect(run.hook.received).toHaveLength(1);
      const reasons = run.hook.received[0]?.coverage.workspacesFailed.map((w) => w.reason) ?? [];
      expect(reasons).toHaveLength(run.estate.workspaces.length);
      for (const reason of reasons) expect(reason).toContain("not done: the run's time budget ran out");
    });
  });

  it("the run's budget is a fraction of the function timeout set in host.json", () => {
    const host = JSON.parse(readFileSync("host.json", "utf8")) as { functionTimeout: string };
    const [h, m, s] = host.functionTimeout.split(":").map(Number) as [number, number, number];
    expect(((h * 60 + m) * 60 + s) * 1000).toBe(FUNCTION_TIMEOUT_MS);
    expect(RUN_BUDGET_MS).toBeLessThan(FUNCTION_TIMEOUT_MS * 0.8);
    expect(RUN_BUDGET_MS).toBeGreaterThan(FUNCTION_TIMEOUT_MS * 0.5);
  });
});
