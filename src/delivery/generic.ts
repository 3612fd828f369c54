/**
 * Generic webhook: versioned JSON (`schemaVersion` "1.0") carrying the whole digest model, with the per-VM
 * rows (and, on a very large estate, the longest lists) behind a size cap. With a secret, the payload is
 * signed: `X-Pulse-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>">`.
 */
import { createHmac } from "node:crypto";
import type { Digest } from "../domain/digest.js";
import { byteLength, type AlertView, type RenderedPayload } from "./alert.js";

export const GENERIC_SCHEMA_VERSION = "1.0";
/** Default cap of a generic payload (bytes of UTF-8 JSON). */
export const GENERIC_MAX_BYTES = 256 * 1024;

const TIMESTAMP_HEADER = "X-Pulse-Timestamp";
const SIGNATURE_HEADER = "X-Pulse-Signature";

/** How many entries of each list were left out to respect the size cap (0 when none). */
export interface Omitted {
  vms: number;
  newFailures: number;
  recoveries: number;
  downgrades: number;
  failing: number;
  belowExpected: number;
  noJobToday: number;
  topCodes: number;
}

export type GenericDigestPayload = { schemaVersion: "1.0"; kind: "digest"; omitted: Omitted } & Digest;

export interface GenericAlertPayload {
  schemaVersion: "1.0";
  kind: "alert";
  generatedAt: string;
  count: number;
  omitted: number;
  alerts: AlertView[];
}

export interface GenericOptions {
  maxBytes?: number;
}

function take<T>(list: T[], n: number): T[] {
  return list.length <= n ? list : list.slice(0, n);
}

function shaped(d: Digest, vmRows: number, listRows: number): GenericDigestPayload {
  const over = (list: readonly unknown[]): number => Math.max(0, list.length - listRows);
  const omitted: Omitted = {
    vms: Math.max(0, d.vms.length - vmRows),
    newFailures: over(d.changes.newFailures),
    recoveries: over(d.changes.recoveries),
    downgrades: over(d.changes.downgrades),
    failing: over(d.persisting.failing),
    belowExpected: over(d.persisting.belowExpected),
    noJobToday: over(d.persisting.noJobToday),
    topCodes: over(d.topCodes),
  };
  return {
    schemaVersion: GENERIC_SCHEMA_VERSION,
    kind: "digest",
    ...d,
    changes: {
      newFailures: take(d.changes.newFailures, listRows),
      recoveries: take(d.changes.recoveries, listRows),
      downgrades: take(d.changes.downgrades, listRows),
    },
    persisting: {
      failing: take(d.persisting.failing, listRows),
      belowExpected: take(d.persisting.belowExpected, listRows),
      noJobToday: take(d.persisting.noJobToday, listRows),
    },
    topCodes: take(d.topCodes, listRows),
    vms: take(d.vms, vmRows),
    omitted,
  };
}

/** The digest as versioned JSON: per-VM rows are dropped first, then the longest lists, to stay under the cap. */
export function genericDigest(d: Digest, options: GenericOptions = {}): RenderedPayload {
  const maxBytes = options.maxBytes ?? GENERIC_MAX_BYTES;
  const render = (vmRows: number, listRows: number): string => JSON.stringify(shaped(d, vmRows, listRows));
  const longest = Math.max(
    d.changes.newFailures.length,
    d.changes.recoveries.length,
    d.changes.downgrades.length,
    d.persisting.failing.length,
    d.persisting.belowExpected.length,
    d.persisting.noJobToday.length,
    d.topCodes.length,
  );
  const fits = (vmRows: number, listRows: number): boolean =>
    byteLength(render(vmRows, listRows)) <= maxBytes;
  if (fits(d.vms.length, longest)) {
    return { format: "generic", contentType: "application/json", body: render(d.vms.length, longest) };
  }
  // Too large: the lists get at most half of the budget, the per-VM rows (problems first) as many as fit.
  let listRows = longest;
  while (listRows > 0 && byteLength(render(0, listRows)) > maxBytes / 2) listRows = Math.floor(listRows / 2);
  let lo = 0;
  let hi = d.vms.length;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid, listRows)) lo = mid;
    else hi = mid - 1;
  }
  const body = render(lo, listRows);
  return { format: "generic", contentType: "application/json", body };
}

export function genericAlerts(
  alerts: readonly AlertView[],
  options: GenericOptions & { generatedAt?: string } = {},
): RenderedPayload {
  const maxBytes = options.maxBytes ?? GENERIC_MAX_BYTES;
  const generatedAt = options.generatedAt ?? new Date().toISOString();
  let n = alerts.length;
  const render = (): string => {
    const payload: GenericAlertPayload = {
      schemaVersion: GENERIC_SCHEMA_VERSION,
      kind: "alert",
      generatedAt,
      count: alerts.length,
      omitted: alerts.length - n,
      alerts: alerts.slice(0, n).map((a) => ({
        rule: a.rule,
        rules: a.rules ?? [a.rule],
        vm: a.vm,
        vault: a.vault,
        vmLabel: a.vmLabel ?? a.vm,
        vaultLabel: a.vaultLabel ?? a.vault,
        jobId: a.jobId,
        at: a.at,
        title: a.title,
        detail: a.detail,
        errorCode: a.errorCode,
        action: a.action,
        hints: a.hints ?? [],
        docUrl: a.docUrl,
      })),
    };
    return JSON.stringify(payload);
  };
  let body = render();
  while (byteLength(body) > maxBytes && n > 0) {
    n = Math.floor(n / 2);
    body = render();
  }
  return { format: "generic", contentType: "application/json", body };
}

/** The signature headers of a generic payload. `timestampSec` is unix seconds. */
export function signatureHeaders(
  rawBody: string,
  secret: string,
  timestampSec: number,
): Record<string, string> {
  const ts = String(Math.floor(timestampSec));
  const hex = createHmac("sha256", secret).update(`${ts}.${rawBody}`, "utf8").digest("hex");
  return { [TIMESTAMP_HEADER]: ts, [SIGNATURE_HEADER]: `sha256=${hex}` };
}
