/**
 * `backup-pulse alerts` on the real local services: the sample estate through the local Log Analytics
 * endpoint, Azurite for the alert state and outbox, and a loopback webhook.
 */
import { afterEach, describe, expect, inject, it } from "vitest";
import { ALERTS_USAGE, runAlertsCommand } from "../../src/commands/alerts.js";
import type { GenericAlertPayload } from "../../src/delivery/generic.js";
import type { AlertRunResult } from "../../src/pipeline/alerts.js";
import { alertCheckpointError, startAlertEstateRun, type LocalRun } from "../pipeline/local-run.js";
import { captureIo } from "../support/capture-io.js";

const connectionString = inject("tablesConnection");
const NOW = new Date("2026-11-25T03:00:00Z");
const SINCE = "2026-11-24T12:00:00Z";
/** A webhook address carrying a signature, as Teams and Slack URLs do: it must never be printed. */
const SECRET_QUERY = "?sig=TOPSECRETSIGNATURE";

const open: LocalRun[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function estateRun(env: Record<string, string | undefined> = {}): Promise<LocalRun> {
  const run = await startAlertEstateRun(env);
  open.push(run);
  run.setNow(NOW.getTime());
  return run;
}

async function alerts(run: LocalRun, args: string[], env: Record<string, string> = run.env) {
  const c = captureIo(env);
  const code = await runAlertsCommand(args, c, { now: () => NOW, deps: run.depsOptions });
  return { code, out: c.out(), err: c.err() };
}

function secretEnv(run: LocalRun): Record<string, string> {
  return { ...run.env, PULSE_WEBHOOK_URL: run.hook.url + SECRET_QUERY };
}

function noSecrets(text: string, env: Record<string, string>): void {
  expect(text).not.toContain("TOPSECRETSIGNATURE");
  expect(text).not.toContain(env.PULSE_WEBHOOK_URL);
  expect(text).not.toMatch(/AccountKey=/);
}

describe("backup-pulse alerts", () => {
  it("--help prints the usage and exits 0", async () => {
    const c = captureIo({});
    expect(await runAlertsCommand(["--help"], c)).toBe(0);
    expect(c.out()).toBe(ALERTS_USAGE);
    expect(c.out()).toContain("--since ISO-8601");
  });

  it.each([
    [["--since", "yesterday"], "--since must be an ISO-8601 date-time"],
    [["--since", "2026-11-24"], "--since must be an ISO-8601 date-time"],
    [["--since", "2026-11-26T00:00:00Z"], "--since must be in the past"],
    [["--since", "2026-10-01T00:00:00Z"], "at most 30 days"],
    [["--format", "csv"], "--format must be text or json"],
    [["--bogus"], "Unknown option"],
  ])("exits 2 on bad usage %j", async (args, message) => {
    const c = captureIo({});
    expect(await runAlertsCommand(args, c, { now: () => NOW })).toBe(2);
    expect(c.err()).toContain(message);
    expect(c.out()).toBe("");
  });

  it("exits 2 naming a missing setting", async () => {
    const c = captureIo({ PULSE_TABLES_CONNECTION: connectionString });
    expect(await runAlertsCommand([], c, { now: () => NOW })).toBe(2);
    expect(c.err()).toMatch(/^backup-pulse alerts: PULSE_WORKSPACE_IDS: is required/);
  });

  it("a bad PULSE_ALERT_RULES exits 2 naming the setting before any request reaches the stand-ins", async () => {
    const run = await estateRun();
    const env = { ...secretEnv(run), PULSE_ALERT_RULES: "consecutive-failures:0" };
    const { code, out, err } = await alerts(run, [], env);
    expect(code).toBe(2);
    expect(err).toMatch(
      /^backup-pulse alerts: PULSE_ALERT_RULES: consecutive-failures:0 needs a whole number/,
    );
    expect(out).toBe("");
    noSecrets(err, env);
    expect(run.logs.requests).toEqual([]);
    expect(run.hook.requests).toBe(0);
    // Nothing was created in Table Storage either.
    const missing = await alertCheckpointError(run.tablePrefix);
    expect(missing?.message).toContain("TableNotFound");
  });

  it("--format json prints the result, posts the alerts once, and a re-run posts nothing new", async () => {
    const run = await estateRun();
    const env = secretEnv(run);
    const first = await alerts(run, ["--since", SINCE, "--format", "json"], env);
    expect(first.code).toBe(0);
    const result = JSON.parse(first.out) as AlertRunResult;
    expect(result.since).toBe("2026-11-24T12:00:00.000Z");
    expect(result.until).toBe(NOW.toISOString());
    const fired = result.alerts.map((a) => `${a.rule}|${a.vm}`);
    expect(fired).toContain(`consecutive-failures|${run.estate.notable.failingStreak}`);
    expect(fired).toContain(`vss|${run.estate.notable.vssWarnings}`);
    expect(fired).toContain(`consistency-downgrade|${run.estate.notable.scriptTimeouts}`);
    expect(result.delivery?.posted).toHaveLength(1);
    expect(run.hook.requests).toBe(1);
    expect((run.hook.received[0] as unknown as GenericAlertPayload).count).toBe(result.alerts.length);
    expect(first.err).toContain("Posted the alert message");
    noSecrets(first.out + first.err, env);

    const again = await alerts(run, ["--since", SINCE], env);
    expect(again.code).toBe(0);
    expect(again.out).toMatch(/^No alerts/);
    expect(again.out).toContain(
      `Not posted again: ${result.alerts.flatMap((a) => a.rules).length} within the cooldown`,
    );
    expect(run.hook.requests).toBe(1);
  });

  it("--dry-run prints what would be posted and posts nothing", async () => {
    const run = await estateRun();
    const { code, out, err } = await alerts(run, ["--since", SINCE, "--dry-run"]);
    expect(code).toBe(0);
    expect(out).toMatch(/^\d+ alerts \(new jobs since 2026-11-24T12:00:00.000Z/);
    expect(out).toContain(`[vss] ${run.estate.notable.vssWarnings}: VSS problem`);
    expect(out).toContain("What to do: Run `vssadmin list writers`");
    expect(out).toContain(
      "Also: vm-sql-003: file-system-consistent backup instead of application-consistent.",
    );
    expect(out).toContain("SnapshotWithoutThreads");
    expect(out).not.toContain("USEVSSCOPYBACKUP");
    expect(err).toContain("Dry run: nothing was posted, recorded or moved.");
    expect(run.hook.requests).toBe(0);
  });

  it("--dry-run needs no table target", async () => {
    const run = await estateRun();
    const { PULSE_TABLES_CONNECTION: _tables, ...env } = run.env;
    const { code, out } = await alerts(run, ["--since", SINCE, "--dry-run", "--format", "json"], env);
    expect(code).toBe(0);
    const result = JSON.parse(out) as AlertRunResult;
    expect(result.dryRun).toBe(true);
    expect(result.alerts.map((a) => `${a.rule}|${a.vm}`)).toContain(
      `consecutive-failures|${run.estate.notable.failingStreak}`,
    );
    expect(run.hook.requests).toBe(0);
  });

  it("exits 1 when the webhook does not take the alerts, and the next run delivers them", async () => {
    const run = await estateRun();
    const env = secretEnv(run);
    run.hook.answer(500);
    const failed = await alerts(run, ["--since", SINCE], env);
    expect(failed.code).toBe(1);
    expect(failed.err).toContain("retried on the next run");
    noSecrets(failed.out + failed.err, env);

    run.hook.answer(200);
    const retried = await alerts(run, [], env);
    expect(retried.code).toBe(0);
    expect(run.hook.received).toHaveLength(1);
  });
});
