/**
 * A webhook receiver that misbehaves cannot hold a run or exhaust its memory: one that trickles its reply a
 * byte a second, one that answers with an endless body, one that redirects, one that never answers. Each is a
 * real loopback server; the outbox is the real one on Azurite.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, inject, it, vi } from "vitest";
import { createPoster, WebhookError } from "../../src/delivery/poster.js";
import { deliver, type DeliveryItem } from "../../src/pipeline/deliver.js";
import { Outbox } from "../../src/store/outbox.js";
import { openTables } from "../../src/store/tables.js";
import { genericDigest } from "../../src/delivery/generic.js";
import { DAY, smallDigest } from "./sample.js";

const SECRET_PATH = "/hooks/T0/B0/BOUNDSSECRET";

interface Receiver {
  url: string;
  requests: number;
  /** Bytes of reply body the server managed to hand to its socket. */
  bytesWritten: number;
  /** Requests whose connection the client closed before the reply was complete. */
  cutOff: number;
  close(): Promise<void>;
}

const open: Receiver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

async function receiver(
  answer: (res: ServerResponse, r: Receiver, req: IncomingMessage) => void,
): Promise<Receiver> {
  const r: Receiver = { url: "", requests: 0, bytesWritten: 0, cutOff: 0, close: async () => {} };
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      r.requests++;
      res.on("close", () => {
        if (!res.writableFinished) r.cutOff++;
      });
      answer(res, r, req);
    });
  });
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  r.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${SECRET_PATH}`;
  r.close = () =>
    new Promise((done) => {
      server.closeAllConnections();
      server.close(() => done());
    });
  open.push(r);
  return r;
}

/** Headers at once, then one byte a second for ten minutes. */
function trickle(status: number): (res: ServerResponse, r: Receiver) => void {
  return (res, r) => {
    res.writeHead(status, { "content-type": "text/plain" });
    const timer = setInterval(() => {
      if (res.destroyed) return clearInterval(timer);
      res.write("x");
      r.bytesWritten++;
    }, 1_000);
    res.on("close", () => clearInterval(timer));
  };
}

/** A body of `totalBytes` written as fast as the socket takes it (respecting back-pressure). */
function huge(status: number, totalBytes: number): (res: ServerResponse, r: Receiver) => void {
  const chunk = Buffer.alloc(1024 * 1024, 0x61);
  return (res, r) => {
    res.writeHead(status, { "content-type": "text/plain", "content-length": String(totalBytes) });
    let sent = 0;
    const pump = (): void => {
      while (sent < totalBytes && !res.destroyed) {
        sent += chunk.length;
        r.bytesWritten += chunk.length;
        if (!res.write(chunk)) return void res.once("drain", pump);
      }
      if (!res.destroyed) res.end();
    };
    pump();
  };
}

const request = { body: '{"kind":"digest"}', contentType: "application/json" };

async function timed(work: Promise<unknown>): Promise<{ value: unknown; ms: number }> {
  const t0 = performance.now();
  const value = await work.catch((e: unknown) => e);
  return { value, ms: performance.now() - t0 };
}

let tableCount = 0;
async function newOutbox(): Promise<Outbox> {
  const tables = openTables({ kind: "connection", connectionString: inject("tablesConnection") }, undefined, {
    tablePrefix: `bounds${process.pid}t${tableCount++}`,
  });
  return Outbox.open(tables);
}

function digestItem(url: string): DeliveryItem {
  return {
    kind: "digest",
    key: DAY,
    target: { url, format: "generic" },
    payload: genericDigest(smallDigest()),
  };
}

describe("webhook replies are read within a time and size bound", () => {
  it("a reply trickled a byte a second after 200: posted at once, the reply is not waited for", async () => {
    const r = await receiver(trickle(200));
    const outbox = await newOutbox();
    const poster = createPoster({ maxAttempts: 1, timeoutInMs: 1_500 });
    const { value, ms } = await timed(deliver({ outbox, poster, items: [digestItem(r.url)] }));
    expect(ms).toBeLessThan(1_500);
    expect(value).toMatchObject({ posted: [{ kind: "digest", key: DAY, status: 200 }] });
    expect(await outbox.read("digest", DAY, r.url)).toMatchObject({ state: "posted", attempts: 1 });
  });

  it("a 500 whose reply trickles: the attempt ends at its timeout, the outbox row is pending, not posting", async () => {
    const r = await receiver(trickle(500));
    const outbox = await newOutbox();
    const poster = createPoster({ maxAttempts: 2, timeoutInMs: 1_200, sleep: async () => {} });
    const { value, ms } = await timed(deliver({ outbox, poster, items: [digestItem(r.url)] }));
    expect(ms).toBeLessThan(2 * 1_200 + 1_500);
    expect(r.requests).toBe(2);
    const failed = (value as Awaited<ReturnType<typeof deliver>>).failed;
    expect(failed).toEqual([expect.objectContaining({ key: DAY, state: "pending", attempts: 1 })]);
    expect(failed[0]?.error).toBe(
      "The webhook answered HTTP 500 but did not finish its reply within 1200 ms (2 attempts).",
    );
    const row = await outbox.read("digest", DAY, r.url);
    expect(row).toMatchObject({ state: "pending", attempts: 1 });
    expect(row?.lastError).not.toContain("BOUNDSSECRET");
  });

  it("headers that never come: the attempt ends at its timeout", async () => {
    const r = await receiver(() => {
      /* accepts the request, never answers */
    });
    const { value, ms } = await timed(
      createPoster({ maxAttempts: 1, timeoutInMs: 400 }).post(r.url, request),
    );
    expect(ms).toBeLessThan(1_400);
    expect(value).toMatchObject({ kind: "timeout", attempts: 1 });
    expect((value as Error).message).toBe("The webhook did not answer within 400 ms (1 attempt).");
  });

  it.each([
    [200, "posted"],
    [500, "answered HTTP 500"],
  ])(
    "a %s with a 256 MiB reply: memory grows by a few MB at most, the rest is never received",
    async (status) => {
      const total = 256 * 1024 * 1024;
      const r = await receiver(huge(status, total));
      globalThis.gc?.();
      const before = process.memoryUsage().rss;
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
      const { value } = await timed(
        createPoster({ maxAttempts: 1, timeoutInMs: 20_000 }).post(r.url, request),
      );
      // Let the server notice the closed connection.
      await vi.waitFor(() => expect(r.cutOff).toBe(1), { timeout: 5_000 });
      clearInterval(sampler);
      peak = Math.max(peak, process.memoryUsage().rss);
      const grewMb = (peak - before) / 1024 / 1024;
      console.log(
        `HTTP ${status}, 256 MiB reply: RSS grew ${grewMb.toFixed(1)} MB; server wrote ${(r.bytesWritten / 1024 / 1024).toFixed(0)} MiB`,
      );
      expect(grewMb).toBeLessThan(16);
      expect(r.bytesWritten).toBeLessThan(total / 4);
      if (status === 200) expect(value).toEqual({ status: 200, attempts: 1 });
      else expect(value).toMatchObject({ kind: "status", status: 500, attempts: 1 });
    },
  );

  it("a post's whole life is bounded, retries and waits included", async () => {
    const r = await receiver(() => {
      /* never answers */
    });
    const poster = createPoster({
      maxAttempts: 10,
      timeoutInMs: 300,
      totalTimeoutInMs: 1_000,
      retryDelayInMs: 50,
    });
    const { value, ms } = await timed(poster.post(r.url, request));
    expect(ms).toBeLessThan(1_600);
    expect(value).toBeInstanceOf(WebhookError);
    expect((value as WebhookError).kind).toBe("timeout");
    expect((value as WebhookError).attempts).toBeLessThan(10);
  });

  it("the caller's abortSignal stops a post in flight, and says so", async () => {
    const r = await receiver(trickle(503));
    const poster = createPoster({ maxAttempts: 4, timeoutInMs: 10_000, sleep: async () => {} });
    const { value, ms } = await timed(poster.post(r.url, request, { abortSignal: AbortSignal.timeout(300) }));
    expect(ms).toBeLessThan(1_300);
    expect(value).toMatchObject({ kind: "aborted", attempts: 1 });
    expect((value as Error).message).toBe(
      "Posting to the webhook was stopped: the run ran out of time (1 attempt).",
    );
    expect(r.requests).toBe(1);
  });
});

describe("redirects and credentials", () => {
  it.each([302, 307, 308])(
    "a %s is reported as a refused redirect: not followed, not retried",
    async (status) => {
      const elsewhere = await receiver((res) => void res.writeHead(200).end());
      const r = await receiver(
        (res) => void res.writeHead(status, { location: `${elsewhere.url}?moved=1` }).end(),
      );
      const err = await createPoster({ maxAttempts: 4, sleep: async () => {} })
        .post(r.url, request)
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: "redirect", status, attempts: 1 });
      expect((err as Error).message).toContain(`HTTP ${status}: redirect refused`);
      expect((err as Error).message).not.toMatch(/BOUNDSSECRET|127\.0\.0\.1|moved/);
      expect(r.requests).toBe(1);
      expect(elsewhere.requests).toBe(0);
    },
  );

  it("a URL with user:pass@ is refused before any I/O, without echoing it", async () => {
    const r = await receiver((res) => void res.writeHead(200).end());
    const url = r.url.replace("http://", "http://hookuser:hookpass@");
    const err = await createPoster()
      .post(url, request)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "refused", attempts: 0 });
    expect((err as Error).message).toContain("user name or password");
    expect((err as Error).message).not.toMatch(/hookuser|hookpass|BOUNDSSECRET/);
    expect(r.requests).toBe(0);
  });

  it("keeps a Slack error code from the reply, and nothing else of it", async () => {
    const slack = await receiver((res) => void res.writeHead(400).end("invalid_blocks"));
    const echo = await receiver((res) => void res.writeHead(400).end(`bad request for ${SECRET_PATH}`));
    const poster = createPoster({ sleep: async () => {} });
    await expect(poster.post(slack.url, request)).rejects.toThrow(
      "The webhook answered HTTP 400 (invalid_blocks) (not retried: check the webhook and the payload) after 1 attempt.",
    );
    await expect(poster.post(echo.url, request)).rejects.toThrow(
      "The webhook answered HTTP 400 (not retried: check the webhook and the payload) after 1 attempt.",
    );
  });
});
