/**
 * The command line as a user meets it first: the version, a day that has not begun, and what each command
 * prints on stdout by default (the README's statement).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { main } from "../../src/commands/index.js";
import { refuseFutureDay, runRun } from "../../src/commands/run.js";
import { addDays, dayOf } from "../../src/domain/days.js";
import { captureIo } from "../support/capture-io.js";

const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
  version: string;
};

describe("backup-pulse --version", () => {
  it("prints the package version on stdout and exits 0", async () => {
    for (const flag of ["--version", "-V"]) {
      const io = captureIo();
      expect(await main([flag], io)).toBe(0);
      expect(io.out()).toBe(`backup-pulse ${pkg.version}\n`);
      expect(io.err()).toBe("");
    }
  });

  it("is listed in the usage", async () => {
    const io = captureIo();
    expect(await main(["--help"], io)).toBe(0);
    expect(io.out()).toContain("backup-pulse --version");
  });
});

describe("backup-pulse run --date in the future", () => {
  // Settings that would make a real run reach out: the refusal must come first, so nothing is contacted.
  const env = {
    PULSE_WORKSPACE_IDS: "11111111-1111-1111-1111-111111111111",
    PULSE_TABLES_URL: "https://unreachable.invalid",
    PULSE_LOGS_ENDPOINT: "https://unreachable.invalid/v1",
  };

  it("refuses a day after today with exit 2, naming today and the time zone, before any I/O", async () => {
    const tomorrow = addDays(dayOf(Date.now(), "Pacific/Kiritimati"), 1);
    const io = captureIo({ ...env, PULSE_TIMEZONE: "Pacific/Kiritimati" });
    const started = Date.now();
    expect(await runRun(["--date", tomorrow, "--dry-run"], io)).toBe(2);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(io.err()).toContain(`--date ${tomorrow} is in the future`);
    expect(io.err()).toContain("Pacific/Kiritimati");
    expect(io.out()).toBe("");
  });

  it("refuses a far-future day too", async () => {
    const io = captureIo(env);
    expect(await runRun(["--date", "2999-01-01"], io)).toBe(2);
    expect(io.err()).toMatch(
      /^backup-pulse run: --date 2999-01-01 is in the future \(today is \d{4}-\d\d-\d\d in UTC/,
    );
  });

  it("takes today and earlier days in the time zone, and refuses the next one", () => {
    // 2026-11-29 23:30 UTC is already 2026-11-30 in Tokyo.
    const now = Date.parse("2026-11-29T23:30:00Z");
    expect(() => refuseFutureDay("2026-11-30", "Asia/Tokyo", now)).not.toThrow();
    expect(() => refuseFutureDay("2026-11-29", "Asia/Tokyo", now)).not.toThrow();
    expect(() => refuseFutureDay("2026-12-01", "Asia/Tokyo", now)).toThrow(/in the future/);
    expect(() => refuseFutureDay("2026-11-30", "UTC", now)).toThrow(/today is 2026-11-29 in UTC/);
  });
});

describe("what each command prints on stdout by default (README)", () => {
  const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");

  it("the README says which commands print text and which JSON", () => {
    expect(readme).toContain(
      "By default `run`,\n`demo`, `alerts` and `doctor` print readable text and `classify` and `trends` print JSON",
    );
    expect(readme).not.toContain("writes JSON to stdout");
  });

  it("classify prints JSON by default", async () => {
    const io = captureIo();
    const file = new URL("../fixtures/exports/rest-resource-specific.json", import.meta.url).pathname;
    expect(await main(["classify", "--input", file], io)).toBe(0);
    expect(() => JSON.parse(io.out()) as unknown).not.toThrow();
  });

  it("doctor prints ✓/✗ text by default, not JSON", async () => {
    const io = captureIo({ PULSE_WEBHOOK_URL: "http://example.com/hook" });
    await main(["doctor"], io);
    expect(io.out()).toMatch(/[✓✗]/);
    expect(() => JSON.parse(io.out()) as unknown).toThrow();
  });
});
