/**
 * Whether a vault's backup data can be read through Azure Resource Manager: one page of one protected item's
 * recovery points, as the recovery-point look-ups read them. A refusal names the role and the scope to grant.
 */
import type { RecoveryPointsClient } from "./recovery-points.js";
import { listItemPoints, type ItemRef } from "./recovery-points.js";

export const READER_ROLE = "backup-pulse reader";

export type VaultProbe =
  { ok: true; points: number } | { ok: false; status: number | null; code: string | null; message: string };

export async function probeVault(
  client: RecoveryPointsClient,
  ref: ItemRef,
  startMs: number,
  endMs: number,
): Promise<VaultProbe> {
  try {
    const pages = listItemPoints(client, ref, startMs, endMs).byPage();
    const first = await pages.next();
    return { ok: true, points: first.done ? 0 : first.value.length };
  } catch (error) {
    const e = error as { statusCode?: unknown; code?: unknown; message?: unknown };
    const status = typeof e.statusCode === "number" ? e.statusCode : null;
    const code = typeof e.code === "string" && /^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(e.code) ? e.code : null;
    const text = typeof e.message === "string" ? e.message : String(error);
    return { ok: false, status, code, message: (text.split(/\r?\n/)[0] ?? "").slice(0, 160) };
  }
}
