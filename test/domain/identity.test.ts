import { describe, expect, it } from "vitest";
import {
  labelsFor,
  normaliseId,
  parseResourceId,
  vmIdOf,
  workloadVmIdOf,
} from "../../src/domain/identity.js";

const SUB1 = "3f2c8a51-6b0e-4f4c-9d7a-2b1e5c7d9a10";
const SUB2 = "9a1b2c3d-4e5f-4a6b-8c7d-0e1f2a3b4c5d";
const VAULT = `/subscriptions/${SUB1}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-prod`;
const vm = (sub: string, rg: string, name = "web01"): string =>
  `/subscriptions/${sub}/resourcegroups/${rg}/providers/microsoft.compute/virtualmachines/${name}`;

describe("resource IDs", () => {
  it("normalises to lower case without a trailing slash, and parses the parts", () => {
    expect(normaliseId(` ${VAULT}/ `)).toBe(VAULT.toLowerCase());
    expect(normaliseId("")).toBeNull();
    expect(parseResourceId(VAULT)).toEqual({
      subscription: SUB1,
      resourceGroup: "rg-backup",
      provider: "microsoft.recoveryservices",
      type: "vaults",
      name: "rsv-prod",
    });
    expect(parseResourceId("rsv-prod")).toBeNull();
  });

  it("takes the DatasourceResourceId of a VM, else builds it from the container and the vault's subscription", () => {
    const direct = `/subscriptions/${SUB2}/resourceGroups/RG-App/providers/Microsoft.Compute/virtualMachines/Web01`;
    expect(vmIdOf(direct, "iaasvmcontainerv2;rg-other;web01", VAULT)).toBe(vm(SUB2, "rg-app"));
    expect(vmIdOf(null, "iaasvmcontainerv2;RG-App;web01", VAULT)).toBe(vm(SUB1, "rg-app"));
    expect(vmIdOf("", "IaasVMContainer;iaasvmcontainerv2;rg-app;web01", VAULT)).toBe(vm(SUB1, "rg-app"));
    expect(vmIdOf(null, "iaasvmcontainerv2;rg-app;web01", null)).toBeNull();
    expect(vmIdOf(null, "StorageContainer;storage;rg;acct", VAULT)).toBeNull();
    expect(vmIdOf(null, null, VAULT)).toBeNull();
  });

  it("finds the VM of a SQL Server database from its source ID, else its VMAppContainer and a subscription", () => {
    const direct = `/subscriptions/${SUB2}/resourceGroups/RG-App/providers/Microsoft.Compute/virtualMachines/Web01`;
    expect(workloadVmIdOf(direct, "VMAppContainer;Compute;rg-other;web01", VAULT)).toBe(vm(SUB2, "rg-app"));
    // As Learn's REST example spells the source of a listed SQL database: the subscription is taken from it.
    const appContainer = `/subscriptions/${SUB2}/resourceGroups/RG-App/providers/VMAppContainer/web01`;
    expect(workloadVmIdOf(appContainer, "VMAppContainer;Compute;RG-App;web01", VAULT)).toBe(
      vm(SUB2, "rg-app"),
    );
    expect(workloadVmIdOf(null, "VMAppContainer;Compute;rg-app;web01", VAULT)).toBe(vm(SUB1, "rg-app"));
    expect(workloadVmIdOf(null, "VMAppContainer;Compute;rg-app;web01", null)).toBeNull();
    expect(workloadVmIdOf(null, "iaasvmcontainerv2;rg-app;web01", VAULT)).toBeNull();
  });
});

describe("labelsFor", () => {
  it("shows the name alone, the resource group where names collide, the subscription where both do", () => {
    const labels = labelsFor([
      vm(SUB1, "rg-app"),
      vm(SUB1, "rg-web"),
      vm(SUB2, "rg-app"),
      vm(SUB1, "rg-app", "db01"),
    ]);
    expect(labels.get(vm(SUB1, "rg-app", "db01"))).toBe("db01");
    expect(labels.get(vm(SUB1, "rg-web"))).toBe("web01 (rg-web)");
    expect(labels.get(vm(SUB1, "rg-app"))).toBe("web01 (rg-app, 3f2c8a51)");
    expect(labels.get(vm(SUB2, "rg-app"))).toBe("web01 (rg-app, 9a1b2c3d)");
    expect(new Set(labels.values()).size).toBe(4);
  });

  it("two same-named VMs in different resource groups get their groups", () => {
    const labels = labelsFor([vm(SUB1, "rg-a"), vm(SUB2, "rg-b")]);
    expect([...labels.values()].sort()).toEqual(["web01 (rg-a)", "web01 (rg-b)"]);
  });
});
