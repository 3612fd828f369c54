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
import type { LogsEndpoint, LogsEndpointOptions, LogsProviderResult } from "./logs-contract.js";
import { logsHandler } from "./logs-http.js";
import { LogsService } from "./logs-service.js";
import { listenLoopback } from "./loopback-server.js";

export type * from "./logs-contract.js";

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

export async function startLogsEndpoint(options: LogsEndpointOptions): Promise<LogsEndpoint> {
  const service = new LogsService(options);
  const server = await listenLoopback(logsHandler(service));
  return {
    endpoint: `${server.origin}/v1`,
    port: server.port,
    requests: service.requests,
    get maxInFlight() {
      return service.gauge.max;
    },
    failNext(next, target = {}) {
      service.faults.add(next, target.workspaceId);
    },
    failWorkspace(workspaceId, fault = "insufficient-access") {
      service.brokenWorkspaces.set(workspaceId, fault);
    },
    restoreWorkspace(workspaceId) {
      service.brokenWorkspaces.delete(workspaceId);
    },
    clearFaults() {
      service.faults.clear();
      service.brokenWorkspaces.clear();
    },
    setExpectedToken(token) {
      service.expectedToken = token;
    },
    setLimits(next) {
      if (next.maxRows !== undefined) service.limits.maxRows = next.maxRows;
      if (next.maxBytes !== undefined) service.limits.maxBytes = next.maxBytes;
    },
    close: () => server.close(),
  };
}
