/**
 * What the local stand-ins for Azure have in common: a server bound to 127.0.0.1 on a random port (HTTPS
 * with the loopback certificate, or plain HTTP), JSON replies, bounded request bodies, a gauge of requests
 * in flight, and a close() that also ends kept-alive connections so a test run never hangs on exit.
 */
import { createServer as createHttpServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createServer as createHttpsServer } from "node:https";
import type { AddressInfo } from "node:net";
import { loopbackTls } from "./tls.js";

export type RequestHandler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

export interface LoopbackServer {
  /** e.g. `https://127.0.0.1:49152` (no trailing slash). */
  origin: string;
  port: number;
  close(): Promise<void>;
}

export interface ListenOptions {
  /** Serve HTTPS with the loopback certificate (default true). */
  tls?: boolean;
}

export async function listenLoopback(
  handler: RequestHandler,
  options: ListenOptions = {},
): Promise<LoopbackServer> {
  const useTls = options.tls ?? true;
  const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
    handler(req, res).catch((error: unknown) => {
      // A stand-in bug must show up as a 500 the test can see, not as a hung request.
      if (!res.headersSent) {
        sendJson(res, 500, {
          error: { code: "StandInError", message: error instanceof Error ? error.message : String(error) },
        });
      } else {
        res.destroy();
      }
    });
  };
  const { cert, key } = loopbackTls();
  const server = useTls ? createHttpsServer({ cert, key }, onRequest) : createHttpServer(onRequest);
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  return {
    origin: `${useTls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

export class BodyTooLargeError extends Error {}

/** Reads the request body as UTF-8 text, refusing more than `limitBytes`. */
export async function readBody(req: IncomingMessage, limitBytes = 16 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk));
    size += buffer.length;
    if (size > limitBytes) throw new BodyTooLargeError(`request body is larger than ${limitBytes} bytes`);
    chunks.push(buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = body === undefined ? "" : JSON.stringify(body);
  res.writeHead(status, {
    ...(text === "" ? {} : { "content-type": "application/json; charset=utf-8" }),
    "content-length": String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

/** Counts requests in flight and keeps the highest count seen. */
export class InFlightGauge {
  current = 0;
  max = 0;
  enter(): void {
    this.current += 1;
    if (this.current > this.max) this.max = this.current;
  }
  leave(): void {
    this.current -= 1;
  }
}

export function delay(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}

/** The bearer token of a request, or null when there is none. */
export function bearerToken(req: IncomingMessage): string | null {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(req.headers.authorization ?? "");
  return match?.[1] ?? null;
}

/**
 * Faults a test queued for the next requests: for one target (a workspace, an item) or for any request.
 * Each fault answers one request; a target's own faults come before those for any request.
 */
export class FaultQueue<Fault> {
  private readonly any: Fault[] = [];
  private readonly byTarget = new Map<string, Fault[]>();

  /** Queues `faults` for `target`, or for any request when there is no target. */
  add(faults: Fault | Fault[], target?: string): void {
    const list = Array.isArray(faults) ? faults : [faults];
    if (target === undefined) {
      this.any.push(...list);
      return;
    }
    this.byTarget.set(target, [...(this.byTarget.get(target) ?? []), ...list]);
  }

  /** The next fault for a request to `target` (null: a request without one), if any. */
  take(target: string | null): Fault | undefined {
    return (target === null ? undefined : this.byTarget.get(target)?.shift()) ?? this.any.shift();
  }

  /** The next fault queued for any request, if any. */
  takeAny(): Fault | undefined {
    return this.any.shift();
  }

  clear(): void {
    this.any.length = 0;
    this.byTarget.clear();
  }
}
