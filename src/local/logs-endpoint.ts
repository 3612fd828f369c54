/**
 * A local HTTPS stand-in for the Log Analytics query API (`https://api.loganalytics.io/v1`), speaking the wire
 * format the real `LogsQueryClient` of `@azure/monitor-query-logs` sends and expects:
 *
 * - `POST /v1/workspaces/{workspaceId}/query` with `{ query, timespan }`, also `GET ...?query=&timespan=`;
 * - `POST /v1//subscriptions/.../query` (queryResource keeps the leading `/` of the resource ID);
 * - `POST /v1/$batch` with `{ requests: [{ id, workspace, body: { query, timespan } }] }`.
 *
 * It cannot run KQL. Each query names itself on its first line (`// backup-pulse:<queryName>`) and declares its
 * parameters as `let <name> = <literal>;` statements; the stand-in reads those and asks a provider, supplied by
 * the caller, for the rows. It then behaves as the service does: bearer token required, result limits turned
 * into a partial result, scripted throttling and outages, every request recorded.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import {
  bearerToken,
  BodyTooLargeError,
  delay,
  FaultQueue,
  InFlightGauge,
  listenLoopback,
  readBody,
  sendJson,
} from "./loopback-server.js";

export interface LogsColumn {
  name: string;
  /** Log Analytics column type: `datetime`, `string`, `real`, `long`, `int`, `bool`, `dynamic`, `guid`, `timespan`. */
  type: string;
}

export interface LogsProviderRequest {
  /** The workspace ID from the path (for a resource query: the resource ID, with its leading `/`). */
  workspaceId: string;
  /** From the first line `// backup-pulse:<queryName>`; "" when the query does not name itself. */
  queryName: string;
  /** The `let <name> = <literal>;` declarations, as text (datetime → ISO-8601, strings unescaped). */
  params: Record<string, string>;
  /** The `timespan` of the request body (ISO-8601 duration or `start/end`), when one was sent. */
  timespan?: string;
  /** The full query text. */
  query: string;
}

/** Rows in wire order. `datetime` cells may be Date objects, epoch ms or ISO text: they are sent as ISO text. */
export interface LogsProviderRows {
  columns: LogsColumn[];
  rows: unknown[][];
  /** Table name (default `PrimaryResult`). */
  name?: string;
}

export interface LogsProviderError {
  error: { status: number; code: string; message: string };
}

export type LogsProviderResult = LogsProviderRows | LogsProviderError;
export type LogsProvider = (request: LogsProviderRequest) => LogsProviderResult | Promise<LogsProviderResult>;

/**
 * A scripted answer in place of the provider's:
 * - `throttled`: 429 `ThrottledError` with no Retry-After (the SDK does not retry it);
 * - `throttled-retry-after`: 429 with `Retry-After: 1` (the SDK waits and retries);
 * - `unavailable`: 503 `ServiceUnavailable` (retried by the SDK with back-off);
 * - `server-error`: 500 `InternalServerError` (retried by the SDK with back-off);
 * - `bad-argument`: 400 `BadArgumentError` (a KQL syntax error; never retried);
 * - `insufficient-access`: 403 `InsufficientAccessError` (the identity has no read role on the workspace);
 * - `no-content`: 204 with no body (the workspace has no data);
 * - `connection-reset`: the TCP connection is destroyed without an answer;
 * - or any status, code and message, with an optional Retry-After in seconds.
 */
export type LogsFault =
  | "throttled"
  | "throttled-retry-after"
  | "unavailable"
  | "server-error"
  | "bad-argument"
  | "insufficient-access"
  | "no-content"
  | "connection-reset"
  | { status: number; code: string; message: string; retryAfterSeconds?: number };

export interface RecordedLogsRequest {
  method: string;
  /** Request path as received (without the query string). */
  path: string;
  /** True for an entry of a `$batch` request (one record per entry). */
  batch: boolean;
  workspaceId: string | null;
  queryName: string | null;
  params: Record<string, string>;
  timespan: string | null;
  /** The `authorization` header as received (null when absent). */
  authorization: string | null;
  /** The `prefer` header (e.g. `wait=600,include-statistics=true`), null when absent. */
  prefer: string | null;
  /** HTTP status answered (0 for a reset connection). */
  status: number;
  /** The fault that produced the answer, when one did. */
  fault: string | null;
  /** Rows sent (after limits). */
  rows: number;
  /** True when the answer was cut to the limits and carried a PartialError. */
  partial: boolean;
}

export interface LogsEndpointOptions {
  provider: LogsProvider;
  /** When set, a request whose bearer token differs is refused with 403 `InvalidAuthenticationToken`. */
  expectedToken?: string;
  /** Row limit of one result (the service's is 500,000). */
  maxRows?: number;
  /** Size limit of one result, in bytes of JSON rows (the service's is about 64 MB). */
  maxBytes?: number;
  /** Delay before each answer, to make concurrency and timeouts observable. */
  latencyMs?: number;
}

export interface LogsEndpoint {
  /** The value for `PULSE_LOGS_ENDPOINT` / the client's `endpoint`: `https://127.0.0.1:PORT/v1`. */
  endpoint: string;
  port: number;
  /** Every request, in arrival order (batch entries one by one). */
  requests: RecordedLogsRequest[];
  /** Highest number of requests seen in flight at once. */
  readonly maxInFlight: number;
  /** Queues scripted answers for the next requests, to one workspace or (without one) to any. */
  failNext(faults: LogsFault | LogsFault[], options?: { workspaceId?: string }): void;
  /** Every request to this workspace gets `fault` (default `insufficient-access`) until restored. */
  failWorkspace(workspaceId: string, fault?: LogsFault): void;
  restoreWorkspace(workspaceId: string): void;
  /** Drops queued and permanent faults. */
  clearFaults(): void;
  setExpectedToken(token: string | undefined): void;
  setLimits(limits: { maxRows?: number; maxBytes?: number }): void;
  close(): Promise<void>;
}

export const DEFAULT_MAX_ROWS = 500_000;
export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;

const ROW_LIMIT_MESSAGE = (maxRows: number): string =>
  `Query result set has exceeded the internal record count limit ${maxRows} records.`;
const SIZE_LIMIT_MESSAGE = (maxBytes: number): string =>
  `Query result set has exceeded the internal data size limit ${maxBytes} bytes.`;

// ---------------------------------------------------------------------------------------------------------
// Query text contract

export interface ParsedQueryText {
  queryName: string;
  params: Record<string, string>;
}

const NAME_LINE = /^\s*\/\/\s*backup-pulse:\s*([A-Za-z0-9_.-]+)/;
const LET =
  /^[ \t]*let[ \t]+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(datetime\(\s*[^)]*?\s*\)|"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*'|@"(?:[^"]|"")*"|[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|dynamic\(\s*\[[\s\S]*?\]\s*\))\s*;/gm;

function unescapeKqlString(literal: string): string {
  if (literal.startsWith("@")) return literal.slice(2, -1).replace(/""/g, '"');
  const body = literal.slice(1, -1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_match, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(parseInt(escaped.slice(1), 16));
    switch (escaped) {
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      default:
        return escaped; // \" \' \\ and anything else: the character itself
    }
  });
}

function literalText(literal: string): string {
  if (literal.startsWith("datetime(")) {
    const inner = literal.slice("datetime(".length, -1).trim();
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(inner) ? inner : `${inner}Z`);
    return Number.isNaN(ms) ? inner : new Date(ms).toISOString();
  }
  if (literal.startsWith("dynamic(")) return literal.slice("dynamic(".length, -1).trim();
  if (literal.startsWith('"') || literal.startsWith("'") || literal.startsWith("@")) {
    return unescapeKqlString(literal);
  }
  return literal;
}

/** Reads the query name and the literal `let` parameters of a backup-pulse query. */
/** What Log Analytics answers when a query names a table the workspace does not have (yet). */
export function missingTable(table: string): LogsProviderResult {
  return {
    error: {
      status: 400,
      code: "BadArgumentError",
      message: `'where' operator: Failed to resolve table or column expression named '${table}'`,
    },
  };
}

export function parseQueryText(query: string): ParsedQueryText {
  const firstLine = query.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
  const queryName = NAME_LINE.exec(firstLine)?.[1] ?? "";
  const params: Record<string, string> = {};
  for (const match of query.matchAll(LET)) {
    const [, name, literal] = match;
    if (name !== undefined && literal !== undefined) params[name] = literalText(literal);
  }
  return { queryName, params };
}

// ---------------------------------------------------------------------------------------------------------
// Answers

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
  reset?: boolean;
  fault: string | null;
  rows: number;
  partial: boolean;
}

function errorBody(code: string, message: string): unknown {
  return { error: { code, message, correlationId: "00000000-0000-0000-0000-000000000000" } };
}

function faultAnswer(fault: LogsFault): Answer {
  const base = { fault: typeof fault === "string" ? fault : fault.code, rows: 0, partial: false };
  switch (fault) {
    case "throttled":
      return { ...base, status: 429, body: errorBody("ThrottledError", "Too many requests; try later.") };
    case "throttled-retry-after":
      return {
        ...base,
        status: 429,
        body: errorBody("ThrottledError", "Too many requests; try later."),
        headers: { "retry-after": "1" },
      };
    case "unavailable":
      return {
        ...base,
        status: 503,
        body: errorBody("ServiceUnavailable", "The service is temporarily unavailable."),
      };
    case "server-error":
      return { ...base, status: 500, body: errorBody("InternalServerError", "An internal error occurred.") };
    case "bad-argument":
      return {
        ...base,
        status: 400,
        body: {
          error: {
            code: "BadArgumentError",
            message: "The request had some invalid properties",
            innererror: { code: "SyntaxError", message: "A recognition error occurred in the query." },
          },
        },
      };
    case "insufficient-access":
      return {
        ...base,
        status: 403,
        body: errorBody(
          "InsufficientAccessError",
          "The provided credentials have insufficient access to perform the requested operation",
        ),
      };
    case "no-content":
      return { ...base, status: 204 };
    case "connection-reset":
      return { ...base, status: 0, reset: true };
    default:
      return {
        ...base,
        status: fault.status,
        body: errorBody(fault.code, fault.message),
        ...(fault.retryAfterSeconds === undefined
          ? {}
          : { headers: { "retry-after": String(fault.retryAfterSeconds) } }),
      };
  }
}

function isoCell(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "number" && Number.isFinite(value)) return new Date(value).toISOString();
  return value;
}

function wireCell(type: string, value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (type === "datetime") return isoCell(value);
  if (type === "dynamic" && typeof value !== "string") return JSON.stringify(value);
  if (typeof value === "bigint") return Number(value);
  return value;
}

interface Limits {
  maxRows: number;
  maxBytes: number;
}

function tableAnswer(result: LogsProviderRows, limits: Limits, statistics: boolean): Answer {
  const types = result.columns.map((c) => c.type.toLowerCase());
  const wireRows: unknown[][] = [];
  let bytes = 0;
  let cut: "rows" | "bytes" | null = null;
  for (const row of result.rows) {
    if (wireRows.length >= limits.maxRows) {
      cut = "rows";
      break;
    }
    const wireRow = row.map((cell, i) => wireCell(types[i] ?? "string", cell));
    const size = Buffer.byteLength(JSON.stringify(wireRow)) + 1;
    if (bytes + size > limits.maxBytes) {
      cut = "bytes";
      break;
    }
    bytes += size;
    wireRows.push(wireRow);
  }
  const body: Record<string, unknown> = {
    tables: [{ name: result.name ?? "PrimaryResult", columns: result.columns, rows: wireRows }],
  };
  if (statistics) {
    body.statistics = { query: { executionTime: 0.01, resourceUsage: {}, datasetStatistics: [] } };
  }
  if (cut !== null) {
    const message = cut === "rows" ? ROW_LIMIT_MESSAGE(limits.maxRows) : SIZE_LIMIT_MESSAGE(limits.maxBytes);
    body.error = {
      code: "PartialError",
      message: `There were some errors when processing your query: ${message}`,
      details: [
        { code: "E_QUERY_RESULT_SET_TOO_LARGE", message: `${message} (E_QUERY_RESULT_SET_TOO_LARGE)` },
      ],
    };
  }
  return { status: 200, body, fault: null, rows: wireRows.length, partial: cut !== null };
}

// ---------------------------------------------------------------------------------------------------------
// Server

interface QueryCall {
  workspaceId: string;
  query: string;
  timespan: string | undefined;
  statistics: boolean;
}

export async function startLogsEndpoint(options: LogsEndpointOptions): Promise<LogsEndpoint> {
  const requests: RecordedLogsRequest[] = [];
  const gauge = new InFlightGauge();
  const faults = new FaultQueue<LogsFault>();
  const brokenWorkspaces = new Map<string, LogsFault>();
  let expectedToken = options.expectedToken;
  const limits: Limits = {
    maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
    maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
  };

  const takeFault = (workspaceId: string | null): LogsFault | undefined => {
    const broken = workspaceId === null ? undefined : brokenWorkspaces.get(workspaceId);
    return broken ?? faults.take(workspaceId);
  };

  const runQuery = async (call: QueryCall): Promise<Answer & { parsed: ParsedQueryText }> => {
    const parsed = parseQueryText(call.query);
    const fault = takeFault(call.workspaceId);
    if (fault !== undefined) return { ...faultAnswer(fault), parsed };
    const result = await options.provider({
      workspaceId: call.workspaceId,
      queryName: parsed.queryName,
      params: parsed.params,
      ...(call.timespan === undefined ? {} : { timespan: call.timespan }),
      query: call.query,
    });
    if ("error" in result) {
      const { status, code, message } = result.error;
      return { status, body: errorBody(code, message), fault: null, rows: 0, partial: false, parsed };
    }
    return { ...tableAnswer(result, limits, call.statistics), parsed };
  };

  const record = (
    req: IncomingMessage,
    path: string,
    batch: boolean,
    call: Partial<QueryCall>,
    parsed: ParsedQueryText | null,
    answer: Pick<Answer, "status" | "fault" | "rows" | "partial">,
  ): void => {
    requests.push({
      method: req.method ?? "",
      path,
      batch,
      workspaceId: call.workspaceId ?? null,
      queryName: parsed?.queryName ?? null,
      params: parsed?.params ?? {},
      timespan: call.timespan ?? null,
      authorization: req.headers.authorization ?? null,
      prefer: typeof req.headers.prefer === "string" ? req.headers.prefer : null,
      status: answer.status,
      fault: answer.fault,
      rows: answer.rows,
      partial: answer.partial,
    });
  };

  const send = (res: ServerResponse, answer: Answer): void => {
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
  };

  const refuse = (
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    status: number,
    code: string,
    message: string,
  ): void => {
    record(req, path, false, {}, null, { status, fault: null, rows: 0, partial: false });
    sendJson(res, status, errorBody(code, message));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "https://127.0.0.1");
    const path = url.pathname;
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
      return;
    }
    if (expectedToken !== undefined && token !== expectedToken) {
      await readBody(req).catch(() => "");
      refuse(req, res, path, 403, "InvalidAuthenticationToken", "The provided authentication is not valid.");
      return;
    }

    if (req.method === "POST" && path === "/v1/$batch") {
      await handleBatch(req, res, path);
      return;
    }

    // /v1/workspaces/{id}/query or /v1//subscriptions/.../query (any number of slashes after /v1/)
    const workspace = /^\/v1\/workspaces\/([^/]+)\/query$/.exec(path);
    const resource = /^\/v1\/+(subscriptions\/.+)\/query$/i.exec(path);
    const target = workspace?.[1] ?? (resource?.[1] === undefined ? undefined : `/${resource[1]}`);
    if (target === undefined || (req.method !== "POST" && req.method !== "GET")) {
      await readBody(req).catch(() => "");
      refuse(
        req,
        res,
        path,
        404,
        "PathNotFoundError",
        `The requested path does not exist: ${req.method} ${path}`,
      );
      return;
    }
    const workspaceId = decodeURIComponent(target);

    let query: string | undefined;
    let timespan: string | undefined;
    if (req.method === "POST") {
      let parsedBody: unknown;
      try {
        parsedBody = JSON.parse(await readBody(req));
      } catch (error) {
        const message =
          error instanceof BodyTooLargeError ? error.message : "The request body is not valid JSON.";
        refuse(req, res, path, 400, "BadArgumentError", message);
        return;
      }
      const body = (parsedBody ?? {}) as { query?: unknown; timespan?: unknown };
      query = typeof body.query === "string" ? body.query : undefined;
      timespan = typeof body.timespan === "string" ? body.timespan : undefined;
    } else {
      query = url.searchParams.get("query") ?? undefined;
      timespan = url.searchParams.get("timespan") ?? undefined;
    }
    if (query === undefined || query.trim() === "") {
      refuse(
        req,
        res,
        path,
        400,
        "BadArgumentError",
        "The request had some invalid properties: query is required.",
      );
      return;
    }

    gauge.enter();
    try {
      await delay(options.latencyMs ?? 0);
      const statistics = /include-statistics=true/i.test(String(req.headers.prefer ?? ""));
      const call = { workspaceId, query, timespan, statistics };
      const answer = await runQuery(call);
      record(req, path, false, call, answer.parsed, answer);
      send(res, answer);
    } finally {
      gauge.leave();
    }
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
    const wholeFault = faults.takeAny();
    if (wholeFault !== undefined) {
      const answer = faultAnswer(wholeFault);
      record(req, path, false, {}, null, answer);
      send(res, answer);
      return;
    }
    gauge.enter();
    try {
      await delay(options.latencyMs ?? 0);
      const responses: unknown[] = [];
      for (const entry of entries as Array<Record<string, unknown>>) {
        const id = typeof entry.id === "string" ? entry.id : String(responses.length);
        const body = (entry.body ?? {}) as { query?: unknown; timespan?: unknown };
        const workspaceId = typeof entry.workspace === "string" ? entry.workspace : "";
        const query = typeof body.query === "string" ? body.query : "";
        const timespan = typeof body.timespan === "string" ? body.timespan : undefined;
        const headers = (entry.headers ?? {}) as Record<string, unknown>;
        const prefer = typeof headers.prefer === "string" ? headers.prefer : "";
        const statistics = /include-statistics=true/i.test(prefer);
        const call = { workspaceId, query, timespan, statistics };
        let answer: Answer & { parsed: ParsedQueryText };
        if (query.trim() === "") {
          answer = {
            status: 400,
            body: errorBody(
              "BadArgumentError",
              "The request had some invalid properties: query is required.",
            ),
            fault: null,
            rows: 0,
            partial: false,
            parsed: parseQueryText(""),
          };
        } else {
          // a reset cannot hit one entry: it becomes a 500 for that entry
          const raw = await runQuery(call);
          answer = raw.reset ? { ...raw, ...faultAnswer("server-error"), fault: raw.fault } : raw;
        }
        record(req, path, true, call, answer.parsed, answer);
        responses.push({
          id,
          status: answer.status,
          ...(answer.headers ? { headers: answer.headers } : {}),
          ...(answer.body === undefined ? {} : { body: answer.body }),
        });
      }
      sendJson(res, 200, { responses });
    } finally {
      gauge.leave();
    }
  };

  const server = await listenLoopback(handle);
  return {
    endpoint: `${server.origin}/v1`,
    port: server.port,
    requests,
    get maxInFlight() {
      return gauge.max;
    },
    failNext(next, target = {}) {
      faults.add(next, target.workspaceId);
    },
    failWorkspace(workspaceId, fault = "insufficient-access") {
      brokenWorkspaces.set(workspaceId, fault);
    },
    restoreWorkspace(workspaceId) {
      brokenWorkspaces.delete(workspaceId);
    },
    clearFaults() {
      faults.clear();
      brokenWorkspaces.clear();
    },
    setExpectedToken(token) {
      expectedToken = token;
    },
    setLimits(next) {
      if (next.maxRows !== undefined) limits.maxRows = next.maxRows;
      if (next.maxBytes !== undefined) limits.maxBytes = next.maxBytes;
    },
    close: () => server.close(),
  };
}
