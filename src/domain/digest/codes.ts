/**
 * The day's error and warning codes, most widespread first, each with what to do about it. Pure.
 */
import { lookupCode } from "../catalogue.js";
import type { ClassifiedJob, ErrorCategory } from "../model.js";
import { vmIdentityKey } from "../identity.js";
import type { Labeller } from "./labels.js";
import type { CodeInfo, CodeLookup } from "./input.js";
import { TROUBLESHOOT_URL, type CodeSummary } from "./model.js";

/** The error catalogue's answer, as the digest needs it. */
export function catalogueLookup(code: string): CodeInfo | null {
  const e = lookupCode(code);
  return e ? { kind: e.kind, category: e.category, action: e.action, docUrl: e.docUrl } : null;
}

const SHORT_ACTION_CHARS = 100;

/**
 * An action cut to one short line for a VM's row: its first sentence or clause, cut at a word boundary with
 * an ellipsis when still long (the code table below gives the whole action).
 */
export function shortAction(action: string): string {
  const first = (/^.*?(?:[.;](?=\s|$)|。)/su.exec(action.trim())?.[0] ?? action.trim()).replace(/[;]$/, ".");
  if (first.length <= SHORT_ACTION_CHARS) return first;
  const cut = first.slice(0, SHORT_ACTION_CHARS - 1);
  const at = Math.max(cut.lastIndexOf(" "), cut.lastIndexOf("、"));
  return `${(at > SHORT_ACTION_CHARS / 2 ? cut.slice(0, at) : cut).replace(/[,、\s]+$/, "")}…`;
}

/** Without a code: what to do about a failed job, or about a point below the expected consistency. */
export const FAILED_WITHOUT_CODE = "Open the job in the vault to see why it failed.";
export const BELOW_WITHOUT_CODE = "Check the VM agent and VSS (Windows) or the pre/post scripts (Linux).";
export const UNKNOWN_CODE_ACTION =
  "Code not in the catalogue: search it in the Azure VM backup troubleshooting guide.";

/** The short action for a VM's line: from its code when the catalogue knows it. */
export function vmAction(code: string | null, failed: boolean, lookup: CodeLookup): string {
  const info = code ? lookup(code) : null;
  if (info) return shortAction(info.action);
  if (code) return shortAction(UNKNOWN_CODE_ACTION);
  return failed ? FAILED_WITHOUT_CODE : BELOW_WITHOUT_CODE;
}

/** One entry per code (case-insensitive), ordered by VMs affected, then jobs, then code. */
export function topCodes(jobs: readonly ClassifiedJob[], lookup: CodeLookup, label: Labeller): CodeSummary[] {
  const codes = new Map<
    string,
    { code: string; jobs: number; vms: Set<string>; sample: string[]; cat: ErrorCategory | null }
  >();
  for (const j of jobs) {
    if (!j.errorCode) continue;
    const k = j.errorCode.toLowerCase();
    let c = codes.get(k);
    if (!c) {
      c = { code: j.errorCode, jobs: 0, vms: new Set(), sample: [], cat: j.errorCategory };
      codes.set(k, c);
    }
    c.jobs++;
    const vk = vmIdentityKey(j);
    if (!c.vms.has(vk)) {
      c.vms.add(vk);
      if (c.sample.length < 3) c.sample.push(label(j).vmLabel);
    }
  }
  return [...codes.values()]
    .map((c) => {
      const info = lookup(c.code);
      return {
        code: c.code,
        jobs: c.jobs,
        vms: c.vms.size,
        category: info?.category ?? c.cat ?? "unknown",
        kind: info?.kind ?? "unknown",
        known: info !== null,
        action: info?.action ?? UNKNOWN_CODE_ACTION,
        docUrl: info?.docUrl ?? TROUBLESHOOT_URL,
        sampleVms: c.sample,
      } satisfies CodeSummary;
    })
    .sort((a, b) => b.vms - a.vms || b.jobs - a.jobs || a.code.localeCompare(b.code));
}
