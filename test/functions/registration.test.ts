/**
 * What the Functions host indexes: the names, triggers, schedules, routes, methods and auth levels the
 * function files register (the host itself cannot run here: test/support/functions-host.ts replaces `app`'s
 * registrars with recorders for every test file).
 */
import { readdirSync } from "node:fs";
import { app } from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const saved = process.env.PULSE_DIGEST_SCHEDULE;
beforeAll(() => {
  process.env.PULSE_DIGEST_SCHEDULE = "0 30 6 * * *";
});
afterAll(() => {
  if (saved === undefined) delete process.env.PULSE_DIGEST_SCHEDULE;
  else process.env.PULSE_DIGEST_SCHEDULE = saved;
});

describe("function registrations", () => {
  it("dailyDigest is a timer on the PULSE_DIGEST_SCHEDULE app setting, calling the exported handler", async () => {
    const mod = await import("../../src/functions/daily-digest.js");
    expect(app.timer).toHaveBeenCalledWith("dailyDigest", {
      schedule: "%PULSE_DIGEST_SCHEDULE%",
      handler: mod.dailyDigestTimer,
    });
  });

  it("trends and report are GET-only HTTP functions at /api/trends and /api/report behind a function key", async () => {
    const trends = await import("../../src/functions/trends.js");
    const report = await import("../../src/functions/report.js");
    expect(app.http).toHaveBeenCalledWith("trends", {
      methods: ["GET"],
      authLevel: "function",
      route: "trends",
      handler: trends.trendsHttp,
    });
    expect(app.http).toHaveBeenCalledWith("report", {
      methods: ["GET"],
      authLevel: "function",
      route: "report",
      handler: report.reportHttp,
    });
  });

  it("doctor is a GET-only HTTP function at /api/doctor behind the admin key", async () => {
    const doctor = await import("../../src/functions/doctor.js");
    expect(app.http).toHaveBeenCalledWith("doctor", {
      methods: ["GET"],
      authLevel: "admin",
      route: "doctor",
      handler: doctor.doctorHttp,
    });
  });

  it("every file the host loads registers at least one function, and each name once", async () => {
    const files = readdirSync(new URL("../../src/functions/", import.meta.url)).filter((f) =>
      f.endsWith(".ts"),
    );
    const registered = (): string[] =>
      [...vi.mocked(app.timer).mock.calls, ...vi.mocked(app.http).mock.calls].map((c) => c[0]);
    for (const f of files) {
      vi.resetModules();
      vi.mocked(app.timer).mockClear();
      vi.mocked(app.http).mockClear();
      await import(new URL(`../../src/functions/${f}`, import.meta.url).href);
      expect(registered().length, f).toBeGreaterThan(0);
      expect(new Set(registered()).size, f).toBe(registered().length);
    }
  });

  it("each function file registers only its own functions (none loads another as a side effect)", async () => {
    const expected: Record<string, string[]> = {
      "doctor.ts": ["doctor"],
      "alerts.ts": ["alerts"],
      "daily-digest.ts": ["dailyDigest"],
      "report.ts": ["report"],
      "trends.ts": ["trends"],
    };
    const files = readdirSync(new URL("../../src/functions/", import.meta.url)).filter((f) =>
      f.endsWith(".ts"),
    );
    expect(files.sort()).toEqual(Object.keys(expected).sort());
    for (const f of files) {
      vi.resetModules();
      vi.mocked(app.timer).mockClear();
      vi.mocked(app.http).mockClear();
      await import(new URL(`../../src/functions/${f}`, import.meta.url).href);
      const registered = [...vi.mocked(app.timer).mock.calls, ...vi.mocked(app.http).mock.calls].map(
        (c) => c[0],
      );
      expect(registered, f).toEqual(expected[f]);
    }
  });

  it("falls back to the default schedule when the app setting is absent, so the app still indexes", async () => {
    const { digestScheduleBinding } = await import("../../src/functions/daily-digest.js");
    expect(digestScheduleBinding({})).toBe("0 0 7 * * *");
    expect(digestScheduleBinding({ PULSE_DIGEST_SCHEDULE: "  " })).toBe("0 0 7 * * *");
    expect(digestScheduleBinding({ PULSE_DIGEST_SCHEDULE: "0 0 5 * * 1-5" })).toBe("%PULSE_DIGEST_SCHEDULE%");
  });
});
