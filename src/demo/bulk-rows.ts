/**
 * Bulk job rows for the benchmarks: any number of VM backup jobs of one day, in the `jobs` query's columns,
 * spread over vaults of realistic size. Deterministic for a seed.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS, parseDate } from "./days.js";
import { COLUMNS } from "./estate-providers.js";
import { pickRole, SAMPLE_WORKSPACES, vaultId, vmResourceId, type EstateVault } from "./fleet.js";
import { AGENT_CODE, NETWORK_CODE, SCRIPT_CODE, VSS_CODE } from "./scenarios.js";
import { between, guid, seededRandom } from "./seeded-random.js";

export interface GeneratedRows {
  columns: { name: string; type: string }[];
  rows: unknown[][];
  /** Distinct finished VM jobs among the rows. */
  jobs: number;
  /** Vaults the jobs are spread over. */
  vaults: number;
}

/** VMs per vault in the bulk rows: real vaults protect up to about a thousand VMs each. */
export const BULK_VMS_PER_VAULT = 1000;

const BULK_SUBSCRIPTIONS = [
  "3d2c1b0a-9f8e-4d7c-8b6a-5f4e3d2c1b0a",
  "7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918",
  "b1a2c3d4-e5f6-4a7b-8c9d-0e1f2a3b4c5d",
  "c9d8e7f6-a5b4-4c3d-9e2f-1a0b9c8d7e6f",
];
const BULK_REGIONS = ["weu", "neu", "eus", "sea"];

/**
 * The vaults of a bulk estate of `vms` VMs: one per {@link BULK_VMS_PER_VAULT} VMs (at least one), spread
 * over four subscriptions, each with one backup resource group per region. Deterministic.
 */
export function bulkVaults(vms: number): EstateVault[] {
  const count = Math.max(1, Math.ceil(vms / BULK_VMS_PER_VAULT));
  return Array.from({ length: count }, (_, v) => {
    const subscriptionId = BULK_SUBSCRIPTIONS[v % BULK_SUBSCRIPTIONS.length] as string;
    const region = BULK_REGIONS[Math.floor(v / BULK_SUBSCRIPTIONS.length) % BULK_REGIONS.length] as string;
    const resourceGroup = `rg-backup-${region}`;
    const name = `rsv-${region}-${String(v + 1).padStart(3, "0")}`;
    return {
      name,
      resourceGroup,
      subscriptionId,
      id: vaultId(subscriptionId, resourceGroup, name),
      workspaceId: SAMPLE_WORKSPACES.main,
      legacy: false,
    };
  });
}

/**
 * `n` Azure VM backup jobs (one per VM) that started on `date` (default 2026-11-24), from the vaults of
 * {@link bulkVaults} (VMs dealt out to them in turn), in the `jobs` query's columns, with a realistic mix
 * (about 3% warnings, 2% failures, 30% earlier in-progress rows, 3% re-sent rows). Deterministic for a seed.
 */
export function generateJobRows(n: number, options: { date?: string; seed?: number } = {}): GeneratedRows {
  const rand = seededRandom(options.seed ?? 7);
  const dayMs = parseDate(options.date ?? "2026-11-24");
  const vaults = bulkVaults(n);
  const rows: unknown[][] = [];
  for (let i = 0; i < n; i++) {
    const vault = vaults[i % vaults.length] as EstateVault;
    const spec = pickRole(rand);
    const name = `vm-${spec.role}-${String(i).padStart(6, "0")}`;
    const rg = `rg-${spec.role}-${i % 50}`;
    const container = `iaasvmcontainerv2;${rg};${name}`;
    const startMs = dayMs + between(rand, 0, DAY_MS / 1000 - 1) * 1000;
    const durationSec = between(rand, 600, 3600);
    const roll = rand();
    const status = roll < 0.03 ? "CompletedWithWarnings" : roll < 0.05 ? "Failed" : "Completed";
    const code =
      status === "Completed"
        ? "Success"
        : status === "Failed"
          ? roll < 0.04
            ? AGENT_CODE
            : NETWORK_CODE
          : spec.os === "Windows"
            ? VSS_CODE
            : SCRIPT_CODE;
    const jobId = guid(rand);
    const base = [jobId, new Date(startMs).toISOString()];
    const tail = [
      "Backup",
      "",
      "IaaSVM",
      vault.name,
      vault.id,
      `${i};${container}`,
      name,
      container,
      spec.os,
      vmResourceId(vault.subscriptionId, rg, name),
    ];
    if (rand() < 0.3) {
      rows.push([new Date(startMs + 20 * MINUTE_MS).toISOString(), ...base, 0, "InProgress", "", ...tail]);
    }
    const tg = startMs + durationSec * 1000 + 25 * MINUTE_MS;
    rows.push([new Date(tg).toISOString(), ...base, durationSec, status, code, ...tail]);
    if (rand() < 0.03)
      rows.push([new Date(tg + 2 * HOUR_MS).toISOString(), ...base, durationSec, status, code, ...tail]);
  }
  return { columns: COLUMNS, rows, jobs: n, vaults: vaults.length };
}
