/**
 * The day's error and warning codes, most widespread first, each with what to do about it. Pure.
 */
import { lookupCode } from "../catalogue.js";
import { jaLearnUrl, jaWords } from "../catalogue-ja.js";
import { messagesFor, type Messages } from "../messages/index.js";
import type { ClassifiedJob, ErrorCategory } from "../model.js";
import { vmIdentityKey } from "../identity.js";
import type { Labeller } from "./labels.js";
import type { CodeInfo, CodeLookup } from "./input.js";
import type { CodeSummary } from "./model.js";

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

/** Without a code, in English: what to do about a failed job, or about a point below the expected consistency. */
const EN_ACTIONS = messagesFor("en").action;
export const FAILED_WITHOUT_CODE = EN_ACTIONS.failedWithoutCode;
export const BELOW_WITHOUT_CODE = EN_ACTIONS.belowWithoutCode;
export const UNKNOWN_CODE_ACTION = EN_ACTIONS.unknownCode;

/** The short action for a VM's line: from its code when the catalogue knows it. */
export function vmAction(code: string | null, failed: boolean, lookup: CodeLookup, m: Messages): string {
  const info = code ? lookup(code) : null;
  if (info) return shortAction(info.action);
  if (code) return shortAction(m.action.unknownCode);
  return failed ? m.action.failedWithoutCode : m.action.belowWithoutCode;
}

/**
 * The catalogue's answer in the digest's language: Japanese advice and the `ja-jp` Learn page where the
 * Japanese catalogue has the code, else a line that points at the (Japanese) page.
 */
export function localisedLookup(lookup: CodeLookup, m: Messages): CodeLookup {
  if (m.locale === "en") return lookup;
  return (code) => {
    const info = lookup(code);
    if (!info) return null;
    const canonical = lookupCode(code)?.code ?? code;
    return {
      ...info,
      action: jaWords(canonical).action ?? m.action.seeDoc,
      docUrl: jaLearnUrl(info.docUrl),
    };
  };
}

/** One entry per code (case-insensitive), ordered by VMs affected, then jobs, then code. */
export function topCodes(
  jobs: readonly ClassifiedJob[],
  lookup: CodeLookup,
  label: Labeller,
  m: Messages,
): CodeSummary[] {
  const codes = new Map<
    string,
    { code: string; jobs: number; vms: Set<string>; sample: string[]; cats: Set<ErrorCategory | null> }
  >();
  for (const j of jobs) {
    if (!j.errorCode) continue;
    const k = j.errorCode.toLowerCase();
    let c = codes.get(k);
    if (!c) {
      c = { code: j.errorCode, jobs: 0, vms: new Set(), sample: [], cats: new Set() };
      codes.set(k, c);
    }
    c.jobs++;
    c.cats.add(j.errorCategory);
    const vk = vmIdentityKey(j);
    if (!c.vms.has(vk)) {
      c.vms.add(vk);
      if (c.sample.length < 3) c.sample.push(label(j).vmLabel);
    }
  }
  return [...codes.values()]
    .map((c) => {
      const info = lookup(c.code);
      // The jobs' own category when they all agree: an umbrella code re-categorised from its job details
      // (a VSS writer behind VMRestorePointClientError) is listed as what it was.
      const [only] = c.cats.size === 1 ? [...c.cats] : [null];
      return {
        code: c.code,
        jobs: c.jobs,
        vms: c.vms.size,
        category: only ?? info?.category ?? "unknown",
        kind: info?.kind ?? "unknown",
        known: info !== null,
        action: info?.action ?? m.action.unknownCode,
        docUrl: info?.docUrl ?? m.troubleshootUrl,
        sampleVms: c.sample,
      } satisfies CodeSummary;
    })
    .sort((a, b) => b.vms - a.vms || b.jobs - a.jobs || a.code.localeCompare(b.code));
}
