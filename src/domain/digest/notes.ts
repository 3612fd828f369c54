/**
 * The digest's notes: what its consistency figures mean and what they cannot say. Pure; every sentence lives
 * here (or in the catalogue) so a translation finds them all.
 */
import { WINDOWS_APP_CONSISTENCY_NOTE } from "../catalogue.js";
import { isConsistencyNotConfirmed } from "../consistency.js";
import type { ClassifiedJob } from "../model.js";
import { byVaultVm, latestPerVm } from "./day.js";
import { OFFLINE_VM_NOTE } from "./model.js";

/** At most this many VM names in one note. */
const NAMES_SHOWN = 5;

function names(jobs: readonly ClassifiedJob[]): string {
  const vms = [...latestPerVm(jobs).values()].sort(byVaultVm).map((j) => j.vm);
  const shown = vms.slice(0, NAMES_SHOWN).join(", ");
  return vms.length > NAMES_SHOWN ? `${shown} and ${vms.length - NAMES_SHOWN} more` : shown;
}

/** The notes of a day: the crash points by power state, the unconfirmed warnings, and what the levels mean. */
export function digestNotes(jobs: readonly ClassifiedJob[]): string[] {
  const notes = [OFFLINE_VM_NOTE];
  const crash = jobs.filter((j) => j.consistency === "crash");
  const stopped = crash.filter((j) => j.powerState === "stopped");
  const running = crash.filter((j) => j.powerState === "running");
  const unknown = crash.filter((j) => j.powerState === "unknown");
  if (stopped.length > 0) {
    notes.push(`Offline at backup time (crash-consistent): safe if shut down cleanly: ${names(stopped)}.`);
  }
  if (running.length > 0) {
    notes.push(`Crash-consistent while running (a fallback, below what is expected): ${names(running)}.`);
  }
  if (unknown.length > 0) {
    notes.push(`Crash-consistent; whether the VM was running is not known: ${names(unknown)}.`);
  }
  const unconfirmed = jobs.filter(isConsistencyNotConfirmed);
  if (unconfirmed.length > 0) {
    notes.push(`Consistency not confirmed (warning, point not read): ${names(unconfirmed)}.`);
  }
  if (jobs.some((j) => j.os === "Windows" && j.consistency === "application")) {
    notes.push(WINDOWS_APP_CONSISTENCY_NOTE.text);
  }
  return notes;
}
