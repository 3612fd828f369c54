/**
 * classify on real exports: every job in the JSON output carries what to do and where Microsoft explains it,
 * a portal CSV from another locale is read and named as such, and a broken one stops with its line.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runClassify } from "../../src/commands/classify.js";
import { CONSISTENCY_DOC_URL, lookupCode } from "../../src/domain/catalogue.js";
import { TROUBLESHOOT_URL } from "../../src/domain/digest.js";
import { captureIo } from "../support/capture-io.js";

const fixture = (name: string): string =>
  fileURLToPath(new URL(`../fixtures/exports/${name}`, import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "pulse-classify-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

type Job = Record<string, unknown> & {
  vm: string;
  errorCode: string | null;
  action: string | null;
  docUrl: string | null;
};

async function jsonJobs(file: string): Promise<Map<string, Job>> {
  const io = captureIo();
  expect(await runClassify(["--input", file], io)).toBe(0);
  return new Map((JSON.parse(io.out()) as { jobs: Job[] }).jobs.map((j) => [j.vm, j]));
}

describe("classify --format json: each job's action and doc link", () => {
  it("a known code: the catalogue's action line and page; unknown code and code-less failures: the guide", async () => {
    const jobs = await jsonJobs(fixture("rest-resource-specific.json"));
    for (const j of jobs.values()) {
      const entry = lookupCode(j.errorCode);
      if (entry) expect(j, j.vm).toMatchObject({ action: entry.action, docUrl: entry.docUrl });
      else if (j.errorCode)
        expect(j, j.vm).toMatchObject({
          action: expect.stringMatching(/not in the catalogue/i) as unknown,
          docUrl: TROUBLESHOOT_URL,
        });
    }
    expect(jobs.get("vm-web-03")).toMatchObject({
      errorCode: "UserErrorBrandNewThing",
      docUrl: TROUBLESHOOT_URL,
    });
    // A clean job needs nothing.
    const clean = [...jobs.values()].filter(
      (j) => j.errorCode === null && j.degraded === false && j.status === "Completed",
    );
    expect(clean.length).toBeGreaterThan(0);
    for (const j of clean) expect(j, j.vm).toMatchObject({ action: null, docUrl: null });
    // Every degraded job has something to do.
    for (const j of jobs.values())
      if (j.degraded === true) expect(j.action, j.vm).toEqual(expect.any(String));
  });

  it("a point below expectation without a code points at the consistency page", async () => {
    const { jobAdvice } = await import("../../src/commands/classify.js");
    const base = (await jsonJobs(fixture("rest-resource-specific.json"))).get(
      "vm-sql-01",
    ) as unknown as Parameters<typeof jobAdvice>[0];
    expect(jobAdvice({ ...base, errorCode: null, errorCategory: null })).toEqual({
      action: expect.stringMatching(/VSS|pre\/post scripts/) as unknown,
      docUrl: CONSISTENCY_DOC_URL,
    });
    expect(
      jobAdvice({ ...base, status: "Failed", consistency: "none", errorCode: null, errorCategory: null }),
    ).toMatchObject({
      docUrl: TROUBLESHOOT_URL,
    });
  });
});

describe("classify on a portal CSV from another locale", () => {
  const us = readFileSync(fixture("portal-resource-specific.csv"), "utf8");
  const gb = us.replace(
    /(\d{1,2})\/(\d{1,2})\/(\d{4}), (\d{1,2}):(\d{2}):(\d{2})\.(\d{3}) (AM|PM)/g,
    (_a, m: string, d: string, y: string, h: string, mi: string, s: string, ms: string, ap: string) =>
      `${d.padStart(2, "0")}/${m.padStart(2, "0")}/${y}, ${String((Number(h) % 12) + (ap === "PM" ? 12 : 0)).padStart(2, "0")}:${mi}:${s}.${ms}`,
  );

  it("reads it, names what it read, and classifies the same jobs as the US export", async () => {
    const file = join(dir, "jobs-en-gb.csv");
    writeFileSync(file, gb);
    const table = captureIo();
    expect(await runClassify(["--input", file, "--format", "table"], table)).toBe(0);
    expect(table.out()).toContain(
      `${file} (portal CSV, day/month/year dates): 24 rows, 12 VM backup jobs classified`,
    );
    const json = captureIo();
    expect(await runClassify(["--input", file], json)).toBe(0);
    const out = JSON.parse(json.out()) as { input?: unknown; jobs: unknown[] };
    expect(out.input).toEqual({ format: "csv", dialect: "day/month/year dates" });
    const usOut = captureIo();
    await runClassify(["--input", fixture("portal-resource-specific.csv")], usOut);
    expect(out.jobs).toEqual((JSON.parse(usOut.out()) as { jobs: unknown[] }).jobs);
  });

  it("a broken quote: exit 2 and the line, nothing on stdout", async () => {
    const file = join(dir, "broken.csv");
    const broken = us.replace('"11/24/2026, 2:05:10.000 AM",6c1d', '"11/24/2026, 2:05:10.000 AM,6c1d');
    expect(broken).not.toBe(us);
    writeFileSync(file, broken);
    const io = captureIo();
    expect(await runClassify(["--input", file], io)).toBe(2);
    expect(io.err()).toMatch(
      /^backup-pulse classify: .*broken\.csv: The CSV, line \d+: text after the closing quote of a field opened on line \d+/,
    );
    expect(io.out()).toBe("");
  });
});
