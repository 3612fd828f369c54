import { describe, expect, inject, it } from "vitest";
import { Outbox, targetFingerprint, type OutboxItem, type OutboxOptions } from "../../src/store/outbox.js";
import { openTables } from "../../src/store/tables.js";
import { rawEntities } from "../support/table-rows.js";

const DAY = "2026-11-24";
const URL_A = "https://example.invalid/hooks/a?sig=STORESECRETSIG";

let tableCount = 0;
async function newOutbox(options: OutboxOptions = {}): Promise<Outbox> {
  const tables = openTables({ kind: "connection", connectionString: inject("tablesConnection") }, undefined, {
    tablePrefix: `obstore${process.pid}t${tableCount++}`,
  });
  return Outbox.open(tables, options);
}

function item(body = '{"text":"digest"}'): OutboxItem {
  return {
    kind: "digest",
    key: DAY,
    target: { url: URL_A },
    payload: { format: "generic", contentType: "application/json", body },
  };
}

describe("outbox: storing, claiming and recording", () => {
  it("stores an item pending under the target's fingerprint, never its URL, and a second enqueue finds it", async () => {
    const outbox = await newOutbox();
    const entry = await outbox.enqueue(item());
    expect(entry).toMatchObject({
      kind: "digest",
      key: DAY,
      rowKey: `${DAY}|${targetFingerprint(URL_A)}`,
      fingerprint: targetFingerprint(URL_A),
      state: "pending",
      attempts: 0,
      lastError: null,
      payload: { format: "generic", contentType: "application/json", body: '{"text":"digest"}' },
    });
    expect((await outbox.enqueue(item())).rowKey).toBe(entry.rowKey);
    expect(await outbox.list()).toHaveLength(1);
    const raw = await rawEntities(outbox.client);
    expect(raw).not.toContain("STORESECRETSIG");
    expect(raw).not.toContain("example.invalid");
  });

  it("gives a pending item the newer payload, but never changes one that was posted", async () => {
    const outbox = await newOutbox();
    await outbox.enqueue(item("old"));
    expect((await outbox.enqueue(item("newer"))).payload.body).toBe("newer");
    const entry = await outbox.enqueue(item("newer"));
    const claim = await outbox.claim(entry);
    expect(claim).not.toBeNull();
    await outbox.recordPosted(entry, claim!, 202);
    const after = await outbox.enqueue(item("latest"));
    expect(after).toMatchObject({ state: "posted", attempts: 1, payload: { body: "newer" } });
  });

  it("lets only one of two runs that read the same record claim it, and hides it from pending while held", async () => {
    let now = Date.parse(`${DAY}T07:00:00Z`);
    const outbox = await newOutbox({ leaseInMs: 60_000, now: () => now });
    const entry = await outbox.enqueue(item());
    const claims = await Promise.all([outbox.claim(entry), outbox.claim(entry)]);
    expect(claims.filter((c) => c !== null)).toHaveLength(1);
    expect(claims.find((c) => c !== null)?.atMs).toBe(now);
    expect(await outbox.pending()).toEqual([]);
    const held = await outbox.reread(entry);
    expect(held?.state).toBe("posting");
    expect(await outbox.claim(held!)).toBeNull();
    now += 61_000; // the holder died: its lease lapses
    expect((await outbox.pending()).map((e) => e.rowKey)).toEqual([entry.rowKey]);
    expect(await outbox.claim(held!)).not.toBeNull();
  });

  it("records failures pending with their count and error until the attempt limit, then failed", async () => {
    const outbox = await newOutbox({ maxAttempts: 2, retryForMs: 0 });
    let entry = await outbox.enqueue(item());
    expect(
      await outbox.recordFailure(entry, (await outbox.claim(entry))!, "The webhook answered HTTP 503."),
    ).toEqual({
      attempts: 1,
      state: "pending",
    });
    expect(await outbox.read("digest", DAY, URL_A)).toMatchObject({
      state: "pending",
      attempts: 1,
      lastError: "The webhook answered HTTP 503.",
      postedAt: null,
    });
    entry = (await outbox.pending())[0]!;
    expect(await outbox.recordFailure(entry, (await outbox.claim(entry))!, "again")).toEqual({
      attempts: 2,
      state: "failed",
    });
    expect(await outbox.pending()).toEqual([]);
    expect(await outbox.claim((await outbox.reread(entry))!)).toBeNull();
  });

  it("a run whose claim lapsed records a success anyway, but not a failure over the run that took over", async () => {
    let now = Date.parse(`${DAY}T07:00:00Z`);
    const outbox = await newOutbox({ leaseInMs: 60_000, now: () => now });
    const entry = await outbox.enqueue(item());
    const slow = (await outbox.claim(entry))!;
    now += 61_000;
    const taken = (await outbox.reread(entry))!;
    const fast = (await outbox.claim(taken))!;
    expect(fast).not.toBeNull();
    await outbox.recordFailure(entry, slow, "late failure");
    expect(await outbox.read("digest", DAY, URL_A)).toMatchObject({ state: "posting", lastError: null });
    await outbox.recordPosted(entry, slow, 200);
    expect(await outbox.read("digest", DAY, URL_A)).toMatchObject({ state: "posted", attempts: 1 });
  });
});
