/**
 * `backup-pulse run --dry-run` with a table target: it reads the stored history for the digest but creates
 * nothing and posts nothing (an identity with Storage Table Data Reader is enough).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TableServiceClient } from "@azure/data-tables";
import { afterAll, describe, expect, it } from "vitest";
import { runRun } from "../../src/commands/run.js";
import { startLocalRun } from "../pipeline/local-run.js";

const outDir = mkdtempSync(join(tmpdir(), "pulse-run-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

function io(env: Record<string, string>): {
  stdout: { write(s: string): boolean };
  stderr: { write(s: string): boolean };
  env: Record<string, string>;
  out(): string;
  err(): string;
} {
  let out = "";
  let err = "";
  return {
    stdout: { write: (s: string) => ((out += s), true) },
    stderr: { write: (s: string) => ((err += s), true) },
    env,
    out: () => out,
    err: () => err,
  };
}

async function tablesWithPrefix(connection: string, prefix: string): Promise<string[]> {
  const service = TableServiceClient.fromConnectionString(connection, { allowInsecureConnection: true });
  const names: string[] = [];
  for await (const t of service.listTables()) if (t.name?.startsWith(prefix)) names.push(t.name);
  return names;
}

describe("backup-pulse run --dry-run", () => {
  it("prints the digest, stores nothing, creates no table and posts nothing", async () => {
    const run = await startLocalRun({ days: 1 });
    try {
      const [day] = run.estate.days as [string];
      run.setNow(run.estate.dailyRunMs(day));
      const cli = io(run.env);
      const code = await runRun(
        ["--date", day, "--dry-run", "--html", join(outDir, "dry.html")],
        cli,
        run.depsOptions,
      );
      expect(code).toBe(0);
      expect(cli.out()).toMatch(new RegExp(`^Backup pulse for ${day}: `));
      expect(cli.err()).toContain("Dry run: nothing was stored or posted.");
      expect(run.hook.requests).toBe(0);
      expect(await tablesWithPrefix(run.env.PULSE_TABLES_CONNECTION ?? "", run.tablePrefix)).toEqual([]);

      // The same command without --dry-run stores the day and posts the digest.
      expect(
        await runRun(["--date", day, "--html", join(outDir, "real.html")], io(run.env), run.depsOptions),
      ).toBe(0);
      expect(run.hook.requests).toBe(1);
      expect(await tablesWithPrefix(run.env.PULSE_TABLES_CONNECTION ?? "", run.tablePrefix)).not.toEqual([]);
    } finally {
      await run.close();
    }
  });
});
