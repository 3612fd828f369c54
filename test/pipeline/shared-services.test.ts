/**
 * The daily run against the services the global setup started once for every test: Azurite, and the Log
 * Analytics and ARM endpoints serving the sample estate as the 07:00 run after its last day sees them.
 */
import { describe, expect, inject, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { buildEstate } from "../../src/demo/estate.js";
import { openDeps } from "../../src/pipeline/deps.js";
import { runDaily } from "../../src/pipeline/daily.js";
import { staticCredential } from "../support/local-azure.js";
import { arrivedBy } from "./local-run.js";

describe("the daily run on the shared local services", () => {
  it("reads, classifies and stores the estate's last day with exact counts", async () => {
    const shared = inject("sharedEstate");
    const estate = buildEstate({ endDate: shared.endDate, days: shared.days });
    const config = loadConfig({
      PULSE_WORKSPACE_IDS: estate.workspaces.map((w) => w.workspaceId).join(","),
      PULSE_LOGS_ENDPOINT: shared.logsEndpoint,
      PULSE_ARM_ENDPOINT: shared.armEndpoint,
      PULSE_TABLES_CONNECTION: inject("tablesConnection"),
      PULSE_LINUX_APP_CONSISTENT_VMS: estate.linuxAppConsistentVms.join(","),
      PULSE_LOOKBACK_DAYS: "0",
    });
    const deps = await openDeps(config, {
      credential: staticCredential(),
      tlsCa: inject("loopbackCa"),
      tablePrefix: `shared${process.pid}`,
    });

    const result = await runDaily(config, deps, { date: shared.endDate });

    const arrived = arrivedBy(estate, shared.endDate, estate.dailyRunMs(shared.endDate));
    expect(result.complete).toBe(true);
    expect(result.workspaces.map((w) => w.status)).toEqual(["ok", "ok"]);
    expect(result.recoveryPoints.matched).toBeGreaterThan(0);
    const [stored] = (await deps.store?.readTrends({ from: shared.endDate, to: shared.endDate })) ?? [];
    expect(stored).toMatchObject({
      date: shared.endDate,
      scope: "all",
      jobs: arrived.jobs,
      failed: arrived.failed,
    });
    expect(result.digest.headline.counts.jobs).toBe(arrived.jobs);
  });
});
