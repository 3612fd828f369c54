/**
 * The daily digest: what a person reads every morning to learn, in ten seconds, whether the fleet's
 * backups are healthy, what changed since yesterday and what to do. Pure: each section is built by its own
 * module under ./digest/, from the day's jobs and the stored history.
 */
import { dayChanges } from "./digest/changes.js";
import { catalogueLookup, localisedLookup, topCodes } from "./digest/codes.js";
import { digestCoverage } from "./digest/coverage.js";
import { readDay } from "./digest/day.js";
import { digestLabeller } from "./digest/labels.js";
import { fleetHistory, headlineFigures } from "./digest/figures.js";
import { DEFAULT_THRESHOLDS, type DigestInput, type DigestThresholds } from "./digest/input.js";
import type { Digest } from "./digest/model.js";
import { messagesFor } from "./messages/index.js";
import { digestNotes } from "./digest/notes.js";
import { knownVmsByKey, persisting } from "./digest/persisting.js";
import { digestSeries } from "./digest/series.js";
import { digestStatus } from "./digest/status.js";
import { vmRows } from "./digest/vm-rows.js";

export type { CoverageInput, DigestInput } from "./digest/input.js";
export * from "./digest/model.js";

/** Builds the digest of one UTC day. Deterministic for a given input (except `generatedAt` when not given). */
export function buildDigest(input: DigestInput): Digest {
  const th: DigestThresholds = { ...DEFAULT_THRESHOLDS, ...input.thresholds };
  const { date } = input;
  const m = messagesFor(input.locale);
  const day = readDay(date, input.jobs, digestLabeller(input), m);
  const history = fleetHistory(date, input.trends);
  const known = knownVmsByKey(input.knownVms);
  const lookup = localisedLookup(input.lookup ?? catalogueLookup, m);
  const persists = persisting(day, input.vmStates, known, th, lookup);
  const coverage = digestCoverage(day, input.coverage, input.knownVms, known.size);
  return {
    date,
    generatedAt: input.generatedAt ?? new Date().toISOString(),
    locale: m.locale,
    timeZone: input.timeZone ?? "UTC",
    headline: {
      date,
      ...digestStatus(day, persists, { ...coverage, emptyRead: input.coverage.emptyRead }, th, m),
      partial: coverage.partial,
      ...headlineFigures(date, day.figures, history),
      counts: day.counts,
    },
    changes: dayChanges(day, input.yesterday, lookup),
    persisting: persists,
    topCodes: topCodes(input.jobs, lookup, day.label, m),
    coverage,
    series: digestSeries(day, history),
    notes: [...(input.notes ?? []), ...digestNotes(input.jobs, m)],
    vms: vmRows(day),
  };
}
