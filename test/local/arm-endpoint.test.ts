import { request } from "node:https";
import { RecoveryServicesBackupClient } from "@azure/arm-recoveryservicesbackup";
import type { TokenCredential } from "@azure/core-auth";
import { afterEach, describe, expect, it } from "vitest";
import {
  startArmEndpoint,
  type ArmEndpoint,
  type LocalRecoveryPoint,
  type RecoveryPointsProvider,
} from "../../src/local/arm-endpoint.js";
import { RECOVERY_POINT_TYPE } from "../../src/local/arm-recovery-points.js";
import { loopbackTls } from "../../src/local/tls.js";
import { staticCredential } from "../support/local-azure.js";

const SUB = "00000000-1111-2222-3333-444444444444";
const RG = "rg-backup";
const VAULT = "rsv-prod";
const CONTAINER = "IaasVMContainer;iaasvmcontainerv2;rg-app;vm-app-01";
const ITEM = "VM;iaasvmcontainerv2;rg-app;vm-app-01";

function points(count: number, dayIso = "2026-11-24"): LocalRecoveryPoint[] {
  return Array.from({ length: count }, (_, i) => ({
    name: String(1000 + i),
    recoveryPointType:
      i % 3 === 0 ? "AppConsistent" : i % 3 === 1 ? "FileSystemConsistent" : "CrashConsistent",
    recoveryPointTime: new Date(Date.parse(`${dayIso}T00:00:00Z`) + i * 3_600_000),
  }));
}

const known: RecoveryPointsProvider = (ref) => (ref.item === ITEM ? points(5) : null);

function client(
  ep: ArmEndpoint,
  cred: TokenCredential = staticCredential("arm-token"),
): RecoveryServicesBackupClient {
  return new RecoveryServicesBackupClient(cred, SUB, {
    endpoint: ep.endpoint,
    credentialScopes: ["https://management.azure.com/.default"],
    tlsOptions: { ca: loopbackTls().ca },
    retryOptions: { maxRetries: 2, retryDelayInMs: 20, maxRetryDelayInMs: 50 },
  });
}

async function list(ep: ArmEndpoint, item = ITEM, filter?: string, cred?: TokenCredential) {
  const out = [];
  const iterator = client(ep, cred).recoveryPoints.list(
    VAULT,
    RG,
    "Azure",
    CONTAINER,
    item,
    filter ? { filter } : {},
  );
  for await (const point of iterator) out.push(point);
  return out;
}

let ep: ArmEndpoint | undefined;
afterEach(async () => {
  await ep?.close();
  ep = undefined;
});

describe("local ARM recovery-points endpoint with the real RecoveryServicesBackupClient", () => {
  it("lists the points of an item with their type and time, following nextLink across pages", async () => {
    const refs: unknown[] = [];
    ep = await startArmEndpoint({
      provider: (ref) => {
        refs.push(ref);
        return points(5);
      },
      pageSize: 2,
    });
    const cred = staticCredential("arm-token");
    const found = await list(ep, ITEM, undefined, cred);
    expect(found.map((p) => p.name)).toEqual(["1000", "1001", "1002", "1003", "1004"]);
    expect(found[0]).toMatchObject({
      type: RECOVERY_POINT_TYPE,
      id: `/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.RecoveryServices/vaults/${VAULT}/backupFabrics/Azure/protectionContainers/${CONTAINER}/protectedItems/${ITEM}/recoveryPoints/1000`,
      properties: {
        objectType: "IaasVMRecoveryPoint",
        recoveryPointType: "AppConsistent",
        recoveryPointTime: new Date("2026-11-24T00:00:00Z"),
      },
    });
    expect(found[1]?.properties).toMatchObject({ recoveryPointType: "FileSystemConsistent" });
    expect(refs[0]).toEqual({
      subscriptionId: SUB,
      resourceGroup: RG,
      vault: VAULT,
      container: CONTAINER,
      item: ITEM,
    });
    expect(ep.requests.map((r) => [r.skipToken, r.points, r.status])).toEqual([
      [null, 2, 200],
      ["2", 2, 200],
      ["4", 1, 200],
    ]);
    expect(ep.requests[0]).toMatchObject({ apiVersion: "2023-06-01", authorization: "Bearer arm-token" });
    expect(cred.scopes).toContain("https://management.azure.com/.default");
  });

  it("keeps only the points inside the $filter window and passes the filter to the provider", async () => {
    const filters: (string | undefined)[] = [];
    ep = await startArmEndpoint({
      provider: (ref) => {
        filters.push(ref.filter);
        return points(24);
      },
    });
    const filter = "startDate eq '2026-11-24 02:00:00 AM' and endDate eq '2026-11-24 04:00:00 AM'";
    const found = await list(ep, ITEM, filter);
    expect(found.map((p) => p.name)).toEqual(["1002", "1003", "1004"]);
    expect(filters).toEqual([filter]);
    expect(ep.requests[0]?.filter).toBe(filter);
  });

  it("honours a 429 Retry-After: the SDK waits the seconds ARM asks for, then succeeds", async () => {
    ep = await startArmEndpoint({ provider: known });
    ep.failNext("throttled", { item: ITEM });
    const started = Date.now();
    const found = await list(ep);
    expect(found).toHaveLength(5);
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(ep.requests.map((r) => r.status)).toEqual([429, 200]);
  });

  it("answers an unknown item with 404 and an ARM error body", async () => {
    ep = await startArmEndpoint({ provider: known });
    await expect(list(ep, "VM;iaasvmcontainerv2;rg-app;gone")).rejects.toMatchObject({
      statusCode: 404,
      code: "BMSUserErrorItemNotFound",
    });
  });

  it("passes a provider error through and refuses a wrong or missing token", async () => {
    ep = await startArmEndpoint({
      provider: () => ({ error: { status: 403, code: "AuthorizationFailed", message: "no read access" } }),
      expectedToken: "mi-token-for-arm",
    });
    await expect(list(ep)).rejects.toMatchObject({ statusCode: 401, code: "InvalidAuthenticationToken" });
    await expect(list(ep, ITEM, undefined, staticCredential("mi-token-for-arm"))).rejects.toMatchObject({
      statusCode: 403,
      code: "AuthorizationFailed",
    });
    const status = await new Promise<number>((resolve, reject) => {
      const url = `${ep?.endpoint}/subscriptions/${SUB}/resourceGroups/${RG}/providers/Microsoft.RecoveryServices/vaults/${VAULT}/backupFabrics/Azure/protectionContainers/c/protectedItems/i/recoveryPoints?api-version=2023-06-01`;
      request(url, { ca: loopbackTls().ca }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(401);
  });

  it("retries 503 and a reset connection, and measures the requests in flight", async () => {
    // long enough that three concurrent lists overlap even on a busy machine
    ep = await startArmEndpoint({ provider: known, latencyMs: 200 });
    ep.failNext(["unavailable", "connection-reset"]);
    expect(await list(ep)).toHaveLength(5);
    expect(ep.requests.map((r) => r.fault ?? r.status)).toEqual(["unavailable", "connection-reset", 200]);
    expect(ep.maxInFlight).toBe(1);

    await Promise.all([list(ep), list(ep), list(ep)]);
    expect(ep.maxInFlight).toBe(3);
  });

  it("gets one recovery point by name", async () => {
    ep = await startArmEndpoint({ provider: known });
    const point = await client(ep).recoveryPoints.get(VAULT, RG, "Azure", CONTAINER, ITEM, "1002");
    expect(point.properties).toMatchObject({ recoveryPointType: "CrashConsistent" });
  });
});
