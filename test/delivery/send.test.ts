import { describe, expect, it } from "vitest";
import { verifySignature } from "../support/webhook-signature.js";
import { WebhookError, type Poster, type PostRequest } from "../../src/delivery/poster.js";
import { failureMessage, sendPayload } from "../../src/delivery/send.js";

const URL_A = "https://example.invalid/hooks/a?sig=SENDSECRETSIG";
const AT_MS = Date.parse("2026-11-25T06:00:00Z");

/** A poster that keeps what it was asked to post and answers 202. */
function recordingPoster(): Poster & { sent: { url: string; request: PostRequest }[] } {
  const sent: { url: string; request: PostRequest }[] = [];
  return {
    sent,
    post(url, request) {
      sent.push({ url: String(url), request });
      return Promise.resolve({ status: 202, attempts: 1 });
    },
  };
}

describe("sendPayload", () => {
  it("signs a generic payload with the target's secret at the given time, over the exact body", async () => {
    const poster = recordingPoster();
    const payload = { format: "generic", contentType: "application/json", body: '{"kind":"digest"}' };
    const res = await sendPayload(
      poster,
      { url: URL_A, format: "generic", secret: "hmac-key" },
      payload,
      AT_MS,
    );
    expect(res.status).toBe(202);
    const { url, request } = poster.sent[0]!;
    expect(url).toBe(URL_A);
    expect(request).toMatchObject({ body: payload.body, contentType: "application/json" });
    const h = request.headers ?? {};
    expect(h["X-Pulse-Timestamp"]).toBe(String(AT_MS / 1000));
    expect(
      verifySignature({
        rawBody: payload.body,
        secret: "hmac-key",
        timestamp: h["X-Pulse-Timestamp"],
        signature: h["X-Pulse-Signature"],
        nowSec: AT_MS / 1000,
      }),
    ).toBe(true);
  });

  it("sends Teams payloads, and generic ones without a secret, unsigned", async () => {
    const poster = recordingPoster();
    const teams = { format: "teams", contentType: "application/json", body: "{}" };
    await sendPayload(poster, { url: URL_A, format: "teams", secret: "hmac-key" }, teams, AT_MS);
    await sendPayload(poster, { url: URL_A, format: "generic" }, { ...teams, format: "generic" }, AT_MS);
    expect(poster.sent.map((s) => s.request.headers)).toEqual([undefined, undefined]);
  });
});

describe("failureMessage", () => {
  it("keeps the poster's own message and reduces anything else to its type, so no URL can leak", () => {
    const fromPoster = new WebhookError("status", "The webhook answered HTTP 503 after 1 attempt.", 503, 1);
    expect(failureMessage(fromPoster)).toBe("The webhook answered HTTP 503 after 1 attempt.");
    expect(failureMessage(new TypeError(`fetch failed for ${URL_A}`))).toBe("Posting failed (TypeError).");
    expect(failureMessage("boom")).toBe("Posting failed (unknown error).");
  });
});
