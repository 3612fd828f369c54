/**
 * The daily job: read the day (and the previous days that late rows can still change) from every workspace,
 * look up recovery points where consistency is in doubt, classify, store, build the digest and deliver it.
 * The timer function, `backup-pulse run` and `backup-pulse demo` all call {@link runDaily}.
 */
import type { Config } from "../config.js";
import { messagesFor, type Locale } from "../domain/messages/index.js";
import type { Digest } from "../domain/digest.js";
import type { BackupJob, ClassifiedJob } from "../domain/model.js";
import { addDays, dayWindow } from "../domain/days.js";
import type { Poster } from "../delivery/poster.js";
import { logBudgetSpent, type RunBudget } from "./budget.js";
import type { LogsClient } from "../logs/query-client.js";
import type { QueryProgress, WorkspaceReport } from "../logs/workspace-report.js";
import type { RecoveryPointsClient } from "../recovery/recovery-points.js";
import type { Outbox } from "../store/outbox.js";
import type { StoredJob, TrendStore } from "../store/trend-store.js";
import { composeDigest, type ComposeDigestInput } from "./compose-digest.js";
import { judgeAsStored, type StoredVerdicts } from "./known-vms.js";
import { deliverDigests, digestChannels, missedDigests } from "./digest-delivery.js";
import type { DeliveryReport } from "./deliver.js";
import { givenUpNotes } from "./given-up.js";
import { emptyRead, emptyReadLine, noWorkspaceRead, noWorkspaceReadLine } from "./outcome.js";
import { readAndClassify, type ClassifiedRead, type PointCounts } from "./read-and-classify.js";
import {
  earlierApplicationVms,
  observedBefore,
  storeDays,
  vmsExpected,
  type DayWritten,
  type ReadOutcome,
} from "./store-days.js";

export interface DailyDeps {
  logs: LogsClient;
  /** Null when recovery-point look-ups are off. */
  recovery: RecoveryPointsClient | null;
  /** Null only for a dry run without a table target. */
  store: TrendStore | null;
  outbox: Outbox | null;
  poster: Poster;
  /** Sends the e-mail digest (PULSE_EMAIL_TO); absent or null when e-mail is off. */
  emailSender?: Poster | null;
  /** The run's time budget: reads stop when it is spent. */
  budget?: RunBudget;
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
  recoveryPoints: PointCounts;
  days: DayWritten[];
  delivery: DeliveryReport | null;
  dryRun: boolean;
  /**
   * Why the run is NO DATA though every workspace answered (none returned a job while VMs are expected); null
   * otherwise. Such a run fails (exit 1), as one that could read no workspace does.
   */
  noData: string | null;
}

export async function runDaily(config: Config, deps: DailyDeps, options: DailyOptions): Promise<DailyResult> {
  const log = options.log ?? (() => undefined);
  const { date } = options;
  const dryRun = options.dryRun ?? false;
  const firstDay = addDays(date, -config.lookbackDays);

  const read = await readDays(config, deps, { firstDay, date, log }, options.abortSignal);
  const outcome: ReadOutcome = {
    complete: read.complete,
    workspaces: read.workspaces,
    rowsRejected: read.rejected,
  };
  // Every workspace answered without a row: NO DATA when the store knows VMs that should have backed up.
  const empty = emptyRead(read.workspaces);
  const expectedCount = empty && deps.store ? await vmsExpected(deps.store) : 0;
  // The digest's VMs are judged vault by vault as the day's write stores their states, not read back.
  const judged: StoredVerdicts = new Map();
  const judge: Judging = {
    timeZone: config.timeZone,
    inventory: read.inventory,
    markRetired: !dryRun,
    judged,
  };
  const judgeStored =
    deps.store && !dryRun
      ? judgeAsStored(
          {
            date,
            tz: config.timeZone,
            store: deps.store,
            inventory: read.inventory,
            markRetired: true,
            messages: messagesFor(config.locale),
          },
          judged,
        )
      : undefined;
  const { today, days } = await storeDays({
    firstDay,
    lastDay: date,
    timeZone: config.timeZone,
    jobs: read.take(),
    outcome,
    store: dryRun ? null : deps.store,
    emptyRead: empty,
    ...(judgeStored ? { judgeStored } : {}),
    log,
  }).then(({ byDay, days }) => ({ today: byDay.get(date) ?? [], days }));
  // A stored day kept over an empty re-read (rows past the workspace's retention) is still known.
  const emptyDay = empty && !days.at(-1)?.keptStored;
  const noData =
    emptyDay && expectedCount > 0 ? emptyReadLine(read.workspaces, { firstDay, date }, expectedCount) : null;
  if (noData) log(`NO DATA: ${noData}`);
  else if (emptyDay) {
    log(
      "No jobs found: no workspace returned a backup job and no VM is known yet, so nothing is expected and " +
        "nothing was stored (if VMs are protected, check the vaults' diagnostic settings)",
    );
  }
  const words = { locale: config.locale, timeZone: config.timeZone };
  const unstorable = days.at(-1)?.unstorable ?? 0;
  const digest = await digestOfDay(
    { date, ...words },
    today,
    {
      ...outcome,
      rowsUnstorable: unstorable,
      ...(emptyDay ? { emptyRead: { vmsExpected: expectedCount } } : {}),
    },
    days.at(-1),
    deps.store,
    judge,
    log,
  );
  const delivery =
    !dryRun && deps.outbox
      ? await deliverDay(config, { ...deps, outbox: deps.outbox }, { firstDay, digest }, log)
      : null;
  if (deps.budget?.spent()) logBudgetSpent(deps.budget, log);

  return {
    date,
    digest,
    jobs: today,
    workspaces: read.workspaces,
    complete: read.complete,
    rowsRead: read.rowsRead,
    rejected: read.rejected,
    excluded: read.excluded,
    recoveryPoints: read.recoveryPoints ?? { lookedUp: 0, matched: 0, failed: 0, reused: 0 },
    days,
    delivery,
    dryRun,
    noData,
  };
}

/**
 * What the daily run keeps of its read: the classified jobs (handed over once by `take`, so the run holds one
 * copy of a fleet's jobs) and what the read said; the rows and the jobs as read are let go.
 */
interface DayRead {
  take: () => StoredJob[];
  workspaces: WorkspaceReport[];
  complete: boolean;
  rowsRead: number;
  rejected: number;
  excluded: Partial<Record<string, number>>;
  recoveryPoints: PointCounts | null;
  inventory: ClassifiedRead["inventory"];
}

/** Reads and classifies the jobs that started from `firstDay` to `date`, saying what was read. */
async function readDays(
  config: Config,
  deps: DailyDeps,
  span: { firstDay: string; date: string; log: (line: string) => void },
  abortSignal: AbortSignal | undefined,
): Promise<DayRead> {
  const { firstDay, date, log } = span;
  log(
    `Reading jobs that started ${firstDay} to ${date}${config.timeZone === "UTC" ? "" : ` (${config.timeZone})`} from ${config.workspaceIds.length} workspace(s)` +
      (config.lookbackDays > 0 ? ` (${config.lookbackDays} earlier day(s) re-read for late rows)` : ""),
  );
  const store = deps.store;
  const read = await readAndClassify(
    config,
    deps,
    {
      // Calendar days of PULSE_TIMEZONE: from the first look-back day's start to the run day's end.
      rangeStart: new Date(dayWindow(firstDay, config.timeZone).startMs),
      rangeEnd: new Date(dayWindow(date, config.timeZone).endMs),
      onProgress: (p) => logProgress(p, log),
      // Jobs of earlier days whose point was already read on a previous run keep what it said.
      ...(store
        ? {
            observedEarlier: () => observedBefore(store, firstDay, date),
            // Linux VMs seen with an application-consistent point before run scripts: expected application.
            earlierApplication: (jobs: readonly BackupJob[]) => earlierApplicationVms(store, jobs),
          }
        : {}),
    },
    abortSignal ? { abortSignal } : {},
  );
  for (const w of read.query.workspaces) {
    log(
      `  workspace ${w.workspaceId}: ${w.status}, ${w.rowsRead} row(s)` +
        (w.partialSplits ? `, ${w.partialSplits} split(s)` : "") +
        (w.complete ? "" : ", INCOMPLETE") +
        (w.error ? ` (${w.error})` : ""),
    );
  }
  const inventory = read.inventory;
  if (inventory) {
    log(
      `Vault inventory: ${inventory.listed.length} vault(s) listed through ARM in ${inventory.calls} call(s)` +
        (inventory.failed.length > 0 ? `, ${inventory.failed.length} could not be listed` : ""),
    );
    for (const f of inventory.failed) log(`  vault ${f.vaultId}: ${f.error} (its VMs are judged without it)`);
  }
  if (noWorkspaceRead(read.query.workspaces)) log(noWorkspaceReadLine(read.query.workspaces));
  const points = read.recoveryPoints;
  if (points) {
    log(
      `Recovery points: ${points.lookedUp} job(s) looked up, ${points.matched} matched` +
        (points.failed ? `, ${points.failed} kept their inferred consistency` : "") +
        (points.reused ? `; ${points.reused} read on an earlier run` : ""),
    );
  }
  let classified: StoredJob[] | null = read.classified;
  return {
    take: () => {
      const jobs = classified ?? [];
      classified = null;
      return jobs;
    },
    workspaces: read.query.workspaces,
    complete: read.query.complete,
    rowsRead: read.query.read.rowsRead,
    rejected: read.query.read.rejected.length,
    excluded: read.query.read.excluded,
    recoveryPoints: read.recoveryPoints,
    inventory: read.inventory,
  };
}

/**
 * The digest of the day. When the stored day was kept (this read was incomplete, or found nothing), it is that
 * day's: a lesser read must not replace what was already known, in the store or in a digest waiting in the
 * outbox.
 */
async function digestOfDay(
  day: { date: string; locale: Locale; timeZone: string },
  today: readonly ClassifiedJob[],
  outcome: ReadOutcome & { rowsUnstorable: number; emptyRead?: { vmsExpected: number } },
  written: DayWritten | undefined,
  store: TrendStore | null,
  judge: Judging,
  log: (line: string) => void,
): Promise<Digest> {
  const { date } = day;
  const keptRun = written?.keptStored && store ? await store.readRun(date) : null;
  if (!keptRun || !store) return composeDigest({ ...day, jobs: today, store, ...judge, ...outcome, log });
  const jobs = await store.readDayJobs(date);
  const digest = await composeDigest({ ...day, jobs, store, ...judge, run: keptRun, log });
  log(`The digest shows the stored day ${date}, which this read could not improve on`);
  return digest;
}

/** How the digest judges VMs without a job: the run's time zone and inventory. */
type Judging = Pick<ComposeDigestInput, "timeZone" | "inventory" | "markRetired" | "judged">;

/**
 * Delivers the day's digest on every channel, after the digests of earlier stored days no run delivered
 * (marked late). The day's digest names the messages the outbox gave up on since a digest was last posted.
 */
async function deliverDay(
  config: Config,
  deps: DailyDeps & { outbox: Outbox },
  day: { firstDay: string; digest: Digest },
  log: (line: string) => void,
): Promise<DeliveryReport | null> {
  const { outbox, store } = deps;
  const channels = digestChannels(config, deps);
  if (channels.length === 0) return null;
  const { digest } = day;
  const late = store
    ? await missedDigests({
        channels,
        outbox,
        store,
        firstDay: day.firstDay,
        date: digest.date,
        log,
        words: { locale: config.locale, timeZone: config.timeZone },
      })
    : [];
  digest.notes.push(...(await givenUpNotes(outbox, messagesFor(digest.locale))));
  return deliverDigests(channels, outbox, [...late, { digest, channels }], log);
}

function logProgress(p: QueryProgress, log: (line: string) => void): void {
  const window = `${p.rangeStart.toISOString()}..${p.rangeEnd.toISOString()}`;
  if (p.event === "plan-failed" || (p.event === "plan" && (p.windows ?? 1) > 1))
    log(`  ${p.workspaceId} ${p.queryName}: ${p.message ?? ""}`);
  else if (p.event === "split") log(`  ${p.workspaceId} ${p.queryName}: partial result, splitting ${window}`);
  else if (p.event === "retry")
    log(
      `  ${p.workspaceId} ${p.queryName}: throttled or unavailable, retry ${p.attempt ?? ""} in ${p.delayMs ?? 0} ms`,
    );
  else if (p.event === "incomplete") log(`  ${p.workspaceId} ${p.queryName}: still partial at ${window}`);
  else if (p.event === "failed") log(`  ${p.workspaceId} ${p.queryName}: failed (${p.message ?? "error"})`);
}
