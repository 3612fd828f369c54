/** The digest and the alerts in English (PULSE_LOCALE=en, the default). Pure. */
import type { GivenUpMessage, Messages } from "./types.js";

const s = (n: string, one: string, many: string): string => (n === "1" ? one : many);

function givenUp(r: GivenUpMessage): string {
  const what =
    r.digestDay !== null
      ? `The digest for ${r.digestDay}`
      : `The alert message ${r.key}${r.summary ? ` (${r.summary})` : ""}`;
  const since = r.firstFailedAt ? ` since ${r.firstFailedAt}` : "";
  const why = r.error ? `: ${r.error}` : "";
  return `${what} was given up at ${r.givenUpAt ?? "an unknown time"} after ${r.attempts} failed attempt(s)${since}${why}`;
}

export const EN: Messages = {
  locale: "en",
  tag: "en-US",
  product: "Backup pulse",
  day: (date) => date,
  status: { healthy: "HEALTHY", attention: "ATTENTION", failing: "FAILING", "no-data": "NO DATA" },
  consistency: {
    application: "application",
    "file-system": "file-system",
    crash: "crash",
    none: "none",
    unknown: "unknown",
  },
  jobStatus: {
    Completed: "Completed",
    CompletedWithWarnings: "CompletedWithWarnings",
    Failed: "Failed",
    Cancelled: "Cancelled",
  },
  category: {
    vss: "vss",
    fsfreeze: "fsfreeze",
    agent: "agent",
    extension: "extension",
    network: "network",
    "vm-state": "vm-state",
    disk: "disk",
    access: "access",
    platform: "platform",
    config: "config",
    restore: "restore",
    unknown: "unknown",
  },
  reason: {
    noWorkspace: "No workspace could be read: the backup state of the fleet is unknown.",
    noReport: (day) => `No backup job report arrived for ${day}: the backup state of the fleet is unknown.`,
    emptyRead: (day, vms) =>
      `Every workspace answered, but with no backup job for ${day} while ${vms} VM${vms === "1" ? " is" : "s are"} expected: ` +
      "the job reports are not arriving (check the vaults' diagnostic settings); the backup state of the fleet is unknown.",
    nothingYet: (day) =>
      `No backup job found for ${day}, and no VM is known yet: nothing is expected. ` +
      "If VMs are protected, check that their vaults send job reports to the workspaces (diagnostic settings).",
    failingRate: (rate, threshold) => `Only ${rate} of backup jobs succeeded (below ${threshold}).`,
    failingStreak: (vms, days) =>
      `${vms} VM${vms === "1" ? " has" : "s have"} failed ${days} or more days in a row.`,
    attention: (parts) => `Needs attention: ${parts.join(", ")}.`,
    healthy: "Every VM backed up with its expected consistency.",
    failedJobs: (n) => `${n} failed job${s(n, "", "s")}`,
    belowExpected: (n) => `${n} below expected consistency`,
    vmsWithoutJob: (n) => `${n} VM${s(n, "", "s")} without a job`,
    silentVaults: (n) => `${n} silent vault${s(n, "", "s")}`,
    partial: "partial data",
  },
  action: {
    failedWithoutCode: "Open the job in the vault to see why it failed.",
    belowWithoutCode: "Check the VM agent and VSS (Windows) or the pre/post scripts (Linux).",
    unknownCode: "Code not in the catalogue: search it in the Azure VM backup troubleshooting guide.",
    seeDoc: "See the linked page for what to do.",
  },
  offlineNote: "A VM stopped at backup time gets a crash-consistent point: safe if it was shut down cleanly.",
  notes: {
    stopped: (names) => `Offline at backup time (crash-consistent): safe if shut down cleanly: ${names}.`,
    running: (names) => `Crash-consistent while running (a fallback, below what is expected): ${names}.`,
    powerUnknown: (names) => `Crash-consistent; whether the VM was running is not known: ${names}.`,
    unconfirmed: (names) => `Consistency not confirmed (warning, point not read): ${names}.`,
    windowsApp: "Windows application-consistent: only apps with a VSS writer (Oracle has none).",
    vmGone: (vm, vault) =>
      `${vm} (vault ${vault}) is no longer protected in its vault: no backup is expected of it from now on.`,
    protectionStopped: (vm, vault, state) =>
      `Protection stopped on ${vm} (vault ${vault})${state ? ` (${state})` : ""}: no backup is expected of it from now on.`,
    lapsed: (vm, vault, days) =>
      `${vm} (vault ${vault}) has had no backup job for more than ${days} days: it is no longer expected to back up (its schedule is not known without recovery-point look-ups) and is left out from now on.`,
    late: (day, date) =>
      `Late: no run delivered this digest for ${day} on its day; it is sent with the run for ${date}.`,
    notDelivered: (r) => `Not delivered: ${givenUp(r)}.`,
    givenUp: (r) => givenUp(r),
    names: (shown, more) => (more > 0 ? `${shown.join(", ")} and ${more} more` : shown.join(", ")),
  },
  figure: {
    degraded: "Degraded jobs",
    degradedSub: "below expected consistency",
    succeeded: "Succeeded",
    application: "Application-consistent",
    fileSystem: "File-system consistent",
    crash: "Crash-consistent",
    none: "No recovery point",
    jobs: "Jobs",
    fileSystemShort: "File-system",
    crashShort: "Crash",
    noneShort: "No point",
    yesterday: "yesterday",
    average7d: "7-day avg",
    legend: "▲ ▼ against yesterday, then the 7-day average",
    toneLegend: (worse, better) => `${worse} worse, ${better} better`,
    belowExpected: (n) => `below expected: ${n}`,
    jobsOf: (n) => `${n} job(s)`,
  },
  change: {
    kind: { "new-failure": "New failure", downgrade: "Downgrade", recovery: "Recovered" },
    failed: (code) => `failed${code ? ` (${code})` : ""}`,
    recovered: (c) => `recovered: ${c}`,
    downgrade: (c, expected, code) => `${c}, expected ${expected}${code ? ` (${code})` : ""}`,
  },
  persist: {
    failingDays: (days) => `failing ${days} days in a row`,
    belowDays: (expected, days) => `below ${expected ?? "expected"} consistency ${days} days`,
    noJob: (day) => `no backup job on ${day}`,
    lastJob: (day) => `last job ${day}`,
  },
  heading: {
    changed: "What changed since yesterday",
    changedCount: (n) => `What changed since yesterday (${n})`,
    changedSub: (f, d, r) => `${f} new failure(s) · ${d} downgrade(s) · ${r} recovered`,
    nothingChanged: "Nothing changed.",
    persists: "What persists",
    persistsCount: (n) => `What persists (${n})`,
    persistsSub: (f, b, n, day) =>
      `${f} failing for days · ${b} below expected consistency · ${n} without a job on ${day}`,
    nothingOutstanding: "Nothing outstanding.",
    topCodes: "Top error codes: what to do",
    coverage: "Coverage",
    newFailures: "New failures",
    downgrades: "Downgrades (worse than expected consistency)",
    recoveries: "Recoveries",
    failingStreaks: "Failing days in a row",
    belowStreaks: "Without expected consistency, days in a row",
    noJob: (day) => `No job on ${day}`,
  },
  column: {
    vm: "VM",
    vault: "Vault",
    change: "Change",
    problem: "Problem",
    whatToDo: "What to do",
    happenedTodo: "What happened · what to do",
    code: "Code",
    jobs: "Jobs",
    vms: "VMs",
  },
  codeLine: (jobs, vms, category) => `${jobs} job(s) on ${vms} VM(s) · ${category}`,
  howToFix: "How to fix",
  docs: "Docs",
  docsFor: (code) => `Docs: ${code}`,
  more: (n) => `+${n} more`,
  coverage: {
    workspacesQueried: (n) => `${n} workspace${s(n, "", "s")} queried`,
    vaultsReported: (n) => `${n} vault${s(n, "", "s")} reported`,
    workspacesFailed: (n) => `${n} workspace(s) failed`,
    vaultsSilent: (n) => `${n} vault(s) sent nothing`,
    vmsWithJob: (w, k) => `${w} of ${k} known VMs had a job`,
    rowsRejected: (n) => `${n} unreadable row(s)`,
    rowsUnstorable: (n) => `${n} unstorable row(s) left out`,
    partial: "PARTIAL DATA: some figures are missing",
    failedList: "Workspaces that failed",
    silentList: "Vaults that sent nothing",
    label: "Coverage",
    queryFailed: "query failed",
    notReadOnRun: (at) =>
      `not read completely${at ? ` on the run of ${at}` : ""}; the reason is in that run's log`,
  },
  partialTag: "PARTIAL DATA",
  partialBanner:
    "Partial data: some workspaces or queries did not answer in full, so these figures may be incomplete.",
  title: (day) => `Backup pulse · ${day}`,
  summary: (status, partial, jobs, succeeded, application) =>
    `${status}${partial ? " (partial data)" : ""}. ${jobs} jobs, ${succeeded} succeeded, ${application} application-consistent.`,
  summaryNoData: (reason) => `NO DATA. ${reason}`,
  chart: {
    successRate: "Success rate",
    applicationRate: "Application-consistent",
    over: (title, days) => `${title} over ${days} days`,
    daysWithoutData: (n) => `${n} day(s) without data`,
    lastDays: (n) => `Last ${n} days`,
  },
  footer: {
    rates: "Rates are shares of the day's jobs; ▲ ▼ = compare with yesterday and the 7-day average.",
    troubleshooting: "Troubleshooting guide",
    aboutConsistency: "About snapshot consistency",
    generated: (at) => `generated ${at}`,
  },
  note: "Note",
  troubleshootUrl: "https://learn.microsoft.com/azure/backup/backup-azure-vms-troubleshoot",
  consistencyUrl:
    "https://learn.microsoft.com/azure/backup/backup-azure-vms-introduction#snapshot-consistency",
  terminal: {
    title: (day, status, partial) => `Backup pulse for ${day}: ${status}${partial ? " (PARTIAL DATA)" : ""}`,
    labels: {
      degraded: "degraded jobs   ",
      succeeded: "succeeded       ",
      application: "application     ",
      fileSystem: "file-system     ",
      crash: "crash           ",
      none: "no point        ",
      jobs: "jobs            ",
    },
    counts: (completed, warnings, failed, cancelled, below) =>
      `${completed} completed, ${warnings} with warnings, ${failed} failed` +
      `${cancelled ? `, ${cancelled} cancelled` : ""}; ${below} below expectation`,
    topCodes: "Top codes",
    codeLine: (code, category, jobs, vms, action) =>
      `${code} (${category}): ${jobs} job(s), ${vms} VM(s). ${action}`,
    days: (n) => `${n} days`,
    lastDays: (n, success, application, today) =>
      `Last ${n} days, success ${success} app-consistent ${application} (today ${today})`,
  },
  alert: {
    count: (n) => `${n} alert${n === 1 ? "" : "s"}`,
    whatToDo: "What to do",
    tip: "Tip",
    doc: "Troubleshooting doc",
    vm: "VM",
    vault: "Vault",
    when: "When",
    code: "Code",
    vmInVault: (vm, vault) => `VM ${vm} in ${vault}`,
    one: (title) => `Backup pulse alert: ${title}`,
    many: (n, first) => `Backup pulse: ${n} alerts${first ? `, first: ${first}` : ""}`,
  },
  rule: {
    streakTitle: (vm, n) => `${vm}: ${n} failed backups in a row`,
    streakDetail: (vault, vm, n, jobId, at) =>
      `Vault ${vault}: the last ${n} backup jobs of ${vm} failed; the latest is ${jobId}, started ${at}.`,
    downgradeTitle: (vm, c) => `${vm}: ${c}-consistent backup instead of application-consistent`,
    downgradeDetail: (j) =>
      `Vault ${j.vault}: job ${j.jobId} (started ${j.at}, ${j.status}) left a ${j.consistency}-consistent recovery point${j.running ? " while the VM was running" : ""} (${j.source}); application consistency is expected of this VM.`,
    vssTitle: (vm, code) => `${vm}: VSS problem (${code ?? "no code"})`,
    vssDetail: (vault, jobId, at, status) => `Vault ${vault}: job ${jobId} (started ${at}) ended ${status}.`,
    notConfirmedTitle: (vm) => `${vm}: backup completed with warnings, consistency not confirmed`,
    notConfirmedDetail: (vault, jobId, at) =>
      `Vault ${vault}: job ${jobId} (started ${at}) completed with warnings; what its recovery point lost could not be confirmed (the recovery point was not read).`,
    notConfirmedAction:
      "Open the job's recovery point in the vault to see its consistency, and give the identity the Backup Reader role on the vault so the next run can read it.",
    advice: {
      crashRunning:
        "The VM was running, so this is a fallback: check the VM agent and, on Windows, the VSS writers (on Linux, the pre/post scripts and fsfreeze).",
      crashOffline:
        "If the VM was shut down cleanly at backup time this point is safe; otherwise check the VM agent and, on Windows, the VSS writers.",
      linuxScripts:
        "Check that the pre/post scripts in /etc/azure/VMSnapshotScriptPluginConfig.json ran and succeeded (config mode 600, scripts 700, root-owned).",
      windowsVss:
        "Run `vssadmin list writers`; restart the services of writers not in [1] Stable, then the VSS service; reboot the VM if they stay unstable.",
    },
    code: (code, summary) =>
      summary === null ? `Code ${code} (not in the catalogue).` : `Code ${code}: ${summary}`,
    errorDetail: (text) => `Detail: ${text}`,
    also: (title) => `Also: ${title}.`,
    sep: " ",
  },
  email: {
    subject: (status, day, figures, partial) =>
      `[${status}] Backup pulse ${day}: ${figures.join(", ")}${partial ? " (partial data)" : ""}`,
    noReport: "no backup job report",
    failingVms: (n, shown) => `${shown} ${n === 1 ? "VM" : "VMs"} failing`,
    degradedJobs: (n, shown) => `${shown} ${n === 1 ? "degraded job" : "degraded jobs"}`,
    allAsExpected: (n, shown) => `${shown} ${n === 1 ? "job" : "jobs"}, all as expected`,
    noData: "no data",
  },
};
