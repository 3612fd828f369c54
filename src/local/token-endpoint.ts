/**
 * A loopback stand-in for the managed-identity endpoint that App Service and Azure Functions give an app:
 * the host sets `IDENTITY_ENDPOINT` (a local http URL) and `IDENTITY_HEADER` (a secret), and
 * `ManagedIdentityCredential` / `DefaultAzureCredential` then ask
 *
 *   GET {IDENTITY_ENDPOINT}?api-version=2019-08-01&resource=<resource>[&client_id=<id>]
 *   x-identity-header: {IDENTITY_HEADER}
 *
 * and expect `{ access_token, expires_on (epoch seconds), resource, token_type }`.
 *
 * Tokens are recognisable: `mi-token-for-<resource>` (see `managedIdentityTokenFor`), so a stand-in that checks
 * the bearer token proves the credential path delivered it. For Table Storage (`https://storage.azure.com`) the
 * token is an unsigned JWT that Azurite accepts in `oauth: "basic"` mode (see azurite-oauth.ts).
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { listenLoopback, readBody, sendJson } from "./loopback-server.js";

export const STORAGE_RESOURCE = "https://storage.azure.com";
/** The tenant named in the storage JWT's issuer. */
export const LOCAL_TENANT_ID = "00000000-0000-0000-0000-000000000000";

export interface RecordedTokenRequest {
  method: string;
  path: string;
  apiVersion: string | null;
  resource: string | null;
  clientId: string | null;
  /** True when the `x-identity-header` matched. */
  identityHeaderOk: boolean;
  status: number;
}

/** A scripted failure for the next token request. */
export interface TokenFault {
  status: number;
  message: string;
}

export interface TokenEndpointOptions {
  /** Lifetime of issued tokens (default 3600 s). */
  expiresInSeconds?: number;
  /** The `IDENTITY_HEADER` secret (default: random). */
  identityHeader?: string;
}

export interface TokenEndpoint {
  /** The value for `IDENTITY_ENDPOINT`: `http://127.0.0.1:PORT/msi/token`. */
  identityEndpoint: string;
  /** The value for `IDENTITY_HEADER`. */
  identityHeader: string;
  /** Both variables, ready to merge into an environment. */
  env: { IDENTITY_ENDPOINT: string; IDENTITY_HEADER: string };
  requests: RecordedTokenRequest[];
  failNext(faults: TokenFault | TokenFault[]): void;
  close(): Promise<void>;
}

function normaliseResource(resource: string): string {
  return resource.replace(/\/\.default$/, "").replace(/\/+$/, "");
}

/**
 * The token this endpoint issues for a resource (`https://api.loganalytics.io`, a `/.default` scope, ...).
 * For storage it is a JWT and differs per call, so compare storage tokens by their claims instead.
 */
export function managedIdentityTokenFor(resource: string): string {
  return `mi-token-for-${normaliseResource(resource)}`;
}

const base64url = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString("base64url");

/** An unsigned JWT with the claims Azurite's basic OAuth check reads (iat, nbf, exp, iss, aud). */
export function storageJwt(expiresOnSeconds: number, audience = STORAGE_RESOURCE): string {
  const now = Math.floor(Date.now() / 1000);
  const claims = {
    aud: audience,
    iss: `https://sts.windows.net/${LOCAL_TENANT_ID}/`,
    iat: now - 60,
    nbf: now - 60,
    exp: expiresOnSeconds,
    oid: "11111111-1111-1111-1111-111111111111",
    tid: LOCAL_TENANT_ID,
    sub: "backup-pulse-local-identity",
  };
  return `${base64url({ alg: "none", typ: "JWT" })}.${base64url(claims)}.unsigned`;
}

export async function startTokenEndpoint(options: TokenEndpointOptions = {}): Promise<TokenEndpoint> {
  const identityHeader = options.identityHeader ?? randomBytes(16).toString("hex");
  const lifetime = options.expiresInSeconds ?? 3600;
  const requests: RecordedTokenRequest[] = [];
  const faults: TokenFault[] = [];

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    await readBody(req).catch(() => "");
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const resource = url.searchParams.get("resource");
    const record: RecordedTokenRequest = {
      method: req.method ?? "",
      path: url.pathname,
      apiVersion: url.searchParams.get("api-version"),
      resource,
      clientId: url.searchParams.get("client_id"),
      identityHeaderOk: req.headers["x-identity-header"] === identityHeader,
      status: 0,
    };
    const reply = (status: number, body: unknown): void => {
      record.status = status;
      requests.push(record);
      sendJson(res, status, body);
    };

    if (req.method !== "GET" || url.pathname !== "/msi/token") {
      reply(404, { statusCode: 404, message: `No route for ${req.method} ${url.pathname}` });
      return;
    }
    if (!record.identityHeaderOk) {
      reply(401, {
        statusCode: 401,
        message: "The x-identity-header is missing or does not match IDENTITY_HEADER.",
      });
      return;
    }
    if (record.apiVersion !== "2019-08-01") {
      reply(400, { statusCode: 400, message: "api-version 2019-08-01 is required." });
      return;
    }
    if (resource === null || resource.trim() === "") {
      reply(400, { statusCode: 400, message: "The resource parameter is required." });
      return;
    }
    const fault = faults.shift();
    if (fault !== undefined) {
      reply(fault.status, { statusCode: fault.status, message: fault.message });
      return;
    }
    const expiresOn = Math.floor(Date.now() / 1000) + lifetime;
    const isStorage = normaliseResource(resource).toLowerCase() === STORAGE_RESOURCE;
    reply(200, {
      access_token: isStorage
        ? storageJwt(expiresOn, normaliseResource(resource))
        : managedIdentityTokenFor(resource),
      expires_on: String(expiresOn),
      resource,
      token_type: "Bearer",
      ...(record.clientId === null ? {} : { client_id: record.clientId }),
    });
  };

  const server = await listenLoopback(handle, { tls: false });
  const identityEndpoint = `${server.origin}/msi/token`;
  return {
    identityEndpoint,
    identityHeader,
    env: { IDENTITY_ENDPOINT: identityEndpoint, IDENTITY_HEADER: identityHeader },
    requests,
    failNext(next) {
      faults.push(...(Array.isArray(next) ? next : [next]));
    },
    close: () => server.close(),
  };
}
