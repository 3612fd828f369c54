/**
 * The day before, as the digest compares today with it: read vault partition by vault partition, and only
 * what a change needs is kept.
 */
import type { YesterdayOutcome } from "../domain/digest/input.js";
import { vmIdentityKey } from "../domain/identity.js";
import type { ClassifiedJob } from "../domain/model.js";
import type { TrendStore } from "../store/trend-store.js";

/** What a change is made of: a failure, or a point below expectation (anything else compares as no outcome). */
const matters = (o: YesterdayOutcome): boolean =>
  o.status === "Failed" || o.status === "Cancelled" || o.degraded === true;

/**
 * The latest outcome of the day before of each VM with a job today, kept only when it failed or was below
 * its expected consistency: a VM whose latest outcome was fine compares exactly as one without an outcome (a
 * new failure, no recovery, a downgrade). Holds one start per VM of today, not the day before's jobs.
 */
export async function dayBeforeOutcomes(
  store: TrendStore,
  date: string,
  jobs: readonly ClassifiedJob[],
): Promise<YesterdayOutcome[]> {
  if (jobs.length === 0) return [];
  const today = new Map<string, ClassifiedJob>();
  for (const j of jobs) today.set(vmIdentityKey(j), j);
  // Today's job of the VM → its latest outcome of the day before (a fine one as its start alone).
  const latest = new Map<ClassifiedJob, YesterdayOutcome | string>();
  for await (const outcomes of store.readDayOutcomesByVault(date, jobs)) {
    for (const o of outcomes) {
      const j = today.get(vmIdentityKey(o));
      if (!j) continue;
      const prev = latest.get(j);
      const prevStart = typeof prev === "string" ? prev : (prev?.start ?? "");
      if (prev !== undefined && (o.start ?? "") < prevStart) continue;
      latest.set(j, matters(o) ? o : (o.start ?? ""));
    }
  }
  const out: YesterdayOutcome[] = [];
  for (const v of latest.values()) if (typeof v !== "string") out.push(v);
  return out;
}
