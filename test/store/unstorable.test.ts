import { describe, expect, inject, it } from "vitest";
import { rowProblem, unstorableReason } from "../../src/store/row-limits.js";
import { TrendStore } from "../../src/store/trend-store.js";
import { storedJob } from "../support/jobs.js";

const connectionString = inject("tablesConnection");
const job = storedJob;
const ws = [{ workspaceId: "11111111-1111-1111-1111-111111111111", ok: true }];

async function freshStore(): Promise<TrendStore> {
  const prefix = `un${process.pid}x${Math.random().toString(36).slice(2, 8)}`;
  return TrendStore.open({ kind: "connection", connectionString }, undefined, { tablePrefix: prefix });
}

describe("one unstorable row costs one row", () => {
  it("stores the rest of the day", async () => {
    const store = await freshStore();
    const date = "2026-11-24";
    const jobs = [
      job({ vm: "vm-ok-01" }),
      job({ vm: "x".repeat(10_000) }),
      job({ vm: "vm-\ud800-lone" }),
      job({ vm: "vm-ok-02" }),
    ];
    const result = await store.writeDay({ date, jobs, complete: true, workspaces: ws });
    const stored = await store.readDayJobs(date);
    expect(stored.map((j) => j.vm).sort()).toEqual(["vm-ok-01", "vm-ok-02"]);
    const run = await store.readRun(date);
    expect(run).toMatchObject({ jobs: 2, rowsUnstorable: 2 });
    expect(result.unstorable.map((u) => u.reason)).toEqual([
      expect.stringContaining("Table Storage keys hold at most 1024"),
      expect.stringContaining("lone surrogate"),
    ]);
    // What a log line shows of them: short, and valid text.
    expect(result.unstorable.map((u) => u.vm)).toEqual([`${"x".repeat(57)}...`, "vm-\\ud800-lone"]);
  });
});

describe("the limits checked before writing", () => {
  const date = "2026-11-24";
  it("a key of 512 UTF-16 code units (1 KiB) is storable, one more is not", () => {
    const row = (rowKey: string) => ({ partitionKey: "p", rowKey, a: "b" });
    expect(rowProblem("T", row("k".repeat(512)))).toBeNull();
    expect(rowProblem("T", row("k".repeat(513)))).toMatch(/RowKey is 1026 bytes/);
  });
  it("a string column of 32,768 code units is storable, one more is not; a paired surrogate is fine", () => {
    const row = (a: string) => ({ partitionKey: "p", rowKey: "r", a });
    expect(rowProblem("T", row("a".repeat(32_768)))).toBeNull();
    expect(rowProblem("T", row("a".repeat(32_769)))).toMatch(/column a is 32769 characters/);
    expect(rowProblem("T", row("\ud83d\ude00"))).toBeNull();
    expect(rowProblem("T", row("\ude00"))).toMatch(/lone surrogate/);
  });
  it("an entity over 1 MiB is not storable though each column is", () => {
    const row: Record<string, unknown> = { partitionKey: "p", rowKey: "r" };
    for (let i = 0; i < 17; i++) row[`c${i}`] = "a".repeat(32_000);
    expect(rowProblem("T", row)).toMatch(/at most 1048576/);
  });
  it("a job is unstorable through its vault's or its error code's key too", () => {
    expect(unstorableReason(date, job())).toBeNull();
    expect(unstorableReason(date, job({ vault: "v".repeat(600) }))).toMatch(/PartitionKey/);
    expect(unstorableReason(date, job({ errorCode: "E".repeat(600) }))).toMatch(/code PartitionKey/);
    expect(unstorableReason(date, job({ vaultId: "/subscriptions/\udc00" }))).toMatch(/vaultId holds a lone/);
  });
});
