/**
 * The daily job: read the day (and the previous days that late rows can still change) from every workspace,
 * look up recovery points where consistency is in doubt, classify, store, build the digest and deliver it.
 * The timer function, `backup-pulse run` and `backup-pulse demo` all call {@link runDaily}.
 */
import type { Config } from "../config.js";
import { lookupCode } from "../domain/catalogue.js";
import { classifyJob } from "../domain/classify.js";
import { buildDigest, type CoverageInput, type Digest } from "../domain/digest.js";
import type { BackupJob, ClassifiedJob, Consistency, JobStatus, ObservedPoint } from "../domain/model.js";
import { addDays, DAY_MS, utcDay } from "../domain/days.js";
import { groupJobsByDay } from "../domain/trends.js";
import { renderDigest } from "../delivery/render.js";
import type { Poster } from "../delivery/poster.js";
import { queryJobs, type LogsClient, type QueryProgress, type WorkspaceReport } from "../logs/query.js";
import {
  lookupRecoveryPoints,
  type RecoveryPointLookup,
  type RecoveryPointsClient,
} from "../recovery/recovery-points.js";
import { deliver, type DeliveryReport, type Outbox } from "../store/outbox.js";
import type { RunRecord, StoredJob, TrendStore, WriteDayResult } from "../store/trend-store.js";

export interface DailyDeps {
  logs: LogsClient;
  /** Null when recovery-point look-ups are off. */
  recovery: RecoveryPointsClient | null;
  /** Null only for a dry run without a table target. */
  store: TrendStore | null;
  outbox: Outbox | null;
  poster: Poster;
}

export interface DailyOptions {
  /** The UTC day the digest is for (YYYY-MM-DD). */
  date: string;
  /** Nothing is stored or posted. */
  dryRun?: boolean;
  /** Human progress lines (stderr in the CLI, the invocation log in Azure). */
  log?: (line: string) => void;
  abortSignal?: AbortSignal;
}

export interface DayWritten {
  date: string;
  jobs: number;
  complete: boolean;
  /** Why a day was not written (e.g. a stored complete day kept over an incomplete re-read). */
  skipped?: string;
  /** True when the stored complete day was kept because this read was incomplete. */
  keptStored?: boolean;
  result?: WriteDayResult;
}

export interface DailyResult {
  date: string;
  digest: Digest;
  /** Today's classified jobs. */
  jobs: ClassifiedJob[];
  workspaces: WorkspaceReport[];
  complete: boolean;
  rowsRead: number;
  rejected: number;
  excluded: Partial<Record<string, number>>;
  /** Look-ups made, matched and failed on this run; reused: points read on an earlier run. */
  recoveryPoints: { lookedUp: number; matched: number; failed: number; reused: number };
  days: DayWritten[];
  delivery: DeliveryReport | null;
  dryRun: boolean;
}

type StoredObservation = { consistency: Consistency; status: JobStatus };

/** The recovery-point type that reads back as each observed level. */
const POINT_TYPE: Record<Consistency, string> = {
  application: "AppConsistent",
  "file-system": "FileSystemConsistent",
  crash: "CrashConsistent",
  none: "None",
  unknown: "Unknown",
};

/** Observed consistencies stored for the days from `firstDay` up to, not including, `date`. */
async function observedBefore(
  store: TrendStore,
  firstDay: string,
  date: string,
): Promise<Map<string, StoredObservation>> {
  const out = new Map<string, StoredObservation>();
  for (let d = firstDay; d < date; d = addDays(d, 1)) {
    for (const [jobId, seen] of await store.readObservedJobs(d)) out.set(jobId, seen);
  }
  return out;
}

/** Classifies the jobs that were read, using observed recovery points where found. */
export function classifyWithPoints(
  jobs: readonly BackupJob[],
  config: Pick<Config, "linuxAppConsistentVms">,
  points: ReadonlyMap<string, { point: ObservedPoint } | { error: string }>,
): StoredJob[] {
  const options = { linuxAppConsistentVms: config.linuxAppConsistentVms };
  return jobs.map((job) => {
    const found = points.get(job.jobId);
    const point = found && "point" in found ? found.point : null;
    return {
      ...classifyJob(job, options, point),
      workspaceId: job.workspaceId,
      durationSec: job.durationSec,
    };
  });
}

export async function runDaily(config: Config, deps: DailyDeps, options: DailyOptions): Promise<DailyResult> {
  const log = options.log ?? (() => undefined);
  const { date } = options;
  const dryRun = options.dryRun ?? false;
  const firstDay = addDays(date, -config.lookbackDays);
  const rangeStart = new Date(`${firstDay}T00:00:00.000Z`);
  const rangeEnd = new Date(Date.parse(`${date}T00:00:00.000Z`) + DAY_MS);

  log(
    `Reading jobs that started ${firstDay} to ${date} from ${config.workspaceIds.length} workspace(s)` +
      (config.lookbackDays > 0 ? ` (${config.lookbackDays} earlier day(s) re-read for late rows)` : ""),
  );
  const read = await queryJobs({
    client: deps.logs,
    workspaceIds: config.workspaceIds,
    rangeStart,
    rangeEnd,
    onProgress: (p) => logProgress(p, log),
    ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
  });
  for (const w of read.workspaces) {
    log(
      `  workspace ${w.workspaceId}: ${w.status}, ${w.rowsRead} row(s)` +
        (w.partialSplits ? `, ${w.partialSplits} split(s)` : "") +
        (w.complete ? "" : ", INCOMPLETE") +
        (w.error ? ` (${w.error})` : ""),
    );
  }

  const points = new Map<string, RecoveryPointLookup>();
  const recoveryPoints = { lookedUp: 0, matched: 0, failed: 0, reused: 0 };
  if (deps.recovery && config.recoveryPoints !== "off") {
    // Jobs of earlier days whose point was already read on a previous run keep what it said.
    const known = deps.store
      ? await observedBefore(deps.store, firstDay, date)
      : new Map<string, StoredObservation>();
    const toLookUp: BackupJob[] = [];
    for (const job of read.read.jobs) {
      const seen = known.get(job.jobId);
      if (seen && seen.status === job.status) {
        points.set(job.jobId, {
          point: { recoveryPointType: POINT_TYPE[seen.consistency], timeMs: job.startMs },
        });
        recoveryPoints.reused++;
      } else {
        toLookUp.push(job);
      }
    }
    const found = await lookupRecoveryPoints({
      client: deps.recovery,
      jobs: toLookUp,
      mode: config.recoveryPoints,
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    });
    for (const [jobId, p] of found) {
      points.set(jobId, p);
      recoveryPoints.lookedUp++;
      if ("point" in p) recoveryPoints.matched++;
      else recoveryPoints.failed++;
    }
    log(
      `Recovery points: ${recoveryPoints.lookedUp} job(s) looked up, ${recoveryPoints.matched} matched` +
        (recoveryPoints.failed ? `, ${recoveryPoints.failed} kept their inferred consistency` : "") +
        (recoveryPoints.reused ? `; ${recoveryPoints.reused} read on an earlier run` : ""),
    );
  }

  const classified = classifyWithPoints(read.read.jobs, config, points);
  const byDay = groupJobsByDay(classified);
  const days: DayWritten[] = [];
  for (let d = firstDay; d <= date; d = addDays(d, 1)) {
    const jobs = byDay.get(d) ?? [];
    days.push(
      dryRun || !deps.store
        ? { date: d, jobs: jobs.length, complete: read.complete, skipped: "dry run" }
        : await storeDay(
            deps.store,
            d,
            jobs,
            { complete: read.complete, workspaces: read.workspaces, rowsRejected: read.read.rejected.length },
            log,
          ),
    );
  }

  const today = byDay.get(date) ?? [];
  // When the stored day was kept (this read was incomplete, or found nothing), the digest is that day's: a
  // lesser read must not replace what was already known, in the store or in a digest waiting in the outbox.
  const keptRun = days[days.length - 1]?.keptStored && deps.store ? await deps.store.readRun(date) : null;
  const digest =
    keptRun && deps.store
      ? await composeDigest({
          date,
          jobs: await deps.store.readDayJobs(date),
          store: deps.store,
          run: keptRun,
        })
      : await composeDigest({
          date,
          jobs: today,
          store: deps.store,
          workspaces: read.workspaces,
          complete: read.complete,
          rowsRejected: read.read.rejected.length,
        });
  if (keptRun) log(`The digest shows the stored day ${date}, which this read could not improve on`);

  let delivery: DeliveryReport | null = null;
  if (!dryRun && config.webhookUrl && deps.outbox) {
    delivery = await deliver({
      outbox: deps.outbox,
      poster: deps.poster,
      items: [
        {
          kind: "digest",
          key: date,
          target: { url: config.webhookUrl, format: config.webhookFormat, secret: config.webhookSecret },
          payload: renderDigest(config.webhookFormat, digest),
        },
      ],
    });
    logDelivery(delivery, log);
  }

  return {
    date,
    digest,
    jobs: today,
    workspaces: read.workspaces,
    complete: read.complete,
    rowsRead: read.read.rowsRead,
    rejected: read.read.rejected.length,
    excluded: read.read.excluded,
    recoveryPoints,
    days,
    delivery,
    dryRun,
  };
}

/**
 * Stores one day. An incomplete read never replaces a day already stored complete, and is stored marked
 * incomplete otherwise (so it is never taken for a complete day).
 */
async function storeDay(
  store: TrendStore,
  date: string,
  read: StoredJob[],
  outcome: { complete: boolean; workspaces: readonly WorkspaceReport[]; rowsRejected: number },
  log: (line: string) => void,
): Promise<DayWritten> {
  const { complete, workspaces } = outcome;
  const stored = await store.readRun(date);
  const keep = (why: string, line: string): DayWritten => {
    log(`  ${date}: ${line}`);
    return { date, jobs: read.length, complete, skipped: why, keptStored: true };
  };
  if (!complete && stored?.complete) {
    return keep(
      "stored day is complete; this read was not",
      "kept the stored complete day (this read was incomplete)",
    );
  }
  if (read.length === 0 && stored && stored.jobs > 0) {
    // Rows past the workspace's retention read as nothing: the stored history outlives them.
    return keep(
      "this read found no job for a stored day",
      `kept the ${stored.jobs} stored job(s): this read found none (past the workspace's retention?)`,
    );
  }
  let jobs = read;
  if (!complete && stored) {
    // Both reads are incomplete: keep what the earlier one stored from the workspaces this one could not read.
    const unread = new Set(
      workspaces.filter((w) => w.status === "failed" || !w.complete).map((w) => w.workspaceId),
    );
    const seen = new Set(read.map((j) => j.jobId));
    const carried = (await store.readDayJobs(date)).filter(
      (j) => j.workspaceId && unread.has(j.workspaceId) && !seen.has(j.jobId),
    );
    if (carried.length > 0) {
      jobs = [...read, ...carried];
      log(
        `  ${date}: kept ${carried.length} stored job(s) of workspace(s) this read could not read completely`,
      );
    }
  }
  const result = await store.writeDay({
    date,
    jobs,
    complete,
    workspaces: workspaces.map((w) => ({
      workspaceId: w.workspaceId,
      ok: w.status !== "failed" && w.complete,
    })),
    rowsRejected: outcome.rowsRejected,
  });
  log(
    `  ${date}: stored ${jobs.length} job(s)${complete ? "" : " (marked incomplete)"} in ${result.transactions} transaction(s)`,
  );
  return { date, jobs: jobs.length, complete, result };
}

/** What was read for the day: the workspaces of this run, or the stored run record of an earlier run. */
export type DigestCoverageSource =
  { workspaces: readonly WorkspaceReport[]; complete: boolean; rowsRejected: number } | { run: RunRecord };

export type ComposeDigestInput = {
  date: string;
  jobs: readonly ClassifiedJob[];
  store: TrendStore | null;
} & DigestCoverageSource;

/**
 * Builds the digest of a day from its jobs and the stored history (trends, yesterday, VM states). The VM
 * states are the latest stored: for an earlier day, streaks are those known now.
 */
export async function composeDigest(input: ComposeDigestInput): Promise<Digest> {
  const { date, store } = input;
  const [trends, yesterday, states] = store
    ? await Promise.all([
        store.readTrends({ from: addDays(date, -30), to: addDays(date, -1) }),
        store.readDayJobs(addDays(date, -1)),
        collect(store.readVmStates()),
      ])
    : [[], [], []];
  // VMs first seen after this day are not expected to have had a job on it.
  const known = states.filter((s) => s.historyEnd !== "" && firstDayOf(s) <= date);
  return buildDigest({
    date,
    jobs: input.jobs,
    trends,
    yesterday,
    vmStates: known,
    knownVms: known.map((s) => ({ vm: s.vm, vault: s.vault, lastJobAt: s.lastJobAt })),
    coverage: {
      ...("run" in input ? coverageOfRun(input.run) : coverageOfRead(input)),
      vaultsKnown: [...new Set(known.map((s) => s.vault))],
    },
    lookup: lookupCode,
  });
}

function coverageOfRead(read: {
  workspaces: readonly WorkspaceReport[];
  complete: boolean;
  rowsRejected: number;
}): Omit<CoverageInput, "vaultsKnown"> {
  return {
    workspacesQueried: read.workspaces.map((w) => w.workspaceId),
    workspacesFailed: read.workspaces
      .filter((w) => w.status === "failed")
      .map((w) => ({ workspaceId: w.workspaceId, reason: w.error ?? "query failed" })),
    partial: !read.complete,
    rowsRejected: read.rowsRejected,
  };
}

/**
 * Coverage as the run record kept it: the failed workspaces by ID, the others by count only (the digest
 * shows how many workspaces were queried, not which), and no count of rejected rows.
 */
export function coverageOfRun(run: RunRecord): Omit<CoverageInput, "vaultsKnown"> {
  const when = run.runAt ? ` on the run of ${run.runAt}` : "";
  return {
    workspacesQueried:
      run.workspaceIds.length > 0
        ? run.workspaceIds
        : [
            ...run.failedWorkspaceIds,
            ...Array.from({ length: run.workspacesOk }, (_, i) => `workspace ${i + 1} read`),
          ],
    workspacesFailed: run.failedWorkspaceIds.map((workspaceId) => ({
      workspaceId,
      reason: `not read completely${when}; the reason is in that run's log`,
    })),
    partial: !run.complete,
    rowsRejected: run.rowsRejected,
  };
}

function firstDayOf(state: { history: string; historyEnd: string }): string {
  return addDays(state.historyEnd, -(state.history.length - 1));
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function logProgress(p: QueryProgress, log: (line: string) => void): void {
  const window = `${p.rangeStart.toISOString()}..${p.rangeEnd.toISOString()}`;
  if (p.event === "split") log(`  ${p.workspaceId} ${p.queryName}: partial result, splitting ${window}`);
  else if (p.event === "retry")
    log(
      `  ${p.workspaceId} ${p.queryName}: throttled or unavailable, retry ${p.attempt ?? ""} in ${p.delayMs ?? 0} ms`,
    );
  else if (p.event === "incomplete") log(`  ${p.workspaceId} ${p.queryName}: still partial at ${window}`);
  else if (p.event === "failed") log(`  ${p.workspaceId} ${p.queryName}: failed (${p.message ?? "error"})`);
}

function logDelivery(report: DeliveryReport, log: (line: string) => void): void {
  for (const p of report.posted) log(`Posted the ${p.kind} for ${p.key} (HTTP ${p.status})`);
  for (const p of report.alreadyPosted)
    log(`The ${p.kind} for ${p.key} was already posted: not posted again`);
  for (const p of report.inFlight) log(`The ${p.kind} for ${p.key} is being posted by another run`);
  for (const f of report.failed)
    log(`The ${f.kind} for ${f.key} was not delivered (${f.error}); it will be retried on the next run`);
}

/** Yesterday in UTC, as the default day of a run. */
export function yesterdayUtc(nowMs: number = Date.now()): string {
  return utcDay(new Date(nowMs - DAY_MS).toISOString());
}
