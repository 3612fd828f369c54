/**
 * The alert evaluation end to end on the real local services: jobs served through the real Log Analytics
 * client over HTTPS (the sample estate, or a few hand-made rows), the alert state and the outbox in Azurite,
 * and a loopback webhook that counts what it receives.
 */
import { afterEach, describe, expect, inject, it } from "vitest";
import { loadConfig, SettingError, type Config } from "../../src/config.js";
import {
  missingTable,
  startLogsEndpoint,
  type LogsEndpoint,
  type LogsProvider,
} from "../../src/local/logs-endpoint.js";
import type { Estate } from "../../src/demo/estate.js";
import type { GenericAlertPayload } from "../../src/delivery/generic.js";
import { alertKey, type Alert } from "../../src/domain/alert-rules.js";
import { JOB_QUERY_COLUMNS } from "../../src/logs/columns.js";
import { alertBatchKey } from "../../src/pipeline/alert-delivery.js";
import { INGESTION_OVERLAP_MS } from "../../src/pipeline/alert-window.js";
import {
  runAlerts,
  type AlertDeps,
  type AlertRunOptions,
  type AlertRunResult,
} from "../../src/pipeline/alerts.js";
import { openAlertDeps } from "../../src/pipeline/deps.js";
import { AlertStateStore } from "../../src/store/alert-state.js";
import { openTables } from "../../src/store/tables.js";
import { staticCredential } from "../support/local-azure.js";
import {
  alertCheckpointError,
  FAST_LOGS_RETRY,
  startAlertEstateRun,
  startWebhookReceiver,
  type LocalRun,
  type WebhookReceiver,
} from "./local-run.js";

const connectionString = inject("tablesConnection");
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

const HOUR = 3_600_000;
const VSS = "ExtensionFailedVssWriterInBadState";

// ---------------------------------------------------------------------------------------------------------
// The sample estate

async function estateRun(env: Record<string, string | undefined> = {}): Promise<LocalRun> {
  const run = await startAlertEstateRun(env);
  closers.push(() => run.close());
  return run;
}

const NOW = new Date("2026-11-25T03:00:00Z");
const SINCE = new Date("2026-11-24T12:00:00Z");

/** The estate's own truth: the latest row of each finished job that had arrived by `nowMs`. */
function arrivedJobs(estate: Estate, nowMs: number) {
  return estate.jobs.flatMap((job) => {
    const rows = job.rows.filter((r) => r.timeGeneratedMs <= nowMs);
    const latest = rows.sort((a, b) => b.timeGeneratedMs - a.timeGeneratedMs)[0];
    if (!latest || latest.status === "InProgress") return [];
    return [{ job, status: latest.status, code: latest.code, tg: latest.timeGeneratedMs }];
  });
}

const vmOf = (vault: string, vm: string): string => `${vault.toLowerCase()}|${vm}`;

function vmsFiring(result: AlertRunResult, rule: string): string[] {
  return result.alerts
    .filter((a) => a.rules.includes(rule as Alert["rule"]))
    .map((a) => vmOf(a.vault, a.vm))
    .sort();
}

describe("alerts on the sample estate", () => {
  it("fires each default rule for exactly the VMs the estate says, in one posted message", async () => {
    const run = await estateRun();
    run.setNow(NOW.getTime());
    const deps = await openAlertDeps(run.config, run.depsOptions);
    const result = await runAlerts(run.config, deps, { now: NOW, since: SINCE });

    const arrived = arrivedJobs(run.estate, NOW.getTime());
    const fresh = arrived.filter((a) => a.tg > SINCE.getTime());
    expect(result.newJobs).toBe(fresh.length);
    expect(result.complete).toBe(true);

    // vss: every VM with a new VSS writer code.
    const vss = [
      ...new Set(fresh.filter((a) => a.code === VSS).map((a) => vmOf(a.job.vm.vault.name, a.job.vm.name))),
    ];
    expect(vss).toContain(vmOf("rsv-prod-weu", run.estate.notable.vssWarnings));
    expect(vmsFiring(result, "vss")).toEqual(vss.sort());

    // consecutive-failures (N = 2): the latest two runs of the VM failed, one of them new.
    const windowStart = NOW.getTime() - 2 * 24 * HOUR;
    const streaks = new Map<string, typeof arrived>();
    for (const a of arrived) {
      if (a.job.startMs < windowStart) continue;
      const key = vmOf(a.job.vm.vault.name, a.job.vm.name);
      streaks.set(key, [...(streaks.get(key) ?? []), a]);
    }
    const failing = [...streaks]
      .filter(([, jobs]) => {
        const latest = jobs.sort((x, y) => y.job.startMs - x.job.startMs).slice(0, 2);
        return (
          latest.length === 2 &&
          latest.every((j) => j.status === "Failed") &&
          latest.some((j) => j.tg > SINCE.getTime())
        );
      })
      .map(([key]) => key)
      .sort();
    expect(failing).toContain(vmOf("rsv-prod-weu", run.estate.notable.failingStreak));
    expect(vmsFiring(result, "consecutive-failures")).toEqual(failing);

    // consistency-downgrade: the Windows VSS warnings and the Linux VM whose pre-script timed out.
    const downgraded = vmsFiring(result, "consistency-downgrade");
    expect(downgraded).toContain(vmOf("rsv-prod-weu", run.estate.notable.vssWarnings));
    expect(downgraded).toContain(vmOf("rsv-prod-weu", run.estate.notable.scriptTimeouts));
    expect(downgraded).not.toContain(vmOf("rsv-dev-weu", run.estate.notable.stopped)); // inferred: no look-up

    // One message, carrying every alert, under the key its alerts and jobs give.
    expect(run.hook.requests).toBe(1);
    const posted = run.hook.received[0] as unknown as GenericAlertPayload;
    expect(posted.kind).toBe("alert");
    expect(posted.alerts.map((a) => `${a.rule}|${a.vm}|${a.jobId}`)).toEqual(
      result.alerts.map((a) => `${a.rule}|${a.vm}|${a.jobId}`),
    );
    expect(result.deliveryKey).toBe(alertBatchKey(result.alerts));
    expect(result.delivery?.posted).toEqual([{ kind: "alert", key: result.deliveryKey, status: 200 }]);
    const sqlVss = posted.alerts.find((a) => a.rule === "vss" && a.vm === run.estate.notable.vssWarnings);
    expect(sqlVss?.action).toContain("vssadmin list writers");
    // One alert for the VSS downgrade, naming both reasons; with recovery points off nothing is read through
    // ARM, so SQL Server is not known to be in play on it.
    expect(sqlVss?.rules).toEqual(["vss", "consistency-downgrade"]);
    expect(sqlVss?.hints?.join(" ")).toContain("SnapshotWithoutThreads");
    expect(sqlVss?.hints?.join(" ")).not.toContain("USEVSSCOPYBACKUP");
    expect(new Set(posted.alerts.map((a) => a.jobId)).size).toBe(posted.alerts.length);

    // Remembered: every alert key with its job, and the checkpoint at the run time.
    const state = deps.state as AlertStateStore;
    const fired = await state.listFired();
    expect(fired.map((f) => `${f.key}@${f.jobId}`).sort()).toEqual(
      result.alerts.flatMap((a) => a.keys.map((key) => `${key}@${a.jobId}`)).sort(),
    );
    expect(fired.every((f) => f.firedAtMs === NOW.getTime())).toBe(true);
    expect(await state.readCheckpoint()).toMatchObject({ evaluatedToMs: NOW.getTime() });
    expect(result.checkpointAdvanced).toBe(true);
  });

  it("on the defaults advises the copy-only VSS setting only where the vault protects SQL Server in the VM", async () => {
    const run = await estateRun({ PULSE_RECOVERY_POINTS: undefined });
    run.setNow(NOW.getTime());
    const result = await runAlerts(run.config, await openAlertDeps(run.config, run.depsOptions), {
      now: NOW,
      since: SINCE,
      dryRun: true,
    });
    const vssSteps = (a: Alert): boolean => a.hints.some((h) => h.includes("SnapshotWithoutThreads"));
    const vss = result.alerts.filter(vssSteps);
    const sql = vss.filter((a) => a.hints.join(" ").includes("USEVSSCOPYBACKUP"));
    // The SQL Server VM with VSS warnings (its databases protected in rsv-prod-weu), and no other.
    expect(sql.map((a) => vmOf(a.vault, a.vm))).toEqual([
      vmOf("rsv-prod-weu", run.estate.notable.vssWarnings),
    ]);
    expect(vss.length).toBeGreaterThan(1);
    // One list of SQL Server databases per vault with a new VSS problem, none for the other vaults.
    const sqlLists = run.arm.requests
      .filter((r) => r.kind === "backupProtectedItems" && /'AzureWorkload'/.test(r.filter ?? ""))
      .map((r) => r.vault?.split("/").at(-1)?.toLowerCase());
    const vssVaults = [...new Set(vss.map((a) => a.vault.toLowerCase()))].sort();
    expect(sqlLists.sort()).toEqual(vssVaults);
    expect(vssVaults.length).toBeLessThan(run.estate.vaults.length);
  });

  it("a re-run for the same window posts nothing new; the next run starts from the checkpoint", async () => {
    const run = await estateRun();
    run.setNow(NOW.getTime());
    const deps = await openAlertDeps(run.config, run.depsOptions);
    const first = await runAlerts(run.config, deps, { now: NOW, since: SINCE });
    expect(first.alerts.length).toBeGreaterThan(3);

    const again = await runAlerts(run.config, deps, { now: NOW, since: SINCE });
    expect(again.alerts).toEqual([]);
    expect(again.suppressed).toBe(first.alerts.flatMap((a) => a.rules).length);
    expect(again.delivery?.posted).toEqual([]);
    expect(run.hook.requests).toBe(1);

    // An hour later, from the checkpoint: nothing new has arrived for these VMs, nothing is posted.
    const later = new Date(NOW.getTime() + HOUR);
    run.setNow(later.getTime());
    const next = await runAlerts(run.config, deps, { now: later });
    expect(next.sinceSource).toBe("checkpoint");
    expect(next.since).toBe(new Date(NOW.getTime() - INGESTION_OVERLAP_MS).toISOString());
    expect(next.alerts).toEqual([]);
    expect(run.hook.requests).toBe(1);
  });

  it("with every point looked up, the stopped VM's crash-consistent point raises nothing: its Activity Log says it was deallocated", async () => {
    const run = await estateRun({ PULSE_RECOVERY_POINTS: "all", PULSE_ALERT_RULES: "consistency-downgrade" });
    run.setNow(NOW.getTime());
    const deps = await openAlertDeps(run.config, run.depsOptions);
    const result = await runAlerts(run.config, deps, { now: NOW, since: SINCE, dryRun: true });
    expect(result.recoveryPoints.matched).toBeGreaterThan(0);
    expect(result.alerts.find((a) => a.vm === run.estate.notable.stopped)).toBeUndefined();
    expect(result.alerts.length).toBeGreaterThan(0);
    expect(result.alerts.every((a) => a.rule === "consistency-downgrade")).toBe(true);
    // The Activity Log was read for crash points only: the stopped VM's new jobs and the Enhanced-policy VM's
    // crash fallback; never for the crash-only policy's crash points, which are what that policy asks for.
    const activity = run.arm.requests.filter((r) => /\/eventtypes\/management\/values$/i.test(r.path));
    const { stopped, crashOnly, enhanced } = run.estate.notable;
    const readFor = (vm: string) =>
      activity.filter((r) => (r.filter ?? "").includes(`/virtualmachines/${vm}'`));
    expect([readFor(stopped).length, readFor(crashOnly).length, readFor(enhanced).length]).toEqual([1, 0, 1]);
    expect(activity).toHaveLength(2);
    expect(activity.some((r) => (r.filter ?? "").includes(`/virtualmachines/${stopped}'`))).toBe(true);
    expect(
      activity.every((r) =>
        [stopped, crashOnly, enhanced].some((vm) => (r.filter ?? "").includes(`/virtualmachines/${vm}'`)),
      ),
    ).toBe(true);
    // Job details are read for the umbrella code only: the umbrella-VSS VM's failed job, once.
    const umbrellaJobs = run.estate.jobs
      .filter((j) => j.vm.name === run.estate.notable.umbrellaVss && j.code === "VMRestorePointClientError")
      .map((j) => j.jobId);
    expect(
      run.arm.requests.filter((r) => /\/backupJobs\//i.test(r.path)).map((r) => r.path.split("/").at(-1)),
    ).toEqual(umbrellaJobs);
    expect(umbrellaJobs).toHaveLength(1);
  });

  it("a workspace that cannot be read keeps the checkpoint, and the next run catches up without repeats", async () => {
    const run = await estateRun();
    const deps = await openAlertDeps(run.config, run.depsOptions);
    const state = deps.state as AlertStateStore;
    const t1 = new Date("2026-11-24T12:00:00Z");
    run.setNow(t1.getTime());
    await runAlerts(run.config, deps, { now: t1 });
    expect((await state.readCheckpoint())?.evaluatedToMs).toBe(t1.getTime());

    const legacy = run.estate.workspaces.find((w) => w.legacy)?.workspaceId ?? "";
    run.logs.failWorkspace(legacy, "insufficient-access");
    run.setNow(NOW.getTime());
    const partial = await runAlerts(run.config, deps, { now: NOW });
    expect(partial.complete).toBe(false);
    expect(partial.checkpointAdvanced).toBe(false);
    expect((await state.readCheckpoint())?.evaluatedToMs).toBe(t1.getTime());
    expect(partial.alerts.every((a) => a.vault !== "RSV-LEGACY-NEU")).toBe(true);
    const postedFirst = run.hook.requests;

    run.logs.restoreWorkspace(legacy);
    const later = new Date(NOW.getTime() + HOUR);
    run.setNow(later.getTime());
    const caughtUp = await runAlerts(run.config, deps, { now: later });
    expect(caughtUp.complete).toBe(true);
    expect(partial.alerts.length).toBeGreaterThan(0);
    expect(caughtUp.alerts.length).toBeGreaterThan(0);
    expect(caughtUp.since).toBe(new Date(t1.getTime() - INGESTION_OVERLAP_MS).toISOString());
    // Only what the partial run could not see is new; what it posted is not posted again.
    const partialKeys = new Set(partial.alerts.map((a) => a.key));
    expect(caughtUp.alerts.some((a) => partialKeys.has(a.key))).toBe(false);
    expect(caughtUp.alerts.every((a) => a.vault.toLowerCase() === "rsv-legacy-neu")).toBe(true);
    expect(run.hook.requests).toBe(postedFirst + (caughtUp.alerts.length > 0 ? 1 : 0));
    expect((await state.readCheckpoint())?.evaluatedToMs).toBe(later.getTime());
  });
});

// ---------------------------------------------------------------------------------------------------------
// A few hand-made rows

const WORKSPACE = "0b5e7a1c-3d2f-4e6a-9b8c-7d6e5f4a3b2c";
const VAULT_ID =
  "/SUBSCRIPTIONS/6F1C2D3E-4A5B-4C6D-8E7F-9A0B1C2D3E4F/RESOURCEGROUPS/RG-BACKUP/PROVIDERS/MICROSOFT.RECOVERYSERVICES/VAULTS/RSV-HAND";

interface HandRow {
  jobId: string;
  vm: string;
  /** Job start and row TimeGenerated, ISO-8601. */
  start: string;
  tg: string;
  status: "Completed" | "CompletedWithWarnings" | "Failed";
  code?: string;
  os?: "Windows" | "Linux";
}

function wire(r: HandRow): unknown[] {
  const container = `iaasvmcontainerv2;rg-hand;${r.vm}`;
  return [
    r.tg,
    r.jobId,
    r.start,
    r.status === "Failed" ? 400 : 1800,
    r.status,
    r.code ?? "Success",
    "Backup",
    "",
    "IaaSVM",
    "rsv-hand",
    VAULT_ID,
    `1;${container}`,
    r.vm,
    container,
    r.os ?? "Windows",
  ];
}

interface HandWorld {
  rows: HandRow[];
  logs: LogsEndpoint;
  hook: WebhookReceiver;
  config: Config;
  deps: AlertDeps;
  state: AlertStateStore;
  /** The endpoint serves the rows generated by `iso`. */
  serveUntil(iso: string): void;
  /** Runs an evaluation at `iso` (the endpoint serves the rows generated by then). */
  at(iso: string, options?: Omit<AlertRunOptions, "now">): Promise<AlertRunResult>;
}

let worlds = 0;

async function handWorld(rows: HandRow[], env: Record<string, string> = {}): Promise<HandWorld> {
  let nowMs = 0;
  const provider: LogsProvider = (request) => {
    if (request.queryName !== "jobs") return missingTable("AzureDiagnostics");
    const from = Date.parse(request.params.rangeStart ?? "");
    const to = Date.parse(request.params.rangeEnd ?? "");
    const served = rows.filter((r) => {
      const start = Date.parse(r.start);
      return start >= from && start < to && Date.parse(r.tg) <= nowMs;
    });
    return { columns: JOB_QUERY_COLUMNS.map((c) => ({ ...c })), rows: served.map(wire) };
  };
  const [logs, hook] = await Promise.all([startLogsEndpoint({ provider }), startWebhookReceiver()]);
  closers.push(
    () => logs.close(),
    () => hook.close(),
  );
  const config = loadConfig(
    {
      PULSE_WORKSPACE_IDS: WORKSPACE,
      PULSE_LOGS_ENDPOINT: logs.endpoint,
      PULSE_RECOVERY_POINTS: "off",
      PULSE_TABLES_CONNECTION: connectionString,
      PULSE_WEBHOOK_URL: hook.url,
      ...env,
    },
    { requireRunSettings: true },
  );
  const deps = await openAlertDeps(config, {
    credential: staticCredential(),
    tlsCa: inject("loopbackCa"),
    tablePrefix: `alerts${process.pid}w${worlds++}`,
    logsRetry: FAST_LOGS_RETRY,
    poster: { maxAttempts: 1, timeoutInMs: 2_000 },
  });
  return {
    rows,
    logs,
    hook,
    config,
    deps,
    state: deps.state as AlertStateStore,
    serveUntil(iso) {
      nowMs = Date.parse(iso);
    },
    at(iso, options = {}) {
      nowMs = Date.parse(iso);
      return runAlerts(config, deps, { ...options, now: new Date(nowMs) });
    },
  };
}

const vssRow = (jobId: string, start: string, tg: string, vm = "vm-sql-01"): HandRow => ({
  jobId,
  vm,
  start,
  tg,
  status: "CompletedWithWarnings",
  code: VSS,
});

describe("alerts on hand-made rows", () => {
  it("fires each default rule: two failures in a row, a downgrade, a VSS code", async () => {
    const w = await handWorld(
      [
        {
          jobId: "f1",
          vm: "vm-app-01",
          start: "2026-11-23T22:00:00Z",
          tg: "2026-11-23T22:30:00Z",
          status: "Failed",
          code: "UserErrorGuestAgentStatusUnavailable",
        },
        {
          jobId: "f2",
          vm: "vm-app-01",
          start: "2026-11-24T22:00:00Z",
          tg: "2026-11-24T22:30:00Z",
          status: "Failed",
          code: "UserErrorGuestAgentStatusUnavailable",
        },
        {
          jobId: "ok",
          vm: "vm-web-01",
          start: "2026-11-24T22:00:00Z",
          tg: "2026-11-24T22:40:00Z",
          status: "Completed",
        },
        {
          jobId: "pg",
          vm: "vm-pg-01",
          os: "Linux",
          start: "2026-11-24T22:00:00Z",
          tg: "2026-11-24T22:40:00Z",
          status: "CompletedWithWarnings",
          code: "Pre-ScriptTimeout",
        },
        vssRow("v1", "2026-11-24T22:05:00Z", "2026-11-24T22:45:00Z"),
      ],
      { PULSE_LINUX_APP_CONSISTENT_VMS: "vm-pg-*" },
    );
    const result = await w.at("2026-11-24T23:00:00Z");
    expect(result.sinceSource).toBe("first-run");
    expect(result.since).toBe("2026-11-24T22:00:00.000Z");
    // One alert per job: the VSS downgrade names both of its reasons.
    expect(result.alerts.map((a) => [a.rules.join("+"), a.vm, a.jobId])).toEqual([
      ["consecutive-failures", "vm-app-01", "f2"],
      ["consistency-downgrade", "vm-pg-01", "pg"],
      ["vss+consistency-downgrade", "vm-sql-01", "v1"],
    ]);
    expect(w.hook.requests).toBe(1);
    expect((w.hook.received[0] as unknown as GenericAlertPayload).count).toBe(3);
  });

  it("PULSE_LOCALE=ja posts the alerts in Japanese, times in PULSE_TIMEZONE, advice with ja-jp links", async () => {
    const w = await handWorld([vssRow("v1", "2026-11-24T22:05:00Z", "2026-11-24T22:45:00Z")], {
      PULSE_LOCALE: "ja",
      PULSE_TIMEZONE: "Asia/Tokyo",
    });
    await w.at("2026-11-24T23:00:00Z");
    const posted = w.hook.received[0] as unknown as GenericAlertPayload;
    expect(posted.alerts.map((a) => a.title)).toEqual([
      "vm-sql-01: VSS の問題 (ExtensionFailedVssWriterInBadState)",
    ]);
    const [alert] = posted.alerts;
    expect(alert?.detail).toContain("(開始 2026/11/25 07:05 (Asia/Tokyo))");
    expect(alert?.detail).toContain("同時に検出: vm-sql-01: アプリケーション整合性ではなく");
    expect(alert?.action).toMatch(/^`vssadmin list writers` を実行し/);
    expect(alert?.docUrl).toMatch(/^https:\/\/learn\.microsoft\.com\/ja-jp\/azure\/backup\//);
  });

  it("an alert for the same VM and rule stays quiet within the cooldown and is posted again after it", async () => {
    const w = await handWorld(
      [
        vssRow("v1", "2026-11-24T01:00:00Z", "2026-11-24T01:40:00Z"),
        vssRow("v2", "2026-11-24T02:30:00Z", "2026-11-24T03:10:00Z"),
        vssRow("other", "2026-11-24T02:30:00Z", "2026-11-24T03:10:00Z", "vm-sql-02"),
        vssRow("v3", "2026-11-25T01:30:00Z", "2026-11-25T02:10:00Z"),
      ],
      { PULSE_ALERT_RULES: "vss" }, // cooldown 24 h
    );
    const first = await w.at("2026-11-24T02:00:00Z");
    expect(first.alerts.map((a) => a.jobId)).toEqual(["v1"]);

    // A new VSS failure of the same VM an hour later: suppressed. Another VM is not affected.
    const second = await w.at("2026-11-24T03:15:00Z");
    expect(second.suppressed).toBe(1);
    expect(second.alerts.map((a) => [a.vm, a.jobId])).toEqual([["vm-sql-02", "other"]]);

    // 25 hours after the first alert, the next failure of the first VM is posted again.
    const third = await w.at("2026-11-25T03:00:00Z");
    expect(third.alerts.map((a) => a.jobId)).toEqual(["v3"]);
    expect(
      w.hook.received.map((p) => (p as unknown as GenericAlertPayload).alerts.map((a) => a.jobId)),
    ).toEqual([["v1"], ["other"], ["v3"]]);
    const fired = await w.state.readFired([alertKey("vss", "rsv-hand", "vm-sql-01")]);
    expect(fired.get(alertKey("vss", "rsv-hand", "vm-sql-01"))).toMatchObject({
      jobId: "v3",
      firedAtMs: Date.parse("2026-11-25T03:00:00Z"),
    });
  });

  it("never posts twice for the same job, even with no cooldown and re-read rows", async () => {
    const w = await handWorld([vssRow("v1", "2026-11-24T01:00:00Z", "2026-11-24T01:55:00Z")], {
      PULSE_ALERT_RULES: "vss,cooldown:0",
    });
    expect((await w.at("2026-11-24T02:00:00Z")).alerts).toHaveLength(1);
    // Five minutes later the row is inside the ingestion overlap and read as new again.
    const again = await w.at("2026-11-24T02:05:00Z");
    expect(again.newJobs).toBe(1);
    expect(again.alerts).toEqual([]);
    expect(again.alreadySent).toBe(1);
    expect(w.hook.requests).toBe(1);
  });

  it("a failing webhook is retried on the next run, once, without a duplicate", async () => {
    const w = await handWorld([vssRow("v1", "2026-11-24T01:00:00Z", "2026-11-24T01:40:00Z")]);
    w.hook.answer(503);
    const failed = await w.at("2026-11-24T02:00:00Z");
    expect(failed.alerts).toHaveLength(1);
    expect(failed.delivery?.failed).toMatchObject([
      { kind: "alert", key: failed.deliveryKey, state: "pending" },
    ]);
    expect(failed.delivery?.failed[0]?.error).not.toContain(w.hook.url);
    expect(w.hook.requests).toBe(1);
    expect(w.hook.received).toHaveLength(0);

    w.hook.answer(200);
    const retried = await w.at("2026-11-24T03:00:00Z");
    expect(retried.alerts).toEqual([]); // recorded at the first run: not evaluated as new alerts again
    expect(retried.delivery?.posted).toEqual([{ kind: "alert", key: failed.deliveryKey, status: 200 }]);
    expect(w.hook.received).toHaveLength(1);
    expect((w.hook.received[0] as unknown as GenericAlertPayload).alerts.map((a) => a.rules)).toEqual([
      ["vss", "consistency-downgrade"],
    ]);

    const quiet = await w.at("2026-11-24T04:00:00Z");
    expect(quiet.delivery?.posted).toEqual([]);
    expect(w.hook.requests).toBe(2);
  });

  it("a dry run posts, records and moves nothing", async () => {
    const w = await handWorld([vssRow("v1", "2026-11-24T01:00:00Z", "2026-11-24T01:40:00Z")]);
    const dry = await w.at("2026-11-24T02:00:00Z", { dryRun: true });
    expect(dry.alerts).toHaveLength(1);
    expect(dry.delivery).toBeNull();
    expect(w.hook.requests).toBe(0);
    expect(await w.state.listFired()).toEqual([]);
    expect(await w.state.readCheckpoint()).toBeNull();
    // The real run afterwards still posts them.
    expect((await w.at("2026-11-24T02:00:00Z")).delivery?.posted).toHaveLength(1);
  });

  it("a dry run creates no table (it only reads the state, which reads as empty)", async () => {
    const w = await handWorld([vssRow("v1", "2026-11-24T01:00:00Z", "2026-11-24T01:40:00Z")]);
    const prefix = `alertsdry${process.pid}`;
    const deps = await openAlertDeps(w.config, {
      credential: staticCredential(),
      tlsCa: inject("loopbackCa"),
      tablePrefix: prefix,
      dryRun: true,
    });
    w.serveUntil("2026-11-24T02:00:00Z");
    const result = await runAlerts(w.config, deps, { now: new Date("2026-11-24T02:00:00Z"), dryRun: true });
    expect(result.alerts).toHaveLength(1);
    const missing = await alertCheckpointError(prefix);
    expect(missing?.statusCode).toBe(404);
    expect(missing?.message).toContain("TableNotFound");
  });

  it("a bad PULSE_ALERT_RULES stops before any request, naming the setting", async () => {
    const w = await handWorld([vssRow("v1", "2026-11-24T01:00:00Z", "2026-11-24T01:40:00Z")], {
      PULSE_ALERT_RULES: "vss,cooldown:1w",
    });
    await expect(w.at("2026-11-24T02:00:00Z")).rejects.toThrow(SettingError);
    await expect(w.at("2026-11-24T02:00:00Z")).rejects.toThrow(/^PULSE_ALERT_RULES: cooldown:1w/);
    expect(w.logs.requests).toEqual([]);
    expect(w.hook.requests).toBe(0);
  });

  it("PULSE_ALERT_RULES=off evaluates nothing and reads nothing", async () => {
    const w = await handWorld([vssRow("v1", "2026-11-24T01:00:00Z", "2026-11-24T01:40:00Z")], {
      PULSE_ALERT_RULES: "off",
    });
    const result = await w.at("2026-11-24T02:00:00Z");
    expect(result.alerts).toEqual([]);
    expect(result.rules).toBe("off");
    expect(w.logs.requests).toEqual([]);
  });
});

describe("the alert state table", () => {
  let stores = 0;
  async function freshState(): Promise<AlertStateStore> {
    const tables = openTables({ kind: "connection", connectionString }, undefined, {
      tablePrefix: `alertstate${process.pid}s${stores++}`,
    });
    return AlertStateStore.open(tables);
  }

  it("moves the checkpoint only forwards", async () => {
    const state = await freshState();
    expect(await state.readCheckpoint()).toBeNull();
    const later = {
      evaluatedToMs: Date.parse("2026-11-25T03:00:00Z"),
      lastTimeGeneratedMs: null,
      ranAt: "x",
    };
    await state.advanceCheckpoint(later);
    const earlier = { ...later, evaluatedToMs: Date.parse("2026-11-25T02:00:00Z") };
    expect(await state.advanceCheckpoint(earlier)).toEqual(later);
    expect(await state.readCheckpoint()).toEqual(later);
    // Two runs at once: the later one wins whatever the order the writes land in.
    const a = { ...later, evaluatedToMs: later.evaluatedToMs + HOUR, lastTimeGeneratedMs: 1 };
    const b = { ...later, evaluatedToMs: later.evaluatedToMs + 2 * HOUR, lastTimeGeneratedMs: 2 };
    await Promise.all([state.advanceCheckpoint(a), state.advanceCheckpoint(b)]);
    expect(await state.readCheckpoint()).toEqual(b);
  });

  it("records and reads back firings for any names, in batches of at most 100", async () => {
    const state = await freshState();
    const alerts = Array.from({ length: 250 }, (_, i) => ({
      key: alertKey("vss", "Vault#1", `vm/${i}?|x`),
      jobId: `job-${i}`,
      rule: "vss",
      vault: "Vault#1",
      vm: `vm/${i}?|x`,
    }));
    await state.recordFired(alerts, Date.parse("2026-11-25T03:00:00Z"));
    expect(await state.listFired()).toHaveLength(250);
    const some = await state.readFired([alerts[7]!.key, alerts[249]!.key, alertKey("vss", "v", "never")]);
    expect([...some.keys()]).toEqual(expect.arrayContaining([alerts[7]!.key, alerts[249]!.key]));
    expect(some.size).toBe(2);
    expect(some.get(alerts[249]!.key)).toEqual({
      ...alerts[249],
      firedAtMs: Date.parse("2026-11-25T03:00:00Z"),
    });
  });
});
