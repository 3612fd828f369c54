/**
 * What only rows of `_AzureBackup_GetJobs()` need: the workload is named by `BackupSolution` (or, without
 * that column, by `DatasourceType`), and the container is part of `BackupInstanceId` (the item's ARM path).
 */
import { first, type Plan } from "./normalise-fields.js";

/** False when BackupSolution (or DatasourceType) names a workload other than Azure VM backup. */
export function getJobsIsVm(plan: Plan, row: readonly unknown[]): boolean {
  const solution = first(row, plan.solution).toLowerCase();
  if (solution !== "") return solution === "azure virtual machine backup";
  if (plan.solution.length > 0) return true;
  const dsType = first(row, plan.datasourceType).toLowerCase();
  return dsType === "" || dsType.endsWith("/virtualmachines");
}

/** `.../protectionContainers/IaasVMContainer;iaasvmcontainerv2;rg;vm/protectedItems/...` → container name. */
export function containerFromInstanceId(instanceId: string): string {
  const m = /\/protectionContainers\/IaasVMContainer;([^/]+)\/protectedItems\//i.exec(instanceId);
  return m?.[1] ? m[1].toLowerCase() : "";
}
