/**
 * In-process Azurite Table server over HTTPS with OAuth ("basic": any well-formed unsigned JWT for
 * `https://storage.azure.com` is accepted). It lets the token path of Table Storage (`PULSE_TABLES_URL` +
 * managed identity) run locally: a `TableClient` with a TokenCredential, fed by the token endpoint stand-in.
 * Shared-key access (the connection string) keeps working on the same server.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AZURITE_ACCOUNT, AZURITE_KEY, startAzuriteTableServer, type RunningTableServer } from "./azurite.js";
import { loopbackTls } from "./tls.js";

export interface LocalTablesWithOAuth {
  /** The value for `PULSE_TABLES_URL`: `https://127.0.0.1:PORT/devstoreaccount1`. */
  url: string;
  /** A shared-key connection string to the same server (https). */
  connectionString: string;
  port: number;
  /** What a client must trust (pass as `tlsOptions: { ca }`). */
  ca: string;
  close(): Promise<void>;
}

export async function startLocalTablesWithOAuth(): Promise<LocalTablesWithOAuth> {
  const { cert, key, ca } = loopbackTls();
  // Azurite reads the certificate and key from files when the server is created; they are removed at once after.
  const dir = mkdtempSync(join(tmpdir(), "backup-pulse-azurite-"));
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  let server: RunningTableServer;
  try {
    writeFileSync(certPath, cert);
    writeFileSync(keyPath, key, { mode: 0o600 });
    server = await startAzuriteTableServer({ certPath, keyPath });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const port = server.port;
  const url = `https://127.0.0.1:${port}/${AZURITE_ACCOUNT}`;
  return {
    url,
    connectionString:
      `DefaultEndpointsProtocol=https;AccountName=${AZURITE_ACCOUNT};AccountKey=${AZURITE_KEY};` +
      `TableEndpoint=${url};`,
    port,
    ca,
    close: () => server.close(),
  };
}
