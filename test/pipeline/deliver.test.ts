import { createServer, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, inject, it } from "vitest";
import { genericDigest } from "../../src/delivery/generic.js";
import { verifySignature } from "../support/webhook-signature.js";
import { createPoster } from "../../src/delivery/poster.js";
import { teamsDigest } from "../../src/delivery/teams.js";
import { attempt, deliver, flushPending, type DeliveryItem } from "../../src/pipeline/deliver.js";
import { Outbox, targetFingerprint } from "../../src/store/outbox.js";
import { openTables } from "../../src/store/tables.js";
import { DAY, largeDigest, smallDigest } from "../delivery/sample.js";
import { rawEntities } from "../support/table-rows.js";

const SIG = "sig=OUTBOXSECRETSIG";

interface Receiver {
  url: string;
  /** Bodies of the requests answered with 2xx. */
  delivered: string[];
  requests: number;
  headers: Record<string, string | string[] | undefined>[];
  close(): Promise<void>;
}

const open: Receiver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function receiver(
  answer: (n: number, res: ServerResponse) => number,
  delayInMs = 0,
): Promise<Receiver> {
  const r: Receiver = { url: "", delivered: [], requests: 0, headers: [], close: async () => {} };
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      const n = r.requests++;
      r.headers.push(req.headers);
      setTimeout(() => {
        const status = answer(n, res);
        if (status >= 200 && status < 300) r.delivered.push(body);
        res.writeHead(status).end();
      }, delayInMs);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/x?${SIG}`;
  r.close = () =>
    new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  open.push(r);
  return r;
}

let tableCount = 0;
async function newOutbox(options: ConstructorParameters<typeof Outbox>[1] = {}): Promise<Outbox> {
  const tables = openTables({ kind: "connection", connectionString: inject("tablesConnection") }, undefined, {
    tablePrefix: `outbox${process.pid}t${tableCount++}`,
  });
  return Outbox.open(tables, options);
}

const poster = createPoster({ maxAttempts: 1, timeoutInMs: 2_000 });

function digestItem(url: string, format: "teams" | "generic" = "teams", secret?: string): DeliveryItem {
  const d = smallDigest();
  return {
    kind: "digest",
    key: DAY,
    target: { url, format, secret: secret ?? null },
    payload: format === "teams" ? teamsDigest(d) : genericDigest(d),
  };
}

describe("delivery through the outbox: exactly once", () => {
  it("stores, posts once, and a re-run posts nothing", async () => {
    const r = await receiver(() => 202);
    const outbox = await newOutbox();
    const first = await deliver({ outbox, poster, items: [digestItem(r.url)] });
    expect(first.posted).toEqual([{ kind: "digest", key: DAY, status: 202 }]);
    const again = await deliver({ outbox, poster, items: [digestItem(r.url)] });
    expect(again.posted).toEqual([]);
    expect(again.alreadyPosted).toEqual([{ kind: "digest", key: DAY }]);
    expect(r.delivered).toHaveLength(1);
    expect(r.delivered[0]).toBe(digestItem(r.url).payload.body);
    const rec = await outbox.read("digest", DAY, r.url);
    expect(rec).toMatchObject({ state: "posted", attempts: 1, lastError: null });
    expect(Date.parse(rec?.postedAt ?? "")).not.toBeNaN();
  });

  it("leaves a failed post pending with its attempt count and error, and the next run delivers it once", async () => {
    const r = await receiver((n) => (n === 0 ? 503 : 202));
    const outbox = await newOutbox();
    const first = await deliver({ outbox, poster, items: [digestItem(r.url)] });
    expect(first.posted).toEqual([]);
    expect(first.failed).toEqual([
      expect.objectContaining({ kind: "digest", key: DAY, attempts: 1, state: "pending" }),
    ]);
    const pending = await outbox.read("digest", DAY, r.url);
    expect(pending).toMatchObject({ state: "pending", attempts: 1 });
    expect(pending?.lastError).toMatch(/webhook answered HTTP 503/);

    // next run: no new items, only the retry of what is pending
    const next = await flushPending({ outbox, poster, targets: [{ url: r.url, format: "teams" }] });
    expect(next.posted).toEqual([{ kind: "digest", key: DAY, status: 202 }]);
    // and a re-run of the day after that posts nothing
    const rerun = await deliver({ outbox, poster, items: [digestItem(r.url)] });
    expect(rerun.alreadyPosted).toHaveLength(1);
    expect(r.requests).toBe(2);
    expect(r.delivered).toHaveLength(1);
    expect(await outbox.read("digest", DAY, r.url)).toMatchObject({
      state: "posted",
      attempts: 2,
      lastError: null,
    });
  });

  it("two runs at the same moment post once", async () => {
    const r = await receiver(() => 202, 300);
    const outbox = await newOutbox();
    const [a, b] = await Promise.all([
      deliver({ outbox, poster, items: [digestItem(r.url)] }),
      deliver({ outbox, poster, items: [digestItem(r.url)] }),
    ]);
    expect(r.requests).toBe(1);
    expect(a.posted.length + b.posted.length).toBe(1);
    expect(a.inFlight.length + b.inFlight.length + a.alreadyPosted.length + b.alreadyPosted.length).toBe(1);
  });

  it("two runs holding the same pending record: the ETag lets only one claim it", async () => {
    const r = await receiver(() => 202, 200);
    const outbox = await newOutbox();
    const item = digestItem(r.url);
    await outbox.enqueue(item);
    // both runs read the record while it is still pending
    const [seenByA, seenByB] = await Promise.all([outbox.enqueue(item), outbox.enqueue(item)]);
    expect(seenByA.state).toBe("pending");
    expect(seenByB.state).toBe("pending");
    const outcomes = await Promise.all([
      attempt(outbox, seenByA, item.target, poster),
      attempt(outbox, seenByB, item.target, poster),
    ]);
    expect(outcomes.map((o) => o.outcome).sort()).toEqual(["in-flight", "posted"]);
    expect(r.requests).toBe(1);
  });

  it("posts once per target, each keyed by a fingerprint, never by the URL", async () => {
    const teams = await receiver(() => 202);
    const other = await receiver(() => 200);
    const outbox = await newOutbox();
    const report = await deliver({
      outbox,
      poster,
      items: [digestItem(teams.url), digestItem(other.url, "generic")],
    });
    expect(report.posted).toHaveLength(2);
    expect(teams.delivered).toHaveLength(1);
    expect(other.delivered).toHaveLength(1);
    const stored = await rawEntities(outbox.client);
    expect(stored).toContain(`${DAY}|${targetFingerprint(teams.url)}`);
    expect(stored).not.toContain("OUTBOXSECRETSIG");
    expect(stored).not.toContain("/hooks/");
    expect(stored).not.toContain("127.0.0.1");
    expect(targetFingerprint(teams.url)).toMatch(/^[0-9a-f]{16}$/);
  });

  it("keeps secrets out of the stored error when the webhook cannot be reached", async () => {
    const r = await receiver(() => 202);
    await r.close();
    open.splice(0);
    const outbox = await newOutbox();
    const report = await deliver({ outbox, poster, items: [digestItem(r.url)] });
    expect(report.failed[0]?.error).toMatch(/could not be reached/);
    expect(JSON.stringify(report)).not.toContain("OUTBOXSECRETSIG");
    expect(await rawEntities(outbox.client)).not.toContain("OUTBOXSECRETSIG");
  });

  it("a pending digest re-run with later data is posted with the newer figures", async () => {
    const r = await receiver((n) => (n === 0 ? 500 : 202));
    const outbox = await newOutbox();
    await deliver({ outbox, poster, items: [digestItem(r.url, "generic")] });
    const newer = genericDigest(smallDigest({ generatedAt: "2026-11-25T09:00:00.000Z" }));
    await deliver({ outbox, poster, items: [{ ...digestItem(r.url, "generic"), payload: newer }] });
    expect(r.delivered).toEqual([newer.body]);
  });

  it("stores a large payload whole and signs it at posting time", async () => {
    const r = await receiver(() => 204);
    const outbox = await newOutbox();
    const payload = genericDigest(largeDigest());
    expect(payload.body.length).toBeGreaterThan(100_000);
    await deliver({ outbox, poster, items: [{ ...digestItem(r.url, "generic", "hmac-key"), payload }] });
    expect(r.delivered).toEqual([payload.body]);
    const h = r.headers[0] ?? {};
    expect(
      verifySignature({
        rawBody: r.delivered[0] ?? "",
        secret: "hmac-key",
        timestamp: h["x-pulse-timestamp"] as string,
        signature: h["x-pulse-signature"] as string,
      }),
    ).toBe(true);
  });

  it("gives up after the attempt limit and stops retrying", async () => {
    const r = await receiver(() => 500);
    const outbox = await newOutbox({ maxAttempts: 2, retryForMs: 0 });
    const target = { url: r.url, format: "teams" as const };
    await deliver({ outbox, poster, items: [digestItem(r.url)] });
    const second = await flushPending({ outbox, poster, targets: [target] });
    expect(second.failed).toEqual([expect.objectContaining({ attempts: 2, state: "failed" })]);
    const third = await flushPending({ outbox, poster, targets: [target] });
    expect(third.failed).toEqual([]);
    expect(r.requests).toBe(2);
  });

  it("takes over an item whose claim has lapsed (a run that died mid-way)", async () => {
    const r = await receiver(() => 202);
    let now = Date.parse(`${DAY}T07:00:00Z`);
    const outbox = await newOutbox({ leaseInMs: 60_000, now: () => now });
    const item = digestItem(r.url);
    const stored = await outbox.enqueue(item);
    // a run claims the item and dies before posting
    await outbox.client.updateEntity(
      { partitionKey: "digest", rowKey: stored.rowKey, state: "posting", claimedAtMs: now },
      "Merge",
    );
    const target = { url: r.url, format: "teams" as const };
    expect((await flushPending({ outbox, poster, targets: [target] })).posted).toEqual([]);
    now += 61_000;
    expect((await flushPending({ outbox, poster, targets: [target] })).posted).toHaveLength(1);
    expect(r.delivered).toHaveLength(1);
  });

  it("alerts are keyed by their own key, next to the digest", async () => {
    const r = await receiver(() => 202);
    const outbox = await newOutbox();
    const alert: DeliveryItem = {
      kind: "alert",
      key: "vss|rsv/data|vm#1?",
      target: { url: r.url, format: "teams" },
      payload: digestItem(r.url).payload,
    };
    await deliver({ outbox, poster, items: [alert, digestItem(r.url)] });
    await deliver({ outbox, poster, items: [alert] });
    expect(r.delivered).toHaveLength(2);
    expect((await outbox.list("alert")).map((a) => [a.key, a.state])).toEqual([
      ["vss|rsv/data|vm#1?", "posted"],
    ]);
  });
});
