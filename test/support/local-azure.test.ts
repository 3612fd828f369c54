import { request } from "node:https";
import { ManagedIdentityCredential } from "@azure/identity";
import { LogsQueryClient, LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { TableClient } from "@azure/data-tables";
import { describe, expect, it } from "vitest";
import {
  FAST_RETRIES,
  sharedLocalAzure,
  staticCredential,
  trustLoopback,
  withEnv,
  withLogsEndpoint,
} from "./local-azure.js";

function reachable(url: string, ca: string): Promise<boolean> {
  return new Promise((resolve) => {
    request(url, { ca, method: "POST" }, (res) => {
      res.resume();
      resolve(true);
    })
      .on("error", () => resolve(false))
      .end();
  });
}

describe("test helpers for the local Azure stand-ins", () => {
  it("withLogsEndpoint serves the provider's rows, then closes the server even when the body throws", async () => {
    let endpoint = "";
    const rows = await withLogsEndpoint(
      () => ({ columns: [{ name: "n", type: "long" }], rows: [[7]] }),
      async (logs) => {
        endpoint = logs.endpoint;
        const client = new LogsQueryClient(staticCredential(), {
          endpoint: logs.endpoint,
          ...trustLoopback(),
          ...FAST_RETRIES,
        });
        const result = await client.queryWorkspace("ws", "// backup-pulse:n\nprint n = 7", {
          duration: "P1D",
        });
        return result.status === LogsQueryResultStatus.Success ? result.tables[0]?.rows : [];
      },
    );
    expect(rows).toEqual([[7]]);
    expect(await reachable(`${endpoint}/workspaces/ws/query`, trustLoopback().tlsOptions.ca)).toBe(false);

    await expect(
      withLogsEndpoint(
        () => ({ columns: [], rows: [] }),
        (logs) => {
          endpoint = logs.endpoint;
          throw new Error("boom");
        },
      ),
    ).rejects.toThrow("boom");
    expect(await reachable(`${endpoint}/workspaces/ws/query`, trustLoopback().tlsOptions.ca)).toBe(false);
  });

  it("withEnv sets variables only for the body and restores them, also after a throw", async () => {
    process.env.PULSE_TEST_KEEP = "before";
    delete process.env.PULSE_TEST_NEW;
    await expect(
      withEnv({ PULSE_TEST_KEEP: undefined, PULSE_TEST_NEW: "x" }, () => {
        expect(process.env.PULSE_TEST_KEEP).toBeUndefined();
        expect(process.env.PULSE_TEST_NEW).toBe("x");
        throw new Error("inside");
      }),
    ).rejects.toThrow("inside");
    expect(process.env.PULSE_TEST_KEEP).toBe("before");
    expect("PULSE_TEST_NEW" in process.env).toBe(false);
    delete process.env.PULSE_TEST_KEEP;
  });

  it("the global setup provides Azurite, the loopback CA and a managed-identity endpoint", async () => {
    const shared = sharedLocalAzure();
    expect(shared.loopbackCa).toBe(trustLoopback().tlsOptions.ca);

    const token = await withEnv(shared.identityEnv, () =>
      new ManagedIdentityCredential({ clientId: "global-setup-check" }).getToken(
        "https://management.azure.com/.default",
      ),
    );
    expect(token.token).toBe("mi-token-for-https://management.azure.com");
    expect(process.env.IDENTITY_ENDPOINT).toBeUndefined();

    const table = TableClient.fromConnectionString(shared.tablesConnection, "helperscheck", {
      allowInsecureConnection: true,
    });
    await table.createTable();
    await table.upsertEntity({ partitionKey: "p", rowKey: "r", n: 1 });
    expect((await table.getEntity<{ n: number }>("p", "r")).n).toBe(1);
  });
});
