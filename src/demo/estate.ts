/**
 * The built-in sample estate: a deterministic fleet of Azure VMs protected by three Recovery Services vaults,
 * two weeks of daily backup jobs, and the recovery points those jobs made. It feeds the local Log Analytics
 * and ARM endpoints for `backup-pulse demo` and the tests, and it knows its own expected figures.
 *
 * What it contains, on purpose: Windows and Linux VMs (SQL Server VMs; Linux VMs with pre/post scripts, listed
 * as application-consistent), VSS writer warnings with file-system points, Linux script time-outs, guest
 * agent and network failures, one VM failing several days running, a stopped VM with crash-consistent points,
 * a VM on a weekly policy, a VM whose protection was stopped, crash-only and Enhanced policies (the vaults'
 * inventory through ARM),
 * an unknown code, VMs whose OS is not reported, rows arriving hours late (some after the next daily run),
 * re-sent rows, in-progress rows, jobs still running at the end, and one item that ARM no longer knows.
 *
 * Workspace 1 receives the resource-specific tables from two vaults; workspace 2 receives the legacy
 * AzureDiagnostics data of the third vault. Every value comes from a seeded generator: no Math.random.
 *
 * The roster is fleet.ts, who does what scenarios.ts, the jobs and their rows jobs.ts, the expected figures
 * expected.ts, and what the stand-ins serve estate-providers.ts.
 */
import type { ArmEvidenceProviders } from "../local/arm-evidence.js";
import { createArmEvidence } from "./estate-evidence.js";
import type { RecoveryPointsProvider } from "../local/arm-endpoint.js";
import type { InventoryProvider } from "../local/arm-inventory.js";
import type { LogsProvider } from "../local/logs-endpoint.js";
import { DAY_MS, dateOf, HOUR_MS, parseDate } from "./days.js";
import { createArmProvider, createInventoryProvider, createLogsProvider } from "./estate-providers.js";
import { expectedFor, type ExpectedDay } from "./expected.js";
import {
  makeVaults,
  makeVms,
  sampleWorkspaces,
  type EstateVault,
  type EstateVm,
  type EstateWorkspace,
} from "./fleet.js";
import { generateJobs, type EstateJob } from "./jobs.js";
import { castScenarios, UNKNOWN_CODE } from "./scenarios.js";
import { seededRandom } from "./seeded-random.js";

export { SAMPLE_ADDITIONAL_FIELDS } from "./estate-providers.js";
export { SAMPLE_WORKSPACES } from "./fleet.js";
export type { ConsistencyCounts, ExpectedDay } from "./expected.js";

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
    /** Backs up on Sundays only (weekly policy): never "no backup job" on other days. */
    weekly: string;
    /** Protection stopped before the last day: said once in that day's digest, then dropped. */
    retired: string;
    /** Windows under a crash-only policy: crash-consistent points, expected. */
    crashOnly: string;
    /** Windows under an Enhanced policy: its last job completed with a crash-consistent fallback point. */
    enhanced: string;
    /** Windows: its last job failed with VMRestorePointClientError, whose job details name a VSS writer. */
    umbrellaVss: string;
    /** Linux, not listed as running scripts: its pre-script fails every day (Pre-ScriptExecutionFailed). */
    unlistedScripts: string;
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
  /** Provider for the local ARM endpoint's vault inventories (policies and protected items). */
  inventoryProvider: InventoryProvider;
  /** Job details and Activity Logs for the ARM stand-in. */
  armEvidence: ArmEvidenceProviders;
  expected: { days: ExpectedDay[] };
}

export interface EstateOptions {
  /** Last day of jobs (UTC), YYYY-MM-DD. */
  endDate: string;
  /** Number of days ending with endDate (default 14). */
  days?: number;
  seed?: number;
}

export function buildEstate(options: EstateOptions): Estate {
  const endMs = parseDate(options.endDate);
  const dayCount = options.days ?? 14;
  if (!Number.isInteger(dayCount) || dayCount < 1 || dayCount > 62)
    throw new Error("days must be from 1 to 62");
  const rand = seededRandom(options.seed ?? 20261124);
  const vaults = makeVaults();
  const vms = makeVms(rand, vaults);
  const days = Array.from({ length: dayCount }, (_, i) => dateOf(endMs - (dayCount - 1 - i) * DAY_MS));
  const cast = castScenarios(vms, vaults);
  const jobs = generateJobs(vms, days, cast, rand);

  const dailyRunMs = (date: string): number => parseDate(date) + DAY_MS + 7 * HOUR_MS;
  const expected = { days: days.map((date) => expectedFor(date, jobs, dailyRunMs(date), cast)) };

  return {
    endDate: options.endDate,
    days,
    workspaces: sampleWorkspaces(),
    vaults,
    vms,
    jobs,
    linuxAppConsistentVms: ["vm-pg-*"],
    notable: {
      failingStreak: cast.failingStreak.name,
      stopped: cast.stopped.name,
      vssWarnings: cast.vssWarnings.name,
      scriptTimeouts: cast.scriptTimeouts.name,
      unknownCode: cast.unknownCode.name,
      armMissing: cast.armMissing.name,
      unknownOs: cast.unknownOs.map((vm) => vm.name),
      weekly: cast.weekly.name,
      retired: cast.retired.name,
      crashOnly: cast.crashOnly.name,
      enhanced: cast.enhanced.name,
      umbrellaVss: cast.umbrellaVss.name,
      unlistedScripts: cast.unlistedScripts.name,
    },
    unknownCode: UNKNOWN_CODE,
    dailyRunMs,
    logsProvider: (nowMs = Number.POSITIVE_INFINITY, options = {}) =>
      createLogsProvider(jobs, nowMs, options.azureDiagnosticsFull === true),
    armProvider: createArmProvider(vms, jobs, cast.armMissing),
    inventoryProvider: createInventoryProvider(vms, cast),
    armEvidence: createArmEvidence(jobs, cast.stopped, cast.umbrellaVss),
    expected,
  };
}
