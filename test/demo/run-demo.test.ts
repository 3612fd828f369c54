/**
 * `backup-pulse demo` (what `npm start` runs): the daily job over two weeks of the sample estate on the local
 * stand-ins, with the digest printed, the trend summary printed and the HTML digest written.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { runDemoCommand } from "../../src/commands/demo.js";
import { runDemo } from "../../src/demo/run-demo.js";
import { addDays } from "../../src/domain/days.js";
import { captureIo } from "../support/capture-io.js";

const END = "2026-11-24";
const outDir = mkdtempSync(join(tmpdir(), "pulse-demo-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

// Fourteen daily runs on the local stand-ins: about 20 s alone, more while other test files share the CPU.
describe("backup-pulse demo", { timeout: 120_000 }, () => {
  it("prints the last day's digest and the stored trend, and writes the HTML digest", async () => {
    const io = captureIo({});
    const html = join(outDir, "demo.html");
    expect(await runDemoCommand(["--end-date", END, "--html", html], io)).toBe(0);
    expect(io.out()).toMatch(new RegExp(`^\\nBackup pulse for ${END}: (HEALTHY|ATTENTION|FAILING)`));
    expect(io.out()).toContain("Top codes");
    expect(io.out()).toContain("Fleet trend (stored in Table Storage):");
    // One trend row per day of the two weeks.
    expect(io.out().match(/^2026-11-\d\d {2}/gm)).toHaveLength(14);
    expect(io.err()).toContain(`HTML digest written to ${html}`);
    expect(existsSync(html)).toBe(true);
    const page = readFileSync(html, "utf8");
    expect(page).toMatch(/<h1>Backup pulse · .*2026-11-24.*<\/h1>/);
    expect(page).toContain("<svg");
  });

  it("stores exactly the estate's figures for every day the look-back has re-read", async () => {
    const demo = await runDemo({ endDate: END });
    expect(demo.results).toHaveLength(14);
    // Days up to two before the end have been re-read after their late rows arrived.
    const settled = demo.estate.expected.days.filter((d) => d.date <= addDays(END, -2));
    expect(settled).toHaveLength(12);
    for (const day of settled) {
      const stored = demo.trends.find((t) => t.date === day.date);
      expect(stored, day.date).toMatchObject({
        jobs: day.jobs,
        completed: day.completed,
        completedWithWarnings: day.completedWithWarnings,
        failed: day.failed,
        // The demo runs on the default settings: the jobs in doubt are looked up (warnings).
        application: day.warnings.application,
        fileSystem: day.warnings.fileSystem,
        crash: day.warnings.crash,
        none: day.warnings.none,
      });
    }

    // The last day on the defaults: the umbrella code is re-categorised from its job's details (VSS), and the
    // Linux VM that is not listed but whose pre-script fails is expected application-consistent.
    const last = demo.results.at(-1);
    const { umbrellaVss, unlistedScripts } = demo.estate.notable;
    expect(last?.jobs.find((j) => j.vm === umbrellaVss)).toMatchObject({
      status: "Failed",
      errorCode: "VMRestorePointClientError",
      errorCategory: "vss",
      errorDetail: expect.stringContaining("VSS Writers in bad state"),
    });
    expect(last?.jobs.find((j) => j.vm === unlistedScripts)).toMatchObject({
      status: "CompletedWithWarnings",
      errorCode: "Pre-ScriptExecutionFailed",
      consistency: "file-system",
      expectedConsistency: "application",
      degraded: true,
    });
    expect(
      demo.estate.linuxAppConsistentVms.some((p) => unlistedScripts.startsWith(p.replace("*", ""))),
    ).toBe(false);
    const umbrellaCode = last?.digest.topCodes.find((c) => c.code === "VMRestorePointClientError");
    expect(umbrellaCode?.category).toBe("vss");
    expect(last?.digest.persisting.belowExpected.map((s) => s.vm)).toContain(unlistedScripts);
  });
});
