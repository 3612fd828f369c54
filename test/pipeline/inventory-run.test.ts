/**
 * The daily run with the vaults' inventory read through ARM (real SDK client, local stand-in): one policy list
 * and one item list per vault per run, none with recovery points off; schedules decide "no backup job";
 * retired VMs are said once and dropped; a crash-only policy's crash points are expected.
 */
import { afterEach, describe, expect, it } from "vitest";
import { estateVmId, ESTATE_POLICY } from "../../src/demo/estate-providers.js";
import type { Estate } from "../../src/demo/estate.js";
import type { EstateVm } from "../../src/demo/fleet.js";
import type { InventoryProvider, LocalPolicy } from "../../src/local/arm-inventory.js";
import { runAlerts } from "../../src/pipeline/alerts.js";
import { openAlertDeps } from "../../src/pipeline/deps.js";
import { startLocalRun, type LocalRun, type LocalRunOptions } from "./local-run.js";

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function localRun(options: LocalRunOptions): Promise<LocalRun> {
  const run = await startLocalRun(options);
  closers.push(() => run.close());
  return run;
}

/** The estate's inventory with one VM under another policy or in another protection state. */
function withVm(
  name: () => string,
  change: { policy?: LocalPolicy; protectionState?: string; gone?: boolean },
): (estate: Estate) => InventoryProvider {
  return (estate) => (ref) => {
    const base = estate.inventoryProvider(ref);
    if (!base) return null;
    const vm = estate.vms.find((v) => v.name === name());
    const id = vm ? estateVmId(vm).toLowerCase() : "";
    const items = base.items
      .filter((i) => !(change.gone && i.vmId.toLowerCase() === id))
      .map((i) =>
        i.vmId.toLowerCase() === id
          ? {
              ...i,
              ...(change.policy ? { policy: change.policy.name } : {}),
              ...(change.protectionState ? { protectionState: change.protectionState } : {}),
            }
          : i,
      );
    return { policies: [...base.policies, ...(change.policy ? [change.policy] : [])], items };
  };
}

/** A plain daily-healthy VM of the estate (not one of its scenarios). */
function plainVm(estate: Estate, skip = 0): EstateVm {
  const notable = new Set([
    ...Object.values(estate.notable).flat(),
    ...estate.jobs.filter((j) => j.status !== "Completed").map((j) => j.vm.name),
  ]);
  const vm = estate.vms.filter((v) => !notable.has(v.name) && !v.vault.legacy)[skip];
  if (!vm) throw new Error("no plain VM in the estate");
  return vm;
}

const missing = (r: { digest: { persisting: { noJobToday: { vm: string; policy?: string | null }[] } } }) =>
  r.digest.persisting.noJobToday;

describe("the daily run with the vaults' inventory", () => {
  it("lists each vault's policies and items once per run, and calls ARM not at all with recovery points off", async () => {
    const run = await localRun({ endDate: "2026-11-20", days: 2 });
    await run.runDay("2026-11-19");
    await run.runDay("2026-11-20");
    const vaults = new Set(
      run.estate.vaults.map((v) => `${v.subscriptionId}/${v.resourceGroup}/${v.name}`.toLowerCase()),
    );
    const lists = (kind: string) => run.arm.requests.filter((r) => r.kind === kind);
    expect(lists("backupPolicies")).toHaveLength(2 * vaults.size);
    expect(lists("backupProtectedItems")).toHaveLength(2 * vaults.size);
    for (const v of vaults) {
      expect(lists("backupPolicies").filter((r) => r.vault?.toLowerCase() === v)).toHaveLength(2);
    }
    expect(run.arm.requests.filter((r) => r.kind !== "recoveryPoints").every((r) => r.status === 200)).toBe(
      true,
    );

    const off = await localRun({ endDate: "2026-11-20", days: 2, env: { PULSE_RECOVERY_POINTS: "off" } });
    await off.runDay("2026-11-19");
    const result = await off.runDay("2026-11-20");
    expect(off.arm.requests).toEqual([]);
    expect(result.jobs.length).toBeGreaterThan(0);
  });

  it("a weekly VM is not missing on its days off, and is missing on its due day without a job", async () => {
    // 2026-11-17 is a Tuesday, 2026-11-20 a Friday. The VM backs up on Tuesday only in Log Analytics.
    const weekly: LocalPolicy = {
      name: "weekly-tue-fri",
      frequency: "Weekly",
      days: ["Tuesday", "Friday"],
      times: ["21:00"],
    };
    let vmName = "";
    const run = await localRun({
      endDate: "2026-11-20",
      days: 4,
      inventory: withVm(() => vmName, { policy: weekly }),
      keepJob: (j) => j.vm.name !== vmName || j.date === "2026-11-17",
    });
    vmName = plainVm(run.estate).name;
    const days = ["2026-11-17", "2026-11-18", "2026-11-19", "2026-11-20"];
    const results = [];
    for (const d of days) results.push(await run.runDay(d));
    expect(results[0]?.jobs.some((j) => j.vm === vmName)).toBe(true);
    expect(missing(results[1] ?? results[0]!).some((m) => m.vm === vmName)).toBe(false); // Wednesday
    expect(missing(results[2] ?? results[0]!).some((m) => m.vm === vmName)).toBe(false); // Thursday
    expect(missing(results[3] ?? results[0]!).filter((m) => m.vm === vmName)).toEqual([
      expect.objectContaining({ vm: vmName, policy: "weekly-tue-fri" }),
    ]);
  });

  it("a VM whose protection was stopped is said once in the digest, then dropped", async () => {
    let vmName = "";
    const run = await localRun({
      endDate: "2026-11-20",
      days: 4,
      inventory: withVm(() => vmName, { protectionState: "ProtectionStopped" }),
      keepJob: (j) => j.vm.name !== vmName || j.date <= "2026-11-18",
    });
    vmName = plainVm(run.estate, 1).name;
    await run.runDay("2026-11-17");
    await run.runDay("2026-11-18");
    const first = await run.runDay("2026-11-19");
    const said = first.digest.notes.filter((n) => n.includes(vmName));
    expect(said).toEqual([
      expect.stringMatching(
        new RegExp(`^Protection stopped on ${vmName} \\(vault [^)]+\\): no backup is expected`),
      ),
    ]);
    expect(missing(first).some((m) => m.vm === vmName)).toBe(false);
    const again = await run.runDay("2026-11-20");
    expect(again.digest.notes.some((n) => n.includes(vmName))).toBe(false);
    expect(missing(again).some((m) => m.vm === vmName)).toBe(false);
    expect(
      run.hook.received.filter((d) => JSON.stringify(d).includes(`Protection stopped on ${vmName}`)),
    ).toHaveLength(1);
  });

  it("without recovery points, a VM without a job for more than 14 days is said once, then no longer expected", async () => {
    let vmName = "";
    const run = await localRun({
      endDate: "2026-11-20",
      days: 17,
      env: { PULSE_RECOVERY_POINTS: "off", PULSE_LOOKBACK_DAYS: "0" },
      keepJob: (j) => j.vm.name !== vmName || j.date === "2026-11-04",
    });
    vmName = plainVm(run.estate, 2).name;
    await run.runDay("2026-11-04");
    const day14 = await run.runDay("2026-11-18");
    expect(missing(day14).some((m) => m.vm === vmName)).toBe(true);
    const day15 = await run.runDay("2026-11-19");
    expect(missing(day15).some((m) => m.vm === vmName)).toBe(false);
    expect(day15.digest.notes.filter((n) => n.includes(vmName))).toEqual([
      expect.stringContaining("has had no backup job for more than 14 days"),
    ]);
    const day16 = await run.runDay("2026-11-20");
    expect(missing(day16).some((m) => m.vm === vmName)).toBe(false);
    expect(day16.digest.notes.some((n) => n.includes(vmName))).toBe(false);
    expect(run.arm.requests).toEqual([]);
  });

  it("a crash-only policy's crash points are expected: never degraded, never alerted", async () => {
    const crashOnly: LocalPolicy = { ...ESTATE_POLICY, name: "crash-only", type: "V2", crashOnly: true };
    let stopped = "";
    const run = await localRun({
      endDate: "2026-11-24",
      days: 3,
      env: { PULSE_RECOVERY_POINTS: "all", PULSE_ALERT_RULES: "consistency-downgrade" },
      inventory: withVm(() => stopped, { policy: crashOnly }),
    });
    stopped = run.estate.notable.stopped;
    const day = await run.runDay("2026-11-24");
    const jobs = day.jobs.filter((j) => j.vm === stopped && j.status !== "Failed");
    expect(jobs.length).toBeGreaterThan(0);
    for (const j of jobs)
      expect(j).toMatchObject({ consistency: "crash", expectedConsistency: "crash", degraded: false });
    expect(day.digest.changes.downgrades.some((c) => c.vm === stopped)).toBe(false);

    const NOW = new Date("2026-11-25T03:00:00Z");
    run.setNow(NOW.getTime());
    const deps = await openAlertDeps(run.config, run.depsOptions);
    const alerts = await runAlerts(run.config, deps, {
      now: NOW,
      since: new Date("2026-11-24T12:00:00Z"),
      dryRun: true,
    });
    expect(alerts.recoveryPoints.matched).toBeGreaterThan(0);
    expect(alerts.alerts.some((a) => a.vm === stopped)).toBe(false);
  });
});
