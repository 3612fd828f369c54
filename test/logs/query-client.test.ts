/** The client on the local endpoint: how a 204 answer reads, and how parameters reach the service. */
import { describe, expect, it } from "vitest";
import { SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import { renderQueryText } from "../../src/logs/kql.js";
import { createLogsClient } from "../../src/logs/query-client.js";
import { staticCredential, withLogsEndpoint } from "../support/local-azure.js";
import { client, estate, readDay, SCOPE } from "./local-query.js";

describe("the Log Analytics client", () => {
  it("a 204 answer (the workspace has no data) reads as empty", async () => {
    await withLogsEndpoint(estate.logsProvider(), async (logs) => {
      logs.failWorkspace(SAMPLE_WORKSPACES.main, "no-content");
      const { workspaces, complete } = await readDay(logs, [SAMPLE_WORKSPACES.main]).result;
      expect(workspaces[0]).toMatchObject({ status: "empty", complete: true, rowsRead: 0 });
      expect(complete).toBe(true);
    });
  });

  it("a parameter value cannot change the query: an injection attempt arrives as one string", async () => {
    const attack = 'x"; AddonAzureBackupJobs | take 100000 //\n| project token';
    const template = [
      "// backup-pulse:probe",
      'let vaultName = "";',
      "AddonAzureBackupJobs | where VaultName == vaultName",
    ].join("\n");
    await withLogsEndpoint(
      (r) => ({ columns: [{ name: "echo", type: "string" }], rows: [[r.params.vaultName ?? null]] }),
      async (logs) => {
        const { client: c } = client(logs);
        const result = await c.sdk.queryWorkspace("ws-1", renderQueryText(template, { vaultName: attack }), {
          duration: "P1D",
        });
        expect(result.status).toBe("Success");
        expect(logs.requests[0]?.params).toEqual({ vaultName: attack });
        expect(logs.requests[0]?.queryName).toBe("probe");
      },
    );
  });

  it("refuses an endpoint that does not end in /v1, naming the setting", () => {
    const options = { scope: SCOPE, credential: staticCredential() };
    expect(() => createLogsClient({ ...options, endpoint: "https://api.loganalytics.io" })).toThrow(
      /must end in \/v1.*PULSE_LOGS_ENDPOINT/,
    );
    expect(
      createLogsClient({ ...options, endpoint: "https://api.loganalytics.io/v1/" }).serverTimeoutInSeconds,
    ).toBe(600);
  });
});
