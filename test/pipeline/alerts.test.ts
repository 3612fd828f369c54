import { afterEach, expect, it } from "vitest";
import { openAlertDeps, runAlerts } from "../../src/pipeline/alerts.js";
import { startLocalRun, type LocalRun } from "./local-run.js";

const open: LocalRun[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

it("explore", async () => {
  const run = await startLocalRun({ endDate: "2026-11-24", days: 3, env: { PULSE_RECOVERY_POINTS: "off" } });
  open.push(run);
  const now = new Date("2026-11-25T03:00:00Z");
  run.setNow(now.getTime());
  const deps = await openAlertDeps(run.config, run.depsOptions);
  const t = Date.now();
  const r = await runAlerts(run.config, deps, {
    now,
    since: new Date("2026-11-24T12:00:00Z"),
    log: console.log,
  });
  console.log(
    Date.now() - t,
    JSON.stringify({ ...r, alerts: r.alerts.map((a) => [a.rule, a.vault, a.vm, a.title]) }, null, 1),
  );
  console.log(run.estate.notable, run.hook.requests);
  expect(1).toBe(1);
});
