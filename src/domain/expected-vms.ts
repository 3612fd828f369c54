/**
 * Which known VMs a day's digest expects a job of (pure): each VM without a job that day is judged by
 * {@link expectationOn}. Due → listed under "no backup job" (with its policy); not due → not listed;
 * retired (protection stopped, or gone from the vault) or lapsed (no job for more than 14 days, schedule
 * unknown) → a note on the one digest that says so, then nothing.
 */
import { dayOfIso } from "./days.js";
import type { KnownVm } from "./digest/input.js";
import { messagesFor, type Messages } from "./messages/index.js";
import { LAPSE_DAYS, expectationOn, type ItemFacts } from "./schedule.js";

export interface KnownVmFacts {
  vm: string;
  vault: string;
  vmId: string | null;
  vaultId: string | null;
  lastJobAt: string | null;
  /** The day an earlier run first found its protection stopped or the VM gone (null: not yet). */
  retiredOn: string | null;
}

export interface ExpectedVms<T extends KnownVmFacts> {
  /** The VMs a job is expected of (those with a job that day included): the digest's known VMs. */
  expected: (KnownVm & { policy: string | null })[];
  /** One line per VM that stops being expected on this day. */
  notes: string[];
  /** VMs found retired on this day for the first time (their `retiredOn` is to be stored). */
  newlyRetired: T[];
}

export interface ExpectedVmsInput<T extends KnownVmFacts> {
  date: string;
  tz: string;
  known: readonly T[];
  /** True when the VM had a job on `date`. */
  hadJob: (vm: T) => boolean;
  /** The VM's inventory facts: undefined when not known (see ExpectationInput.item). */
  itemOf: (vm: T) => ItemFacts | null | undefined;
  /** The language of the notes (default English). */
  messages?: Messages;
}

export function expectedVms<T extends KnownVmFacts>(input: ExpectedVmsInput<T>): ExpectedVms<T> {
  const out: ExpectedVms<T> = { expected: [], notes: [], newlyRetired: [] };
  const notes = (input.messages ?? messagesFor("en")).notes;
  for (const v of input.known) {
    const known = { vm: v.vm, vault: v.vault, vmId: v.vmId, vaultId: v.vaultId, lastJobAt: v.lastJobAt };
    if (input.hadJob(v)) {
      out.expected.push({ ...known, policy: null });
      continue;
    }
    const e = expectationOn({
      day: input.date,
      tz: input.tz,
      lastJobDay: v.lastJobAt ? dayOfIso(v.lastJobAt, input.tz) : null,
      item: input.itemOf(v),
      retiredOn: v.retiredOn,
    });
    if (e.kind === "due") out.expected.push({ ...known, policy: e.policy });
    else if (e.kind === "retired") {
      if (v.retiredOn === null) out.newlyRetired.push(v);
      if (e.announce) {
        out.notes.push(
          e.reason === "gone"
            ? notes.vmGone(v.vm, v.vault)
            : notes.protectionStopped(
                v.vm,
                v.vault,
                e.state && e.state !== "ProtectionStopped" ? e.state : null,
              ),
        );
      }
    } else if (e.kind === "lapsed" && e.announce) {
      out.notes.push(notes.lapsed(v.vm, v.vault, LAPSE_DAYS));
    }
  }
  return out;
}
