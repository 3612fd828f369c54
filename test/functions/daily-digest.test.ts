/**
 * The `dailyDigest` timer handler, called as the host calls it (Timer + InvocationContext), against the sample
 * estate on the local Log Analytics endpoint, Azurite and a loopback webhook.
 */
import type { InvocationContext } from "@azure/functions";
import { afterEach, describe, expect, it } from "vitest";
import { SettingError } from "../../src/config.js";
import { SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import { createDailyDigestTimer } from "../../src/functions/daily-digest.js";
import { startLocalRun, type LocalRun } from "../pipeline/local-run.js";
import { onTimeTimer, recordingContext, type RecordingContext } from "../support/functions.js";

const context = (): RecordingContext => recordingContext("dailyDigest", "digest-test");

const open: LocalRun[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

/** One day of the sample estate; the timer fires at 07:00 UTC the next morning, after every row arrived. */
async function setUp(env: Record<string, string | undefined> = {}): Promise<{
  run: LocalRun;
  day: string;
  fire: (ctx: InvocationContext, settings?: Record<string, string | undefined>) => Promise<void>;
}> {
  const run = await startLocalRun({
    days: 1,
    env: { PULSE_RECOVERY_POINTS: "off", PULSE_LOOKBACK_DAYS: "0", ...env },
  });
  open.push(run);
  const [day] = run.estate.days as [string];
  run.setNow(Number.POSITIVE_INFINITY);
  const fire = (
    ctx: InvocationContext,
    settings: Record<string, string | undefined> = run.env,
  ): Promise<void> =>
    createDailyDigestTimer({ env: settings, deps: run.depsOptions, now: () => run.estate.dailyRunMs(day) })(
      onTimeTimer,
      ctx,
    );
  return { run, day, fire };
}

describe("dailyDigest timer", () => {
  it("runs yesterday's job: stores the day, posts one digest, logs a summary without secrets", async () => {
    const { run, day, fire } = await setUp();
    const ctx = context();
    await fire(ctx);

    const expected = run.expected(day);
    expect((await run.trends(day, day))[0]).toMatchObject({
      date: day,
      jobs: expected.jobs,
      failed: expected.failed,
    });
    expect(run.hook.received.map((d) => [d.date, d.headline.counts.jobs])).toEqual([[day, expected.jobs]]);
    const info = ctx.lines.filter(([level]) => level === "information").map(([, line]) => line);
    expect(info[0]).toBe(`Daily digest for ${day}`);
    expect(info.at(-1)).toMatch(
      new RegExp(
        `^${day}: ${expected.jobs} job\\(s\\) on \\d+ VM\\(s\\), ${expected.failed} failed, .*digest posted$`,
      ),
    );
    expect(JSON.stringify(ctx.lines)).not.toContain(run.hook.url);
    expect(JSON.stringify(ctx.lines)).not.toContain("AccountKey=");

    // The next firing for the same day posts nothing again, and still succeeds.
    await fire(context());
    expect(run.hook.requests).toBe(1);
  });

  it("fails the invocation, naming the workspace, when a workspace could not be read; the rest is stored", async () => {
    const { run, day, fire } = await setUp();
    run.logs.failWorkspace(SAMPLE_WORKSPACES.legacy);
    const ctx = context();
    await expect(fire(ctx)).rejects.toThrow(SAMPLE_WORKSPACES.legacy);
    expect(
      ctx.lines.some(([level, line]) => level === "error" && line.includes("did not finish cleanly")),
    ).toBe(true);
    expect(await (await run.deps()).store?.readRun(day)).toMatchObject({
      complete: false,
      workspacesFailed: 1,
    });
    expect(run.hook.received).toHaveLength(1);
    expect(run.hook.received[0]?.headline.partial).toBe(true);
  });

  it("fails the invocation when the digest could not be delivered, and the next firing delivers it once", async () => {
    const { run, fire } = await setUp();
    run.hook.answer(503);
    await expect(fire(context())).rejects.toThrow(/not delivered/);
    expect(run.hook.received).toHaveLength(0);
    run.hook.answer(200);
    await fire(context());
    expect(run.hook.received).toHaveLength(1);
  });

  it("a bad setting: logs it by name and fails before any request", async () => {
    const { run, fire } = await setUp();
    const ctx = context();
    const settings = { ...run.env, PULSE_WORKSPACE_IDS: "law-backup-main" };
    await expect(fire(ctx, settings)).rejects.toBeInstanceOf(SettingError);
    expect(ctx.lines).toEqual([
      [
        "error",
        'backup-pulse cannot run: PULSE_WORKSPACE_IDS: "law-backup-main" is not a workspace ID (GUID). Correct this app setting.',
      ],
    ]);
    expect(run.logs.requests).toEqual([]);
    expect(run.hook.requests).toBe(0);
    expect((await run.entityCounts()).PulseRuns).toBe(0);
  });
});
