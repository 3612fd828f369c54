/**
 * What the local Log Analytics stand-in promises its callers: the provider that supplies rows, the scripted
 * faults, the record kept of every request, and the endpoint's handle. The server itself is logs-endpoint.ts.
 */
export interface LogsColumn {
  name: string;
  /** Log Analytics column type: `datetime`, `string`, `real`, `long`, `int`, `bool`, `dynamic`, `guid`, `timespan`. */
  type: string;
}

export interface LogsProviderRequest {
  /** The workspace ID from the path (for a resource query: the resource ID, with its leading `/`). */
  workspaceId: string;
  /**
   * From the first line `// backup-pulse:<queryName>`; "" when the query does not name itself. For a count query
   * (`<name>-count`), the query it counts: the stand-in counts the rows the provider answers (logs-count.ts).
   */
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
