/**
 * The sample estate's roster: three Recovery Services vaults in two subscriptions, reporting to two Log Analytics
 * workspaces (the first receives the resource-specific tables of two vaults, the second the legacy
 * AzureDiagnostics data of the third), and the VMs they protect, with a seeded mix of Windows and Linux roles.
 */

export type EstateOs = "Windows" | "Linux" | "";

export interface EstateWorkspace {
  workspaceId: string;
  name: string;
  /** True when it receives legacy AzureDiagnostics data (served by the `jobs-legacy` query). */
  legacy: boolean;
  vaults: string[];
}

export interface EstateVault {
  name: string;
  resourceGroup: string;
  subscriptionId: string;
  /** ARM resource ID, as Log Analytics reports it (upper case). */
  id: string;
  workspaceId: string;
  legacy: boolean;
}

export interface EstateVm {
  name: string;
  resourceGroup: string;
  vault: EstateVault;
  /** As CoreAzureBackup reports it ("" when the container record is missing). */
  reportedOs: EstateOs;
  /** What the VM really runs. */
  os: "Windows" | "Linux";
  role: string;
  itemId: string;
  /** `iaasvmcontainerv2;<rg>;<vm>`. */
  container: string;
}

const SUBSCRIPTION_PROD = "6f1c2d3e-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
const SUBSCRIPTION_LEGACY = "0a9b8c7d-6e5f-4a3b-9c1d-2e3f4a5b6c7d";
export const SAMPLE_WORKSPACES = {
  main: "8d3f2a61-5b7c-4e90-a1d2-3c4b5a6f7e80",
  legacy: "c4e5f6a7-b8c9-4d0e-8f1a-2b3c4d5e6f70",
} as const;

interface RoleSpec {
  role: string;
  os: "Windows" | "Linux";
  weight: number;
}
const ROLES: RoleSpec[] = [
  { role: "web", os: "Windows", weight: 20 },
  { role: "app", os: "Windows", weight: 20 },
  { role: "sql", os: "Windows", weight: 10 },
  { role: "file", os: "Windows", weight: 8 },
  { role: "lnx", os: "Linux", weight: 22 },
  { role: "pg", os: "Linux", weight: 8 },
  { role: "k8s", os: "Linux", weight: 12 },
];
const ROLE_WEIGHT = ROLES.reduce((s, r) => s + r.weight, 0);

export function pickRole(rand: () => number): RoleSpec {
  let x = rand() * ROLE_WEIGHT;
  for (const r of ROLES) {
    x -= r.weight;
    if (x < 0) return r;
  }
  return ROLES[0] as RoleSpec;
}

export function vaultId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/SUBSCRIPTIONS/${subscriptionId}/RESOURCEGROUPS/${resourceGroup}/PROVIDERS/MICROSOFT.RECOVERYSERVICES/VAULTS/${name}`.toUpperCase();
}

/** A VM's ARM resource ID as the resource-specific tables report it (`DatasourceResourceId`). */
export function vmResourceId(subscriptionId: string, resourceGroup: string, name: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.Compute/virtualMachines/${name}`;
}

export function makeVaults(): EstateVault[] {
  const spec = [
    {
      name: "rsv-prod-weu",
      resourceGroup: "rg-backup-prod",
      sub: SUBSCRIPTION_PROD,
      ws: SAMPLE_WORKSPACES.main,
      legacy: false,
    },
    {
      name: "rsv-dev-weu",
      resourceGroup: "rg-backup-dev",
      sub: SUBSCRIPTION_PROD,
      ws: SAMPLE_WORKSPACES.main,
      legacy: false,
    },
    {
      name: "rsv-legacy-neu",
      resourceGroup: "rg-backup-legacy",
      sub: SUBSCRIPTION_LEGACY,
      ws: SAMPLE_WORKSPACES.legacy,
      legacy: true,
    },
  ];
  return spec.map((s) => ({
    name: s.name,
    resourceGroup: s.resourceGroup,
    subscriptionId: s.sub,
    id: vaultId(s.sub, s.resourceGroup, s.name),
    workspaceId: s.ws,
    legacy: s.legacy,
  }));
}

const VAULT_SIZES = [150, 90, 80];

export function makeVms(rand: () => number, vaults: EstateVault[]): EstateVm[] {
  const counters = new Map<string, number>();
  const vms: EstateVm[] = [];
  vaults.forEach((vault, v) => {
    const size = VAULT_SIZES[v] ?? 0;
    const envTag = vault.name.split("-")[1] ?? "x";
    for (let i = 0; i < size; i++) {
      const spec = pickRole(rand);
      const n = (counters.get(spec.role) ?? 0) + 1;
      counters.set(spec.role, n);
      const name = `vm-${spec.role}-${String(n).padStart(3, "0")}`;
      const resourceGroup = `rg-${spec.role}-${envTag}`;
      vms.push({
        name,
        resourceGroup,
        vault,
        reportedOs: spec.os,
        os: spec.os,
        role: spec.role,
        itemId: `${Math.floor(rand() * 1e9)};iaasvmcontainerv2;${resourceGroup};${name}`,
        container: `iaasvmcontainerv2;${resourceGroup};${name}`,
      });
    }
  });
  return vms;
}

/** The two workspaces and the vaults that report to each. */
export function sampleWorkspaces(): EstateWorkspace[] {
  return [
    {
      workspaceId: SAMPLE_WORKSPACES.main,
      name: "law-backup-main",
      legacy: false,
      vaults: ["rsv-prod-weu", "rsv-dev-weu"],
    },
    {
      workspaceId: SAMPLE_WORKSPACES.legacy,
      name: "law-backup-legacy",
      legacy: true,
      vaults: ["rsv-legacy-neu"],
    },
  ];
}
