/** What the daily run and the alerts share about the end of a run. */
import { describe, expect, it } from "vitest";
import type { DeliveryReport } from "../../src/pipeline/deliver.js";
import { runSucceeded, webhookTarget } from "../../src/pipeline/outcome.js";

const report = (failed: number): DeliveryReport => ({
  posted: [],
  alreadyPosted: [],
  inFlight: [],
  failed: Array.from({ length: failed }, (_, i) => ({
    kind: "digest" as const,
    key: `2026-11-2${i}`,
    attempts: 1,
    error: "HTTP 500",
    state: "pending" as const,
  })),
  waiting: [],
});

describe("runSucceeded", () => {
  it("only a complete read whose message was delivered (or not due) succeeds", () => {
    expect(runSucceeded({ complete: true, delivery: null })).toBe(true);
    expect(runSucceeded({ complete: true, delivery: report(0) })).toBe(true);
    expect(runSucceeded({ complete: true, delivery: report(1) })).toBe(false);
    expect(runSucceeded({ complete: false, delivery: report(0) })).toBe(false);
  });
});

describe("webhookTarget", () => {
  it("is the configured webhook, or null without PULSE_WEBHOOK_URL", () => {
    expect(webhookTarget({ webhookUrl: null, webhookFormat: "slack", webhookSecret: null })).toBeNull();
    const url = new URL("https://hooks.example/x");
    expect(webhookTarget({ webhookUrl: url, webhookFormat: "generic", webhookSecret: "k" })).toEqual({
      url,
      format: "generic",
      secret: "k",
    });
  });
});
