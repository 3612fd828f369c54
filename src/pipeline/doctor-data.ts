/**
 * The doctor's data checks: each workspace read as the daily run reads it (the same queries, over the last
 * 48 hours), then each vault seen in that data read through Azure Resource Manager.
 */
import type { BackupJob } from "../domain/model.js";
import { describeLegacySignal } from "../logs/legacy-signal.js";
import type { LogsClient } from "../logs/query-client.js";
import { queryJobs } from "../logs/query.js";
import type { WorkspaceReport } from "../logs/workspace-report.js";
import { itemRefOf, type ItemRef, type RecoveryPointsClient } from "../recovery/recovery-points.js";
import { probePolicies, probeVault, READER_ROLE, type PolicyProbe } from "../recovery/vault-probe.js";
import type { DoctorCheck } from "./doctor-check.js";

export const WINDOW_MS = 48 * 3_600_000;

const RESOURCE_SPECIFIC =
  'in each Recovery Services vault\'s diagnostic setting, send the categories CoreAzureBackup, AddonAzureBackupJobs, AddonAzureBackupPolicy and AddonAzureBackupProtectedInstance to this workspace with destination table "Resource specific" (docs/connect.md)';

export interface WorkspaceChecks {
  checks: DoctorCheck[];
  /** The jobs read, for the vault checks. */
  jobs: BackupJob[];
}

function failedFix(report: WorkspaceReport, identity: string): string {
  const error = report.error ?? "";
  if (report.legacyFieldsInAdditionalFields)
    return `switch to resource-specific tables: ${RESOURCE_SPECIFIC}`;
  if (/\b(401|403)\b/.test(error)) {
    return `assign the Log Analytics Reader role to ${identity} on workspace ${report.workspaceId} (or its resource group)`;
  }
  if (/\b404\b/.test(error)) {
    return `check PULSE_WORKSPACE_IDS: ${report.workspaceId} must be a workspace's ID (its GUID, Overview blade), not its name or resource ID`;
  }
  if (/CoreAzureBackup/.test(error)) return `add the CoreAzureBackup category: ${RESOURCE_SPECIFIC}`;
  return "run the doctor again later; if it keeps failing, read the message above (docs/troubleshooting.md)";
}

/** One check per workspace: reachable, which backup tables it holds, rows in the last 48 hours. */
export async function checkWorkspaces(
  client: LogsClient,
  workspaceIds: readonly string[],
  identity: string,
  nowMs: number,
): Promise<WorkspaceChecks> {
  const rows = new Map<string, { jobs: number; legacy: number }>();
  const result = await queryJobs({
    client,
    workspaceIds,
    rangeStart: new Date(nowMs - WINDOW_MS),
    rangeEnd: new Date(nowMs),
    onProgress(p) {
      if (p.event !== "rows" && p.event !== "incomplete") return;
      const count = rows.get(p.workspaceId) ?? { jobs: 0, legacy: 0 };
      if (p.queryName === "jobs") count.jobs += p.rows ?? 0;
      else count.legacy += p.rows ?? 0;
      rows.set(p.workspaceId, count);
    },
  });
  const checks = result.workspaces.map((report): DoctorCheck => {
    const name = `workspace ${report.workspaceId}`;
    const count = rows.get(report.workspaceId) ?? { jobs: 0, legacy: 0 };
    const missing = new Set(report.missingTables);
    if (report.status === "failed") {
      const detail = report.legacyFieldsInAdditionalFields
        ? describeLegacySignal(report.legacyFieldsInAdditionalFields)
        : (report.error ?? "the read failed");
      return { name, ok: false, detail, fix: failedFix(report, identity) };
    }
    if (missing.has("AddonAzureBackupJobs") && missing.has("AzureDiagnostics")) {
      return {
        name,
        ok: false,
        detail:
          "reachable, but holds no Azure Backup table (AddonAzureBackupJobs, CoreAzureBackup): no vault sends its reports here",
        fix: RESOURCE_SPECIFIC.replace(/^in/, "In"),
      };
    }
    if (missing.has("AddonAzureBackupJobs")) {
      return {
        name,
        ok: false,
        detail: `legacy data only: ${count.legacy} finished VM backup job(s) in the last 48 h from AzureDiagnostics, no resource-specific tables (AddonAzureBackupJobs, CoreAzureBackup); AzureDiagnostics can fill up at 500 columns and hide backup fields`,
        fix: `switch to resource-specific tables: ${RESOURCE_SPECIFIC}`,
      };
    }
    if (count.jobs === 0) {
      return {
        name,
        ok: false,
        detail: `AddonAzureBackupJobs and CoreAzureBackup are present, but no finished VM backup job started in the last 48 h${count.legacy > 0 ? ` (${count.legacy} legacy job(s) from AzureDiagnostics)` : ""}`,
        fix: "check that the vaults' backup policies ran in the last two days and that their diagnostic settings still send AddonAzureBackupJobs to this workspace (rows arrive 20-30 minutes after a job ends)",
      };
    }
    const legacy = count.legacy > 0 ? `, ${count.legacy} also from AzureDiagnostics` : "";
    return {
      name,
      ok: true,
      detail: `AddonAzureBackupJobs and CoreAzureBackup present; ${count.jobs} finished VM backup job(s) in the last 48 h${legacy}`,
      fix: "",
    };
  });
  return { checks, jobs: result.read.jobs };
}

/** A reference to one protected item per vault (the most recent job's), or why none can be made. */
function itemsByVault(jobs: readonly BackupJob[]): Map<string, { vault: string; ref: ItemRef | string }> {
  const out = new Map<string, { vault: string; ref: ItemRef | string; startMs: number }>();
  for (const job of [...jobs].sort((a, b) => b.startMs - a.startMs)) {
    const key = (job.vaultId ?? `name:${job.vault}`).toLowerCase();
    const ref = itemRefOf(job);
    const seen = out.get(key);
    if (!seen || (typeof seen.ref === "string" && typeof ref !== "string")) {
      out.set(key, { vault: job.vault, ref, startMs: job.startMs });
    }
  }
  return out;
}

function policiesText(p: Extract<PolicyProbe, { ok: true }>): string {
  const kinds = [
    p.enhanced > 0 ? `${p.enhanced} Enhanced` : "",
    p.crashOnly > 0 ? `${p.crashOnly} crash-only` : "",
  ].filter((k) => k !== "");
  return `${p.policies} Azure VM backup polic${p.policies === 1 ? "y" : "ies"}${kinds.length > 0 ? ` (${kinds.join(", ")})` : ""}`;
}

/**
 * One check per vault seen in the data: its recovery points and its backup policies (schedules, crash-only,
 * Enhanced) can be listed through ARM.
 */
export async function checkVaults(
  client: RecoveryPointsClient,
  jobs: readonly BackupJob[],
  identity: string,
  nowMs: number,
): Promise<DoctorCheck[]> {
  const vaults = [...itemsByVault(jobs).values()];
  return Promise.all(
    vaults.map(async ({ vault, ref }): Promise<DoctorCheck> => {
      const name = `vault ${vault}`;
      if (typeof ref === "string") {
        return {
          name,
          ok: false,
          detail: ref,
          fix: 'send CoreAzureBackup to the workspace with destination table "Resource specific" so jobs carry the vault\'s resource ID and container',
        };
      }
      const [probe, policies] = await Promise.all([
        probeVault(client, ref, nowMs - WINDOW_MS, nowMs),
        probePolicies(client, ref),
      ]);
      const scope = `/subscriptions/${ref.subscriptionId}`;
      if (probe.ok) {
        if (policies.ok) {
          return {
            name,
            ok: true,
            detail: `recovery points readable through ARM (${probe.points} in the last 48 h for ${ref.protectedItemName.replace(/^VM;iaasvmcontainerv2;/i, "")}); ${policiesText(policies)}`,
            fix: "",
          };
        }
        const head = [policies.status, policies.code].filter((x) => x !== null).join(" ");
        return {
          name,
          ok: false,
          detail: `recovery points readable, but the backup policies could not be listed${head ? ` (${head})` : ""}: ${policies.message}; without them schedules, crash-only and Enhanced policies are not known`,
          fix: `assign the "${READER_ROLE}" role (or the built-in Backup Reader role) to ${identity} at scope ${scope} (or ${scope}/resourceGroups/${ref.resourceGroup})`,
        };
      }
      const head = [probe.status, probe.code].filter((x) => x !== null).join(" ");
      if (probe.status === 401 || probe.status === 403) {
        return {
          name,
          ok: false,
          detail: `ARM refused to list recovery points (${head})`,
          fix: `assign the "${READER_ROLE}" role (or the built-in Backup Reader role) to ${identity} at scope ${scope} (or ${scope}/resourceGroups/${ref.resourceGroup})`,
        };
      }
      return {
        name,
        ok: false,
        detail: `listing recovery points failed${head ? ` (${head})` : ""}: ${probe.message}`,
        fix:
          probe.status === 404
            ? `check that vault ${ref.vaultName} in resource group ${ref.resourceGroup} still exists and PULSE_ARM_ENDPOINT points at its cloud`
            : "run the doctor again later; check PULSE_ARM_ENDPOINT",
      };
    }),
  );
}
