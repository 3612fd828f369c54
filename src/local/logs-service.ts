/**
 * The state of one local Log Analytics stand-in and what it does with one query, apart from HTTP: which fault
 * answers it, what the provider returns, how the answer is recorded.
 */
import type { IncomingMessage } from "node:http";
import {
  DEFAULT_MAX_BYTES,
  DEFAULT_MAX_ROWS,
  errorBody,
  faultAnswer,
  tableAnswer,
  type Answer,
  type Limits,
} from "./logs-answers.js";
import type { LogsEndpointOptions, LogsFault, RecordedLogsRequest } from "./logs-contract.js";
import { countAnswer, countRequest } from "./logs-count.js";
import { parseQueryText, type ParsedQueryText } from "./logs-query-text.js";
import { FaultQueue, InFlightGauge } from "./loopback-server.js";

/** One query as a request carries it. */
export interface QueryCall {
  workspaceId: string;
  query: string;
  timespan: string | undefined;
  statistics: boolean;
}

export type QueryAnswer = Answer & { parsed: ParsedQueryText };

export class LogsService {
  readonly requests: RecordedLogsRequest[] = [];
  readonly gauge = new InFlightGauge();
  readonly faults = new FaultQueue<LogsFault>();
  readonly brokenWorkspaces = new Map<string, LogsFault>();
  expectedToken: string | undefined;
  readonly limits: Limits;

  constructor(private readonly options: LogsEndpointOptions) {
    this.expectedToken = options.expectedToken;
    this.limits = {
      maxRows: options.maxRows ?? DEFAULT_MAX_ROWS,
      maxBytes: options.maxBytes ?? DEFAULT_MAX_BYTES,
    };
  }

  get latencyMs(): number {
    return this.options.latencyMs ?? 0;
  }

  /** A broken workspace's fault, else the next queued for the workspace or for any request. */
  takeFault(workspaceId: string | null): LogsFault | undefined {
    const broken = workspaceId === null ? undefined : this.brokenWorkspaces.get(workspaceId);
    return broken ?? this.faults.take(workspaceId);
  }

  /** The answer to one query: a scripted fault, the provider's error, or its rows within the limits. */
  async runQuery(call: QueryCall): Promise<QueryAnswer> {
    const parsed = parseQueryText(call.query);
    const fault = this.takeFault(call.workspaceId);
    if (fault !== undefined) return { ...faultAnswer(fault), parsed };
    // A count query is answered from the provider's rows of the query it counts.
    const count = countRequest(parsed, call.query);
    if (count !== null && "error" in count) {
      const body = errorBody("BadArgumentError", count.error);
      return { status: 400, body, fault: null, rows: 0, partial: false, parsed };
    }
    const rows = await this.options.provider({
      workspaceId: call.workspaceId,
      queryName: count === null ? parsed.queryName : count.countedQuery,
      params: parsed.params,
      ...(call.timespan === undefined ? {} : { timespan: call.timespan }),
      query: call.query,
    });
    const result = count === null ? rows : countAnswer(count, parsed.params, rows);
    if ("error" in result) {
      const { status, code, message } = result.error;
      return { status, body: errorBody(code, message), fault: null, rows: 0, partial: false, parsed };
    }
    return { ...tableAnswer(result, this.limits, call.statistics), parsed };
  }

  record(
    req: IncomingMessage,
    path: string,
    batch: boolean,
    call: Partial<QueryCall>,
    parsed: ParsedQueryText | null,
    answer: Pick<Answer, "status" | "fault" | "rows" | "partial">,
  ): void {
    this.requests.push({
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
  }
}
