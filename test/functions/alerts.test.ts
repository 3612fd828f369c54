/**
 * The `alerts` timer function: its registration, and its handler called with a real InvocationContext
 * against the local services (sample estate over the local Log Analytics endpoint, Azurite, loopback webhook).
 */
import { InvocationContext, app } from "@azure/functions";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULTS, SettingError } from "../../src/config.js";
import type { GenericAlertPayload } from "../../src/delivery/generic.js";
import { alertScheduleBinding, createAlertsTimer } from "../../src/functions/alerts.js";
import { withEnv } from "../support/local-azure.js";
import { startAlertEstateRun, type LocalRun } from "../pipeline/local-run.js";
import { onTimeTimer } from "../support/functions.js";

vi.mock("@azure/functions", async (original) => {
  const m = await original<typeof import("@azure/functions")>();
  return { ...m, app: { ...m.app, timer: vi.fn(), http: vi.fn() } };
});

const open: LocalRun[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

function context(): InvocationContext & { lines: { level: string; text: string }[] } {
  const lines: { level: string; text: string }[] = [];
  const ctx = new InvocationContext({
    invocationId: "alerts-test",
    functionName: "alerts",
    logHandler: (level, ...args) => lines.push({ level, text: args.map(String).join(" ") }),
  });
  return Object.assign(ctx, { lines });
}

async function estateRun(env: Record<string, string | undefined> = {}): Promise<LocalRun> {
  const run = await startAlertEstateRun(env);
  open.push(run);
  return run;
}

function handlerAt(run: LocalRun, iso: string, env = run.env) {
  const now = new Date(iso);
  run.setNow(now.getTime());
  return createAlertsTimer({ env, deps: run.depsOptions, now: () => now });
}

describe("alerts timer registration", () => {
  it('registers "alerts" on %PULSE_ALERT_SCHEDULE% with the exported handler', async () => {
    // Load the module afresh with the setting present, as the Functions host would.
    vi.resetModules();
    const { functions, mod } = await withEnv({ PULSE_ALERT_SCHEDULE: "0 15 * * * *" }, async () => ({
      functions: await import("@azure/functions"),
      mod: await import("../../src/functions/alerts.js"),
    }));
    expect(functions.app.timer).toHaveBeenLastCalledWith("alerts", {
      schedule: "%PULSE_ALERT_SCHEDULE%",
      handler: mod.alertsTimer,
    });
  });

  it("the module registers the timer when it is loaded", () => {
    expect(app.timer).toHaveBeenCalledWith(
      "alerts",
      expect.objectContaining({ schedule: expect.any(String) }),
    );
  });

  it("falls back to the documented default when the app has no PULSE_ALERT_SCHEDULE", () => {
    expect(alertScheduleBinding({ PULSE_ALERT_SCHEDULE: "0 5 * * * *" })).toBe("%PULSE_ALERT_SCHEDULE%");
    expect(alertScheduleBinding({})).toBe(DEFAULTS.alertSchedule);
    expect(DEFAULTS.alertSchedule).toBe("0 15 * * * *");
  });
});

describe("alerts timer handler", () => {
  it("reads the jobs since its previous run, posts the alerts once and logs each one", async () => {
    const run = await estateRun();
    // The previous run, at noon: the checkpoint it leaves is where the next run starts (less the hour of overlap).
    await handlerAt(run, "2026-11-24T12:00:00Z")(onTimeTimer, context());
    const posts = run.hook.requests;

    const ctx = context();
    await handlerAt(run, "2026-11-25T03:00:00Z")(onTimeTimer, ctx);
    expect(run.hook.requests).toBe(posts + 1);
    const payload = run.hook.received.at(-1) as unknown as GenericAlertPayload;
    const warned = ctx.lines.filter((l) => l.level === "warning").map((l) => l.text);
    expect(warned).toHaveLength(payload.alerts.length);
    expect(warned.some((t) => t.includes(`[consecutive-failures] ${run.estate.notable.failingStreak}`))).toBe(
      true,
    );
    expect(warned.some((t) => t.includes(`[vss] ${run.estate.notable.vssWarnings}`))).toBe(true);
    const summary = ctx.lines.find((l) => l.text.startsWith("Alerts since 2026-11-24T11:00:00.000Z"));
    expect(summary?.text).toContain(`${payload.alerts.length} alert(s)`);
    expect(summary?.text).toContain("alerts posted");

    // The next hour: nothing new, nothing posted, nothing warned.
    const quiet = context();
    await handlerAt(run, "2026-11-25T04:00:00Z")(onTimeTimer, quiet);
    expect(run.hook.requests).toBe(posts + 1);
    expect(quiet.lines.filter((l) => l.level === "warning")).toEqual([]);
  });

  it("without a webhook, the alerts are only logged", async () => {
    const run = await estateRun({ PULSE_WEBHOOK_URL: undefined });
    const ctx = context();
    await handlerAt(run, "2026-11-24T23:59:00Z")(onTimeTimer, ctx);
    const warned = ctx.lines.filter((l) => l.level === "warning");
    expect(warned.length).toBeGreaterThan(0);
    expect(ctx.lines.some((l) => l.text.includes("no webhook set: alerts logged only"))).toBe(true);
    expect(run.hook.requests).toBe(0);
  });

  it("a bad PULSE_ALERT_RULES fails the invocation naming the setting, before any request", async () => {
    const run = await estateRun();
    const ctx = context();
    const handler = handlerAt(run, "2026-11-25T03:00:00Z", { ...run.env, PULSE_ALERT_RULES: "vss,pager" });
    await expect(handler(onTimeTimer, ctx)).rejects.toThrow(SettingError);
    expect(ctx.lines).toEqual([
      {
        level: "error",
        text: expect.stringMatching(
          /^backup-pulse alerts cannot run: PULSE_ALERT_RULES: unknown entry "pager"/,
        ),
      },
    ]);
    expect(run.logs.requests).toEqual([]);
    expect(run.hook.requests).toBe(0);
  });

  it("fails the invocation when the webhook does not take the alerts; the next invocation delivers them", async () => {
    const run = await estateRun();
    await handlerAt(run, "2026-11-24T12:00:00Z")(onTimeTimer, context());
    run.hook.answer(503);
    const ctx = context();
    await expect(handlerAt(run, "2026-11-25T03:00:00Z")(onTimeTimer, ctx)).rejects.toThrow(
      /did not finish cleanly: the alert message was not delivered/,
    );
    expect(ctx.lines.some((l) => l.level === "error")).toBe(true);
    expect(ctx.lines.map((l) => l.text).join("\n")).not.toContain(run.hook.url);

    run.hook.answer(200);
    await handlerAt(run, "2026-11-25T04:00:00Z")(onTimeTimer, context());
    expect(run.hook.received).toHaveLength(1);
  });
});
