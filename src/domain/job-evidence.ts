/**
 * What Azure says about a job beyond its Log Analytics row, and what it means (pure):
 * - the inner error of an umbrella code (`VMRestorePointClientError`, `UserErrorCrpReportedUserError`), from the
 *   job's REST details: which category it really is;
 * - the VM's power state at backup time, from its Activity Log: a crash point of a stopped VM is what a stopped
 *   VM gets, one of a running VM is a fallback.
 */
import type { ErrorCategory, PowerState } from "./model.js";

/** Codes whose own name says little: the job's error details name the cause. */
const UMBRELLA_CODES: ReadonlySet<string> = new Set([
  "vmrestorepointclienterror",
  "usererrorcrpreportedusererror",
]);

export function isUmbrellaCode(code: string | null | undefined): boolean {
  return UMBRELLA_CODES.has((code ?? "").trim().toLowerCase());
}

/**
 * The category an umbrella code's inner message names (Microsoft's restore-point troubleshooting guide), or
 * null when it names none of them.
 */
export function categoryOfDetail(detail: string | null | undefined): ErrorCategory | null {
  const text = (detail ?? "").toLowerCase();
  if (text === "") return null;
  if (/\bvss\b|shadow cop|writer/.test(text)) return "vss";
  if (/com\+|msdtc|distributed transaction|vc\+\+|redistributable/.test(text)) return "extension";
  if (/snapshot limit|too many snapshots|maximum.*snapshots/.test(text)) return "disk";
  if (/network|connectivity|outbound/.test(text)) return "network";
  if (/inadequate|insufficient resources/.test(text)) return "network";
  if (/concurrent|shared disk/.test(text)) return "config";
  return null;
}

/** One Activity Log event of a VM, as far as its power goes. */
export interface PowerEvent {
  /** `operationName.value`, e.g. `Microsoft.Compute/virtualMachines/deallocate/action`. */
  operation: string;
  /** `status.value`, e.g. `Succeeded`. */
  status: string;
  /** `eventTimestamp`, epoch ms. */
  timeMs: number;
}

const STOPS = [
  "microsoft.compute/virtualmachines/deallocate/action",
  "microsoft.compute/virtualmachines/poweroff/action",
];
const STARTS = [
  "microsoft.compute/virtualmachines/start/action",
  "microsoft.compute/virtualmachines/restart/action",
  "microsoft.compute/virtualmachines/redeploy/action",
];

/**
 * The VM's power state at `atMs`: the last power operation that succeeded before then decides (deallocate or
 * power off → stopped; start, restart or redeploy → running); `unknown` when the events read hold none.
 */
export function powerStateAt(events: readonly PowerEvent[], atMs: number): PowerState {
  let last: { state: PowerState; timeMs: number } | null = null;
  for (const e of events) {
    if (e.timeMs > atMs || e.status.toLowerCase() !== "succeeded") continue;
    const op = e.operation.toLowerCase();
    const state: PowerState | null = STOPS.includes(op) ? "stopped" : STARTS.includes(op) ? "running" : null;
    if (state !== null && (last === null || e.timeMs >= last.timeMs)) last = { state, timeMs: e.timeMs };
  }
  return last?.state ?? "unknown";
}

/** One job as the Linux script evidence sees it. */
export interface ScriptEvidenceItem {
  /** The VM's key (any stable key: the same VM, the same key). */
  key: string;
  os: string;
  /** The job's catalogue entry is a Linux pre/post-script code. */
  scriptCode: boolean;
  /** The job's observed recovery point was application-consistent. */
  applicationPoint: boolean;
}

/**
 * The Linux VMs whose jobs show they run pre/post scripts: a script code (a failing script is a configured
 * one), or an application-consistent point (only scripts give a Linux VM one).
 */
export function linuxScriptVms(items: readonly ScriptEvidenceItem[]): Set<string> {
  const out = new Set<string>();
  for (const it of items) if (it.os === "Linux" && (it.scriptCode || it.applicationPoint)) out.add(it.key);
  return out;
}

/**
 * Whether a stored VM state shows an application-consistent point: its latest job's, or a day of its history
 * marked `A`. For a Linux VM that is evidence of pre/post scripts.
 */
export function hadApplicationPoint(state: { history: string; lastConsistency: string | null }): boolean {
  return state.lastConsistency === "application" || state.history.includes("A");
}
