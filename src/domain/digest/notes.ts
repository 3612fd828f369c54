/**
 * The digest's notes: what its consistency figures mean and what they cannot say. Pure; every sentence lives
 * here (or in the catalogue) so a translation finds them all.
 */
import { isConsistencyNotConfirmed } from "../consistency.js";
import { messagesFor, type Messages } from "../messages/index.js";
import type { ClassifiedJob } from "../model.js";
import { byVaultVm, latestPerVm } from "./day.js";

/** At most this many VM names in one note. */
const NAMES_SHOWN = 5;

function names(jobs: readonly ClassifiedJob[], m: Messages): string {
  const vms = [...latestPerVm(jobs).values()].sort(byVaultVm).map((j) => j.vm);
  return m.notes.names(vms.slice(0, NAMES_SHOWN), Math.max(0, vms.length - NAMES_SHOWN));
}

/** The notes of a day: the crash points by power state, the unconfirmed warnings, and what the levels mean. */
export function digestNotes(jobs: readonly ClassifiedJob[], m: Messages = messagesFor("en")): string[] {
  const notes = [m.offlineNote];
  const crash = jobs.filter((j) => j.consistency === "crash");
  const stopped = crash.filter((j) => j.powerState === "stopped");
  const running = crash.filter((j) => j.powerState === "running");
  const unknown = crash.filter((j) => j.powerState === "unknown");
  if (stopped.length > 0) {
    notes.push(m.notes.stopped(names(stopped, m)));
  }
  if (running.length > 0) {
    notes.push(m.notes.running(names(running, m)));
  }
  if (unknown.length > 0) {
    notes.push(m.notes.powerUnknown(names(unknown, m)));
  }
  const unconfirmed = jobs.filter(isConsistencyNotConfirmed);
  if (unconfirmed.length > 0) {
    notes.push(m.notes.unconfirmed(names(unconfirmed, m)));
  }
  if (jobs.some((j) => j.os === "Windows" && j.consistency === "application")) {
    notes.push(m.notes.windowsApp);
  }
  return notes;
}
