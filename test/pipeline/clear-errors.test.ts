/**
 * Clear one-line errors on the run path (issue 13): a sign-in failure met by a Log Analytics query says which
 * credential was tried and what to do, as the doctor does; a run where no workspace could be read says so
 * (NO DATA) and exits 1.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { DefaultAzureCredential } from "@azure/identity";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runRun } from "../../src/commands/run.js";
import { openDeps } from "../../src/pipeline/deps.js";
import { captureIo } from "../support/capture-io.js";
import { withEnv, withTokenEndpoint } from "../support/local-azure.js";
import { startLocalRun, type LocalRun } from "./local-run.js";

const ALL_ROWS = Date.parse("2030-01-01T00:00:00Z");
const ONE_DAY = { PULSE_RECOVERY_POINTS: "off", PULSE_LOOKBACK_DAYS: "0" };
const outDir = mkdtempSync(join(tmpdir(), "backup-pulse-errors-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const open: LocalRun[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function localRun(): Promise<LocalRun> {
  const run = await startLocalRun({ days: 1, env: ONE_DAY });
  open.push(run);
  return run;
}

describe("clear errors on the run path", () => {
  it("a sign-in failure in the Log Analytics queries is the doctor's one line: the credential tried and what to do", async () => {
    const run = await localRun();
    const [day] = run.estate.days as [string];
    await withTokenEndpoint(async (identity) => {
      identity.failNext(
        Array.from({ length: 40 }, () => ({ status: 400, message: "No managed identity is assigned" })),
      );
      const vars = { ...identity.env, AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential" };
      await withEnv(vars, async () => {
        const credential = new DefaultAzureCredential();
        const deps = await openDeps(run.config, { ...run.depsOptions, credential, env: vars });
        const result = await run.runDay(day, { nowMs: ALL_ROWS, deps });
        expect(result.workspaces.length).toBeGreaterThan(0);
        for (const w of result.workspaces) {
          expect(w.status).toBe("failed");
          expect(w.error).not.toContain("\n");
          expect(w.error).toMatch(
            /^jobs query failed: could not sign in to Azure with the Function App's system-assigned managed identity[^\n]*: turn on the Function App's system-assigned managed identity/,
          );
        }
        expect(result.digest.headline.status).toBe("no-data");
        expect(result.digest.headline.statusReason).toMatch(/^No workspace could be read/);
      });
    });
  });

  it("no workspace could be read: the run says so, the digest says NO DATA, the CLI exits 1", async () => {
    const run = await localRun();
    const [day] = run.estate.days as [string];
    run.setNow(ALL_ROWS);
    for (const id of run.config.workspaceIds) run.logs.failWorkspace(id);
    const cli = captureIo(run.env);
    const code = await runRun(["--date", day, "--html", join(outDir, "none.html")], cli, run.depsOptions);
    expect(code).toBe(1);
    expect(cli.err()).toContain(
      `No workspace could be read (${run.config.workspaceIds.length} failed): NO DATA, the backup state of the fleet is unknown`,
    );
    expect(cli.out()).toContain("NO DATA");
    expect(cli.out()).toContain("No workspace could be read");
    expect(run.hook.received[0]?.headline.status).toBe("no-data");
  });
});
