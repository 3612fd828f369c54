import { getEventListeners } from "node:events";
import { describe, expect, it } from "vitest";
import { BudgetError } from "../../src/deadline.js";
import { ArmPacer, retryAfterMs } from "../../src/recovery/arm-pacer.js";

const SUB_A = "/subscriptions/00000000-0000-0000-0000-00000000000a/resourceGroups/rg/providers/x";
const SUB_B = "/subscriptions/00000000-0000-0000-0000-00000000000b/resourceGroups/rg/providers/x";

interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  latencyMs?: number;
}

/** Sends `count` requests to `url` through the pacer; `answer(i)` scripts each answer. */
function harness(pacer: ArmPacer) {
  let inFlight = 0;
  const peak = new Map<string, number>();
  const current = new Map<string, number>();
  const sentAt: { url: string; at: number }[] = [];
  const policy = pacer.policy();
  const send = (url: string, answer: FakeAnswer = {}, abortSignal?: AbortSignal) =>
    policy.sendRequest({ url, ...(abortSignal ? { abortSignal } : {}) }, async () => {
      inFlight++;
      current.set(url, (current.get(url) ?? 0) + 1);
      peak.set(url, Math.max(peak.get(url) ?? 0, current.get(url) ?? 0));
      sentAt.push({ url, at: Date.now() });
      await new Promise((r) => setTimeout(r, answer.latencyMs ?? 10));
      inFlight--;
      current.set(url, (current.get(url) ?? 0) - 1);
      const headers = new Map(Object.entries(answer.headers ?? {}));
      return { status: answer.status ?? 200, headers: { get: (n: string) => headers.get(n) } };
    });
  return { send, peak, sentAt, inFlight: () => inFlight };
}

describe("the ARM pacer", () => {
  it("keeps each subscription within 16 requests in flight, subscriptions apart", async () => {
    const pacer = new ArmPacer();
    const h = harness(pacer);
    await Promise.all([
      ...Array.from({ length: 40 }, () => h.send(SUB_A)),
      ...Array.from({ length: 40 }, () => h.send(SUB_B)),
    ]);
    expect(h.peak.get(SUB_A)).toBe(16);
    expect(h.peak.get(SUB_B)).toBe(16);
    expect(pacer.stats.requests).toBe(80);
    expect(pacer.stats.maxInFlight).toBe(32);
  });

  it("sends fewer at once when the remaining reads run low", async () => {
    const pacer = new ArmPacer();
    const h = harness(pacer);
    // The first answer says 12 reads are left: a quarter of that (3) may then be in flight.
    await h.send(SUB_A, { headers: { "x-ms-ratelimit-remaining-subscription-reads": "12" } });
    await Promise.all(
      Array.from({ length: 12 }, () =>
        h.send(SUB_A, { headers: { "x-ms-ratelimit-remaining-subscription-reads": "12" } }),
      ),
    );
    expect(h.peak.get(SUB_A)).toBe(3);
  });

  it("sends nothing to a throttled subscription until Retry-After has passed, and keeps the others going", async () => {
    const pacer = new ArmPacer();
    const h = harness(pacer);
    const throttledAt = Date.now();
    await h.send(SUB_A, { status: 429, headers: { "retry-after": "1" } });
    await Promise.all([h.send(SUB_A), h.send(SUB_A), h.send(SUB_B)]);
    const a = h.sentAt.filter((s) => s.url === SUB_A).slice(1);
    const b = h.sentAt.filter((s) => s.url === SUB_B);
    expect(a).toHaveLength(2);
    for (const s of a) expect(s.at - throttledAt).toBeGreaterThanOrEqual(950);
    expect((b[0]?.at ?? Infinity) - throttledAt).toBeLessThan(500);
    expect(pacer.stats.throttled).toBe(1);
  });

  it("does not send a waiting request once the run's budget is spent", async () => {
    const run = new AbortController();
    const pacer = new ArmPacer({ maxInFlight: 1, abortSignal: run.signal });
    const h = harness(pacer);
    const first = h.send(SUB_A, { latencyMs: 50 });
    const second = h.send(SUB_A);
    run.abort();
    await expect(second).rejects.toBeInstanceOf(BudgetError);
    await first;
    await expect(h.send(SUB_A)).rejects.toBeInstanceOf(BudgetError);
    expect(h.sentAt).toHaveLength(1);
  });

  it("adds no listener to the run's signal per waiting request, and still stops them all when it aborts", async () => {
    const run = new AbortController();
    const pacer = new ArmPacer({ maxInFlight: 1, abortSignal: run.signal });
    const h = harness(pacer);
    const warnings: string[] = [];
    const onWarning = (w: Error): void => void warnings.push(w.name);
    process.on("warning", onWarning);
    try {
      const first = h.send(SUB_A, { latencyMs: 50 });
      // Each waiting request also passes the run's signal as its own, as the SDK calls of a run do.
      const waiting = Array.from({ length: 30 }, () => h.send(SUB_A, {}, run.signal));
      expect(getEventListeners(run.signal, "abort").length).toBeLessThanOrEqual(1);
      run.abort();
      for (const w of waiting) await expect(w).rejects.toBeInstanceOf(BudgetError);
      await first;
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off("warning", onWarning);
    }
    expect(warnings).not.toContain("MaxListenersExceededWarning");
    expect(h.sentAt).toHaveLength(1);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-24T10:00:00Z");
    expect(retryAfterMs("3", now)).toBe(3000);
    expect(retryAfterMs("Tue, 24 Nov 2026 10:00:05 GMT", now)).toBe(5000);
    expect(retryAfterMs("soon", now)).toBeNull();
    expect(retryAfterMs(undefined, now)).toBeNull();
  });
});
