import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createPoster, retryAfterMs, WebhookError } from "../../src/delivery/poster.js";

/** A webhook path shaped like a Teams Workflows URL, with a signature token that must never leak. */
const SECRET_PATH = "/workflows/0f1e2d/triggers/manual/paths/invoke?api-version=1&sig=TOPSECRETSIG";

interface Receiver {
  url: string;
  requests: { method: string; url: string; headers: IncomingMessage["headers"]; body: string }[];
  close(): Promise<void>;
}

const open: Receiver[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((r) => r.close()));
});

/** A real loopback HTTP server; `answer` decides each response from the request number (0-based). */
async function receiver(answer: (n: number, res: ServerResponse) => void): Promise<Receiver> {
  const requests: Receiver["requests"] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (c: string) => (body += c));
    req.on("end", () => {
      requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, body });
      answer(requests.length - 1, res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const r: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}${SECRET_PATH}`,
    requests,
    close: () =>
      new Promise((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  open.push(r);
  return r;
}

const teams = (_n: number, res: ServerResponse): void => void res.writeHead(202).end();
const request = { body: '{"type":"message","attachments":[]}', contentType: "application/json" };

function noLeak(text: string, url: string): void {
  expect(text).not.toContain("TOPSECRETSIG");
  expect(text).not.toContain("/workflows/");
  expect(text).not.toContain(url);
}

describe("poster", () => {
  it("treats Teams' 202 with an empty body as success, after one request", async () => {
    const r = await receiver(teams);
    const result = await createPoster().post(r.url, request);
    expect(result).toEqual({ status: 202, attempts: 1 });
    expect(r.requests).toHaveLength(1);
    expect(r.requests[0]).toMatchObject({ method: "POST", body: request.body });
    expect(r.requests[0]?.headers["content-type"]).toBe("application/json");
  });

  it("honours Slack's 429 Retry-After, then succeeds on 200 ok", async () => {
    const r = await receiver((n, res) => {
      if (n === 0) res.writeHead(429, { "retry-after": "2" }).end("rate_limited");
      else res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
    const sleep = vi.fn(async () => {});
    const result = await createPoster({ sleep }).post(r.url, request);
    expect(result).toEqual({ status: 200, attempts: 2 });
    expect(sleep).toHaveBeenCalledExactlyOnceWith(2_000);
  });

  it("backs off exponentially with jitter when 429 or 5xx come without Retry-After", async () => {
    const r = await receiver((n, res) => void res.writeHead(n < 2 ? (n === 0 ? 429 : 503) : 200).end());
    const sleep = vi.fn(async () => {});
    const result = await createPoster({ sleep, random: () => 0.5, retryDelayInMs: 1_000 }).post(
      r.url,
      request,
    );
    expect(result.attempts).toBe(3);
    expect(sleep.mock.calls).toEqual([[500], [1_000]]);
  });

  it("gives up after a bounded number of attempts, naming the webhook and the status only", async () => {
    const r = await receiver((_n, res) => void res.writeHead(500).end(`echo ${SECRET_PATH}`));
    const reasons: string[] = [];
    const poster = createPoster({
      sleep: async () => {},
      maxAttempts: 3,
      onRetry: (i) => reasons.push(i.reason),
    });
    const err = await poster.post(r.url, request).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(WebhookError);
    expect(err).toMatchObject({ kind: "status", status: 500, attempts: 3 });
    expect((err as Error).message).toMatch(/the webhook answered HTTP 500 after 3 attempts/i);
    expect(r.requests).toHaveLength(3);
    noLeak(`${(err as Error).message} ${(err as Error).stack ?? ""} ${reasons.join(" ")}`, r.url);
  });

  it("does not retry other 4xx answers", async () => {
    const r = await receiver((_n, res) => void res.writeHead(400).end("invalid_blocks"));
    const err = await createPoster({ sleep: async () => {} })
      .post(r.url, request)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "status", status: 400, attempts: 1 });
    expect(r.requests).toHaveLength(1);
  });

  it("times out a webhook that never answers, and retries it", async () => {
    const r = await receiver(() => {
      /* never answers */
    });
    const err = await createPoster({ timeoutInMs: 150, maxAttempts: 2, sleep: async () => {} })
      .post(r.url, request)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "timeout", attempts: 2 });
    expect(r.requests).toHaveLength(2);
    noLeak((err as Error).message, r.url);
  });

  it("reports an unreachable webhook without its address", async () => {
    const r = await receiver(teams);
    await r.close();
    open.splice(0);
    const err = await createPoster({ maxAttempts: 2, sleep: async () => {} })
      .post(r.url, request)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: "network", attempts: 2 });
    expect((err as Error).message).toContain("ECONNREFUSED");
    noLeak((err as Error).message, r.url);
    expect((err as Error).message).not.toContain("127.0.0.1");
  });

  it("refuses http to a non-loopback host before any I/O", async () => {
    const fetchSpy = vi.spyOn(globalThis, "fetch");
    try {
      const url = "http://hooks.example.com/services/T000/B000/TOPSECRETSIG";
      const err = await createPoster()
        .post(url, request)
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ kind: "refused", attempts: 0 });
      expect((err as Error).message).toMatch(/https/);
      expect((err as Error).message).not.toContain("TOPSECRETSIG");
      expect((err as Error).message).not.toContain("example.com");
      await expect(createPoster().post("ftp://127.0.0.1/x", request)).rejects.toMatchObject({
        kind: "refused",
      });
      await expect(createPoster().post("not a url TOPSECRETSIG", request)).rejects.not.toThrow(
        /TOPSECRETSIG/,
      );
      expect(fetchSpy).not.toHaveBeenCalled();
    } finally {
      fetchSpy.mockRestore();
    }
  });

  it("accepts http to localhost and [::1]-style loopback names", async () => {
    const r = await receiver(teams);
    const url = r.url.replace("127.0.0.1", "localhost");
    expect((await createPoster().post(url, request)).status).toBe(202);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(retryAfterMs("3")).toBe(3_000);
    expect(retryAfterMs(new Date(10_000 + 5_000).toUTCString(), 10_000)).toBe(5_000);
    expect(retryAfterMs("soon")).toBeNull();
    expect(retryAfterMs(null)).toBeNull();
  });
});
