/**
 * Whether a vault's backup data can be read through Azure Resource Manager: one page of one protected item's
 * recovery points, as the recovery-point look-ups read them, and the vault's Azure VM backup policies, as the
 * inventory reads them. A refusal names the role and the scope to grant.
 */
import { POLICY_FILTER, policyFacts } from "./inventory.js";
import type { RecoveryPointsClient } from "./recovery-points.js";
import { listItemPoints, type ItemRef } from "./recovery-points.js";

export const READER_ROLE = "backup-pulse reader";

export type VaultProbe = { ok: true; points: number } | ProbeError;

type ProbeError = { ok: false; status: number | null; code: string | null; message: string };

function probeError(error: unknown): ProbeError {
  const e = error as { statusCode?: unknown; code?: unknown; message?: unknown };
  const status = typeof e.statusCode === "number" ? e.statusCode : null;
  const code = typeof e.code === "string" && /^[A-Za-z][A-Za-z0-9_.]{0,63}$/.test(e.code) ? e.code : null;
  const text = typeof e.message === "string" ? e.message : String(error);
  return { ok: false, status, code, message: (text.split(/\r?\n/)[0] ?? "").slice(0, 160) };
}

export type PolicyProbe = { ok: true; policies: number; enhanced: number; crashOnly: number } | ProbeError;

/** The vault's Azure VM backup policies, as the run's inventory lists them (every page). */
export async function probePolicies(client: RecoveryPointsClient, ref: ItemRef): Promise<PolicyProbe> {
  try {
    const found = { ok: true as const, policies: 0, enhanced: 0, crashOnly: 0 };
    const list = client
      .forSubscription(ref.subscriptionId)
      .backupPolicies.list(ref.vaultName, ref.resourceGroup, { filter: POLICY_FILTER });
    for await (const resource of list) {
      const facts = policyFacts(resource);
      if (!facts) continue;
      found.policies += 1;
      if (facts.type === "V2") found.enhanced += 1;
      if (facts.crashOnly) found.crashOnly += 1;
    }
    return found;
  } catch (error) {
    return probeError(error);
  }
}

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
    return probeError(error);
  }
}
