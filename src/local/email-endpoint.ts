/**
 * A local HTTPS stand-in for the Azure Communication Services e-mail REST API, as
 * `@azure/communication-email` (api-version 2025-09-01) calls it. Shapes from the REST specification's
 * examples (specification/communication/data-plane/Email/stable/2025-09-01):
 *
 *   POST /emails:send?api-version=…   body EmailMessage { senderAddress, content { subject, plainText, html },
 *                                      recipients { to: [{ address }] }, attachments? }, optional Operation-Id header
 *     → 202 { id, status: "Running" }, header Operation-Location: {origin}/emails/operations/{id}?api-version=…
 *   GET /emails/operations/{id}?api-version=…
 *     → 200 { id, status: "Running" } until the operation ends, then { id, status: "Succeeded" } or
 *       { id, status: "Failed", error: { code, message } }
 *
 * Errors are `{ error: { code, message } }` (the data-plane ErrorResponse). A bearer token is required; with
 * `expectedToken` set, any other token is refused with 401. An operation id it has never seen is 404. Every
 * request and every accepted message is recorded, so a test can count what was sent.
 */
import { randomUUID } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { bearerToken, listenLoopback, readBody, sendJson } from "./loopback-server.js";

export const EMAIL_API_VERSION = "2025-09-01";

/** How a scripted operation ends. */
export type EmailOutcome = "Succeeded" | { failed: { code: string; message: string } } | "Canceled";

/** A scripted answer for the next request of a kind, instead of the normal one. */
export type EmailFault =
  | { status: number; code: string; message: string; retryAfterSeconds?: number }
  | "reset"
  /** The message is accepted, then the connection drops before the answer. */
  | "reset-after-accept";

export interface RecordedEmailRequest {
  method: string;
  path: string;
  apiVersion: string | null;
  authorization: string | null;
  /** The Operation-Id header of a send. */
  operationIdHeader: string | null;
  status: number;
}

export interface AcceptedEmail {
  operationId: string;
  senderAddress: string;
  to: string[];
  subject: string;
  html: string | null;
  plainText: string | null;
  attachments: { name: string; contentType: string; contentId?: string }[];
}

interface Operation {
  id: string;
  polls: number;
  outcome: EmailOutcome;
}

export interface EmailEndpointOptions {
  /** Only this bearer token is accepted (the managed identity's). Default: any bearer token. */
  expectedToken?: string;
  /** Polls answered `Running` before an operation ends. Default 1. */
  runningPolls?: number;
}

export interface EmailEndpoint {
  /** The value for PULSE_EMAIL_ENDPOINT, e.g. `https://127.0.0.1:49152`. */
  endpoint: string;
  requests: RecordedEmailRequest[];
  /** Messages accepted for sending (202), in order. */
  sent: AcceptedEmail[];
  /** How the next accepted sends end (one entry each); after that they succeed. */
  nextOutcomes: EmailOutcome[];
  /** Faults for the next sends (POST) and the next status reads of an accepted operation, one request each. */
  sendFaults: EmailFault[];
  pollFaults: EmailFault[];
  /** Ends an accepted operation now as `outcome` (e.g. a message dropped after the run stopped polling). */
  settle(operationId: string, outcome: EmailOutcome): void;
  close(): Promise<void>;
}

const OPERATION_PATH = /^\/emails\/operations\/([^/]+)$/;

function error(res: ServerResponse, status: number, code: string, message: string, headers = {}): number {
  sendJson(res, status, { error: { code, message } }, { "x-ms-error-code": code, ...headers });
  return status;
}

function fault(res: ServerResponse, f: EmailFault): number {
  if (f === "reset" || f === "reset-after-accept") {
    res.socket?.destroy();
    return 0;
  }
  const headers: Record<string, string> =
    f.retryAfterSeconds !== undefined ? { "retry-after": String(f.retryAfterSeconds) } : {};
  return error(res, f.status, f.code, f.message, headers);
}

/** The message's fields a test checks; null when a required field is missing. */
function acceptedEmail(body: unknown, operationId: string): AcceptedEmail | null {
  const m = body as {
    senderAddress?: unknown;
    content?: { subject?: unknown; html?: unknown; plainText?: unknown };
    recipients?: { to?: { address?: unknown }[] };
    attachments?: { name?: unknown; contentType?: unknown; contentId?: unknown }[];
  } | null;
  const to = m?.recipients?.to;
  if (
    typeof m?.senderAddress !== "string" ||
    typeof m.content?.subject !== "string" ||
    !Array.isArray(to) ||
    to.length === 0 ||
    !to.every((r) => typeof r.address === "string")
  ) {
    return null;
  }
  return {
    operationId,
    senderAddress: m.senderAddress,
    to: to.map((r) => String(r.address)),
    subject: m.content.subject,
    html: typeof m.content.html === "string" ? m.content.html : null,
    plainText: typeof m.content.plainText === "string" ? m.content.plainText : null,
    attachments: (m.attachments ?? []).map((a) => ({
      name: String(a.name),
      contentType: String(a.contentType),
      ...(typeof a.contentId === "string" ? { contentId: a.contentId } : {}),
    })),
  };
}

export async function startEmailEndpoint(options: EmailEndpointOptions = {}): Promise<EmailEndpoint> {
  const operations = new Map<string, Operation>();
  const requests: RecordedEmailRequest[] = [];
  const sent: AcceptedEmail[] = [];
  const nextOutcomes: EmailOutcome[] = [];
  const sendFaults: EmailFault[] = [];
  const pollFaults: EmailFault[] = [];
  const runningPolls = options.runningPolls ?? 1;
  let origin = "";

  const statusBody = (op: Operation): Record<string, unknown> => {
    if (op.polls < runningPolls) return { id: op.id, status: "Running" };
    if (op.outcome === "Succeeded") return { id: op.id, status: "Succeeded" };
    if (op.outcome === "Canceled") return { id: op.id, status: "Canceled" };
    return { id: op.id, status: "Failed", error: op.outcome.failed };
  };

  const answer = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<number> => {
    const token = bearerToken(req);
    if (token === null) return error(res, 401, "Unauthorized", "A bearer token is required.");
    if (options.expectedToken !== undefined && token !== options.expectedToken) {
      return error(res, 401, "Unauthorized", "The token is not valid for this resource.");
    }
    if (url.searchParams.get("api-version") === null) {
      return error(res, 400, "MissingApiVersionParameter", "The api-version query parameter is required.");
    }
    if (req.method === "POST" && url.pathname === "/emails:send") {
      const body = await readBody(req);
      const f = sendFaults.shift();
      if (f !== undefined && f !== "reset-after-accept") return fault(res, f);
      let parsed: unknown;
      try {
        parsed = JSON.parse(body);
      } catch {
        return error(res, 400, "BadRequest", "The request body is not JSON.");
      }
      const header = req.headers["operation-id"];
      const id = typeof header === "string" && header !== "" ? header : randomUUID();
      const email = acceptedEmail(parsed, id);
      if (!email)
        return error(
          res,
          400,
          "BadRequest",
          "senderAddress, content.subject and recipients.to are required.",
        );
      sent.push(email);
      operations.set(id, { id, polls: 0, outcome: nextOutcomes.shift() ?? "Succeeded" });
      if (f === "reset-after-accept") return fault(res, "reset");
      sendJson(
        res,
        202,
        { id, status: "Running" },
        {
          "Operation-Location": `${origin}/emails/operations/${id}?api-version=${EMAIL_API_VERSION}`,
        },
      );
      return 202;
    }
    const match = OPERATION_PATH.exec(url.pathname);
    if (req.method === "GET" && match) {
      const op = operations.get(decodeURIComponent(match[1] ?? ""));
      if (!op) return error(res, 404, "NotFound", "No operation with this id.");
      const f = pollFaults.shift();
      if (f !== undefined) return fault(res, f);
      const body = statusBody(op);
      op.polls += 1;
      sendJson(res, 200, body);
      return 200;
    }
    return error(res, 404, "NotFound", `No route for ${req.method ?? ""} ${url.pathname}.`);
  };

  const server = await listenLoopback(async (req, res) => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const status = await answer(req, res, url);
    const header = req.headers["operation-id"];
    requests.push({
      method: req.method ?? "",
      path: url.pathname,
      apiVersion: url.searchParams.get("api-version"),
      authorization: req.headers.authorization ?? null,
      operationIdHeader: typeof header === "string" ? header : null,
      status,
    });
  });
  origin = server.origin;
  return {
    endpoint: server.origin,
    requests,
    sent,
    nextOutcomes,
    sendFaults,
    pollFaults,
    settle(operationId, outcome) {
      const op = operations.get(operationId);
      if (!op) throw new Error(`No operation ${operationId}`);
      op.outcome = outcome;
      op.polls = Math.max(op.polls, runningPolls);
    },
    close: () => server.close(),
  };
}
