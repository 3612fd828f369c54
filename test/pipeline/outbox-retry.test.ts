/**
 * A webhook that refuses messages (429, 500) for a day of runs, on a simulated clock: the outbox keeps trying
 * with growing pauses, every run says truthfully when the message is tried again, a message is given up only
 * after a day of failures, and a given-up message is named in the next digest and by the doctor's check.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, inject, it } from "vitest";
import { genericDigest } from "../../src/delivery/generic.js";
import { messagesFor } from "../../src/domain/messages/index.js";
import { createPoster } from "../../src/delivery/poster.js";
import { deliver, flushPending, undeliveredLines, type DeliveryReport } from "../../src/pipeline/deliver.js";
import { givenUpCheck, givenUpNotes } from "../../src/pipeline/given-up.js";
import { Outbox, retryDelayMs } from "../../src/store/outbox.js";
import { openTables } from "../../src/store/tables.js";
import { DAY, smallDigest } from "../delivery/sample.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const START = Date.parse(`${DAY}T07:00:00Z`);

interface Hook {
  url: string;
  /** Epoch ms (simulated) of each request. */
  requests: number[];
  delivered: number;
  close(): Promise<void>;
}

const open: Hook[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((h) => h.close()));
});

/** A receiver answering `status(nowMs)` for the simulated time of each request. */
async function hook(clock: () => number, status: (nowMs: number) => number): Promise<Hook> {
  const h: Hook = { url: "", requests: [], delivered: 0, close: async () => {} };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      const now = clock();
      h.requests.push(now);
      const s = status(now);
      if (s < 300) h.delivered++;
      res.writeHead(s, s === 429 ? { "retry-after": "1" } : {}).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  h.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/x`;
  h.close = () =>
    new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  open.push(h);
  return h;
}

let tableCount = 0;
async function outboxAt(clock: () => number): Promise<Outbox> {
  const tables = openTables({ kind: "connection", connectionString: inject("tablesConnection") }, undefined, {
    tablePrefix: `retry${process.pid}t${tableCount++}`,
  });
  return Outbox.open(tables, { now: clock });
}

const poster = createPoster({ maxAttempts: 1, timeoutInMs: 2_000 });

/**
 * The digest delivered at START, then a run every 15 minutes until `untilMs` (as the alert timer retries what
 * is pending). Returns each run's report and time.
 */
async function dayOfRuns(
  untilMs: number,
  status: (nowMs: number) => number,
): Promise<{ h: Hook; outbox: Outbox; runs: { at: number; report: DeliveryReport }[] }> {
  let now = START;
  const clock = (): number => now;
  const h = await hook(clock, status);
  const outbox = await outboxAt(clock);
  const target = { url: h.url, format: "generic" as const, secret: null };
  const runs = [
    {
      at: now,
      report: await deliver({
        outbox,
        poster,
        items: [{ kind: "digest", key: DAY, target, payload: genericDigest(smallDigest()) }],
      }),
    },
  ];
  for (now = START + 15 * MINUTE; now <= untilMs; now += 15 * MINUTE) {
    runs.push({ at: now, report: await flushPending({ outbox, poster, targets: [target] }) });
  }
  return { h, outbox, runs };
}

describe("an outbox message refused for a day of runs", () => {
  it("is retried with growing pauses, each run saying when, and delivered once the webhook takes it", async () => {
    const recovers = START + 20 * HOUR;
    const { h, runs } = await dayOfRuns(START + 30 * HOUR, (t) => (t < recovers ? 429 : 200));
    expect(h.delivered).toBe(1);
    // Pauses: the next run twice, then 15 min doubling up to 6 h: 10 requests over 20 hours, not 80.
    expect(h.requests.length).toBe(10);
    const gaps = h.requests.slice(1).map((t, i) => (t - h.requests[i]!) / MINUTE);
    expect(gaps).toEqual([15, 15, 15, 30, 60, 120, 240, 360, 360]);
    // Every run tells the truth: a promised time is kept (the next attempt is the first run after it).
    for (const { at, report } of runs) {
      for (const w of report.waiting) {
        const next = h.requests.find((t) => t > at);
        expect(next).toBe(runs.find((r) => r.at >= Date.parse(w.nextAttemptAt))?.at);
      }
      for (const f of report.failed) {
        expect(f.state).toBe("pending");
        const line = undeliveredLines(report, at)[0] ?? "";
        if (f.nextAttemptAt && Date.parse(f.nextAttemptAt) > at) {
          expect(line).toContain(`it is retried on the first run after ${f.nextAttemptAt}`);
        } else {
          expect(line).toContain("it is retried on the next run");
        }
      }
    }
    // Nothing after the delivery.
    expect(h.requests.at(-1)).toBeLessThan(recovers + 6 * HOUR);
    expect(runs.at(-1)?.report.waiting).toEqual([]);
  });

  it("is given up only after failing for at least a day, says so, and is named in the next digest and by the doctor", async () => {
    const { h, outbox, runs } = await dayOfRuns(START + 48 * HOUR, () => 500);
    const givenUpRun = runs.find((r) => r.report.failed.some((f) => f.state === "failed"));
    expect(givenUpRun).toBeDefined();
    expect(givenUpRun!.at - START).toBeGreaterThanOrEqual(24 * HOUR);
    expect(undeliveredLines(givenUpRun!.report, givenUpRun!.at)[0]).toMatch(
      /was not delivered \(The webhook answered HTTP 500[^)]*\); it was given up after 11 failed attempt\(s\) since .*; backup-pulse doctor lists it/,
    );
    // Every run before said it would be retried; none after tried again.
    for (const r of runs.filter((x) => x.at < givenUpRun!.at)) {
      for (const f of r.report.failed) expect(f.state).toBe("pending");
    }
    expect(h.requests.at(-1)).toBe(givenUpRun!.at);
    expect(h.requests.length).toBe(11);

    const notes = await givenUpNotes(outbox);
    expect(notes).toEqual([
      expect.stringMatching(
        new RegExp(`^Not delivered: The digest for ${DAY} was given up at .* after 11 failed attempt\\(s\\)`),
      ),
    ]);
    expect(await givenUpNotes(outbox, messagesFor("ja"))).toEqual([
      expect.stringMatching(
        new RegExp(`^配信できませんでした: ${DAY} のダイジェストは .* 11 回送信に失敗したため`),
      ),
    ]);
    const check = await givenUpCheck(outbox, START + 48 * HOUR);
    expect(check.ok).toBe(false);
    expect(check.detail).toContain(`The digest for ${DAY} was given up`);
    expect(check.fix).toContain("backup-pulse run --date <day>");
  });

  it("the pause after each failed attempt", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8, 9].map((n) => retryDelayMs(n) / MINUTE)).toEqual([
      0, 0, 15, 30, 60, 120, 240, 360, 360,
    ]);
  });
});
