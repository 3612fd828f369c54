/**
 * The digest reads and judges the known VMs vault by vault, on Azurite: one query per vault partition, a few
 * at a time, never every VM's state at once; and it is the very digest that judging the whole fleet at once
 * gives.
 */
import { describe, expect, inject, it, vi } from "vitest";
import { lookupCode } from "../../src/domain/catalogue.js";
import { addDays } from "../../src/domain/days.js";
import { buildDigest } from "../../src/domain/digest.js";
import { expectedVms } from "../../src/domain/expected-vms.js";
import { vmIdentityKey } from "../../src/domain/identity.js";
import type { ClassifiedJob } from "../../src/domain/model.js";
import { vmKey } from "../../src/domain/names.js";
import { stateAsOf } from "../../src/domain/vm-state.js";
import { composeDigest } from "../../src/pipeline/compose-digest.js";
import { judgeAsStored, VAULTS_IN_FLIGHT, type StoredVerdicts } from "../../src/pipeline/known-vms.js";
import { messagesFor } from "../../src/domain/messages/index.js";
import { TrendStore, type StoredJob, type StoredVmState } from "../../src/store/trend-store.js";
import { storedJob } from "../support/jobs.js";

const connectionString = inject("tablesConnection");
const WS = "11111111-1111-1111-1111-111111111111";
const DATE = "2026-11-24";
const SUB = "00000000-0000-0000-0000-00000000000a";
const VAULTS = 9;
const VMS = 5;

/** VM `web0<k>` of vault `vault-<v>`: vaults 0–5 with resource IDs (every vault has a `web01`: labels collide). */
function vmOf(v: number, k: number): Pick<ClassifiedJob, "vm" | "vault" | "vmId" | "vaultId"> {
  const vault = `vault-${v}`;
  const vm = `web0${k}`;
  return v < 6
    ? {
        vm,
        vault,
        vaultId: `/subscriptions/${SUB}/resourcegroups/rg-backup/providers/microsoft.recoveryservices/vaults/${vault}`,
        vmId: `/subscriptions/${SUB}/resourcegroups/rg-app-${v}/providers/microsoft.compute/virtualmachines/${vm}`,
      }
    : { vm, vault, vmId: null, vaultId: null };
}

/** A day's jobs: VM 0 of each vault fails, VM 1 is below its expected consistency. */
function jobsOf(date: string, which: (v: number, k: number) => boolean): StoredJob[] {
  const out: StoredJob[] = [];
  for (let v = 0; v < VAULTS; v++)
    for (let k = 0; k < VMS; k++) {
      if (!which(v, k)) continue;
      out.push(
        storedJob({
          ...vmOf(v, k),
          start: `${date}T0${k}:00:00.000Z`,
          ...(k === 0
            ? { status: "Failed", consistency: "none", degraded: true, errorCode: "UserErrorVmNotFound" }
            : {}),
          ...(k === 1 ? { consistency: "crash", degraded: true } : {}),
        }),
      );
    }
  return out;
}

/** The digest as judging every VM's state of the fleet at once makes it. */
async function digestOfWholeFleet(store: TrendStore, jobs: readonly ClassifiedJob[]) {
  const states: StoredVmState[] = [];
  for await (const s of store.readVmStates()) states.push(s);
  const seen = states
    .filter((s) => s.historyEnd !== "" && addDays(s.historyEnd, -(s.history.length - 1)) <= DATE)
    .map((s) => stateAsOf(s, DATE));
  const withJob = new Set(jobs.map((j) => j.vmId ?? vmKey(j.vm, j.vault)));
  const judged = expectedVms({
    date: DATE,
    tz: "UTC",
    known: seen.map((s) => ({ ...s, retiredOn: s.retiredOn ?? null })),
    hadJob: (s) => withJob.has(s.vmId ?? vmKey(s.vm, s.vault)),
    itemOf: () => undefined,
  });
  const keys = new Set(judged.expected.map(vmIdentityKey));
  const known = seen.filter((s) => keys.has(vmIdentityKey(s)));
  return buildDigest({
    date: DATE,
    jobs,
    trends: await store.readTrends({ from: addDays(DATE, -30), to: addDays(DATE, -1) }),
    yesterday: await store.readDayOutcomes(addDays(DATE, -1), jobs),
    vmStates: known,
    knownVms: judged.expected,
    notes: judged.notes,
    coverage: {
      workspacesQueried: [WS],
      workspacesFailed: [],
      partial: false,
      rowsRejected: 0,
      rowsUnstorable: 0,
      vaultsKnown: [...new Set(known.map((s) => s.vault))],
    },
    lookup: lookupCode,
    generatedAt: "",
  });
}

const workspaces = [{ workspaceId: WS, ok: true }];
const coverage = {
  workspaces: [
    {
      workspaceId: WS,
      status: "ok" as const,
      complete: true,
      queries: 2,
      retries: 0,
      rowsRead: 0,
      partialSplits: 0,
      missingTables: [],
    },
  ],
  complete: true,
  rowsRejected: 0,
};

/** The two days before, every VM with a job. */
async function storeDaysBefore(store: TrendStore): Promise<void> {
  for (const date of [addDays(DATE, -2), addDays(DATE, -1)])
    await store.writeDay({ date, jobs: jobsOf(date, () => true), complete: true, workspaces });
}

/**
 * Today: VM 4 of every vault has no job, vault 7 is silent, vault 8 reports VM 0 alone; vault-3/web00
 * recovers, vault-2/web02 fails for the first time.
 */
function todaysJobs(): StoredJob[] {
  return jobsOf(DATE, (v, k) => k !== 4 && v !== 7 && (v !== 8 || k === 0)).map((j) =>
    j.vault === "vault-3" && j.vm === "web00"
      ? {
          ...j,
          status: "Completed" as const,
          consistency: "application" as const,
          degraded: false,
          errorCode: null,
        }
      : j.vault === "vault-2" && j.vm === "web02"
        ? {
            ...j,
            status: "Failed" as const,
            consistency: "none" as const,
            degraded: true,
            errorCode: "UserErrorVmNotFound",
          }
        : j,
  );
}

async function openStore(): Promise<TrendStore> {
  const prefix = `vv${process.pid}x${Math.random().toString(36).slice(2, 10)}`;
  return TrendStore.open({ kind: "connection", connectionString }, undefined, { tablePrefix: prefix });
}

describe("the digest's known VMs, vault by vault", () => {
  it("reads each vault's VM states once, a few vaults at a time, and gives the digest the whole fleet gives", async () => {
    const store = await openStore();
    await storeDaysBefore(store);
    const today = todaysJobs();

    const whole = vi.spyOn(store, "readVmStates");
    const byVault = vi.spyOn(store, "readVmStatesOfVault");
    const read: string[] = [];
    let inFlight = 0;
    let mostInFlight = 0;
    byVault.mockImplementation(async (key: string) => {
      read.push(key);
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        return await TrendStore.prototype.readVmStatesOfVault.call(store, key);
      } finally {
        inFlight--;
      }
    });
    const log: string[] = [];
    const digest = await composeDigest({
      date: DATE,
      jobs: today,
      store,
      ...coverage,
      log: (line) => log.push(line),
    });

    // One partition query per vault, each vault once, never the fleet's states at once.
    expect(whole).not.toHaveBeenCalled();
    expect(read).toHaveLength(VAULTS);
    expect(new Set(read).size).toBe(VAULTS);
    expect(mostInFlight).toBeGreaterThan(1);
    expect(mostInFlight).toBeLessThanOrEqual(VAULTS_IN_FLIGHT);
    expect(log.join("\n")).toContain(
      `judged ${VAULTS * VMS} VM state(s) vault by vault (${VAULTS} vault(s): 0 as the day was stored, ${VAULTS} partition(s) read, ${VAULTS_IN_FLIGHT} at a time; the largest ${VMS}`,
    );

    // What the digest shows: exactly what judging every VM's state at once gives.
    whole.mockRestore();
    byVault.mockRestore();
    const expected = await digestOfWholeFleet(store, today);
    expect({ ...digest, generatedAt: "" }).toEqual(expected);
    expect(digest.persisting.noJobToday).toHaveLength(7 + 5 + 4);
    expect(digest.persisting.failing.map((s) => s.vmLabel)).toContain("web00 (rg-app-0)");
    expect(digest.persisting.belowExpected.length).toBeGreaterThan(0);
    expect(digest.changes.recoveries.map((c) => `${c.vault}/${c.vm}`)).toEqual(["vault-3/web00"]);
    expect(digest.changes.newFailures.map((c) => `${c.vault}/${c.vm}`)).toEqual(["vault-2/web02"]);
    expect(digest.coverage.vaultsSilent).toEqual(["vault-7"]);
    expect(digest.coverage.vmsKnown).toBe(VAULTS * VMS);
  });

  it("judges the vaults the day's write stores as it stores them, reading back only the others, to the same digest", async () => {
    const store = await openStore();
    await storeDaysBefore(store);
    const today = todaysJobs();
    const judged: StoredVerdicts = new Map();
    const judge = judgeAsStored({ date: DATE, tz: "UTC", store, messages: messagesFor("en") }, judged);
    await store.writeDay({
      date: DATE,
      jobs: today,
      complete: true,
      workspaces,
      onVaultStates: judge(today),
    });
    // Every vault with a job today was written, and judged then; the silent vault 7 was not.
    expect([...judged.keys()].map((k) => k.split("|")[0]).sort()).toEqual(
      Array.from({ length: VAULTS }, (_, v) => `vault-${v}`).filter((v) => v !== "vault-7"),
    );

    const byVault = vi.spyOn(store, "readVmStatesOfVault");
    const log: string[] = [];
    const digest = await composeDigest({
      date: DATE,
      jobs: today,
      store,
      ...coverage,
      judged,
      log: (line) => log.push(line),
    });
    expect(byVault.mock.calls.map(([key]) => key.split("|")[0])).toEqual(["vault-7"]);
    expect(log.join("\n")).toContain(
      `(${VAULTS} vault(s): ${VAULTS - 1} as the day was stored, 1 partition(s) read`,
    );
    byVault.mockRestore();

    // The same digest as reading every vault back after the write gives.
    const readBack = await composeDigest({ date: DATE, jobs: today, store, ...coverage });
    expect({ ...digest, generatedAt: "" }).toEqual({ ...readBack, generatedAt: "" });
    expect(digest.changes.newFailures.map((c) => `${c.vault}/${c.vm}`)).toEqual(["vault-2/web02"]);
    expect(digest.persisting.noJobToday.length).toBeGreaterThan(0);
  });
});
