/**
 * What happens to whom in the sample estate: the notable VMs (a VM failing several days running, a stopped VM,
 * VSS writer warnings, Linux script time-outs, an unknown code, an item ARM no longer knows, VMs whose OS is not
 * reported, jobs still running at the end, a VM on a weekly policy, a VM whose protection was stopped, a Windows
 * VM under a crash-only policy, a Windows VM under an Enhanced policy whose last backup fell back to crash,
 * a Windows VM failing with an umbrella code whose job details name VSS, an unlisted Linux VM whose pre-script
 * fails),
 * each day's outcome of a VM's job, and the recovery point it makes.
 */
import type { EstateVault, EstateVm } from "./fleet.js";

export type EstateStatus = "Completed" | "CompletedWithWarnings" | "Failed";
export type PointType = "AppConsistent" | "FileSystemConsistent" | "CrashConsistent";

export const UNKNOWN_CODE = "UserErrorSnapshotQuiesceDeferred";
export const VSS_CODE = "ExtensionFailedVssWriterInBadState";
export const SCRIPT_CODE = "Pre-ScriptTimeout";
export const AGENT_CODE = "UserErrorGuestAgentStatusUnavailable";
export const NETWORK_CODE = "ExtensionSnapshotFailedNoNetwork";
/** An umbrella code: only the job's details (read through ARM) say it was a VSS writer failure. */
export const UMBRELLA_CODE = "VMRestorePointClientError";
/** A failing pre-script: proof that the Linux VM runs scripts, listed in PULSE_LINUX_APP_CONSISTENT_VMS or not. */
export const PRE_SCRIPT_CODE = "Pre-ScriptExecutionFailed";

/** The VMs each scenario happens to. */
export interface Cast {
  failingStreak: EstateVm;
  stopped: EstateVm;
  vssWarnings: EstateVm;
  scriptTimeouts: EstateVm;
  unknownCode: EstateVm;
  armMissing: EstateVm;
  unknownOs: EstateVm[];
  /** Whose last day's job is still running when the estate ends. */
  stillRunning: Set<EstateVm>;
  /** Backs up on Sundays only (policy `weekly-sun`). */
  weekly: EstateVm;
  /** Protection stopped before the estate's last day: no job that day. */
  retired: EstateVm;
  /** Windows, under a crash-only policy: crash-consistent points by design. */
  crashOnly: EstateVm;
  /** Windows, under an Enhanced policy: its last job completes with a crash-consistent fallback point. */
  enhanced: EstateVm;
  /** Windows: its last job fails with an umbrella code whose job details name a VSS writer. */
  umbrellaVss: EstateVm;
  /** Linux, not in PULSE_LINUX_APP_CONSISTENT_VMS: its pre-script fails every day (file-system fallback). */
  unlistedScripts: EstateVm;
}

/** The retired VM has no job on this many last days of the estate. */
export const RETIRED_DAYS = 1;

/** Whether the VM ran a job on `date` (`daysFromEnd` days before the end): its policy and protection allow it. */
export function runsOn(cast: Cast, vm: EstateVm, date: string, daysFromEnd: number): boolean {
  if (vm === cast.weekly) return new Date(`${date}T00:00:00Z`).getUTCDay() === 0;
  if (vm === cast.retired) return daysFromEnd >= RETIRED_DAYS;
  return true;
}

/** Picks the notable VMs (no randomness) and leaves the OS of the `unknownOs` ones unreported. */
export function castScenarios(vms: EstateVm[], vaults: EstateVault[]): Cast {
  const byRole = (role: string, vault: number, skip = 0): EstateVm => {
    const list = vms.filter((vm) => vm.role === role && vm.vault === vaults[vault]);
    const vm = list[skip % Math.max(1, list.length)];
    if (!vm) throw new Error(`sample estate has no ${role} VM in vault ${vault}`);
    return vm;
  };
  const cast: Cast = {
    failingStreak: byRole("app", 0, 3),
    stopped: byRole("file", 1, 1),
    vssWarnings: byRole("sql", 0, 2),
    scriptTimeouts: byRole("pg", 0, 1),
    unknownCode: byRole("web", 1, 4),
    armMissing: byRole("lnx", 0, 5),
    unknownOs: [byRole("web", 0, 7), byRole("lnx", 1, 2), byRole("app", 2, 3)],
    stillRunning: new Set([byRole("k8s", 0, 2), byRole("web", 2, 1), byRole("sql", 1, 0)]),
    weekly: byRole("web", 0, 9),
    retired: byRole("app", 1, 5),
    crashOnly: byRole("web", 1, 6),
    enhanced: byRole("sql", 0, 4),
    umbrellaVss: byRole("app", 0, 6),
    unlistedScripts: byRole("lnx", 1, 4),
  };
  for (const vm of cast.unknownOs) vm.reportedOs = "";
  return cast;
}

/** How a VM's job ends `daysFromEnd` days before the estate's last day, given the day's roll in [0, 1). */
export function dayOutcome(
  cast: Cast,
  vm: EstateVm,
  daysFromEnd: number,
  roll: number,
): { status: EstateStatus; code: string } {
  if (vm === cast.failingStreak && daysFromEnd < 4) return { status: "Failed", code: AGENT_CODE };
  if (vm === cast.vssWarnings && daysFromEnd < 3) return { status: "CompletedWithWarnings", code: VSS_CODE };
  if (vm === cast.scriptTimeouts && daysFromEnd < 2) {
    return { status: "CompletedWithWarnings", code: SCRIPT_CODE };
  }
  if (vm === cast.unknownCode && daysFromEnd === 0) {
    return { status: "CompletedWithWarnings", code: UNKNOWN_CODE };
  }
  if (vm === cast.umbrellaVss && daysFromEnd === 0) return { status: "Failed", code: UMBRELLA_CODE };
  if (vm === cast.unlistedScripts) return { status: "CompletedWithWarnings", code: PRE_SCRIPT_CODE };
  // deallocated: completes with a crash-consistent point
  if (vm === cast.stopped) return { status: "Completed", code: "Success" };
  const clean = [cast.weekly, cast.retired, cast.crashOnly, cast.enhanced];
  if (clean.includes(vm)) return { status: "Completed", code: "Success" };
  if (vm.os === "Windows" && roll < 0.02) return { status: "CompletedWithWarnings", code: VSS_CODE };
  if (vm.role === "pg" && roll < 0.04) return { status: "CompletedWithWarnings", code: SCRIPT_CODE };
  if (roll > 0.99) return { status: "Failed", code: AGENT_CODE };
  if (roll > 0.98) return { status: "Failed", code: NETWORK_CODE };
  return { status: "Completed", code: "Success" };
}

/** The recovery point a finished job makes (null: none); `crash` when its snapshot was crash-consistent. */
export function pointTypeFor(
  vm: EstateVm,
  status: EstateStatus,
  code: string,
  crash: boolean,
): PointType | null {
  if (status === "Failed") return null;
  if (crash) return "CrashConsistent";
  if (status === "CompletedWithWarnings") return "FileSystemConsistent";
  if (code !== "" && code !== "Success") return "FileSystemConsistent";
  if (vm.os === "Windows") return "AppConsistent";
  return vm.role === "pg" ? "AppConsistent" : "FileSystemConsistent";
}
