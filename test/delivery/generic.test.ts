import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import {
  GENERIC_MAX_BYTES,
  genericAlerts,
  genericDigest,
  signatureHeaders,
} from "../../src/delivery/generic.js";
import { verifySignature } from "../support/webhook-signature.js";
import { createPoster } from "../../src/delivery/poster.js";
import { renderDigest } from "../../src/delivery/render.js";
import { DAY, largeDigest, smallDigest } from "./sample.js";

type Verify = (raw: string, headers: IncomingHttpHeaders, secret: string, toleranceSec?: number) => boolean;

/** The verification recipe exactly as docs/webhooks.md gives it, loaded as an ES module. */
async function documentedVerifier(): Promise<Verify> {
  const doc = readFileSync("docs/webhooks.md", "utf8");
  const block = [...doc.matchAll(/```js\n([\s\S]*?)```/g)]
    .map((m) => m[1] ?? "")
    .find((b) => b.includes("function verifyPulseSignature"));
  if (!block) throw new Error("docs/webhooks.md has no verifyPulseSignature snippet");
  const dir = mkdtempSync(join(tmpdir(), "pulse-doc-"));
  const file = join(dir, "verify.mjs");
  writeFileSync(file, block);
  try {
    const mod = (await import(pathToFileURL(file).href)) as { verifyPulseSignature: Verify };
    return mod.verifyPulseSignature;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe("generic JSON payload", () => {
  it("carries the whole digest model with a schema version and kind", () => {
    const d = smallDigest();
    const p = genericDigest(d);
    const json = JSON.parse(p.body);
    expect(json).toMatchObject({ schemaVersion: "1.0", kind: "digest", date: DAY });
    const { schemaVersion: _v, kind: _k, omitted, ...rest } = json;
    expect(rest).toEqual(JSON.parse(JSON.stringify(d)));
    expect(Object.values(omitted).every((n) => n === 0)).toBe(true);
    expect(renderDigest("generic", d).body).toBe(p.body);
  });

  it("keeps a large estate under the size cap and says what it left out", () => {
    const d = largeDigest();
    const p = genericDigest(d);
    expect(Buffer.byteLength(p.body)).toBeLessThanOrEqual(GENERIC_MAX_BYTES);
    const json = JSON.parse(p.body);
    expect(json.headline).toEqual(JSON.parse(JSON.stringify(d.headline)));
    expect(json.series).toHaveLength(30);
    expect(json.omitted.vms + json.vms.length).toBe(20_000);
    expect(json.omitted.newFailures + json.changes.newFailures.length).toBe(2_000);
    expect(json.omitted.topCodes + json.topCodes.length).toBe(d.topCodes.length);
  });

  it("keeps the problems first when per-VM rows are capped", () => {
    const d = largeDigest();
    const json = JSON.parse(genericDigest(d).body);
    expect(json.omitted.vms).toBeGreaterThan(0);
    expect(json.omitted.vms).toBeLessThan(20_000);
    expect(json.vms[0].status).toBe("Failed");
  });

  it("renders alerts as kind alert", () => {
    const json = JSON.parse(
      genericAlerts(
        [
          {
            rule: "vss",
            vm: "vm-sql-01",
            vault: "rsv-data",
            jobId: "j1",
            at: `${DAY}T01:00:00.000Z`,
            title: "VSS writer failed",
            detail: "…",
            errorCode: "ExtensionFailedVssWriterInBadState",
            action: "Restart the VSS service.",
            docUrl: null,
          },
        ],
        { generatedAt: "2026-11-25T00:00:00.000Z" },
      ).body,
    );
    expect(json).toMatchObject({ schemaVersion: "1.0", kind: "alert", count: 1, omitted: 0 });
    expect(json.alerts[0].vm).toBe("vm-sql-01");
  });
});

describe("HMAC signature", () => {
  it("matches the documented recipe, and a changed body or old timestamp fails", async () => {
    const verify = await documentedVerifier();
    const body = genericDigest(smallDigest()).body;
    const now = Math.floor(Date.now() / 1000);
    const h = signatureHeaders(body, "s3cret", now);
    const headers = {
      "x-pulse-timestamp": h["X-Pulse-Timestamp"],
      "x-pulse-signature": h["X-Pulse-Signature"],
    };
    expect(headers["x-pulse-signature"]).toMatch(/^sha256=[0-9a-f]{64}$/);
    expect(verify(body, headers, "s3cret")).toBe(true);
    expect(verify(`${body} `, headers, "s3cret")).toBe(false);
    expect(verify(body, headers, "other")).toBe(false);
    const old = signatureHeaders(body, "s3cret", now - 3600);
    expect(
      verify(
        body,
        { "x-pulse-timestamp": old["X-Pulse-Timestamp"], "x-pulse-signature": old["X-Pulse-Signature"] },
        "s3cret",
      ),
    ).toBe(false);
    expect(
      verifySignature({
        rawBody: body,
        secret: "s3cret",
        timestamp: headers["x-pulse-timestamp"],
        signature: headers["x-pulse-signature"],
      }),
    ).toBe(true);
  });

  it("a loopback receiver using only the documented recipe accepts what the poster sends", async () => {
    const verify = await documentedVerifier();
    const verdicts: boolean[] = [];
    const server = createServer((req, res) => {
      let raw = "";
      req.setEncoding("utf8");
      req.on("data", (c: string) => (raw += c));
      req.on("end", () => {
        const ok = verify(raw, req.headers, "s3cret");
        verdicts.push(ok);
        res.writeHead(ok ? 204 : 401).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
      const body = genericDigest(largeDigest()).body; // non-ASCII marks and a large body
      const poster = createPoster({ maxAttempts: 1 });
      const res = await poster.post(url, {
        body,
        contentType: "application/json",
        headers: signatureHeaders(body, "s3cret", Math.floor(Date.now() / 1000)),
      });
      expect(res.status).toBe(204);
      await expect(
        poster.post(url, {
          body,
          contentType: "application/json",
          headers: signatureHeaders(body, "wrong", Math.floor(Date.now() / 1000)),
        }),
      ).rejects.toThrow(/HTTP 401/);
      expect(verdicts).toEqual([true, false]);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
