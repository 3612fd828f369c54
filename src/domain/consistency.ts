/**
 * Snapshot consistency rules (pure): what a job's recovery point is, what was expected of the VM, and
 * whether the job is degraded. The rules follow Azure Backup's documented behaviour:
 * Windows VMs get application consistency through VSS, Linux VMs get it only with pre/post scripts,
 * stopped VMs and crash-only policies get crash consistency, and a failed job leaves no recovery point.
 */
import { memoised } from "./memo.js";
import type { BackupJob, ClassifyOptions, Consistency, ExpectedConsistency } from "./model.js";

/** Rank of each known level, best first; `unknown` has no rank. */
const RANK: Readonly<Record<Exclude<Consistency, "unknown">, number>> = {
  application: 3,
  "file-system": 2,
  crash: 1,
  none: 0,
};

/**
 * Maps a recovery point's `recoveryPointType` (a free string) to a level, case-insensitively.
 * `AppConsistent` → application, `FileSystemConsistent` → file-system, `CrashConsistent` → crash,
 * anything else → unknown.
 */
export function recoveryPointLevel(recoveryPointType: string | null | undefined): Consistency {
  switch ((recoveryPointType ?? "").trim().toLowerCase()) {
    case "appconsistent":
      return "application";
    case "filesystemconsistent":
      return "file-system";
    case "crashconsistent":
      return "crash";
    default:
      return "unknown";
  }
}

/** A compiled list of VM-name patterns (`*` matches any run of characters; case-insensitive). */
export interface VmPatterns {
  readonly patterns: readonly string[];
  matches(vm: string): boolean;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Compiles `PULSE_LINUX_APP_CONSISTENT_VMS`-style patterns once. Empty patterns are ignored. */
export function compileVmPatterns(patterns: readonly string[]): VmPatterns {
  const exact = new Set<string>();
  const wildcards: RegExp[] = [];
  for (const raw of patterns) {
    const p = raw.trim().toLowerCase();
    if (p === "" || p.startsWith("!")) continue;
    if (p.includes("*")) {
      wildcards.push(new RegExp(`^${p.split("*").map(escapeRegExp).join(".*")}$`, "s"));
    } else {
      exact.add(p);
    }
  }
  const test = (vm: string): boolean => {
    const name = vm.trim().toLowerCase();
    if (exact.has(name)) return true;
    for (const re of wildcards) if (re.test(name)) return true;
    return false;
  };
  if (exact.size === 0 && wildcards.length === 0) return { patterns, matches: () => false };
  // A fleet's jobs name the same VMs over and over: each name is tested once (a bounded memo).
  const seen = new Map<string, boolean>();
  return {
    patterns,
    matches: (vm: string): boolean => memoised(seen, vm, 100_000, test),
  };
}

const compiled = new WeakMap<readonly string[], VmPatterns>();

/** The compiled form of `options.linuxAppConsistentVms`, cached per array. */
function linuxAppVms(options: ClassifyOptions): VmPatterns {
  let hit = compiled.get(options.linuxAppConsistentVms);
  if (!hit) {
    hit = compileVmPatterns(options.linuxAppConsistentVms);
    compiled.set(options.linuxAppConsistentVms, hit);
  }
  return hit;
}

const negated = new WeakMap<readonly string[], VmPatterns>();

/** The `!`-prefixed entries of `PULSE_LINUX_APP_CONSISTENT_VMS`, compiled: VMs said NOT to run scripts. */
function linuxNonAppVms(options: ClassifyOptions): VmPatterns {
  let hit = negated.get(options.linuxAppConsistentVms);
  if (!hit) {
    const names = options.linuxAppConsistentVms.filter((p) => p.trim().startsWith("!"));
    hit = compileVmPatterns(names.map((p) => p.trim().slice(1)));
    negated.set(options.linuxAppConsistentVms, hit);
  }
  return hit;
}

/**
 * Whether a Linux VM runs pre/post scripts: the setting decides both ways (`name` yes, `!name` no, a `!` entry
 * winning); else the evidence does (its jobs reported script codes, or it had an application-consistent point).
 */
export function linuxAppScripts(vm: string, options: ClassifyOptions, evidence: boolean): boolean {
  return linuxScriptSetting(vm, options) ?? evidence;
}

/** What the setting says of a Linux VM: it runs pre/post scripts (true), it does not (false), or nothing (null). */
export function linuxScriptSetting(vm: string, options: ClassifyOptions): boolean | null {
  if (linuxNonAppVms(options).matches(vm)) return false;
  if (linuxAppVms(options).matches(vm)) return true;
  return null;
}

type JobFacts = Pick<BackupJob, "vm" | "os" | "policy">;

/**
 * What consistency the VM should get when everything works: crash under a crash-only policy,
 * application for Windows, application for a Linux VM that runs pre/post scripts (listed, or shown by its jobs:
 * `scriptEvidence`), else file-system for Linux; unknown when the OS is unknown.
 */
export function expectedConsistency(
  job: JobFacts,
  options: ClassifyOptions,
  scriptEvidence = false,
): ExpectedConsistency {
  if (job.policy?.crashOnly) return "crash";
  if (job.os === "Windows") return "application";
  if (job.os === "Linux")
    return linuxAppScripts(job.vm, options, scriptEvidence) ? "application" : "file-system";
  return "unknown";
}

/**
 * True when the level is worse than expected. Never true when the level or the expectation is unknown:
 * nothing can be said then. (Failed and cancelled jobs are degraded by the classifier itself.)
 */
export function isWorseThan(level: Consistency, expected: ExpectedConsistency): boolean {
  if (level === "unknown" || expected === "unknown") return false;
  return RANK[level] < RANK[expected];
}

/**
 * A job that completed with warnings whose point's consistency is not known: its code does not say what the
 * point lost and no recovery point was read (look-ups off, or the look-up failed). The digest counts it as
 * "consistency not confirmed" and the `consistency-not-confirmed` alert rule fires on it.
 */
export function isConsistencyNotConfirmed(job: { status: string; consistency: Consistency }): boolean {
  return job.status === "CompletedWithWarnings" && job.consistency === "unknown";
}
