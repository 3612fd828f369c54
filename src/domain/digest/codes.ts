/**
 * The day's error and warning codes, most widespread first, each with what to do about it. Pure.
 */
import { lookupCode } from "../catalogue.js";
import type { ClassifiedJob, ErrorCategory } from "../model.js";
import { vmKey } from "../names.js";
import type { CodeInfo, CodeLookup } from "./input.js";
import { TROUBLESHOOT_URL, type CodeSummary } from "./model.js";

/** The error catalogue's answer, as the digest needs it. */
export function catalogueLookup(code: string): CodeInfo | null {
  const e = lookupCode(code);
  return e ? { kind: e.kind, category: e.category, action: e.action, docUrl: e.docUrl } : null;
}

/** One entry per code (case-insensitive), ordered by VMs affected, then jobs, then code. */
export function topCodes(jobs: readonly ClassifiedJob[], lookup: CodeLookup): CodeSummary[] {
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
    const vk = vmKey(j.vm, j.vault);
    if (!c.vms.has(vk)) {
      c.vms.add(vk);
      if (c.sample.length < 3) c.sample.push(j.vm);
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
        action:
          info?.action ??
          "Code not in the catalogue: search it in the Azure VM backup troubleshooting guide.",
        docUrl: info?.docUrl ?? TROUBLESHOOT_URL,
        sampleVms: c.sample,
      } satisfies CodeSummary;
    })
    .sort((a, b) => b.vms - a.vms || b.jobs - a.jobs || a.code.localeCompare(b.code));
}
