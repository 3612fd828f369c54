/**
 * The built-in sample estate: a deterministic fleet of Azure VMs protected by three Recovery Services vaults,
 * two weeks of daily backup jobs, and the recovery points those jobs made. It feeds the local Log Analytics
 * and ARM endpoints for `backup-pulse demo` and the tests, and it knows its own expected figures.
 *
 * What it contains, on purpose: Windows and Linux VMs (SQL Server VMs; Linux VMs with pre/post scripts, listed
 * as application-consistent), VSS writer warnings with file-system points, Linux script time-outs, guest
 * agent and network failures, one VM failing several days running, a stopped VM with crash-consistent points,
 * an unknown code, VMs whose OS is not reported, rows arriving hours late (some after the next daily run),
 * re-sent rows, in-progress rows, jobs still running at the end, and one item that ARM no longer knows.
 *
 * Workspace 1 receives the resource-specific tables from two vaults; workspace 2 receives the legacy
 * AzureDiagnostics data of the third vault. Every value comes from a seeded generator: no Math.random.
 */
import { JOB_QUERY_COLUMNS, LEGACY_SIGNAL_COLUMNS } from "../logs/columns.js";
import type { LocalRecoveryPoint, RecoveryPointsProvider, RecoveryPointsRef } from "../local/arm-endpoint.js";
import {
  missingTable,
  type LogsProvider,
  type LogsProviderRequest,
  type LogsProviderResult,
} from "../local/logs-endpoint.js";

// ---------------------------------------------------------------------------------------------------------
// Seeded randomness

/** mulberry32: small, fast, deterministic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function guid(rand: () => number): string {
  let hex = "";
  for (let i = 0; i < 32; i++) hex += Math.floor(rand() * 16).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function between(rand: () => number, min: number, max: number): number {
  return min + Math.floor(rand() * (max - min + 1));
}

// ---------------------------------------------------------------------------------------------------------
// Types

export type EstateOs = "Windows" | "Linux" | "";
export type EstateStatus = "Completed" | "CompletedWithWarnings" | "Failed";
export type PointType = "AppConsistent" | "FileSystemConsistent" | "CrashConsistent";
type Level = "application" | "file-system" | "crash" | "none" | "unknown";

export interface EstateWorkspace {
  workspaceId: string;
  name: string;
  /** True when it receives legacy AzureDiagnostics data (served by the `jobs-legacy` query). */
  legacy: boolean;
  vaults: string[];
}

export interface EstateVault {
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  /** ARM resource ID, as Log Analytics reports it (upper case). */
  id: string;
  workspaceId: string;
  legacy: boolean;
}

export interface EstateVm {
  name: string;
  resourceGroup: string;
  vault: EstateVault;
  /** As CoreAzureBackup reports it ("" when the container record is missing). */
  reportedOs: EstateOs;
  /** What the VM really runs. */
  os: "Windows" | "Linux";
  role: string;
  itemId: string;
  /** `iaasvmcontainerv2;<rg>;<vm>`. */
  container: string;
}

export interface EstateRow {
  timeGeneratedMs: number;
  status: EstateStatus | "InProgress";
  code: string;
}

export interface EstateJob {
  jobId: string;
  vm: EstateVm;
  date: string;
  startMs: number;
  durationSec: number;
  /** Final status; null for a job still running when the estate ends. */
  status: EstateStatus | null;
  code: string;
  rows: EstateRow[];
  point: { type: PointType; timeMs: number; id: string } | null;
}

export interface ConsistencyCounts {
  application: number;
  fileSystem: number;
  crash: number;
  none: number;
  unknown: number;
}

/** Figures for one UTC day once every row has arrived, as backup-pulse should report them. */
export interface ExpectedDay {
  date: string;
  /** Finished VM backup jobs (classified). */
  jobs: number;
  completed: number;
  completedWithWarnings: number;
  failed: number;
  /** Jobs whose latest row is InProgress (left out, counted as in-progress). */
  inProgress: number;
  /** Rows served for the day (all queries, all workspaces). */
  rows: number;
  /** Rows superseded by a later row of the same job. */
  duplicates: number;
  /** Jobs whose final row arrives after the next day's 07:00 UTC run. */
  lateAfterRun: number;
  /** Consistency with no recovery-point look-ups (`PULSE_RECOVERY_POINTS=off`), all inferred. */
  inferred: ConsistencyCounts;
  /** With look-ups of the jobs in doubt (`warnings`). */
  warnings: ConsistencyCounts;
  /** With look-ups of every completed job (`all`). */
  observed: ConsistencyCounts;
}

export interface Estate {
  endDate: string;
  days: string[];
  workspaces: EstateWorkspace[];
  vaults: EstateVault[];
  vms: EstateVm[];
  jobs: EstateJob[];
  /** The value for `PULSE_LINUX_APP_CONSISTENT_VMS` that matches the estate's Linux VMs with scripts. */
  linuxAppConsistentVms: string[];
  /** Notable VMs, by scenario. */
  notable: {
    failingStreak: string;
    stopped: string;
    vssWarnings: string;
    scriptTimeouts: string;
    unknownCode: string;
    armMissing: string;
    unknownOs: string[];
  };
  unknownCode: string;
  /** The daily run that reads `date`: 07:00 UTC the next day (the default digest schedule). */
  dailyRunMs(date: string): number;
  /**
   * Provider for the local Log Analytics endpoint: rows generated up to `nowMs` only. With
   * `azureDiagnosticsFull`, the legacy workspace's AzureDiagnostics table had reached its 500 columns before
   * the vault sent its backup reports, so their fields sit in AdditionalFields.
   */
  logsProvider(nowMs?: number, options?: { azureDiagnosticsFull?: boolean }): LogsProvider;
  /** Provider for the local ARM endpoint: each protected item's recovery points (null: unknown item). */
  armProvider: RecoveryPointsProvider;
  expected: { days: ExpectedDay[] };
}

export interface EstateOptions {
  /** Last day of jobs (UTC), YYYY-MM-DD. */
  endDate: string;
  /** Number of days ending with endDate (default 14). */
  days?: number;
  seed?: number;
}

// ---------------------------------------------------------------------------------------------------------
// The fleet

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;
const MINUTE_MS = 60_000;

const SUBSCRIPTION_PROD = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const SUBSCRIPTION_LEGACY = "0a9b8c7d-6e5f-4a3b-9c1d-2e3f4a5b6c7d";
export const SAMPLE_WORKSPACES = {
  main: "8d3f2a61-5b7c-4e90-a1d2-3c4b5a6f7e80",
  legacy: "c4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70",
} as const;

const UNKNOWN_CODE = "UserErrorSnapshotQuiesceDeferred";
const VSS_CODE = "ExtensionFailedVssWriterInBadState";
const SCRIPT_CODE = "Pre-ScriptTimeout";
const AGENT_CODE = "UserErrorGuestAgentStatusUnavailable";
const NETWORK_CODE = "ExtensionSnapshotFailedNoNetwork";

interface RoleSpec {
  role: string;
  os: "Windows" | "Linux";
  weight: number;
}
const ROLES: RoleSpec[] = [
  { role: "web", os: "Windows", weight: 20 },
  { role: "app", os: "Windows", weight: 20 },
  { role: "sql", os: "Windows", weight: 10 },
  { role: "file", os: "Windows", weight: 8 },
  { role: "lnx", os: "Linux", weight: 22 },
  { role: "pg", os: "Linux", weight: 8 },
  { role: "k8s", os: "Linux", weight: 12 },
];
const ROLE_WEIGHT = ROLES.reduce((s, r) => s + r.weight, 0);

function pickRole(rand: () => number): RoleSpec {
  let x = rand() * ROLE_WEIGHT;
  for (const r of ROLES) {
    x -= r.weight;
    if (x < 0) return r;
  }
  return ROLES[0] as RoleSpec;
}

function vaultId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/SUBSCRIPTIONS/${subscriptionId}/RESOURCEGROUPS/${resourceGroup}/PROVIDERS/MICROSOFT.RECOVERYSERVICES/VAULTS/${name}`.toUpperCase();
}

function makeVaults(): EstateVault[] {
  const spec = [
    {
      name: "rsv-prod-weu",
      resourceGroup: "rg-backup-prod",
      sub: SUBSCRIPTION_PROD,
      ws: SAMPLE_WORKSPACES.main,
      legacy: false,
    },
    {
      name: "rsv-dev-weu",
      resourceGroup: "rg-backup-dev",
      sub: SUBSCRIPTION_PROD,
      ws: SAMPLE_WORKSPACES.main,
      legacy: false,
    },
    {
      name: "rsv-legacy-neu",
      resourceGroup: "rg-backup-legacy",
      sub: SUBSCRIPTION_LEGACY,
      ws: SAMPLE_WORKSPACES.legacy,
      legacy: true,
    },
  ];
  return spec.map((s) => ({
    name: s.name,
    resourceGroup: s.resourceGroup,
    subscriptionId: s.sub,
    id: vaultId(s.sub, s.resourceGroup, s.name),
    workspaceId: s.ws,
    legacy: s.legacy,
  }));
}

const VAULT_SIZES = [150, 90, 80];

function makeVms(rand: () => number, vaults: EstateVault[]): EstateVm[] {
  const counters = new Map<string, number>();
  const vms: EstateVm[] = [];
  vaults.forEach((vault, v) => {
    const size = VAULT_SIZES[v] ?? 0;
    const envTag = vault.name.split("-")[1] ?? "x";
    for (let i = 0; i < size; i++) {
      const spec = pickRole(rand);
      const n = (counters.get(spec.role) ?? 0) + 1;
      counters.set(spec.role, n);
      const name = `vm-${spec.role}-${String(n).padStart(3, "0")}`;
      const resourceGroup = `rg-${spec.role}-${envTag}`;
      vms.push({
        name,
        resourceGroup,
        vault,
        reportedOs: spec.os,
        os: spec.os,
        role: spec.role,
        itemId: `${Math.floor(rand() * 1e9)};iaasvmcontainerv2;${resourceGroup};${name}`,
        container: `iaasvmcontainerv2;${resourceGroup};${name}`,
      });
    }
  });
  return vms;
}

function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

function parseDate(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new Error(`endDate "${date}" is not a date (YYYY-MM-DD)`);
  }
  return Date.parse(`${date}T00:00:00Z`);
}

function pointTypeFor(vm: EstateVm, status: EstateStatus, code: string, stopped: boolean): PointType | null {
  if (status === "Failed") return null;
  if (stopped) return "CrashConsistent";
  if (status === "CompletedWithWarnings") return "FileSystemConsistent";
  if (code !== "" && code !== "Success") return "FileSystemConsistent";
  if (vm.os === "Windows") return "AppConsistent";
  return vm.role === "pg" ? "AppConsistent" : "FileSystemConsistent";
}

// ---------------------------------------------------------------------------------------------------------
// Building

export function buildEstate(options: EstateOptions): Estate {
  const endMs = parseDate(options.endDate);
  const dayCount = options.days ?? 14;
  if (!Number.isInteger(dayCount) || dayCount < 1 || dayCount > 62)
    throw new Error("days must be from 1 to 62");
  const rand = seededRandom(options.seed ?? 20261124);
  const vaults = makeVaults();
  const vms = makeVms(rand, vaults);
  const days = Array.from({ length: dayCount }, (_, i) => dateOf(endMs - (dayCount - 1 - i) * DAY_MS));

  const byRole = (role: string, vault: number, skip = 0): EstateVm => {
    const list = vms.filter((vm) => vm.role === role && vm.vault === vaults[vault]);
    const vm = list[skip % Math.max(1, list.length)];
    if (!vm) throw new Error(`sample estate has no ${role} VM in vault ${vault}`);
    return vm;
  };
  const failingStreak = byRole("app", 0, 3);
  const stopped = byRole("file", 1, 1);
  const vssWarnings = byRole("sql", 0, 2);
  const scriptTimeouts = byRole("pg", 0, 1);
  const unknownCodeVm = byRole("web", 1, 4);
  const armMissing = byRole("lnx", 0, 5);
  const unknownOs = [byRole("web", 0, 7), byRole("lnx", 1, 2), byRole("app", 2, 3)];
  for (const vm of unknownOs) vm.reportedOs = "";
  const stillRunning = new Set([byRole("k8s", 0, 2), byRole("web", 2, 1), byRole("sql", 1, 0)]);

  const jobs: EstateJob[] = [];
  vms.forEach((vm, index) => {
    const slotMin = (index * 7) % 330; // 18:00 to 23:30 UTC
    days.forEach((date, d) => {
      const daysFromEnd = dayCount - 1 - d;
      const startMs = parseDate(date) + 18 * HOUR_MS + slotMin * MINUTE_MS + between(rand, 0, 240) * 1000;
      let status: EstateStatus = "Completed";
      let code = "Success";
      const roll = rand();
      if (vm === failingStreak && daysFromEnd < 4) {
        status = "Failed";
        code = AGENT_CODE;
      } else if (vm === vssWarnings && daysFromEnd < 3) {
        status = "CompletedWithWarnings";
        code = VSS_CODE;
      } else if (vm === scriptTimeouts && daysFromEnd < 2) {
        status = "CompletedWithWarnings";
        code = SCRIPT_CODE;
      } else if (vm === unknownCodeVm && daysFromEnd === 0) {
        status = "CompletedWithWarnings";
        code = UNKNOWN_CODE;
      } else if (vm === stopped) {
        // deallocated: completes with a crash-consistent point
      } else if (vm.os === "Windows" && roll < 0.02) {
        status = "CompletedWithWarnings";
        code = VSS_CODE;
      } else if (vm.role === "pg" && roll < 0.04) {
        status = "CompletedWithWarnings";
        code = SCRIPT_CODE;
      } else if (roll > 0.99) {
        status = "Failed";
        code = AGENT_CODE;
      } else if (roll > 0.98) {
        status = "Failed";
        code = NETWORK_CODE;
      }
      const durationSec = status === "Failed" ? between(rand, 300, 900) : between(rand, 900, 3600);
      const endJobMs = startMs + durationSec * 1000;
      const jobId = guid(rand);
      const rows: EstateRow[] = [];
      if (rand() < 0.3) {
        // reported while the job runs, always before its final row
        rows.push({
          timeGeneratedMs: startMs + between(rand, 1, 4) * MINUTE_MS,
          status: "InProgress",
          code: "",
        });
      }
      const running = daysFromEnd === 0 && stillRunning.has(vm);
      let finalRowMs = endJobMs + between(rand, 20, 30) * MINUTE_MS;
      const lateRoll = rand();
      if (lateRoll < 0.02) {
        // arrives after the next morning's run
        finalRowMs = parseDate(date) + DAY_MS + 7 * HOUR_MS + between(rand, 30, 180) * MINUTE_MS;
      } else if (lateRoll < 0.05) {
        finalRowMs = endJobMs + between(rand, 3, 6) * HOUR_MS;
        finalRowMs = Math.min(finalRowMs, parseDate(date) + DAY_MS + 6 * HOUR_MS);
      }
      if (running) {
        if (rows.length === 0) {
          rows.push({ timeGeneratedMs: startMs + 25 * MINUTE_MS, status: "InProgress", code: "" });
        }
      } else {
        rows.push({ timeGeneratedMs: finalRowMs, status, code });
        if (rand() < 0.05)
          rows.push({ timeGeneratedMs: finalRowMs + between(rand, 1, 4) * HOUR_MS, status, code });
      }
      const type = running ? null : pointTypeFor(vm, status, code, vm === stopped);
      jobs.push({
        jobId,
        vm,
        date,
        startMs,
        durationSec,
        status: running ? null : status,
        code,
        rows,
        point:
          type === null
            ? null
            : {
                type,
                timeMs:
                  startMs + between(rand, 2, Math.min(10, Math.floor(durationSec / 60) - 1)) * MINUTE_MS,
                id: String(Math.floor(rand() * 9e15) + 1e15),
              },
      });
    });
  });

  const linuxAppConsistentVms = ["vm-pg-*"];
  const workspaces: EstateWorkspace[] = [
    {
      workspaceId: SAMPLE_WORKSPACES.main,
      name: "law-backup-main",
      legacy: false,
      vaults: ["rsv-prod-weu", "rsv-dev-weu"],
    },
    {
      workspaceId: SAMPLE_WORKSPACES.legacy,
      name: "law-backup-legacy",
      legacy: true,
      vaults: ["rsv-legacy-neu"],
    },
  ];

  const dailyRunMs = (date: string): number => parseDate(date) + DAY_MS + 7 * HOUR_MS;
  const expected = { days: days.map((date) => expectedFor(date, jobs, dailyRunMs(date), armMissing)) };

  return {
    endDate: options.endDate,
    days,
    workspaces,
    vaults,
    vms,
    jobs,
    linuxAppConsistentVms,
    notable: {
      failingStreak: failingStreak.name,
      stopped: stopped.name,
      vssWarnings: vssWarnings.name,
      scriptTimeouts: scriptTimeouts.name,
      unknownCode: unknownCodeVm.name,
      armMissing: armMissing.name,
      unknownOs: unknownOs.map((vm) => vm.name),
    },
    unknownCode: UNKNOWN_CODE,
    dailyRunMs,
    logsProvider: (nowMs = Number.POSITIVE_INFINITY, options = {}) =>
      createLogsProvider(jobs, nowMs, options.azureDiagnosticsFull === true),
    armProvider: createArmProvider(vms, jobs, armMissing),
    expected,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Expected figures (from the estate's own truth, independently of the classifier)

function emptyCounts(): ConsistencyCounts {
  return { application: 0, fileSystem: 0, crash: 0, none: 0, unknown: 0 };
}

function add(counts: ConsistencyCounts, level: Level): void {
  if (level === "application") counts.application++;
  else if (level === "file-system") counts.fileSystem++;
  else if (level === "crash") counts.crash++;
  else if (level === "none") counts.none++;
  else counts.unknown++;
}

function inferredLevel(job: EstateJob): Level {
  if (job.status === "Failed") return "none";
  if (job.status === "CompletedWithWarnings") {
    return job.code === VSS_CODE || job.code === SCRIPT_CODE ? "file-system" : "unknown";
  }
  const os = job.vm.reportedOs;
  if (os === "Windows") return "application";
  if (os === "Linux") return job.vm.role === "pg" ? "application" : "file-system";
  return "unknown";
}

function observedLevel(job: EstateJob): Level {
  if (!job.point) return "none";
  if (job.point.type === "AppConsistent") return "application";
  if (job.point.type === "FileSystemConsistent") return "file-system";
  return "crash";
}

function inDoubt(job: EstateJob): boolean {
  return job.status === "CompletedWithWarnings" || job.vm.reportedOs !== "Windows";
}

function expectedFor(date: string, all: EstateJob[], runMs: number, armMissing: EstateVm): ExpectedDay {
  const day: ExpectedDay = {
    date,
    jobs: 0,
    completed: 0,
    completedWithWarnings: 0,
    failed: 0,
    inProgress: 0,
    rows: 0,
    duplicates: 0,
    lateAfterRun: 0,
    inferred: emptyCounts(),
    warnings: emptyCounts(),
    observed: emptyCounts(),
  };
  for (const job of all) {
    if (job.date !== date) continue;
    day.rows += job.rows.length;
    day.duplicates += job.rows.length - 1;
    if (job.status === null) {
      day.inProgress++;
      continue;
    }
    day.jobs++;
    if (job.status === "Completed") day.completed++;
    else if (job.status === "CompletedWithWarnings") day.completedWithWarnings++;
    else day.failed++;
    const lastRowMs = Math.max(...job.rows.map((r) => r.timeGeneratedMs));
    if (lastRowMs > runMs) day.lateAfterRun++;
    const inferred = inferredLevel(job);
    const canObserve = job.status !== "Failed" && job.vm !== armMissing;
    add(day.inferred, inferred);
    add(day.warnings, canObserve && inDoubt(job) ? observedLevel(job) : inferred);
    add(day.observed, canObserve ? observedLevel(job) : inferred);
  }
  return day;
}

// ---------------------------------------------------------------------------------------------------------
// Log Analytics provider

const COLUMNS = JOB_QUERY_COLUMNS.map((c) => ({ name: c.name, type: c.type }));
const LEGACY_COLUMNS = [...COLUMNS, ...LEGACY_SIGNAL_COLUMNS.map((c) => ({ name: c.name, type: c.type }))];
/** Backup fields that are not among the columns every AzureDiagnostics table has, as AdditionalFields names them. */
export const SAMPLE_ADDITIONAL_FIELDS = [
  "BackupItemUniqueId",
  "BackupManagementType",
  "ProtectedContainerUniqueId",
  "SchemaVersion",
];

function wireRow(job: EstateJob, row: EstateRow): unknown[] {
  const vm = job.vm;
  const legacy = vm.vault.legacy;
  return [
    new Date(row.timeGeneratedMs).toISOString(),
    job.jobId,
    new Date(job.startMs).toISOString(),
    row.status === "InProgress" ? 0 : job.durationSec,
    row.status,
    row.code,
    "Backup",
    "",
    "IaaSVM",
    legacy ? vm.vault.name.toUpperCase() : vm.vault.name,
    vm.vault.id,
    vm.itemId,
    vm.name,
    vm.container,
    vm.reportedOs,
  ];
}

function timespanBounds(timespan: string | undefined): [number, number] {
  const parts = timespan?.split("/");
  if (parts?.length !== 2) return [Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY];
  const a = Date.parse(parts[0] ?? "");
  const b = Date.parse(parts[1] ?? "");
  return [Number.isNaN(a) ? Number.NEGATIVE_INFINITY : a, Number.isNaN(b) ? Number.POSITIVE_INFINITY : b];
}

/**
 * Serves what `jobs` / `jobs-legacy` would return before their `summarize`: every row of the workspace's VM
 * backup jobs that started in [rangeStart, rangeEnd) and was generated by `nowMs` (so late rows are really
 * late), within the query timespan. Re-sent and in-progress rows are served as they are: backup-pulse
 * deduplicates and leaves them out itself. `jobs-legacy` answers with its two signal columns too, empty; when
 * AzureDiagnostics is full, with no job row (its fields are not columns) and the one signal row instead.
 */
function createLogsProvider(jobs: EstateJob[], nowMs: number, azureDiagnosticsFull: boolean): LogsProvider {
  return (request: LogsProviderRequest): LogsProviderResult => {
    const legacyWorkspace = request.workspaceId.toLowerCase() === SAMPLE_WORKSPACES.legacy;
    const mainWorkspace = request.workspaceId.toLowerCase() === SAMPLE_WORKSPACES.main;
    if (!legacyWorkspace && !mainWorkspace) {
      return {
        error: { status: 404, code: "WorkspaceNotFoundError", message: "The workspace could not be found" },
      };
    }
    if (request.queryName === "jobs" && legacyWorkspace) return missingTable("AddonAzureBackupJobs");
    if (request.queryName === "jobs-legacy" && mainWorkspace) return missingTable("AzureDiagnostics");
    if (request.queryName !== "jobs" && request.queryName !== "jobs-legacy") {
      return {
        error: {
          status: 400,
          code: "BadArgumentError",
          message: "The sample estate serves only backup-pulse's job queries",
        },
      };
    }
    const rangeStart = Date.parse(request.params.rangeStart ?? "");
    const rangeEnd = Date.parse(request.params.rangeEnd ?? "");
    if (Number.isNaN(rangeStart) || Number.isNaN(rangeEnd)) {
      return {
        error: {
          status: 400,
          code: "BadArgumentError",
          message: "rangeStart and rangeEnd must be datetimes",
        },
      };
    }
    const [spanStart, spanEnd] = timespanBounds(request.timespan);
    const tgMin = Math.max(rangeStart - 2 * DAY_MS, spanStart);
    const tgMax = Math.min(rangeEnd + 2 * DAY_MS, spanEnd, nowMs);
    const rows: unknown[][] = [];
    let reportRecords = 0;
    for (const job of jobs) {
      if (job.vm.vault.legacy !== legacyWorkspace) continue;
      const started = job.startMs >= rangeStart && job.startMs < rangeEnd;
      for (const row of job.rows) {
        if (row.timeGeneratedMs < tgMin || row.timeGeneratedMs > tgMax) continue;
        reportRecords++;
        if (started) rows.push(wireRow(job, row));
      }
    }
    if (!legacyWorkspace) return { columns: COLUMNS, rows };
    if (!azureDiagnosticsFull)
      return { columns: LEGACY_COLUMNS, rows: rows.map((row) => [...row, null, null]) };
    const signal = [...COLUMNS.map(() => null), reportRecords, SAMPLE_ADDITIONAL_FIELDS];
    return { columns: LEGACY_COLUMNS, rows: reportRecords > 0 ? [signal] : [] };
  };
}

// ---------------------------------------------------------------------------------------------------------
// ARM provider

function itemKey(
  subscriptionId: string,
  resourceGroup: string,
  vault: string,
  container: string,
  item: string,
): string {
  return [subscriptionId, resourceGroup, vault, container, item].join("|").toLowerCase();
}

/**
 * The recovery points of each protected item (the ARM endpoint keeps those inside the `$filter` window). The
 * item that ARM no longer knows, and any name that is not one of the estate's items, answer 404.
 */
function createArmProvider(vms: EstateVm[], jobs: EstateJob[], armMissing: EstateVm): RecoveryPointsProvider {
  const keyOf = (vm: EstateVm): string =>
    itemKey(
      vm.vault.subscriptionId,
      vm.vault.resourceGroup,
      vm.vault.name,
      `IaasVMContainer;${vm.container}`,
      `VM;${vm.container}`,
    );
  const byItem = new Map<string, LocalRecoveryPoint[]>();
  for (const vm of vms) if (vm !== armMissing) byItem.set(keyOf(vm), []);
  for (const job of jobs) {
    if (!job.point) continue;
    byItem.get(keyOf(job.vm))?.push({
      name: job.point.id,
      recoveryPointType: job.point.type,
      recoveryPointTime: new Date(job.point.timeMs).toISOString(),
    });
  }
  for (const points of byItem.values()) {
    points.sort((a, b) => String(b.recoveryPointTime).localeCompare(String(a.recoveryPointTime)));
  }
  return (ref: RecoveryPointsRef) =>
    byItem.get(itemKey(ref.subscriptionId, ref.resourceGroup, ref.vault, ref.container, ref.item)) ?? null;
}

// ---------------------------------------------------------------------------------------------------------
// Bulk rows for benchmarks

export interface GeneratedRows {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  /** Distinct finished VM jobs among the rows. */
  jobs: number;
  /** Vaults the jobs are spread over. */
  vaults: number;
}

/** VMs per vault in the bulk rows: real vaults protect up to about a thousand VMs each. */
export const BULK_VMS_PER_VAULT = 1000;

const BULK_SUBSCRIPTIONS = [
  "3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a",
  "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918",
  "b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
  "c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f",
];
const BULK_REGIONS = ["weu", "neu", "eus", "sea"];

/**
 * The vaults of a bulk estate of `vms` VMs: one per {@link BULK_VMS_PER_VAULT} VMs (at least one), spread
 * over four subscriptions, each with one backup resource group per region. Deterministic.
 */
export function bulkVaults(vms: number): EstateVault[] {
  const count = Math.max(1, Math.ceil(vms / BULK_VMS_PER_VAULT));
  return Array.from({ length: count }, (_, v) => {
    const subscriptionId = BULK_SUBSCRIPTIONS[v % BULK_SUBSCRIPTIONS.length] as string;
    const region = BULK_REGIONS[Math.floor(v / BULK_SUBSCRIPTIONS.length) % BULK_REGIONS.length] as string;
    const resourceGroup = `rg-backup-${region}`;
    const name = `rsv-${region}-${String(v + 1).padStart(3, "0")}`;
    return {
      name,
      resourceGroup,
      subscriptionId,
      id: vaultId(subscriptionId, resourceGroup, name),
      workspaceId: SAMPLE_WORKSPACES.main,
      legacy: false,
    };
  });
}

/**
 * `n` Azure VM backup jobs (one per VM) that started on `date` (default 2026-11-24), from the vaults of
 * {@link bulkVaults} (VMs dealt out to them in turn), in the `jobs` query's columns, with a realistic mix
 * (about 3% warnings, 2% failures, 30% earlier in-progress rows, 3% re-sent rows). Deterministic for a seed.
 */
export function generateJobRows(n: number, options: { date?: string; seed?: number } = {}): GeneratedRows {
  const rand = seededRandom(options.seed ?? 7);
  const dayMs = parseDate(options.date ?? "2026-11-24");
  const vaults = bulkVaults(n);
  const rows: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const vault = vaults[i % vaults.length] as EstateVault;
    const spec = pickRole(rand);
    const name = `vm-${spec.role}-${String(i).padStart(6, "0")}`;
    const rg = `rg-${spec.role}-${i % 50}`;
    const container = `iaasvmcontainerv2;${rg};${name}`;
    const startMs = dayMs + between(rand, 0, DAY_MS / 1000 - 1) * 1000;
    const durationSec = between(rand, 600, 3600);
    const roll = rand();
    const status = roll < 0.03 ? "CompletedWithWarnings" : roll < 0.05 ? "Failed" : "Completed";
    const code =
      status === "Completed"
        ? "Success"
        : status === "Failed"
          ? roll < 0.04
            ? AGENT_CODE
            : NETWORK_CODE
          : spec.os === "Windows"
            ? VSS_CODE
            : SCRIPT_CODE;
    const jobId = guid(rand);
    const base = [jobId, new Date(startMs).toISOString()];
    const tail = [
      "Backup",
      "",
      "IaaSVM",
      vault.name,
      vault.id,
      `${i};${container}`,
      name,
      container,
      spec.os,
    ];
    if (rand() < 0.3) {
      rows.push([new Date(startMs + 20 * MINUTE_MS).toISOString(), ...base, 0, "InProgress", "", ...tail]);
    }
    const tg = startMs + durationSec * 1000 + 25 * MINUTE_MS;
    rows.push([new Date(tg).toISOString(), ...base, durationSec, status, code, ...tail]);
    if (rand() < 0.03)
      rows.push([new Date(tg + 2 * HOUR_MS).toISOString(), ...base, durationSec, status, code, ...tail]);
  }
  return { columns: COLUMNS, rows, jobs: n, vaults: vaults.length };
}
