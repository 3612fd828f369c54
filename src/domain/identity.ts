/**
 * Identity of VMs and vaults: lower-case Azure resource IDs, built from a container name where a row has no
 * ID, and the display labels that tell same-named resources apart. Pure.
 */
import { vmKey } from "./names.js";

const SUBSCRIPTION =
  /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)\/providers\/([^/]+)\/([^/]+)\/([^/]+)$/;

export interface ResourceIdParts {
  subscription: string;
  resourceGroup: string;
  /** Resource provider, e.g. `microsoft.compute`. */
  provider: string;
  /** Resource type, e.g. `virtualmachines`. */
  type: string;
  name: string;
}

/** An ARM resource ID in canonical form (trimmed, lower case, no trailing `/`), or null when empty. */
export function normaliseId(id: string | null | undefined): string | null {
  const v = (id ?? "").trim();
  let end = v.length;
  while (end > 0 && v.charCodeAt(end - 1) === 47) end--;
  if (end === 0) return null;
  return (end === v.length ? v : v.slice(0, end)).toLowerCase();
}

/** The parts of a top-level ARM resource ID, or null when `id` is not one. */
export function parseResourceId(id: string | null | undefined): ResourceIdParts | null {
  const v = normaliseId(id);
  const m = v === null ? null : SUBSCRIPTION.exec(v);
  if (!m) return null;
  const [, subscription = "", resourceGroup = "", provider = "", type = "", name = ""] = m;
  return { subscription, resourceGroup, provider, type, name };
}

/** The canonical resource ID of a VM. */
export function vmResourceId(subscription: string, resourceGroup: string, vm: string): string {
  return `/subscriptions/${subscription}/resourcegroups/${resourceGroup}/providers/microsoft.compute/virtualmachines/${vm}`.toLowerCase();
}

/**
 * The VM ID of a backup job: its `DatasourceResourceId` when the row has one, else built from the container
 * name (`iaasvmcontainerv2;<rg>;<vm>`, optionally after `IaasVMContainer;`) and the subscription of the
 * vault's resource ID. Null when neither is there.
 */
export function vmIdOf(
  datasourceId: string | null | undefined,
  container: string | null | undefined,
  vaultId: string | null | undefined,
): string | null {
  return (
    asVmId(datasourceId) ??
    fromContainer(container, "iaasvmcontainerv2", parseResourceId(vaultId)?.subscription)
  );
}

/** `id` in canonical form when it is a VM's resource ID, else null. */
function asVmId(id: string | null | undefined): string | null {
  const parts = parseResourceId(id);
  return parts?.provider === "microsoft.compute" && parts.type === "virtualmachines" ? normaliseId(id) : null;
}

/** The VM a container name (`…;<marker>;<rg>;<vm>`) names, in `subscription`; null when it names none. */
function fromContainer(
  container: string | null | undefined,
  marker: string,
  subscription: string | undefined,
): string | null {
  const parts = (container ?? "").trim().toLowerCase().split(";");
  const at = parts.lastIndexOf(marker);
  const resourceGroup = at >= 0 ? parts[at + 1] : undefined;
  const vm = at >= 0 ? parts[at + 2] : undefined;
  if (!subscription || !resourceGroup || !vm || parts.length !== at + 3) return null;
  return vmResourceId(subscription, resourceGroup, vm);
}

/**
 * The VM of a workload protected inside it (a SQL Server database): its `sourceResourceId` when that is a VM's
 * ID, else built from the container name (`VMAppContainer;Compute;<rg>;<vm>`) and the subscription that
 * `sourceResourceId` names (Azure also spells it `…/providers/VMAppContainer/<vm>`), or the vault's.
 */
export function workloadVmIdOf(
  sourceResourceId: string | null | undefined,
  container: string | null | undefined,
  vaultId: string | null | undefined,
): string | null {
  const subscription =
    /^\/subscriptions\/([^/]+)\//.exec(normaliseId(sourceResourceId) ?? "")?.[1] ??
    parseResourceId(vaultId)?.subscription;
  return asVmId(sourceResourceId) ?? fromContainer(container, "compute", subscription);
}

/** The last segment (the resource's name) of an ID. */
export function nameOfId(id: string): string {
  return id.slice(id.lastIndexOf("/") + 1);
}

/**
 * A display label per resource ID: the name alone where no other ID has that name; where names collide, the
 * name and its resource group (`web01 (rg-app)`), and where name and resource group collide too (the same
 * names in another subscription), the subscription as well (`web01 (rg-app, 1a2b3c4d)`: its first 8
 * characters, or all of it when those collide).
 */
export function labelsFor(ids: Iterable<string>): Map<string, string> {
  const byName = new Map<string, string[]>();
  for (const raw of new Set(ids)) {
    const list = byName.get(nameOfId(normaliseId(raw) ?? raw)) ?? [];
    list.push(raw);
    byName.set(nameOfId(normaliseId(raw) ?? raw), list);
  }
  const labels = new Map<string, string>();
  for (const [name, group] of byName) {
    if (group.length === 1) {
      for (const id of group) labels.set(id, name);
      continue;
    }
    const parts = group.map((id) => ({ id, p: parseResourceId(id) }));
    const count = (key: (p: ResourceIdParts) => string): Map<string, number> => {
      const m = new Map<string, number>();
      for (const { p } of parts) if (p) m.set(key(p), (m.get(key(p)) ?? 0) + 1);
      return m;
    };
    const rgs = count((p) => p.resourceGroup);
    const shortSubs = count((p) => `${p.resourceGroup}|${p.subscription.slice(0, 8)}`);
    for (const { id, p } of parts) {
      if (!p) labels.set(id, normaliseId(id) ?? id);
      else if (rgs.get(p.resourceGroup) === 1) labels.set(id, `${name} (${p.resourceGroup})`);
      else {
        const short = shortSubs.get(`${p.resourceGroup}|${p.subscription.slice(0, 8)}`) === 1;
        labels.set(
          id,
          `${name} (${p.resourceGroup}, ${short ? p.subscription.slice(0, 8) : p.subscription})`,
        );
      }
    }
  }
  return labels;
}

/** A VM's identity within a run: its resource ID, else (a row without one) its name within its vault's name. */
export function vmIdentityKey(v: { vm: string; vault: string; vmId?: string | null }): string {
  return normaliseId(v.vmId) ?? `name:${vmKey(v.vm, v.vault)}`;
}

/** A vault's identity within a run: its resource ID, else its name. */
export function vaultIdentityKey(v: { vault: string; vaultId?: string | null }): string {
  return normaliseId(v.vaultId) ?? `name:${v.vault.trim().toLowerCase()}`;
}

/** What a display label is made from: a resource's name as Azure spells it, and its ID when known. */
export interface Named {
  name: string;
  id?: string | null;
}

/**
 * Labels for a set of VMs or vaults as {@link labelsFor} gives them, with each name spelled as Azure gives it
 * (IDs are lower case). A resource without an ID is shown by its name.
 */
export function displayLabels(items: Iterable<Named>): (item: Named) => string {
  const list = [...items];
  const labels = labelsFor(list.flatMap((i) => (normaliseId(i.id) ? [normaliseId(i.id) as string] : [])));
  return (item) => {
    const id = normaliseId(item.id);
    const label = id ? labels.get(id) : undefined;
    if (!label || !id) return item.name;
    const lower = nameOfId(id);
    return label.startsWith(lower) && item.name.toLowerCase() === lower
      ? item.name + label.slice(lower.length)
      : label;
  };
}
