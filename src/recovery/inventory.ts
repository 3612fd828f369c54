/**
 * The vaults' inventory through Azure Resource Manager: per vault and per run, ONE `backupPolicies` list and
 * ONE `backupProtectedItems` list (Azure VMs only), followed page by page and kept for the run. It tells, per
 * VM (keyed by its lower-case resource ID): the policy that protects it (name, ID, V1 or V2 = Enhanced,
 * schedule, time zone, crash-only), its protection state, and whether the vault still holds it. A vault that
 * cannot be listed gives an error and no facts: its VMs are then judged as without an inventory.
 */
import type {
  AzureIaaSVMProtectedItem,
  AzureIaaSVMProtectionPolicy,
  DailySchedule,
  HourlySchedule,
  ProtectionPolicyResource,
  SimpleSchedulePolicy,
  SimpleSchedulePolicyV2,
  WeeklySchedule,
} from "@azure/arm-recoveryservicesbackup";
import { normaliseId, parseResourceId, workloadVmIdOf } from "../domain/identity.js";
import { memoised } from "../domain/memo.js";
import {
  WEEKDAYS,
  type BackupSchedule,
  type ItemFacts,
  type PolicyFacts,
  type Weekday,
} from "../domain/schedule.js";
import { describeArmError, type RecoveryPointsClient } from "./recovery-points.js";

export const POLICY_FILTER = "backupManagementType eq 'AzureIaasVM'";
export const ITEM_FILTER = "backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'";
export const SQL_ITEM_FILTER = "backupManagementType eq 'AzureWorkload' and itemType eq 'SQLDataBase'";

export interface VaultInventory {
  /** Lower-case vault resource ID. */
  vaultId: string;
  /** Items of the vault by lower-case VM resource ID; empty when the vault could not be listed. */
  items: Map<string, ItemFacts>;
  /** Policies by lower-case policy ID. */
  policies: Map<string, PolicyFacts>;
  /** Why the vault could not be listed (its VMs are then judged without an inventory). */
  error: string | null;
}

/** `HH:MM` of a schedule time: Azure keeps the clock time of the policy's time zone in a UTC-looking date. */
function clock(value: Date | string | undefined): string | null {
  const d = value instanceof Date ? value : typeof value === "string" ? new Date(value) : null;
  if (!d || Number.isNaN(d.getTime())) return null;
  return `${String(d.getUTCHours()).padStart(2, "0")}:${String(d.getUTCMinutes()).padStart(2, "0")}`;
}

function clocks(values: readonly (Date | string)[] | undefined): string[] {
  return (values ?? []).map(clock).filter((t): t is string => t !== null);
}

function weekdays(values: readonly string[] | undefined): Weekday[] {
  return (values ?? [])
    .map((v) => WEEKDAYS.find((w) => w.toLowerCase() === String(v).toLowerCase()))
    .filter((w): w is Weekday => w !== undefined);
}

function hourly(
  h: HourlySchedule | undefined,
): Pick<BackupSchedule, "times" | "intervalHours" | "windowHours"> {
  const start = clock(h?.scheduleWindowStartTime);
  return {
    times: start ? [start] : [],
    intervalHours: h?.interval ?? null,
    windowHours: h?.scheduleWindowDuration ?? null,
  };
}

/** The schedule of an Azure VM policy (V1 `SimpleSchedulePolicy` or V2 `SimpleSchedulePolicyV2`). */
export function scheduleOf(policy: AzureIaaSVMProtectionPolicy): BackupSchedule | null {
  const s = policy.schedulePolicy;
  if (!s) return null;
  const timeZone = policy.timeZone ?? null;
  const frequency = String((s as { scheduleRunFrequency?: string }).scheduleRunFrequency ?? "").toLowerCase();
  const base = { timeZone, days: [] as Weekday[], intervalHours: null, windowHours: null };
  if (s.schedulePolicyType === "SimpleSchedulePolicyV2") {
    const v2 = s as SimpleSchedulePolicyV2;
    if (frequency === "hourly") return { ...base, frequency: "hourly", ...hourly(v2.hourlySchedule) };
    if (frequency === "weekly") {
      const w: WeeklySchedule = v2.weeklySchedule ?? {};
      return {
        ...base,
        frequency: "weekly",
        days: weekdays(w.scheduleRunDays),
        times: clocks(w.scheduleRunTimes),
      };
    }
    const d: DailySchedule = v2.dailySchedule ?? {};
    return { ...base, frequency: "daily", times: clocks(d.scheduleRunTimes) };
  }
  if (s.schedulePolicyType === "SimpleSchedulePolicy") {
    const v1 = s as SimpleSchedulePolicy;
    if (frequency === "hourly") return { ...base, frequency: "hourly", ...hourly(v1.hourlySchedule) };
    const times = clocks(v1.scheduleRunTimes);
    if (frequency === "weekly") {
      return { ...base, frequency: "weekly", days: weekdays(v1.scheduleRunDays), times };
    }
    return { ...base, frequency: "daily", times };
  }
  return null;
}

/** The facts of a policy resource of the list, or null when it is not an Azure VM policy. */
export function policyFacts(resource: ProtectionPolicyResource): PolicyFacts | null {
  const p = resource.properties;
  if (!p || p.backupManagementType !== "AzureIaasVM") return null;
  const vm = p as AzureIaaSVMProtectionPolicy & { snapshotConsistencyType?: unknown };
  return {
    name: resource.name ?? "",
    id: resource.id ? normaliseId(resource.id) : null,
    type: String(vm.policyType ?? "").toUpperCase() === "V2" ? "V2" : "V1",
    schedule: scheduleOf(vm),
    crashOnly:
      typeof vm.snapshotConsistencyType === "string" &&
      vm.snapshotConsistencyType.toLowerCase() === "onlycrashconsistent",
  };
}

/** The run's inventory: each vault listed at most once, on first use; later calls share that answer. */
export class Inventory {
  private readonly vaults = new Map<string, Promise<VaultInventory>>();
  private readonly sqlVaults = new Map<string, Promise<ReadonlySet<string> | null>>();
  /** List calls sent (each page counts). */
  calls = 0;
  /** Vaults listed, and those that could not be (with the reason). */
  readonly listed: string[] = [];
  readonly failed: { vaultId: string; error: string }[] = [];

  constructor(
    private readonly client: RecoveryPointsClient,
    private readonly abortSignal?: AbortSignal,
  ) {}

  /** The inventory of a vault (by resource ID), listed on the first call of the run. */
  vault(vaultId: string): Promise<VaultInventory> {
    return memoised(this.vaults, vaultId.toLowerCase(), Infinity, (key) => this.list(key));
  }

  /** The inventories of several vaults, listed at once (the pacer bounds the calls in flight). */
  async vaultsOf(vaultIds: Iterable<string>): Promise<Map<string, VaultInventory>> {
    const ids = [...new Set([...vaultIds].map((v) => v.toLowerCase()))];
    const listed = await Promise.all(ids.map((id) => this.vault(id)));
    return new Map(listed.map((v) => [v.vaultId, v]));
  }

  /** What is known of a VM: its facts, null when its vault does not hold it, undefined when not known. */
  async itemOf(vmId: string | null, vaultId: string | null): Promise<ItemFacts | null | undefined> {
    if (!vmId || !vaultId) return undefined;
    const v = await this.vault(vaultId);
    if (v.error !== null) return undefined;
    return v.items.get(vmId.toLowerCase()) ?? null;
  }

  /**
   * The VMs (lower-case resource IDs) in which the vault protects SQL Server databases: one more list of the
   * vault's protected items (`AzureWorkload`), on the first call of the run; null when it could not be listed.
   */
  sqlVmsOf(vaultId: string): Promise<ReadonlySet<string> | null> {
    return memoised(this.sqlVaults, vaultId.toLowerCase(), Infinity, (key) => this.listSqlVms(key));
  }

  private async listSqlVms(vaultId: string): Promise<ReadonlySet<string> | null> {
    const vault = parseResourceId(vaultId);
    if (vault?.type !== "vaults") return null;
    const arm = this.client.forSubscription(vault.subscription);
    const options = this.abortSignal ? { abortSignal: this.abortSignal } : {};
    const vms = new Set<string>();
    try {
      for await (const page of arm.backupProtectedItems
        .list(vault.name, vault.resourceGroup, { ...options, filter: SQL_ITEM_FILTER })
        .byPage()) {
        this.calls += 1;
        for (const resource of page) {
          const p = resource.properties;
          if (p?.backupManagementType !== "AzureWorkload") continue;
          const container = (p as { containerName?: string }).containerName;
          const vmId = workloadVmIdOf(p.sourceResourceId, container, vaultId);
          if (vmId) vms.add(vmId);
        }
      }
      return vms;
    } catch (error) {
      this.failed.push({ vaultId, error: describeArmError(error, "the vault's SQL Server databases") });
      return null;
    }
  }

  private async list(vaultId: string): Promise<VaultInventory> {
    const empty = (error: string): VaultInventory => ({
      vaultId,
      items: new Map(),
      policies: new Map(),
      error,
    });
    const vault = parseResourceId(vaultId);
    if (vault?.type !== "vaults") return empty("not a vault resource ID");
    const arm = this.client.forSubscription(vault.subscription);
    const options = this.abortSignal ? { abortSignal: this.abortSignal } : {};
    try {
      const policies = new Map<string, PolicyFacts>();
      const byName = new Map<string, PolicyFacts>();
      for await (const page of arm.backupPolicies
        .list(vault.name, vault.resourceGroup, { ...options, filter: POLICY_FILTER })
        .byPage()) {
        this.calls += 1;
        for (const resource of page) {
          const facts = policyFacts(resource);
          if (!facts) continue;
          if (facts.id) policies.set(facts.id, facts);
          byName.set(facts.name.toLowerCase(), facts);
        }
      }
      const items = new Map<string, ItemFacts>();
      for await (const page of arm.backupProtectedItems
        .list(vault.name, vault.resourceGroup, { ...options, filter: ITEM_FILTER })
        .byPage()) {
        this.calls += 1;
        for (const resource of page) {
          const p = resource.properties as (AzureIaaSVMProtectedItem & { policyName?: string }) | undefined;
          const vmId = p?.virtualMachineId ?? p?.sourceResourceId;
          if (!p || !vmId) continue;
          const policyId = p.policyId ? normaliseId(p.policyId) : null;
          const policy =
            (policyId ? policies.get(policyId) : undefined) ??
            byName.get((p.policyName ?? policyId?.split("/").pop() ?? "").toLowerCase()) ??
            null;
          items.set(vmId.toLowerCase(), { policy, protectionState: p.protectionState ?? null });
        }
      }
      this.listed.push(vaultId);
      return { vaultId, items, policies, error: null };
    } catch (error) {
      const message = describeArmError(error, "the vault's policies and items");
      this.failed.push({ vaultId, error: message });
      return empty(message);
    }
  }
}
