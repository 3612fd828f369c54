import { describe, expect, it } from "vitest";
import type { LogsProviderRows, LogsProviderResult } from "../../src/local/logs-endpoint.js";
import { bulkVaults, generateJobRows } from "../../src/demo/bulk-rows.js";
import {
  buildEstate,
  SAMPLE_ADDITIONAL_FIELDS,
  SAMPLE_WORKSPACES,
  type ConsistencyCounts,
} from "../../src/demo/estate.js";
import { classifyCode, classifyJob } from "../../src/domain/classify.js";
import type { Consistency } from "../../src/domain/model.js";
import { JOB_QUERY_COLUMNS, LEGACY_SIGNAL_COLUMNS } from "../../src/logs/columns.js";
import { normaliseTable } from "../support/normalise.js";

const END = "2026-11-24";
const estate = buildEstate({ endDate: END, days: 14 });

function rowsOf(result: LogsProviderResult | Promise<LogsProviderResult>): LogsProviderRows {
  if (result instanceof Promise || "error" in result) throw new Error("expected rows");
  return result;
}

function dayRequest(workspaceId: string, queryName: string, date: string) {
  const start = new Date(`${date}T00:00:00Z`);
  const end = new Date(start.getTime() + 86_400_000);
  return {
    workspaceId,
    queryName,
    params: { rangeStart: start.toISOString(), rangeEnd: end.toISOString() },
    query: "",
  };
}

/** Reads a day the way the product does: both workspaces, the query each one can answer. */
function readDay(date: string, nowMs?: number) {
  const provider = estate.logsProvider(nowMs);
  const main = rowsOf(provider(dayRequest(SAMPLE_WORKSPACES.main, "jobs", date)));
  const legacy = rowsOf(provider(dayRequest(SAMPLE_WORKSPACES.legacy, "jobs-legacy", date)));
  const names = JOB_QUERY_COLUMNS.map((c) => c.name);
  return {
    rows: main.rows.length + legacy.rows.length,
    read: normaliseTable(names, [...main.rows, ...legacy.rows]),
  };
}

function counts(levels: Consistency[]): ConsistencyCounts {
  const c: ConsistencyCounts = { application: 0, fileSystem: 0, crash: 0, none: 0, unknown: 0 };
  for (const l of levels) {
    if (l === "file-system") c.fileSystem++;
    else c[l]++;
  }
  return c;
}

describe("the sample estate", () => {
  it("is deterministic for a seed and differs for another", () => {
    const again = buildEstate({ endDate: END, days: 14 });
    expect(again.jobs.map((j) => [j.jobId, j.startMs, j.status, j.code])).toEqual(
      estate.jobs.map((j) => [j.jobId, j.startMs, j.status, j.code]),
    );
    const other = buildEstate({ endDate: END, days: 14, seed: 99 });
    expect(other.jobs[0]?.jobId).not.toBe(estate.jobs[0]?.jobId);
  });

  it("has 320 VMs in three vaults in different resource groups, two workspaces, two weeks ending on endDate", () => {
    expect(estate.vms).toHaveLength(320);
    expect(new Set(estate.vaults.map((v) => v.resourceGroup)).size).toBe(3);
    expect(estate.workspaces.map((w) => w.legacy)).toEqual([false, true]);
    expect(estate.days).toHaveLength(14);
    expect(estate.days.at(-1)).toBe(END);
    expect(estate.days[0]).toBe("2026-11-11");
    // One job per VM per day, but the weekly VM's on its 12 days off and the retired VM's on the last day.
    expect(estate.jobs).toHaveLength(320 * 14 - 12 - 1);
    const os = new Set(estate.vms.map((vm) => vm.os));
    expect(os).toEqual(new Set(["Windows", "Linux"]));
    expect(estate.vms.some((vm) => vm.role === "sql")).toBe(true);
    expect(estate.vms.some((vm) => vm.role === "pg")).toBe(true);
  });

  it("contains every scenario the digest has to handle", () => {
    const jobsOf = (vm: string) =>
      estate.jobs.filter(
        (j) =>
          j.vm.name === vm && j.vm.vault.name === estate.jobs.find((x) => x.vm.name === vm)?.vm.vault.name,
      );
    const streak = jobsOf(estate.notable.failingStreak).slice(-4);
    expect(streak.map((j) => [j.status, j.code])).toEqual(
      Array(4).fill(["Failed", "UserErrorGuestAgentStatusUnavailable"]),
    );
    expect(jobsOf(estate.notable.stopped).every((j) => j.point?.type === "CrashConsistent")).toBe(true);
    const vss = jobsOf(estate.notable.vssWarnings).at(-1);
    expect([vss?.status, vss?.code, vss?.point?.type]).toEqual([
      "CompletedWithWarnings",
      "ExtensionFailedVssWriterInBadState",
      "FileSystemConsistent",
    ]);
    expect(jobsOf(estate.notable.scriptTimeouts).at(-1)?.code).toBe("Pre-ScriptTimeout");
    expect(jobsOf(estate.notable.unknownCode).at(-1)?.code).toBe(estate.unknownCode);
    expect(classifyCode(estate.unknownCode)).toMatchObject({
      errorCode: estate.unknownCode,
      errorCategory: "unknown",
    });
    const codes = new Set(estate.jobs.map((j) => j.code));
    expect(codes).toContain("ExtensionSnapshotFailedNoNetwork");
    expect(estate.vms.filter((vm) => vm.reportedOs === "").map((vm) => vm.name)).toEqual(
      estate.notable.unknownOs,
    );
    // Policies and protection, as the vaults' inventory tells them.
    const weekly = jobsOf(estate.notable.weekly);
    expect(weekly.map((j) => new Date(`${j.date}T00:00:00Z`).getUTCDay())).toEqual([0, 0]);
    expect(jobsOf(estate.notable.retired).map((j) => j.date)).toEqual(estate.days.slice(0, -1));
    const crashOnly = jobsOf(estate.notable.crashOnly);
    expect(crashOnly[0]?.vm.os).toBe("Windows");
    expect(crashOnly.every((j) => j.status === "Completed" && j.point?.type === "CrashConsistent")).toBe(
      true,
    );
    const enhanced = jobsOf(estate.notable.enhanced);
    expect(enhanced[0]?.vm.os).toBe("Windows");
    expect(enhanced.map((j) => j.point?.type)).toEqual([
      ...Array(13).fill("AppConsistent"),
      "CrashConsistent",
    ]);
    const rows = estate.jobs.flatMap((j) => j.rows);
    expect(rows.some((r) => r.status === "InProgress")).toBe(true);
    expect(estate.jobs.some((j) => j.rows.length > 1 && j.rows.every((r) => r.status !== "InProgress"))).toBe(
      true,
    );
  });

  it("serves rows only once they have arrived: late rows are missing at the next morning's run", () => {
    const day = estate.days[10] ?? "";
    const atRun = readDay(day, estate.dailyRunMs(day));
    const later = readDay(day);
    const expected = estate.expected.days[10];
    expect(expected?.lateAfterRun).toBeGreaterThan(0);
    expect(later.read.jobs).toHaveLength(expected?.jobs ?? -1);
    expect(atRun.read.jobs.length).toBeLessThan(later.read.jobs.length);
    expect(atRun.rows).toBeLessThan(later.rows);
  });

  it("names each VM by its resource ID: Azure's own on resource-specific rows, built from the container on legacy ones", () => {
    const { read } = readDay(END);
    const main = read.jobs.find((j) => j.vault === "rsv-prod-weu");
    const legacy = read.jobs.find((j) => j.vault.toLowerCase() === "rsv-legacy-neu");
    const vm = estate.vms.find((v) => v.name === main?.vm && v.vault.name === "rsv-prod-weu");
    expect(vm).toBeDefined();
    expect(main?.vmId).toBe(
      `/subscriptions/${vm?.vault.subscriptionId}/resourcegroups/${vm?.resourceGroup}/providers/microsoft.compute/virtualmachines/${vm?.name}`,
    );
    const legacyVm = estate.vms.find((v) => v.name === legacy?.vm && v.vault.name === "rsv-legacy-neu");
    expect(legacy?.vmId).toBe(
      `/subscriptions/${legacyVm?.vault.subscriptionId}/resourcegroups/${legacyVm?.resourceGroup}/providers/microsoft.compute/virtualmachines/${legacyVm?.name}`.toLowerCase(),
    );
    const rows = rowsOf(estate.logsProvider()(dayRequest(SAMPLE_WORKSPACES.main, "jobs", END)));
    const column = rows.columns.findIndex((c) => c.name === "DatasourceResourceId");
    expect(rows.rows.every((r) => String(r[column]).startsWith("/subscriptions/"))).toBe(true);
  });

  it("answers each workspace's missing table as Log Analytics does", () => {
    const provider = estate.logsProvider();
    const legacyJobs = provider(dayRequest(SAMPLE_WORKSPACES.legacy, "jobs", END));
    const mainLegacy = provider(dayRequest(SAMPLE_WORKSPACES.main, "jobs-legacy", END));
    expect(legacyJobs).toMatchObject({
      error: { status: 400, message: expect.stringContaining("'AddonAzureBackupJobs'") },
    });
    expect(mainLegacy).toMatchObject({
      error: { status: 400, message: expect.stringContaining("'AzureDiagnostics'") },
    });
  });

  it("answers the legacy query with its two signal columns, empty on every job row", () => {
    const provider = estate.logsProvider();
    const legacy = rowsOf(provider(dayRequest(SAMPLE_WORKSPACES.legacy, "jobs-legacy", END)));
    const main = rowsOf(provider(dayRequest(SAMPLE_WORKSPACES.main, "jobs", END)));
    expect(legacy.columns).toEqual([...JOB_QUERY_COLUMNS, ...LEGACY_SIGNAL_COLUMNS]);
    expect(main.columns).toEqual([...JOB_QUERY_COLUMNS]);
    expect(legacy.rows.length).toBeGreaterThan(50);
    for (const row of legacy.rows) {
      expect(row).toHaveLength(JOB_QUERY_COLUMNS.length + 2);
      expect(row.slice(-2)).toEqual([null, null]);
      expect(row[1]).toMatch(/^[0-9a-f-]{36}$/);
    }
  });

  it("with AzureDiagnostics full, answers no legacy job but one signal row counting the window's records", () => {
    const request = dayRequest(SAMPLE_WORKSPACES.legacy, "jobs-legacy", END);
    const full = rowsOf(estate.logsProvider(undefined, { azureDiagnosticsFull: true })(request));
    expect(full.columns).toEqual([...JOB_QUERY_COLUMNS, ...LEGACY_SIGNAL_COLUMNS]);
    // every backup report record generated within two days either side of the day carries its fields there
    const dayStart = Date.parse(`${END}T00:00:00Z`);
    const records = estate.jobs
      .filter((j) => j.vm.vault.legacy)
      .flatMap((j) => j.rows)
      .filter(
        (r) =>
          r.timeGeneratedMs >= dayStart - 2 * 86_400_000 && r.timeGeneratedMs <= dayStart + 3 * 86_400_000,
      );
    expect(records.length).toBeGreaterThan(50);
    expect(full.rows).toEqual([
      [...JOB_QUERY_COLUMNS.map(() => null), records.length, SAMPLE_ADDITIONAL_FIELDS],
    ]);
    // the resource-specific workspace is not affected
    const main = rowsOf(
      estate.logsProvider(undefined, { azureDiagnosticsFull: true })(
        dayRequest(SAMPLE_WORKSPACES.main, "jobs", END),
      ),
    );
    expect(main.rows.length).toBeGreaterThan(100);
  });

  it("its expected figures are what the normaliser and the classifier make of its rows, day by day", () => {
    const options = { linuxAppConsistentVms: estate.linuxAppConsistentVms };
    const points = new Map(estate.jobs.map((j) => [j.jobId, j.point]));
    for (const expected of estate.expected.days) {
      const { rows, read } = readDay(expected.date);
      expect(rows).toBe(expected.rows);
      expect(read.rejected).toEqual([]);
      expect(read.duplicates).toBe(expected.duplicates);
      expect(read.excluded["in-progress"] ?? 0).toBe(expected.inProgress);
      expect(read.jobs).toHaveLength(expected.jobs);
      expect(read.jobs.filter((j) => j.status === "Failed")).toHaveLength(expected.failed);
      expect(read.jobs.filter((j) => j.status === "CompletedWithWarnings")).toHaveLength(
        expected.completedWithWarnings,
      );
      const inferred = read.jobs.map((j) => classifyJob(j, options).consistency);
      expect(counts(inferred)).toEqual(expected.inferred);
      const observed = read.jobs.map((j) => {
        const p = j.vm === estate.notable.armMissing ? null : points.get(j.jobId);
        return classifyJob(j, options, p ? { recoveryPointType: p.type, timeMs: p.timeMs } : null)
          .consistency;
      });
      expect(counts(observed)).toEqual(expected.observed);
    }
    const last = estate.expected.days.at(-1);
    expect(last?.inProgress).toBe(3);
    expect(last?.observed.crash).toBeGreaterThanOrEqual(1);
    expect(last?.inferred.unknown).toBeGreaterThanOrEqual(2);
  });

  it("serves the ARM endpoint the points of known items and nothing for the item ARM lost", async () => {
    const vm = estate.vms.find((v) => v.name === estate.notable.stopped);
    const lost = estate.vms.find((v) => v.name === estate.notable.armMissing);
    if (!vm || !lost) throw new Error("notable VMs missing");
    const ref = (v: typeof vm) => ({
      subscriptionId: v.vault.subscriptionId,
      resourceGroup: v.vault.resourceGroup.toUpperCase(),
      vault: v.vault.name,
      container: `IaasVMContainer;${v.container}`,
      item: `VM;${v.container}`,
    });
    const points = await estate.armProvider(ref(vm));
    expect(Array.isArray(points) && points.length).toBe(14);
    expect(Array.isArray(points) && points.every((p) => p.recoveryPointType === "CrashConsistent")).toBe(
      true,
    );
    expect(await estate.armProvider(ref(lost))).toBeNull();
  });

  it("generates bulk rows for the benchmark: n jobs in one day, with in-progress and re-sent rows", () => {
    const bulk = generateJobRows(2000);
    expect(bulk.columns.map((c) => c.name)).toEqual(JOB_QUERY_COLUMNS.map((c) => c.name));
    const read = normaliseTable(
      bulk.columns.map((c) => c.name),
      bulk.rows,
    );
    expect(read.jobs).toHaveLength(2000);
    expect(read.rejected).toEqual([]);
    expect(bulk.rows.length).toBeGreaterThan(2000);
    expect(new Set(read.jobs.map((j) => new Date(j.startMs).toISOString().slice(0, 10)))).toEqual(
      new Set(["2026-11-24"]),
    );
  });

  it("spreads the bulk jobs over one vault per thousand VMs, in several subscriptions, the same every time", () => {
    const bulk = generateJobRows(2500);
    const read = normaliseTable(
      bulk.columns.map((c) => c.name),
      bulk.rows,
    );
    const perVault = new Map<string, number>();
    for (const j of read.jobs) perVault.set(j.vault, (perVault.get(j.vault) ?? 0) + 1);
    expect(bulk.vaults).toBe(3);
    expect([...perVault.values()].sort()).toEqual([833, 833, 834]);
    // each vault's ARM ID names its own subscription and resource group
    const ids = new Set(read.jobs.map((j) => j.vaultId?.toLowerCase()));
    expect(ids.size).toBe(3);
    for (const j of read.jobs) expect(j.vaultId?.toLowerCase()).toMatch(new RegExp(`/vaults/${j.vault}$`));
    expect(generateJobRows(2500).rows).toEqual(bulk.rows);

    const fleet = bulkVaults(100_000);
    expect(fleet).toHaveLength(100);
    expect(new Set(fleet.map((v) => v.name.toLowerCase())).size).toBe(100);
    expect(new Set(fleet.map((v) => v.subscriptionId)).size).toBe(4);
    expect(new Set(fleet.map((v) => `${v.subscriptionId}/${v.resourceGroup}`)).size).toBe(16);
    expect(bulkVaults(1)).toHaveLength(1);
  });
});
