/**
 * The HTTP face of the local Log Analytics stand-in: bearer-token checks, the query routes
 * (`/v1/workspaces/{id}/query`, `/v1//subscriptions/.../query`, `/v1/$batch`), request bodies, and answers
 * written as the service writes them.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { errorBody, faultAnswer, type Answer } from "./logs-answers.js";
import type { LogsService, QueryAnswer, QueryCall } from "./logs-service.js";
import { parseQueryText } from "./logs-query-text.js";
import {
  bearerToken,
  BodyTooLargeError,
  delay,
  readBody,
  sendJson,
  type RequestHandler,
} from "./loopback-server.js";

const QUERY_REQUIRED = "The request had some invalid properties: query is required.";

function send(res: ServerResponse, answer: Answer): void {
  if (answer.reset) {
    res.socket?.destroy();
    return;
  }
  if (answer.status === 204) {
    res.writeHead(204, answer.headers ?? {});
    res.end();
    return;
  }
  sendJson(res, answer.status, answer.body, answer.headers);
}

function wantsStatistics(prefer: unknown): boolean {
  return /include-statistics=true/i.test(typeof prefer === "string" ? prefer : "");
}

/** The workspace ID, or the resource ID with its leading `/`, that a query path addresses. */
function queryTarget(path: string): string | undefined {
  // /v1/workspaces/{id}/query or /v1//subscriptions/.../query (any number of slashes after /v1/)
  const workspace = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(path);
  const resource = /^\/v1\/+(subscriptions\/.+)\/query$/i.exec(path);
  return workspace?.[1] ?? (resource?.[1] === undefined ? undefined : `/${resource[1]}`);
}

type QueryText = { query: string | undefined; timespan: string | undefined } | { invalid: string };

/** The query and timespan of a POST body or a GET query string. */
async function readQueryText(req: IncomingMessage, url: URL): Promise<QueryText> {
  if (req.method !== "POST") {
    return {
      query: url.searchParams.get("query") ?? undefined,
      timespan: url.searchParams.get("timespan") ?? undefined,
    };
  }
  let parsedBody: unknown;
  try {
    parsedBody = JSON.parse(await readBody(req));
  } catch (error) {
    return {
      invalid: error instanceof BodyTooLargeError ? error.message : "The request body is not valid JSON.",
    };
  }
  const body = (parsedBody ?? {}) as { query?: unknown; timespan?: unknown };
  return {
    query: typeof body.query === "string" ? body.query : undefined,
    timespan: typeof body.timespan === "string" ? body.timespan : undefined,
  };
}

/** One entry of a `$batch` request as a query call. */
function batchEntryCall(entry: Record<string, unknown>, index: number): { id: string; call: QueryCall } {
  const body = (entry.body ?? {}) as { query?: unknown; timespan?: unknown };
  const headers = (entry.headers ?? {}) as Record<string, unknown>;
  return {
    id: typeof entry.id === "string" ? entry.id : String(index),
    call: {
      workspaceId: typeof entry.workspace === "string" ? entry.workspace : "",
      query: typeof body.query === "string" ? body.query : "",
      timespan: typeof body.timespan === "string" ? body.timespan : undefined,
      statistics: wantsStatistics(headers.prefer),
    },
  };
}

export function logsHandler(service: LogsService): RequestHandler {
  const refuse = (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    status: number,
    code: string,
    message: string,
  ): void => {
    service.record(req, path, false, {}, null, { status, fault: null, rows: 0, partial: false });
    sendJson(res, status, errorBody(code, message));
  };

  /** Refuses a request without a bearer token, or with another than the one expected; true when it may pass. */
  const authenticate = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<boolean> => {
    const token = bearerToken(req);
    if (token === null) {
      await readBody(req).catch(() => "");
      res.setHeader(
        "www-authenticate",
        'Bearer authorization_uri="https://login.microsoftonline.com/common"',
      );
      refuse(
        req,
        res,
        path,
        401,
        "AuthenticationFailed",
        "Authentication failed: a bearer token is required.",
      );
      return false;
    }
    if (service.expectedToken !== undefined && token !== service.expectedToken) {
      await readBody(req).catch(() => "");
      refuse(req, res, path, 403, "InvalidAuthenticationToken", "The provided authentication is not valid.");
      return false;
    }
    return true;
  };

  const handleQuery = async (req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> => {
    const path = url.pathname;
    const target = queryTarget(path);
    if (target === undefined || (req.method !== "POST" && req.method !== "GET")) {
      await readBody(req).catch(() => "");
      const message = `The requested path does not exist: ${req.method} ${path}`;
      refuse(req, res, path, 404, "PathNotFoundError", message);
      return;
    }
    const workspaceId = decodeURIComponent(target);
    const text = await readQueryText(req, url);
    if ("invalid" in text) {
      refuse(req, res, path, 400, "BadArgumentError", text.invalid);
      return;
    }
    const { query, timespan } = text;
    if (query === undefined || query.trim() === "") {
      refuse(req, res, path, 400, "BadArgumentError", QUERY_REQUIRED);
      return;
    }
    service.gauge.enter();
    try {
      await delay(service.latencyMs);
      const statistics = wantsStatistics(String(req.headers.prefer ?? ""));
      const call = { workspaceId, query, timespan, statistics };
      const answer = await service.runQuery(call);
      service.record(req, path, false, call, answer.parsed, answer);
      send(res, answer);
    } finally {
      service.gauge.leave();
    }
  };

  const answerBatchEntry = async (call: QueryCall): Promise<QueryAnswer> => {
    if (call.query.trim() === "") {
      const body = errorBody("BadArgumentError", QUERY_REQUIRED);
      return { status: 400, body, fault: null, rows: 0, partial: false, parsed: parseQueryText("") };
    }
    // a reset cannot hit one entry: it becomes a 500 for that entry
    const raw = await service.runQuery(call);
    return raw.reset ? { ...raw, ...faultAnswer("server-error"), fault: raw.fault } : raw;
  };

  const handleBatch = async (req: IncomingMessage, res: ServerResponse, path: string): Promise<void> => {
    let parsedBody: unknown;
    try {
      parsedBody = JSON.parse(await readBody(req));
    } catch {
      refuse(req, res, path, 400, "BadArgumentError", "The request body is not valid JSON.");
      return;
    }
    const entries = (parsedBody as { requests?: unknown } | null)?.requests;
    if (!Array.isArray(entries) || entries.length === 0) {
      refuse(req, res, path, 400, "BadArgumentError", "The batch must contain at least one request.");
      return;
    }
    // A fault queued for any workspace answers the whole batch request, as a gateway would.
    const wholeFault = service.faults.takeAny();
    if (wholeFault !== undefined) {
      const answer = faultAnswer(wholeFault);
      service.record(req, path, false, {}, null, answer);
      send(res, answer);
      return;
    }
    service.gauge.enter();
    try {
      await delay(service.latencyMs);
      const responses: unknown[] = [];
      for (const entry of entries as Array<Record<string, unknown>>) {
        const { id, call } = batchEntryCall(entry, responses.length);
        const answer = await answerBatchEntry(call);
        service.record(req, path, true, call, answer.parsed, answer);
        responses.push({
          id,
          status: answer.status,
          ...(answer.headers ? { headers: answer.headers } : {}),
          ...(answer.body === undefined ? {} : { body: answer.body }),
        });
      }
      sendJson(res, 200, { responses });
    } finally {
      service.gauge.leave();
    }
  };

  return async (req, res) => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    if (!(await authenticate(req, res, url.pathname))) return;
    if (req.method === "POST" && url.pathname === "/v1/$batch") await handleBatch(req, res, url.pathname);
    else await handleQuery(req, res, url);
  };
}
