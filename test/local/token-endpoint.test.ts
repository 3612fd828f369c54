import { request } from "node:http";
import { DefaultAzureCredential, ManagedIdentityCredential } from "@azure/identity";
import { LogsQueryClient } from "@azure/monitor-query-logs";
import { TableClient } from "@azure/data-tables";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startLocalTablesWithOAuth, type LocalTablesWithOAuth } from "../../src/local/azurite-oauth.js";
import { startLogsEndpoint } from "../../src/local/logs-endpoint.js";
import {
  managedIdentityTokenFor,
  startTokenEndpoint,
  STORAGE_RESOURCE,
  type TokenEndpoint,
} from "../../src/local/token-endpoint.js";
import { loopbackTls } from "../../src/local/tls.js";
import { withEnv } from "../support/local-azure.js";

const LOGS_SCOPE = "https://api.loganalytics.io/.default";

let mi: TokenEndpoint;
beforeAll(async () => {
  mi = await startTokenEndpoint();
});
afterAll(async () => {
  await mi.close();
});
afterEach(() => {
  mi.requests.length = 0;
});

describe("managed-identity token endpoint", () => {
  it("gives ManagedIdentityCredential a recognisable token for the resource asked", async () => {
    const token = await withEnv(mi.env, () => new ManagedIdentityCredential().getToken(LOGS_SCOPE));
    expect(token.token).toBe("mi-token-for-https://api.loganalytics.io");
    expect(token.token).toBe(managedIdentityTokenFor(LOGS_SCOPE));
    expect(token.expiresOnTimestamp).toBeGreaterThan(Date.now() + 3_000_000);
    expect(mi.requests).toEqual([
      {
        method: "GET",
        path: "/msi/token",
        apiVersion: "2019-08-01",
        resource: "https://api.loganalytics.io",
        clientId: null,
        identityHeaderOk: true,
        status: 200,
      },
    ]);
  });

  it("passes a user-assigned identity's client ID through", async () => {
    const clientId = "aaaaaaaa-bbbb-cccc-dddd-eeeeeeeeeeee";
    await withEnv(mi.env, () => new ManagedIdentityCredential({ clientId }).getToken(LOGS_SCOPE));
    expect(mi.requests[0]).toMatchObject({ clientId, status: 200 });
  });

  it("serves DefaultAzureCredential limited to managed identity, end to end into the Log Analytics stand-in", async () => {
    const logs = await startLogsEndpoint({
      provider: () => ({ columns: [{ name: "n", type: "long" }], rows: [[1]] }),
      expectedToken: managedIdentityTokenFor(LOGS_SCOPE),
    });
    try {
      const result = await withEnv({ ...mi.env, AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential" }, () =>
        new LogsQueryClient(new DefaultAzureCredential(), {
          endpoint: logs.endpoint,
          tlsOptions: { ca: loopbackTls().ca },
        }).queryWorkspace("ws-1", "// backup-pulse:probe\nprint n = 1", { duration: "P1D" }),
      );
      expect(result.status).toBe("Success");
      expect(logs.requests[0]?.authorization).toBe("Bearer mi-token-for-https://api.loganalytics.io");
      // (no assertion on mi.requests: MSAL keeps managed-identity tokens in a process-wide cache)
    } finally {
      await logs.close();
    }
  });

  it("refuses a request without the identity header, and answers scripted failures", async () => {
    const status = await new Promise<number>((resolve, reject) => {
      request(`${mi.identityEndpoint}?api-version=2019-08-01&resource=https://x`, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on("error", reject)
        .end();
    });
    expect(status).toBe(401);

    mi.failNext({ status: 400, message: "Identity not found" });
    await expect(
      withEnv(mi.env, () =>
        new ManagedIdentityCredential({ clientId: "other" }).getToken("https://x/.default"),
      ),
    ).rejects.toThrow(/Identity not found/);
    expect(mi.requests.map((r) => r.status)).toEqual([401, 400]);
  });
});

describe("Azurite over HTTPS with OAuth, fed by the token endpoint", () => {
  let tables: LocalTablesWithOAuth;
  beforeAll(async () => {
    tables = await startLocalTablesWithOAuth();
  });
  afterAll(async () => {
    await tables.close();
  });

  it("accepts the managed-identity storage token: write and read back an entity", async () => {
    const entity = await withEnv(mi.env, async () => {
      const client = new TableClient(tables.url, "mitokens", new ManagedIdentityCredential(), {
        tlsOptions: { ca: tables.ca },
      });
      await client.createTable();
      await client.upsertEntity({ partitionKey: "2026-11-24", rowKey: "job-1", status: "Completed" });
      return client.getEntity<{ status: string }>("2026-11-24", "job-1");
    });
    expect(entity.status).toBe("Completed");
    expect(mi.requests[0]).toMatchObject({ resource: STORAGE_RESOURCE, status: 200 });
  });

  it("refuses a token that is not a storage JWT", async () => {
    const client = new TableClient(
      tables.url,
      "mitokens",
      { getToken: () => Promise.resolve({ token: "not-a-jwt", expiresOnTimestamp: Date.now() + 3_600_000 }) },
      { tlsOptions: { ca: tables.ca } },
    );
    await expect(client.createTable()).rejects.toMatchObject({ statusCode: 403 });
  });
});
