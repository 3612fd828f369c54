/**
 * Every word the digest and the alerts say, per locale (PULSE_LOCALE): one table per language, so that no
 * renderer holds a sentence of its own. Codes, VM and vault names are never translated. Pure.
 */
import type { ChangeKind, DigestStatus } from "../digest/model.js";
import type {
  Consistency,
  ConsistencySource,
  ErrorCategory,
  ExpectedConsistency,
  JobStatus,
} from "../model.js";

export const LOCALES = ["en", "ja"] as const;
export type Locale = (typeof LOCALES)[number];

/** A message the outbox gave up on (`digestDay` null: an alert message, named by its key and summary). */
export interface GivenUpMessage {
  digestDay: string | null;
  key: string;
  summary: string | null;
  givenUpAt: string | null;
  attempts: number;
  firstFailedAt: string | null;
  error: string | null;
}

export interface Messages {
  locale: Locale;
  /** BCP 47 tag for number and date formatting. */
  tag: string;
  /** The product's name in titles: "Backup pulse". */
  product: string;
  /** A day (YYYY-MM-DD) as the locale writes it. */
  day: (date: string) => string;
  status: Record<DigestStatus, string>;
  consistency: Record<Consistency | ExpectedConsistency, string>;
  jobStatus: Record<JobStatus, string>;
  category: Record<ErrorCategory, string>;

  // Why the status is what it is (built by the domain).
  reason: {
    noWorkspace: string;
    noReport: (day: string) => string;
    /** Every workspace answered without a job for the day while `vms` VMs are expected. */
    emptyRead: (day: string, vms: string) => string;
    /** No job found and no VM known yet (a first run before any report arrived). */
    nothingYet: (day: string) => string;
    failingRate: (rate: string, threshold: string) => string;
    failingStreak: (vms: string, days: number) => string;
    attention: (parts: readonly string[]) => string;
    healthy: string;
    failedJobs: (n: string) => string;
    belowExpected: (n: string) => string;
    vmsWithoutJob: (n: string) => string;
    silentVaults: (n: string) => string;
    partial: string;
  };
  /** Actions of a VM line without a catalogue entry. */
  action: { failedWithoutCode: string; belowWithoutCode: string; unknownCode: string; seeDoc: string };
  offlineNote: string;
  /** The digest's notes on what its consistency figures mean. */
  notes: {
    stopped: (names: string) => string;
    running: (names: string) => string;
    powerUnknown: (names: string) => string;
    unconfirmed: (names: string) => string;
    windowsApp: string;
    names: (shown: readonly string[], more: number) => string;
    /** A VM that stops being expected of a job (src/domain/expected-vms.ts). */
    vmGone: (vm: string, vault: string) => string;
    protectionStopped: (vm: string, vault: string, state: string | null) => string;
    lapsed: (vm: string, vault: string, days: number) => string;
    /** A stored day's digest that no run delivered on its day, sent with the run for `date`. */
    late: (day: string, date: string) => string;
    /** A message the outbox gave up on, as a note of the next digest. */
    notDelivered: (message: GivenUpMessage) => string;
    /** The same message in a sentence of its own (the doctor's check says it too). */
    givenUp: (message: GivenUpMessage) => string;
  };

  figure: {
    degraded: string;
    degradedSub: string;
    succeeded: string;
    application: string;
    fileSystem: string;
    crash: string;
    none: string;
    jobs: string;
    /** Short labels for narrow places (Teams facts). */
    fileSystemShort: string;
    crashShort: string;
    noneShort: string;
    yesterday: string;
    average7d: string;
    /** "▲ ▼ against yesterday, then the 7-day average" */
    legend: string;
    /** What the marks of a bad and a good change mean, where a renderer colours them. */
    toneLegend: (worse: string, better: string) => string;
    belowExpected: (n: string) => string;
    jobsOf: (n: string) => string;
  };
  change: {
    kind: Record<ChangeKind, string>;
    failed: (code: string | null) => string;
    recovered: (consistency: string) => string;
    downgrade: (consistency: string, expected: string, code: string | null) => string;
  };
  persist: {
    failingDays: (days: number) => string;
    belowDays: (expected: string | null, days: number) => string;
    noJob: (day: string) => string;
    lastJob: (day: string) => string;
  };
  heading: {
    changed: string;
    changedCount: (n: string) => string;
    changedSub: (newFailures: string, downgrades: string, recoveries: string) => string;
    nothingChanged: string;
    persists: string;
    persistsCount: (n: string) => string;
    persistsSub: (failing: string, below: string, noJob: string, day: string) => string;
    nothingOutstanding: string;
    topCodes: string;
    coverage: string;
    newFailures: string;
    downgrades: string;
    recoveries: string;
    failingStreaks: string;
    belowStreaks: string;
    noJob: (day: string) => string;
  };
  column: {
    vm: string;
    vault: string;
    change: string;
    problem: string;
    whatToDo: string;
    happenedTodo: string;
    code: string;
    jobs: string;
    vms: string;
  };
  codeLine: (jobs: string, vms: string, category: string) => string;
  howToFix: string;
  docs: string;
  docsFor: (code: string) => string;
  more: (n: string) => string;
  coverage: {
    workspacesQueried: (n: string) => string;
    vaultsReported: (n: string) => string;
    workspacesFailed: (n: string) => string;
    vaultsSilent: (n: string) => string;
    vmsWithJob: (withJob: string, known: string) => string;
    rowsRejected: (n: string) => string;
    rowsUnstorable: (n: string) => string;
    partial: string;
    failedList: string;
    silentList: string;
    label: string;
    /** Why a workspace of a stored day's run is listed as failed (`at`: when that run was, if known). */
    notReadOnRun: (at: string | null) => string;
    /** Why a workspace failed when its query gave no reason. */
    queryFailed: string;
  };
  partialTag: string;
  partialBanner: string;
  title: (day: string) => string;
  summary: (status: string, partial: boolean, jobs: string, succeeded: string, application: string) => string;
  summaryNoData: (reason: string) => string;
  chart: {
    successRate: string;
    applicationRate: string;
    over: (title: string, days: string) => string;
    daysWithoutData: (n: string) => string;
    lastDays: (n: string) => string;
  };
  footer: {
    rates: string;
    troubleshooting: string;
    aboutConsistency: string;
    generated: (at: string) => string;
  };
  note: string;
  troubleshootUrl: string;
  consistencyUrl: string;
  /** The plain-text digest of a terminal and of an e-mail's text part. */
  terminal: {
    title: (day: string, status: string, partial: boolean) => string;
    /** Labels of the figures, padded to one width. */
    labels: Record<
      "degraded" | "succeeded" | "application" | "fileSystem" | "crash" | "none" | "jobs",
      string
    >;
    counts: (
      completed: string,
      warnings: string,
      failed: string,
      cancelled: string | null,
      below: string,
    ) => string;
    topCodes: string;
    codeLine: (code: string, category: string, jobs: string, vms: string, action: string) => string;
    days: (n: number) => string;
    lastDays: (n: string, success: string, application: string, today: string) => string;
  };
  alert: {
    count: (n: number) => string;
    whatToDo: string;
    tip: string;
    doc: string;
    vm: string;
    vault: string;
    when: string;
    code: string;
    vmInVault: (vm: string, vault: string) => string;
    one: (title: string) => string;
    many: (n: number, first: string) => string;
  };
  /**
   * The alert rules' sentences (src/domain/alert-rules.ts): a title starts with the VM's name and a colon;
   * `at` is the job's start as the locale writes it; `sep` joins a detail's sentences.
   */
  rule: {
    streakTitle: (vm: string, n: number) => string;
    streakDetail: (vault: string, vm: string, n: number, jobId: string, at: string) => string;
    downgradeTitle: (vm: string, consistency: Consistency) => string;
    downgradeDetail: (job: {
      vault: string;
      jobId: string;
      at: string;
      status: JobStatus;
      consistency: Consistency;
      running: boolean;
      source: ConsistencySource;
    }) => string;
    vssTitle: (vm: string, code: string | null) => string;
    vssDetail: (vault: string, jobId: string, at: string, status: JobStatus) => string;
    notConfirmedTitle: (vm: string) => string;
    notConfirmedDetail: (vault: string, jobId: string, at: string) => string;
    notConfirmedAction: string;
    /** What to check after a downgrade that came without a code. */
    advice: { crashRunning: string; crashOffline: string; linuxScripts: string; windowsVss: string };
    /** The code and what it means (null: the catalogue does not know it; "": no words for it here). */
    code: (code: string, summary: string | null) => string;
    /** Azure's own words about the job's error. */
    errorDetail: (text: string) => string;
    also: (title: string) => string;
    sep: string;
  };
  /** The digest e-mail's subject: `[FAILING] Backup pulse 2026-11-29: 3 VMs failing`. */
  email: {
    subject: (status: string, day: string, figures: readonly string[], partial: boolean) => string;
    noReport: string;
    failingVms: (n: number, shown: string) => string;
    degradedJobs: (n: number, shown: string) => string;
    allAsExpected: (n: number, shown: string) => string;
    /** A day without data in a chart's tooltip. */
    noData: string;
  };
}
