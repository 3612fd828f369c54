/**
 * The daily job end to end on the real local services: the sample estate served through the real Log
 * Analytics and ARM clients over HTTPS, Table Storage in Azurite, and a loopback webhook.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { runRun } from "../../src/commands/run.js";
import { startLocalTablesWithOAuth } from "../../src/local/azurite-oauth.js";
import { SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import { managedIdentityTokenFor } from "../../src/local/token-endpoint.js";
import { createLogsClient } from "../../src/logs/query-client.js";
import { openDeps } from "../../src/pipeline/deps.js";
import { runDaily } from "../../src/pipeline/daily.js";
import { captureIo } from "../support/capture-io.js";
import { sharedLocalAzure, staticCredential, withEnv } from "../support/local-azure.js";
import {
  arrivedBy,
  expectedTrend,
  FAST_LOGS_RETRY,
  startLocalRun,
  trendCounts,
  type LocalRun,
} from "./local-run.js";

const ALL_ROWS = Number.POSITIVE_INFINITY;
/** Faster runs where recovery points are not the subject (every consistency is then inferred). */
const NO_LOOKUPS = { PULSE_RECOVERY_POINTS: "off" };

const outDir = mkdtempSync(join(tmpdir(), "backup-pulse-run-"));
afterAll(() => rmSync(outDir, { recursive: true, force: true }));

const open: LocalRun[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function localRun(options: Parameters<typeof startLocalRun>[0] = {}): Promise<LocalRun> {
  const run = await startLocalRun(options);
  open.push(run);
  return run;
}

describe("the daily job on the sample estate", () => {
  it("stores each day with exactly the estate's figures once its late rows are in, and posts one digest a day", async () => {
    const run = await localRun({ endDate: "2026-11-20", days: 4 });
    const { days } = run.estate;
    for (const date of days) {
      const result = await run.runDay(date);
      const atRun = arrivedBy(run.estate, date, run.estate.dailyRunMs(date));
      expect(result.complete).toBe(true);
      expect(result.digest.headline.counts.jobs).toBe(atRun.jobs);
      expect(result.digest.headline.counts.failed).toBe(atRun.failed);
      expect(result.delivery?.posted).toEqual([{ kind: "digest", key: date, status: 200 }]);
    }

    const stored = await run.trends(days[0]!, days[3]!);
    expect(stored.map((t) => t.date)).toEqual(days);
    // Every day but the last was re-read after its late rows arrived: exactly the estate's figures.
    for (const date of days.slice(0, 3)) {
      expect(trendCounts(stored.find((t) => t.date === date))).toEqual(expectedTrend(run.expected(date)));
    }
    const last = run.expected(days[3]!);
    const lastStored = stored.find((t) => t.date === days[3]);
    expect(lastStored?.jobs).toBe(arrivedBy(run.estate, days[3]!, run.estate.dailyRunMs(days[3]!)).jobs);
    expect(lastStored?.jobs).toBeLessThan(last.jobs);
    expect(run.hook.received.map((d) => d.date)).toEqual(days);
  });
});

describe("late rows", () => {
  it("a day re-read on the next run gains its late jobs, counted on its own day", async () => {
    const run = await localRun({ endDate: "2026-11-20", days: 2 });
    const [first, second] = run.estate.days as [string, string];
    await run.runDay(first);
    const before = (await run.trends(first, first))[0];
    const atRun = arrivedBy(run.estate, first, run.estate.dailyRunMs(first));
    expect(before?.jobs).toBe(atRun.jobs);
    expect(run.expected(first).jobs - atRun.jobs).toBeGreaterThan(0);

    await run.runDay(second);
    const after = await run.trends(first, second);
    expect(trendCounts(after[0])).toEqual(expectedTrend(run.expected(first)));
    expect(after[1]?.jobs).toBe(arrivedBy(run.estate, second, run.estate.dailyRunMs(second)).jobs);
    // The late jobs themselves: stored on the day they started, not on the day their rows arrived.
    const firstRunMs = run.estate.dailyRunMs(first);
    const late = run.estate.jobs
      .filter((j) => j.date === first && j.status !== null)
      .filter((j) => !j.rows.some((r) => r.status !== "InProgress" && r.timeGeneratedMs <= firstRunMs))
      .map((j) => j.jobId);
    const store = (await run.deps()).store!;
    const firstIds = new Set((await store.readDayJobs(first)).map((j) => j.jobId));
    const secondIds = new Set((await store.readDayJobs(second)).map((j) => j.jobId));
    expect(late.length).toBeGreaterThan(0);
    expect(late.filter((id) => firstIds.has(id))).toEqual(late);
    expect(late.filter((id) => secondIds.has(id))).toEqual([]);
  });
});

describe("re-runs", () => {
  it("running a day again changes no stored figure or entity and posts no second digest", async () => {
    const run = await localRun({ days: 2, env: NO_LOOKUPS });
    const [first, second] = run.estate.days as [string, string];
    await run.runDay(first);
    await run.runDay(second);
    const trends = await run.trends(first, second);
    const counts = await run.entityCounts();
    expect(counts.PulseJobs).toBe(trends[0]!.jobs + trends[1]!.jobs);

    const again = await run.runDay(second);
    expect(again.delivery).toMatchObject({ posted: [], alreadyPosted: [{ kind: "digest", key: second }] });
    expect(await run.trends(first, second)).toEqual(trends);
    expect(await run.entityCounts()).toEqual(counts);
    expect(run.hook.received.filter((d) => d.date === second)).toHaveLength(1);
    expect(run.hook.requests).toBe(2);
  });

  it("an incomplete re-read never replaces a day stored complete", async () => {
    const run = await localRun({ days: 1, env: { ...NO_LOOKUPS, PULSE_LOOKBACK_DAYS: "0" } });
    const [day] = run.estate.days as [string];
    await run.runDay(day, { nowMs: ALL_ROWS });
    const complete = await run.trends(day, day);
    expect(complete[0]?.jobs).toBe(run.expected(day).jobs);

    run.logs.failWorkspace(SAMPLE_WORKSPACES.legacy);
    const reread = await run.runDay(day, { nowMs: ALL_ROWS });
    expect(reread.complete).toBe(false);
    expect(reread.days).toEqual([
      expect.objectContaining({ date: day, complete: false, skipped: expect.stringContaining("complete") }),
    ]);
    expect(await run.trends(day, day)).toEqual(complete);
    expect(await (await run.deps()).store?.readRun(day)).toMatchObject({
      complete: true,
      workspacesFailed: 0,
    });
  });

  it("a re-run whose read is incomplete delivers the stored complete day's digest, not the partial read", async () => {
    const run = await localRun({ days: 1, env: { ...NO_LOOKUPS, PULSE_LOOKBACK_DAYS: "0" } });
    const [day] = run.estate.days as [string];
    const all = run.expected(day).jobs;
    run.hook.answer(500); // the first run stores the day but cannot post: the digest stays in the outbox
    const first = await run.runDay(day, { nowMs: ALL_ROWS });
    expect(first.delivery?.failed).toHaveLength(1);

    run.hook.answer(200);
    run.logs.failWorkspace(SAMPLE_WORKSPACES.legacy);
    const again = await run.runDay(day, { nowMs: ALL_ROWS });
    expect(again.complete).toBe(false);
    expect(again.delivery?.posted).toEqual([{ kind: "digest", key: day, status: 200 }]);
    const [posted] = run.hook.received;
    expect(posted?.headline.counts.jobs).toBe(all);
    expect(posted?.coverage.partial).toBe(false);
    expect(again.digest.headline.counts.jobs).toBe(all);
  });
});

describe("reading Log Analytics", () => {
  it("splits a partial result until every window is whole: same totals, day marked complete", async () => {
    const run = await localRun({ days: 1, env: { ...NO_LOOKUPS, PULSE_LOOKBACK_DAYS: "0" } });
    const [day] = run.estate.days as [string];
    run.logs.setLimits({ maxRows: 120 });
    const result = await run.runDay(day, { nowMs: ALL_ROWS });

    expect(run.logs.requests.some((r) => r.partial)).toBe(true);
    expect(result.workspaces.reduce((n, w) => n + w.partialSplits, 0)).toBeGreaterThan(0);
    expect(result.complete).toBe(true);
    const expected = run.expected(day);
    const [stored] = await run.trends(day, day);
    expect(trendCounts(stored)).toEqual({
      ...expectedTrend(expected),
      application: expected.inferred.application,
      fileSystem: expected.inferred.fileSystem,
      crash: expected.inferred.crash,
      none: expected.inferred.none,
      unknown: expected.inferred.unknown,
    });
    expect(await (await run.deps()).store?.readRun(day)).toMatchObject({ complete: true });
  });

  it("retries a 429 without Retry-After and a 503, then reads everything", async () => {
    const run = await localRun({ days: 1, env: { ...NO_LOOKUPS, PULSE_LOOKBACK_DAYS: "0" } });
    const [day] = run.estate.days as [string];
    // The SDK's own retries, fast as well (its default waits about a second before retrying a 503).
    const deps = {
      ...(await run.deps()),
      logs: createLogsClient({
        endpoint: run.config.logsEndpoint,
        scope: run.config.logsScope,
        credential: staticCredential(),
        tlsCa: sharedLocalAzure().loopbackCa,
        retry: FAST_LOGS_RETRY,
        sdkRetry: { maxRetries: 2, retryDelayInMs: 10, maxRetryDelayInMs: 40 },
      }),
    };
    run.logs.failNext(["throttled", "unavailable"], { workspaceId: SAMPLE_WORKSPACES.main });
    const result = await run.runDay(day, { nowMs: ALL_ROWS, deps });

    const main = run.logs.requests.filter((r) => r.workspaceId === SAMPLE_WORKSPACES.main);
    expect(main.map((r) => r.status).slice(0, 2)).toEqual([429, 503]);
    expect(main.filter((r) => r.status === 200).length).toBeGreaterThan(0);
    expect(result.complete).toBe(true);
    expect(result.digest.headline.counts.jobs).toBe(run.expected(day).jobs);
    expect((await run.trends(day, day))[0]?.jobs).toBe(run.expected(day).jobs);
  });

  it("one workspace failing: the other's data is stored, the day is incomplete, the digest names it, the CLI exits 1", async () => {
    const run = await localRun({ days: 1, env: { ...NO_LOOKUPS, PULSE_LOOKBACK_DAYS: "0" } });
    const [day] = run.estate.days as [string];
    run.setNow(ALL_ROWS);
    run.logs.failWorkspace(SAMPLE_WORKSPACES.legacy);
    const cli = captureIo(run.env);
    const code = await runRun(
      ["--date", day, "--format", "json", "--html", join(outDir, "failing.html")],
      cli,
      {
        ...run.depsOptions,
      },
    );
    expect(code).toBe(1);

    const digest = JSON.parse(cli.out()) as import("../../src/domain/digest.js").Digest;
    expect(digest.coverage.workspacesFailed.map((w) => w.workspaceId)).toEqual([SAMPLE_WORKSPACES.legacy]);
    expect(digest.coverage.partial).toBe(true);
    expect(digest.headline.partial).toBe(true);
    expect(cli.err()).toContain(`workspace ${SAMPLE_WORKSPACES.legacy}: failed`);

    const store = (await run.deps()).store!;
    expect(await store.readRun(day)).toMatchObject({
      complete: false,
      workspacesFailed: 1,
      failedWorkspaceIds: [SAMPLE_WORKSPACES.legacy],
    });
    const mainJobs = run.estate.jobs.filter(
      (j) => j.date === day && j.status !== null && !j.vm.vault.legacy,
    ).length;
    const stored = await store.readDayJobs(day);
    expect(stored).toHaveLength(mainJobs);
    expect(new Set(stored.map((j) => j.vault))).toEqual(new Set(["rsv-prod-weu", "rsv-dev-weu"]));
    // The digest was still posted, marked partial.
    expect(run.hook.received).toHaveLength(1);
    expect(run.hook.received[0]?.coverage.workspacesFailed[0]?.workspaceId).toBe(SAMPLE_WORKSPACES.legacy);
  });
});

describe("credentials", () => {
  it("reads Log Analytics and Table Storage with the managed identity's tokens (DefaultAzureCredential)", async () => {
    const tables = await startLocalTablesWithOAuth();
    try {
      const run = await localRun({
        days: 1,
        env: {
          ...NO_LOOKUPS,
          PULSE_LOOKBACK_DAYS: "0",
          PULSE_TABLES_CONNECTION: undefined,
          PULSE_TABLES_URL: tables.url,
        },
      });
      const [day] = run.estate.days as [string];
      run.setNow(ALL_ROWS);
      const logsToken = managedIdentityTokenFor(run.config.logsScope);
      run.logs.setExpectedToken(logsToken);

      const result = await withEnv(
        { ...sharedLocalAzure().identityEnv, AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential" },
        async () => {
          // No credential given: the composition root's DefaultAzureCredential, as in Azure.
          const { credential: _static, ...options } = run.depsOptions;
          const deps = await openDeps(run.config, options);
          return runDaily(run.config, deps, { date: day });
        },
      );
      expect(run.logs.requests.length).toBeGreaterThan(0);
      expect(run.logs.requests.every((r) => r.authorization === `Bearer ${logsToken}`)).toBe(true);
      expect(result.complete).toBe(true);
      expect(result.digest.headline.counts.jobs).toBe(run.expected(day).jobs);
      expect(result.days[0]).toMatchObject({ date: day, complete: true, jobs: run.expected(day).jobs });
    } finally {
      await tables.close();
    }
  });

  it("refuses a token that is not the managed identity's: the stand-in answers 403 and the day is incomplete", async () => {
    const run = await localRun({ days: 1, env: { ...NO_LOOKUPS, PULSE_LOOKBACK_DAYS: "0" } });
    const [day] = run.estate.days as [string];
    run.logs.setExpectedToken(managedIdentityTokenFor(run.config.logsScope));
    const result = await run.runDay(day, { nowMs: ALL_ROWS });
    expect(run.logs.requests.every((r) => r.status === 403)).toBe(true);
    expect(result.complete).toBe(false);
    expect(result.workspaces.every((w) => w.status === "failed")).toBe(true);
  });
});

describe("bad settings", () => {
  const cases: [string, Record<string, string | undefined>, string][] = [
    ["no workspace", { PULSE_WORKSPACE_IDS: undefined }, "PULSE_WORKSPACE_IDS"],
    ["a workspace that is not a GUID", { PULSE_WORKSPACE_IDS: "law-backup-main" }, "PULSE_WORKSPACE_IDS"],
    ["no table target", { PULSE_TABLES_CONNECTION: undefined }, "PULSE_TABLES_URL"],
    ["an unknown webhook format", { PULSE_WEBHOOK_FORMAT: "email" }, "PULSE_WEBHOOK_FORMAT"],
    [
      "a plain-http webhook off loopback",
      { PULSE_WEBHOOK_URL: "http://hooks.example.com/services/T000/B000/SECRETPART" },
      "PULSE_WEBHOOK_URL",
    ],
    ["a bad look-back", { PULSE_LOOKBACK_DAYS: "three" }, "PULSE_LOOKBACK_DAYS"],
  ];
  it.each(cases)(
    "%s: exit 2 naming the setting, and no request reaches any service",
    async (_, change, setting) => {
      const run = await localRun({ days: 1 });
      const env = { ...run.env, ...change };
      const cli = captureIo(env);
      const code = await runRun(["--date", run.estate.days[0]!, "--html", join(outDir, "never.html")], cli, {
        ...run.depsOptions,
      });
      expect(code).toBe(2);
      expect(cli.err()).toMatch(new RegExp(`^backup-pulse run: ${setting}\\b`));
      expect(cli.err()).not.toContain("SECRETPART");
      expect(cli.out()).toBe("");
      expect(run.logs.requests).toEqual([]);
      expect(run.arm.requests).toEqual([]);
      expect(run.hook.requests).toBe(0);
      expect((await run.entityCounts()).PulseRuns).toBe(0);
    },
  );
});
