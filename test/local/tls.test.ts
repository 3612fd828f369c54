import { readFileSync } from "node:fs";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import { loopbackTls } from "../../src/local/tls.js";

describe("loopbackTls", () => {
  const { cert, key, ca } = loopbackTls();

  it("embeds the same certificate and key as the PEM fixtures next to it", () => {
    expect(cert).toBe(readFileSync(new URL("../../src/local/tls/cert.pem", import.meta.url), "utf8"));
    expect(key).toBe(readFileSync(new URL("../../src/local/tls/key.pem", import.meta.url), "utf8"));
    expect(ca).toBe(cert);
  });

  it("is valid for localhost and 127.0.0.1 only, for years to come, and matches its key", () => {
    const x509 = new X509Certificate(cert);
    expect(x509.subject).toBe("CN=localhost");
    expect(x509.subjectAltName).toBe("DNS:localhost, IP Address:127.0.0.1");
    expect(x509.checkHost("localhost")).toBe("localhost");
    expect(x509.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(x509.checkHost("example.com")).toBeUndefined();
    expect(Date.parse(x509.validTo)).toBeGreaterThan(Date.now() + 5 * 365 * 24 * 3600 * 1000);
    expect(x509.checkPrivateKey(createPrivateKey(key))).toBe(true);
  });
});
