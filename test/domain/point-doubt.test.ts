import { describe, expect, it } from "vitest";
import { addDays } from "../../src/domain/days.js";
import type { BackupJob, JobPolicy } from "../../src/domain/model.js";
import { onRotationDay, pointInDoubt, rotationSlot, ROTATION_DAYS } from "../../src/domain/point-doubt.js";

const V1: JobPolicy = { name: "DefaultPolicy", type: "V1", crashOnly: false };
const V2: JobPolicy = { name: "Enhanced", type: "V2", crashOnly: false };
const CRASH: JobPolicy = { name: "crash-only", type: "V2", crashOnly: true };

type Facts = Parameters<typeof pointInDoubt>[0];
const job = (over: Partial<BackupJob>): Facts => ({
  status: "Completed",
  os: "Windows",
  code: null,
  policy: V1,
  vmId: "/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/vm-1",
  vm: "vm-1",
  vault: "rsv",
  ...over,
});
const DAY = "2026-11-24";

describe("which recovery points are in doubt", () => {
  it("warnings: jobs with warnings or a code, Enhanced Windows jobs, unknown OS; never a crash-only policy", () => {
    expect(pointInDoubt(job({ status: "CompletedWithWarnings" }), "warnings", DAY)).toBe(true);
    expect(pointInDoubt(job({ code: "SomeCode" }), "warnings", DAY)).toBe(true);
    expect(pointInDoubt(job({}), "warnings", DAY)).toBe(false);
    expect(pointInDoubt(job({ policy: null }), "warnings", DAY)).toBe(false);
    expect(pointInDoubt(job({ policy: V2 }), "warnings", DAY)).toBe(true);
    expect(pointInDoubt(job({ os: "unknown" }), "warnings", DAY)).toBe(true);
    expect(pointInDoubt(job({ policy: CRASH, status: "CompletedWithWarnings" }), "warnings", DAY)).toBe(
      false,
    );
    expect(pointInDoubt(job({ policy: CRASH }), "all", DAY)).toBe(true);
    expect(pointInDoubt(job({ status: "Failed" }), "all", DAY)).toBe(false);
    expect(pointInDoubt(job({ status: "CompletedWithWarnings" }), "off", DAY)).toBe(false);
  });

  it("a plain Linux job is looked up on its VM's rotation day only: once in every 7 days", () => {
    for (let n = 0; n < 50; n++) {
      const vmId = `/subscriptions/s/resourcegroups/rg/providers/microsoft.compute/virtualmachines/lx-${n}`;
      const days = Array.from({ length: ROTATION_DAYS }, (_, i) => addDays(DAY, i));
      const looked = days.filter((d) => pointInDoubt(job({ os: "Linux", vmId }), "warnings", d));
      expect(looked).toHaveLength(1);
      expect(onRotationDay(vmId, addDays(looked[0] ?? DAY, ROTATION_DAYS))).toBe(true);
      // …unless the job has a warning or a code
      expect(
        days.every((d) => pointInDoubt(job({ os: "Linux", vmId, code: "UserErrorScript" }), "warnings", d)),
      ).toBe(true);
    }
  });

  it("10,000 VMs, half Linux: at most 1,500 look-ups a day in warnings mode", () => {
    // Half Windows, half Linux; 2% of jobs with warnings, 1% with a code; 20 vaults listed twice a run each.
    const vms = Array.from({ length: 10_000 }, (_, i) => ({
      os: i % 2 === 0 ? ("Windows" as const) : ("Linux" as const),
      vmId: `/subscriptions/s${i % 4}/resourcegroups/rg-${i % 50}/providers/microsoft.compute/virtualmachines/vm-${i}`,
    }));
    const perDay: number[] = [];
    for (let d = 0; d < 14; d++) {
      const day = addDays(DAY, d);
      let calls = 0;
      vms.forEach((vm, i) => {
        const k = (i * 7 + d * 13) % 100;
        const status = k < 2 ? ("CompletedWithWarnings" as const) : ("Completed" as const);
        const code = k === 2 ? "ExtensionSnapshotFailedNoNetwork" : null;
        if (pointInDoubt(job({ ...vm, vm: `vm-${i}`, status, code }), "warnings", day)) calls++;
      });
      perDay.push(calls + 20 * 2);
    }
    // Measured: 1,004–1,075 calls a day (≈ 714 Linux rotation, ≈ 300 warnings and codes, 40 inventory lists).
    expect(Math.max(...perDay)).toBeLessThanOrEqual(1_500);
    expect(Math.min(...perDay)).toBeGreaterThan(900);
  });

  it("spreads VMs evenly over the days of the rotation", () => {
    const slots = new Array<number>(ROTATION_DAYS).fill(0);
    for (let i = 0; i < 7_000; i++)
      slots[rotationSlot(`vm-${i}`)] = (slots[rotationSlot(`vm-${i}`)] ?? 0) + 1;
    for (const n of slots) expect(n).toBeGreaterThan(850);
  });
});
