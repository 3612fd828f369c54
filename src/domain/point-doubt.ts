/**
 * Which jobs' recovery points are worth a look-up through ARM (pure). In `all` every job that made a point;
 * in `warnings` (the default) the jobs whose consistency is in doubt:
 *
 * - a job with warnings, or with a code (the inference cannot be sure what its point is);
 * - a Windows job under an Enhanced (V2) policy: its application-consistent snapshot may have fallen back to
 *   crash, and the job still says `Completed`;
 * - a Linux job without a code on its VM's rotation day, about once a week per VM (a plain `Completed` Linux
 *   job is file-system consistent unless scripts run; the weekly look-up confirms it without a call a day);
 * - a job whose OS is unknown.
 *
 * A VM under a crash-only policy is crash-consistent by design: nothing to look up in `warnings`.
 */
import { daysBetween } from "./days.js";
import type { BackupJob } from "./model.js";

/** `PULSE_RECOVERY_POINTS`. */
export type LookupMode = "off" | "warnings" | "all";

/** Days of the rotation: each Linux VM is looked up on one day in this many. */
export const ROTATION_DAYS = 7;

/** The VM's day of the rotation (0 … ROTATION_DAYS - 1), from its ID (else vault and name): FNV-1a. */
export function rotationSlot(key: string): number {
  let h = 0x811c9dc5;
  const text = key.toLowerCase();
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % ROTATION_DAYS;
}

/** True on the VM's day of the rotation. */
export function onRotationDay(key: string, day: string): boolean {
  const n = daysBetween("1970-01-01", day) % ROTATION_DAYS;
  return rotationSlot(key) === (n + ROTATION_DAYS) % ROTATION_DAYS;
}

export type DoubtFacts = Pick<BackupJob, "status" | "os" | "code" | "policy" | "vmId" | "vm" | "vault">;

/** The key a VM rotates on: its resource ID, else vault and name. */
export function rotationKey(job: Pick<BackupJob, "vmId" | "vm" | "vault">): string {
  return job.vmId ?? `${job.vault}/${job.vm}`;
}

/** Whether the job's recovery point is worth a look-up in `mode`; `day` is the job's calendar day. */
export function pointInDoubt(job: DoubtFacts, mode: LookupMode, day: string): boolean {
  if (mode === "off") return false;
  if (job.status !== "Completed" && job.status !== "CompletedWithWarnings") return false;
  if (mode === "all") return true;
  if (job.policy?.crashOnly) return false;
  if (job.status === "CompletedWithWarnings" || job.code !== null) return true;
  if (job.os === "Windows") return job.policy?.type === "V2";
  if (job.os === "Linux") return onRotationDay(rotationKey(job), day);
  return true;
}
