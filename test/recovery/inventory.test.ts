import { describe, expect, it } from "vitest";
import type { LocalInventory, VaultRef } from "../../src/local/arm-inventory.js";
import { loopbackTls } from "../../src/local/tls.js";
import { Inventory } from "../../src/recovery/inventory.js";
import { createRecoveryPointsClient } from "../../src/recovery/recovery-points.js";
import { staticCredential, withArmEndpoint } from "../support/local-azure.js";

const SUB = "11111111-2222-3333-4444-555555555555";
const VAULT_ID = `/subscriptions/${SUB}/resourceGroups/rg-backup/providers/Microsoft.RecoveryServices/vaults/rsv-Main`;
const vm = (name: string, rg = "rg-app") =>
  `/subscriptions/${SUB}/resourceGroups/${rg}/providers/Microsoft.Compute/virtualMachines/${name}`;

const INVENTORY: LocalInventory = {
  policies: [
    { name: "DefaultPolicy", frequency: "Daily", times: ["19:00"] },
    {
      name: "weekly-sun",
      frequency: "Weekly",
      days: ["Sunday"],
      times: ["02:30"],
      timeZone: "W. Europe Standard Time",
    },
    {
      name: "enhanced-4h",
      type: "V2",
      frequency: "Hourly",
      times: ["08:00"],
      intervalHours: 4,
      windowHours: 16,
      timeZone: "India Standard Time",
    },
    { name: "enhanced-crash", type: "V2", frequency: "Daily", times: ["22:00"], crashOnly: true },
  ],
  items: [
    { vmId: vm("web01"), policy: "DefaultPolicy" },
    { vmId: vm("Archive01"), policy: "weekly-sun" },
    { vmId: vm("sql01"), policy: "enhanced-4h" },
    { vmId: vm("scratch01"), policy: "enhanced-crash" },
    { vmId: vm("old01"), policy: "DefaultPolicy", protectionState: "ProtectionStopped" },
  ],
  sqlDatabases: [
    { vmId: vm("sql01"), database: "master" },
    { vmId: vm("sql01"), database: "sales" },
    { vmId: vm("SQL02", "rg-db"), instance: "REPORTING", database: "ssrs" },
  ],
};

function client(endpoint: string) {
  return createRecoveryPointsClient({
    endpoint,
    credential: staticCredential("arm-token"),
    tlsCa: loopbackTls().ca,
    retry: { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 50 },
  });
}

describe("the vault inventory through ARM (real SDK client, local stand-in)", () => {
  it("reads each VM's policy, schedule, type and protection state, following nextLink", async () => {
    const asked: VaultRef[] = [];
    await withArmEndpoint(
      () => null,
      async (arm) => {
        const inventory = new Inventory(client(arm.endpoint));
        const v = await inventory.vault(VAULT_ID);
        expect(v.error).toBeNull();
        expect(v.items.size).toBe(5);
        const item = (name: string) => v.items.get(vm(name).toLowerCase());
        expect(item("web01")).toEqual({
          protectionState: "Protected",
          policy: {
            name: "DefaultPolicy",
            id: `${VAULT_ID}/backupPolicies/DefaultPolicy`.toLowerCase(),
            type: "V1",
            crashOnly: false,
            schedule: {
              frequency: "daily",
              days: [],
              times: ["19:00"],
              intervalHours: null,
              windowHours: null,
              timeZone: "UTC",
            },
          },
        });
        expect(item("archive01")?.policy?.schedule).toMatchObject({
          frequency: "weekly",
          days: ["Sunday"],
          times: ["02:30"],
          timeZone: "W. Europe Standard Time",
        });
        expect(item("sql01")?.policy).toMatchObject({
          type: "V2",
          crashOnly: false,
          schedule: { frequency: "hourly", times: ["08:00"], intervalHours: 4, windowHours: 16 },
        });
        expect(item("scratch01")?.policy).toMatchObject({ type: "V2", crashOnly: true });
        expect(item("old01")?.protectionState).toBe("ProtectionStopped");
        // Two per page: 4 policies = 2 pages, 5 items = 3 pages.
        expect(arm.requests.map((r) => [r.kind, r.skipToken])).toEqual([
          ["backupPolicies", null],
          ["backupPolicies", "2"],
          ["backupProtectedItems", null],
          ["backupProtectedItems", "2"],
          ["backupProtectedItems", "4"],
        ]);
        expect(arm.requests[0]?.filter).toBe("backupManagementType eq 'AzureIaasVM'");
        expect(arm.requests[2]?.filter).toBe("backupManagementType eq 'AzureIaasVM' and itemType eq 'VM'");
        expect(inventory.calls).toBe(5);
      },
      {
        pageSize: 2,
        inventory: (ref) => {
          asked.push(ref);
          return INVENTORY;
        },
      },
    );
    expect(asked[0]).toEqual({ subscriptionId: SUB, resourceGroup: "rg-backup", vault: "rsv-main" });
  });

  it("lists each vault once per run, however many VMs ask", async () => {
    await withArmEndpoint(
      () => null,
      async (arm) => {
        const inventory = new Inventory(client(arm.endpoint));
        const answers = await Promise.all(
          ["web01", "archive01", "sql01", "gone01"].map((n) =>
            inventory.itemOf(vm(n).toLowerCase(), VAULT_ID.toLowerCase()),
          ),
        );
        expect(answers.map((a) => a?.policy?.name ?? a)).toEqual([
          "DefaultPolicy",
          "weekly-sun",
          "enhanced-4h",
          null,
        ]);
        await inventory.vaultsOf([VAULT_ID, VAULT_ID.toUpperCase()]);
        expect(arm.requests.filter((r) => r.kind === "backupPolicies")).toHaveLength(1);
        expect(arm.requests.filter((r) => r.kind === "backupProtectedItems")).toHaveLength(1);
      },
      { inventory: () => INVENTORY },
    );
  });

  it("lists the VMs with SQL Server databases protected in a vault once, on first use, following nextLink", async () => {
    await withArmEndpoint(
      () => null,
      async (arm) => {
        const inventory = new Inventory(client(arm.endpoint));
        const [a, b] = await Promise.all([inventory.sqlVmsOf(VAULT_ID), inventory.sqlVmsOf(VAULT_ID)]);
        expect([...(a ?? [])].sort()).toEqual([
          vm("sql01").toLowerCase(),
          vm("SQL02", "rg-db").toLowerCase(),
        ]);
        expect(b).toBe(a);
        const lists = arm.requests.filter((r) => r.kind === "backupProtectedItems");
        expect(lists.map((r) => r.filter)).toEqual([
          "backupManagementType eq 'AzureWorkload' and itemType eq 'SQLDataBase'",
          "backupManagementType eq 'AzureWorkload' and itemType eq 'SQLDataBase'",
        ]);
        expect(inventory.calls).toBe(2);
        expect(arm.requests.filter((r) => r.kind === "backupPolicies")).toHaveLength(0);
      },
      { inventory: () => INVENTORY, pageSize: 2 },
    );
  });

  it("a vault whose SQL Server databases cannot be listed gives null, and the reason", async () => {
    await withArmEndpoint(
      () => null,
      async (arm) => {
        const inventory = new Inventory(client(arm.endpoint));
        expect(await inventory.sqlVmsOf(VAULT_ID)).toBeNull();
        expect(inventory.failed).toEqual([
          { vaultId: VAULT_ID.toLowerCase(), error: expect.stringContaining("SQL Server databases") },
        ]);
      },
      { inventory: () => null },
    );
  });

  it("a vault that cannot be listed gives a reason and no facts (its VMs are judged without an inventory)", async () => {
    await withArmEndpoint(
      () => null,
      async (arm) => {
        arm.failNext({ status: 403, code: "AuthorizationFailed", message: "no access" });
        const inventory = new Inventory(client(arm.endpoint));
        expect(await inventory.itemOf(vm("web01"), VAULT_ID)).toBeUndefined();
        const v = await inventory.vault(VAULT_ID);
        expect(v.error).toMatch(
          /not allowed to read the vault's policies and items \(403 AuthorizationFailed\)/,
        );
        expect(arm.requests).toHaveLength(1);
      },
      { inventory: () => INVENTORY },
    );
  });
});
