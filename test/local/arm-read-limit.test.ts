import { describe, expect, it } from "vitest";
import { ReadLimiter } from "../../src/local/arm-read-limit.js";

const SUB_A = "/subscriptions/aaaa/resourceGroups/rg/providers/x";
const SUB_B = "/subscriptions/bbbb/resourceGroups/rg/providers/x";

describe("the stand-in's ARM read limit", () => {
  it("holds `burst` reads per subscription, refills at `perSecond`, and says what is left", () => {
    let now = 0;
    const limiter = new ReadLimiter({ burst: 3, perSecond: 2 }, () => now);
    expect([1, 2, 3].map(() => limiter.take(SUB_A))).toEqual([
      { allowed: true, remaining: 2 },
      { allowed: true, remaining: 1 },
      { allowed: true, remaining: 0 },
    ]);
    expect(limiter.take(SUB_A)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take(SUB_B)).toEqual({ allowed: true, remaining: 2 }); // another subscription's bucket
    now = 500; // half a second: one read back
    expect(limiter.take(SUB_A)).toEqual({ allowed: true, remaining: 0 });
    expect(limiter.take(SUB_A)?.allowed).toBe(false);
    now = 60_000; // never more than the burst
    expect(limiter.take(SUB_A)).toEqual({ allowed: true, remaining: 2 });
    expect(limiter.throttled).toBe(2);
    expect(limiter.take("/providers/Microsoft.Insights")).toBeNull();
  });
});
