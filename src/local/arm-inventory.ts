/**
 * A vault's inventory as the local ARM stand-in serves it: the `backupPolicies` and `backupProtectedItems`
 * lists of a Recovery Services vault, in the shapes of the azure-rest-api-specs examples (2023-06-01:
 * `AzureIaasVm/V2Policy/v2-List-Policies.json`, `IaaS_v2_hourly.json`, `AzureIaasVm/BackupProtectedItems_List.json`):
 *
 *   GET /subscriptions/{sub}/resourceGroups/{rg}/providers/Microsoft.RecoveryServices/vaults/{vault}/backupPolicies
 *   GET …/vaults/{vault}/backupProtectedItems
 *
 * Crash-only Enhanced policies carry `snapshotConsistencyType: "OnlyCrashConsistent"` (reference §4.4).
 * With `$filter=backupManagementType eq 'AzureWorkload'`, `backupProtectedItems` lists the SQL Server databases
 * protected inside the vault's VMs, in the shape of Learn's "Back up SQL server databases in Azure VMs using
 * Azure Backup via REST API" (`AzureVmWorkloadSQLDatabase`, container `VMAppContainer;Compute;{rg};{vm}`,
 * its `sourceResourceId` as that page's GET example spells it).
 */

export const INVENTORY_PATH =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.RecoveryServices\/vaults\/([^/]+)\/(backupPolicies|backupProtectedItems)\/?$/i;

export interface VaultRef {
  subscriptionId: string;
  resourceGroup: string;
  vault: string;
}

/** A policy as the provider describes it. */
export interface LocalPolicy {
  name: string;
  /** `V2` = Enhanced (default `V1`). */
  type?: "V1" | "V2";
  frequency: "Daily" | "Weekly" | "Hourly";
  /** Weekly: `Sunday` … `Saturday`. */
  days?: string[];
  /** Clock times `HH:MM` in the policy's time zone (hourly: the window's start). */
  times?: string[];
  intervalHours?: number;
  windowHours?: number;
  /** Windows time-zone name, e.g. `W. Europe Standard Time` (default `UTC`). */
  timeZone?: string;
  crashOnly?: boolean;
}

/** A protected Azure VM as the provider describes it. */
export interface LocalProtectedItem {
  /** The VM's resource ID, as Azure spells it. */
  vmId: string;
  /** Name of the policy that protects it (null: none, e.g. protection stopped and the policy removed). */
  policy: string | null;
  /** Default `Protected`. */
  protectionState?: string;
  lastBackupTime?: string;
}

/** A SQL Server database protected inside an Azure VM (workload backup in the same vault). */
export interface LocalSqlDatabase {
  /** The VM's resource ID, as Azure spells it. */
  vmId: string;
  /** Default `MSSQLSERVER`. */
  instance?: string;
  database: string;
}

export interface LocalInventory {
  policies: LocalPolicy[];
  items: LocalProtectedItem[];
  /** SQL Server databases protected in the vault's VMs (default none). */
  sqlDatabases?: LocalSqlDatabase[];
}

/** `null`: the vault does not exist (404). */
export type InventoryProvider = (vault: VaultRef) => LocalInventory | null;

const POLICY_TYPE = "Microsoft.RecoveryServices/vaults/backupPolicies";
const ITEM_TYPE = "Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems";

function vaultPath(v: VaultRef): string {
  return `/subscriptions/${v.subscriptionId}/resourceGroups/${v.resourceGroup}/providers/Microsoft.RecoveryServices/vaults/${v.vault}`;
}

/** `HH:MM` on a fixed date, as ARM writes schedule times (`2026-01-01T22:00:00Z`). */
function at(time: string): string {
  return `2026-01-01T${time}:00Z`;
}

const retention = (times: string[]) => ({
  retentionPolicyType: "LongTermRetentionPolicy",
  dailySchedule: {
    retentionTimes: times.slice(0, 1).map(at),
    retentionDuration: { count: 30, durationType: "Days" },
  },
});

function schedulePolicy(p: LocalPolicy): Record<string, unknown> {
  const times = p.times ?? ["00:00"];
  if (p.type === "V2") {
    const base = { schedulePolicyType: "SimpleSchedulePolicyV2", scheduleRunFrequency: p.frequency };
    if (p.frequency === "Hourly") {
      return {
        ...base,
        hourlySchedule: {
          interval: p.intervalHours ?? 4,
          scheduleWindowDuration: p.windowHours ?? 24,
          scheduleWindowStartTime: at(times[0] ?? "00:00"),
        },
      };
    }
    if (p.frequency === "Weekly") {
      return { ...base, weeklySchedule: { scheduleRunDays: p.days ?? [], scheduleRunTimes: times.map(at) } };
    }
    return { ...base, dailySchedule: { scheduleRunTimes: times.map(at) } };
  }
  return {
    schedulePolicyType: "SimpleSchedulePolicy",
    scheduleRunFrequency: p.frequency,
    ...(p.frequency === "Weekly" ? { scheduleRunDays: p.days ?? [] } : {}),
    scheduleRunTimes: times.map(at),
    scheduleWeeklyFrequency: 0,
  };
}

/** One policy as `backupPolicies` lists it. */
export function policyResource(v: VaultRef, p: LocalPolicy): unknown {
  return {
    id: `${vaultPath(v)}/backupPolicies/${p.name}`,
    name: p.name,
    type: POLICY_TYPE,
    properties: {
      backupManagementType: "AzureIaasVM",
      ...(p.type === "V2" ? { policyType: "V2", instantRpRetentionRangeInDays: 7 } : {}),
      ...(p.crashOnly ? { snapshotConsistencyType: "OnlyCrashConsistent" } : {}),
      schedulePolicy: schedulePolicy(p),
      retentionPolicy: retention(p.times ?? ["00:00"]),
      timeZone: p.timeZone ?? "UTC",
      protectedItemsCount: 0,
    },
  };
}

/** One protected VM as `backupProtectedItems` lists it. */
export function itemResource(v: VaultRef, item: LocalProtectedItem): unknown {
  const m = /\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(
    item.vmId,
  );
  const rg = m?.[1] ?? "rg";
  const vm = m?.[2] ?? "vm";
  const container = `iaasvmcontainerv2;${rg};${vm}`;
  return {
    id: `${vaultPath(v)}/backupFabrics/Azure/protectionContainers/IaasVMContainer;${container}/protectedItems/VM;${container}`,
    name: `VM;${container}`,
    type: ITEM_TYPE,
    properties: {
      friendlyName: vm,
      virtualMachineId: item.vmId,
      protectionStatus: "Healthy",
      protectionState: item.protectionState ?? "Protected",
      healthStatus: "Passed",
      lastBackupStatus: "Completed",
      ...(item.lastBackupTime
        ? { lastBackupTime: item.lastBackupTime, lastRecoveryPoint: item.lastBackupTime }
        : {}),
      protectedItemDataId: String(Math.abs(hashOf(item.vmId))),
      protectedItemType: "Microsoft.Compute/virtualMachines",
      backupManagementType: "AzureIaasVM",
      workloadType: "VM",
      containerName: container,
      sourceResourceId: item.vmId,
      ...(item.policy
        ? { policyId: `${vaultPath(v)}/backupPolicies/${item.policy}`, policyName: item.policy }
        : {}),
    },
  };
}

/** One SQL Server database as `backupProtectedItems` lists it with the `AzureWorkload` filter. */
export function sqlItemResource(v: VaultRef, db: LocalSqlDatabase): unknown {
  const m =
    /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)$/i.exec(
      db.vmId,
    );
  const [sub = v.subscriptionId, rg = "rg", vm = "vm"] = m?.slice(1) ?? [];
  const container = `VMAppContainer;Compute;${rg};${vm}`;
  const instance = db.instance ?? "MSSQLSERVER";
  const name = `SQLDataBase;${instance.toLowerCase()};${db.database.toLowerCase()}`;
  return {
    id: `${vaultPath(v)}/backupFabrics/Azure/protectionContainers/${container}/protectedItems/${name}`,
    name,
    type: ITEM_TYPE,
    properties: {
      friendlyName: db.database,
      serverName: `${vm}.contoso.com`,
      parentName: instance,
      parentType: "AzureVmWorkloadSQLInstance",
      protectionStatus: "Healthy",
      protectionState: "Protected",
      lastBackupStatus: "Healthy",
      lastBackupErrorDetail: { code: "Success", message: "" },
      protectedItemDataSourceId: String(Math.abs(hashOf(`${db.vmId}/${name}`))),
      protectedItemHealthStatus: "Healthy",
      extendedInfo: { recoveryPointCount: 3, policyState: "Consistent" },
      protectedItemType: "AzureVmWorkloadSQLDatabase",
      backupManagementType: "AzureWorkload",
      workloadType: "SQLDataBase",
      containerName: container,
      sourceResourceId: `/subscriptions/${sub}/resourceGroups/${rg}/providers/VMAppContainer/${vm}`,
      policyId: `${vaultPath(v)}/backupPolicies/HourlyLogBackup`,
    },
  };
}

function hashOf(text: string): number {
  let h = 0;
  for (let i = 0; i < text.length; i++) h = (Math.imul(h, 31) + text.charCodeAt(i)) | 0;
  return h;
}
