/**
 * Whether SQL Server is in play on the VMs of VSS problems: their vaults' SQL Server databases, listed through
 * the run's inventory (one list of the vault's `AzureWorkload` items per vault that has such a job, none
 * else). The alert advice adds the copy-only VSS setting only there.
 */
import type { ClassifiedJob } from "../domain/model.js";
import type { Inventory } from "../recovery/inventory.js";

export async function markSqlServer(
  jobs: readonly ClassifiedJob[],
  inventory: Inventory | null,
): Promise<void> {
  if (!inventory) return;
  const vss = jobs.filter((j) => j.errorCategory === "vss" && j.os !== "Linux" && j.vmId && j.vaultId);
  const vaults = [...new Set(vss.map((j) => (j.vaultId as string).toLowerCase()))];
  const sqlVms = new Map(
    await Promise.all(vaults.map(async (v) => [v, await inventory.sqlVmsOf(v)] as const)),
  );
  for (const job of vss) {
    const vms = sqlVms.get((job.vaultId as string).toLowerCase());
    if (vms) job.sqlServer = vms.has((job.vmId as string).toLowerCase());
  }
}
