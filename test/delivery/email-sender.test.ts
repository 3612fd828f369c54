/**
 * The e-mail sender with the real `@azure/communication-email` client against the local Communication
 * Services stand-in, signed in with the managed identity through the loopback token endpoint: the send is
 * followed to its end, a failed operation is a failed delivery with the service's code, and a message is
 * never sent twice, also when a run stopped following it.
 */
import { ManagedIdentityCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createEmailSender, emailTargetUrl, operationIdFor } from "../../src/delivery/email-sender.js";
import { startEmailEndpoint, type EmailEndpoint } from "../../src/local/email-endpoint.js";
import { managedIdentityTokenFor } from "../../src/local/token-endpoint.js";
import { loopbackTls } from "../../src/local/tls.js";
import { sharedLocalAzure, withEnv } from "../support/local-azure.js";

const SCOPE = "https://communication.azure.com//.default";
const FROM = "DoNotReply@pulse.example.com";
const TO = ["ops@contoso.com", "backup-team@contoso.com"];
const url = emailTargetUrl(TO);

function body(key = "digest|2026-11-29"): string {
  return JSON.stringify({
    key,
    subject: "[FAILING] Backup pulse 2026-11-29: 3 VMs failing",
    html: "<p>html</p>",
    plainText: "text",
  });
}

let acs: EmailEndpoint;
beforeAll(async () => {
  acs = await startEmailEndpoint({ expectedToken: managedIdentityTokenFor(SCOPE) });
});
afterAll(() => acs.close());

async function send(key: string, opts: { totalTimeoutInMs?: number; maxTries?: number } = {}) {
  return withEnv({ ...sharedLocalAzure().identityEnv, AZURE_TOKEN_CREDENTIALS: undefined }, () => {
    const sender = createEmailSender({
      credential: new ManagedIdentityCredential(),
      settings: { from: FROM, endpoint: acs.endpoint },
      tlsCa: loopbackTls().ca,
      pollIntervalInMs: 20,
      sleep: () => Promise.resolve(),
      ...opts,
    });
    return sender.post(url, { body: body(key), contentType: "application/json" });
  });
}

/** The key whose operation-id series holds `id`. */
const keyOf = (id: string): string | null => {
  for (const key of ["k1", "k2", "k3", "k4", "k5", "k6"]) {
    for (let n = 0; n < 10; n++) if (operationIdFor(key, url, n) === id) return key;
  }
  return null;
};
const sentFor = (key: string) => acs.sent.filter((m) => keyOf(m.operationId) === key);

describe("e-mail through Communication Services with the managed identity", () => {
  it("sends one message to every recipient, with the managed identity's token, and follows it to Succeeded", async () => {
    const result = await send("k1");
    expect(result.status).toBe(202);
    const sent = sentFor("k1");
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      senderAddress: FROM,
      to: TO,
      subject: "[FAILING] Backup pulse 2026-11-29: 3 VMs failing",
      html: "<p>html</p>",
      plainText: "text",
    });
    const mine = acs.requests.filter(
      (r) => r.operationIdHeader === sent[0]?.operationId || r.path.endsWith(sent[0]?.operationId ?? "-"),
    );
    // Status read first (nothing yet), the send, then status reads until the operation ended.
    expect(mine.map((r) => `${r.method} ${r.status}`)).toEqual(["GET 404", "POST 202", "GET 200", "GET 200"]);
    expect(mine.every((r) => r.authorization === `Bearer ${managedIdentityTokenFor(SCOPE)}`)).toBe(true);
    expect(mine.every((r) => r.apiVersion === "2025-09-01")).toBe(true);
  });

  it("reports a Failed operation with the service's code and message", async () => {
    acs.nextOutcomes.push({
      failed: { code: "EmailDropped", message: "Email was dropped after several attempts to deliver." },
    });
    await expect(send("k2")).rejects.toMatchObject({
      name: "EmailError",
      kind: "failed",
      message: expect.stringMatching(
        /EmailDropped\W+Email was dropped after several attempts to deliver/,
      ) as unknown,
    });
    expect(sentFor("k2")).toHaveLength(1);
  });

  it("after a failed operation, the next try sends again, once, under the next id", async () => {
    const result = await send("k2");
    expect(result.status).toBe(202);
    const sent = sentFor("k2");
    expect(sent.map((m) => m.operationId)).toEqual([
      operationIdFor("k2", url, 0),
      operationIdFor("k2", url, 1),
    ]);
    // A third call finds the delivered message and sends nothing.
    expect((await send("k2")).status).toBe(200);
    expect(sentFor("k2")).toHaveLength(2);
  });

  it("a run whose polling broke off does not send again: the next one follows the accepted message", async () => {
    // The send is accepted, then every status read fails: this call reports failure.
    acs.pollFaults.push(
      { status: 503, code: "ServiceUnavailable", message: "down" },
      { status: 503, code: "ServiceUnavailable", message: "down" },
      { status: 503, code: "ServiceUnavailable", message: "down" },
    );
    await expect(send("k3", { maxTries: 2 })).rejects.toMatchObject({
      name: "EmailError",
      kind: "unavailable",
    });
    expect(sentFor("k3")).toHaveLength(1);
    acs.pollFaults.length = 0;
    // The next run finds the accepted message, follows it to its end and sends nothing more.
    expect((await send("k3")).status).toBe(200);
    expect(sentFor("k3")).toHaveLength(1);
  });

  it("a send whose answer was lost is not repeated when the service had accepted it", async () => {
    // The service accepts the message, then the connection drops before the answer: the sender reads the
    // status before any second send, finds the message and follows it.
    acs.sendFaults.push("reset-after-accept");
    expect((await send("k4")).status).toBe(202);
    expect(sentFor("k4")).toHaveLength(1);
  });

  it("a send lost before the service took it is sent again, once", async () => {
    acs.sendFaults.push("reset");
    expect((await send("k6")).status).toBe(202);
    expect(sentFor("k6")).toHaveLength(1);
    const posts = acs.requests.filter(
      (r) => r.method === "POST" && keyOf(r.operationIdHeader ?? "") === "k6",
    );
    expect(posts).toHaveLength(2);
  });

  it("refuses a target that is not mailto:, and a token the service does not accept, without retrying", async () => {
    const sender = createEmailSender({
      credential: {
        getToken: () => Promise.resolve({ token: "wrong", expiresOnTimestamp: Date.now() + 3_600_000 }),
      },
      settings: { from: FROM, endpoint: acs.endpoint },
      tlsCa: loopbackTls().ca,
      pollIntervalInMs: 20,
    });
    await expect(
      sender.post("https://example.com/hook", { body: body("k5"), contentType: "application/json" }),
    ).rejects.toMatchObject({
      kind: "refused",
    });
    const before = acs.requests.length;
    await expect(
      sender.post(url, { body: body("k5"), contentType: "application/json" }),
    ).rejects.toMatchObject({
      name: "EmailError",
      kind: "refused",
      message: expect.stringContaining("HTTP 401") as unknown,
    });
    expect(acs.requests.length - before).toBe(1);
    expect(sentFor("k5")).toHaveLength(0);
  });
});
