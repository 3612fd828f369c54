/**
 * Reading one query of one workspace over a window. A partial result (row or size limit) is never taken as
 * complete: its window is split in halves and queried again, down to a minimum window; what is still partial
 * there is kept but marks the workspace incomplete. The rows of every answer go to the workspace's job reader.
 */
import { LogsQueryResultStatus, type LogsQueryResult, type LogsTable } from "@azure/monitor-query-logs";
import type { QueryName } from "./kql.js";
import { mergeLegacySignals, takeLegacySignal } from "./legacy-signal.js";
import { serviceMessage } from "./error-text.js";
import type { QueryProgress, WorkspaceRead } from "./workspace-report.js";

export interface WindowQuery {
  ws: WorkspaceRead;
  name: QueryName;
  /** Smallest window a partial result is split down to. */
  minWindowMs: number;
  /** Runs the query for jobs that started in [start, end) (with its retries). */
  run: (start: Date, end: Date) => Promise<LogsQueryResult>;
  progress: (p: QueryProgress) => void;
}

export async function readWindow(q: WindowQuery, start: Date, end: Date): Promise<void> {
  const span = end.getTime() - start.getTime();
  const split = await readOnce(q, start, end, span / 2 >= q.minWindowMs);
  if (split === null) return;
  // The partial answer is dropped before the halves are read: an answer this large is never held twice.
  const mid = new Date(start.getTime() + Math.floor(span / 2 / 1000) * 1000);
  // One half after the other, for the same reason.
  await readWindow(q, start, mid);
  await readWindow(q, mid, end);
}

/**
 * One query over [start, end): its rows go to the workspace's reader. A partial answer is split (its message
 * returned, nothing kept) when `splittable`, else kept and the workspace marked incomplete. Null: done.
 */
async function readOnce(q: WindowQuery, start: Date, end: Date, splittable: boolean): Promise<string | null> {
  const { ws, name } = q;
  const result = await q.run(start, end);
  ws.report.queries++;
  const base = { workspaceId: ws.report.workspaceId, queryName: name, rangeStart: start, rangeEnd: end };
  if (result.status === LogsQueryResultStatus.Success) {
    q.progress({ ...base, event: "rows", rows: addTables(ws, result.tables) });
    return null;
  }
  const reason = serviceMessage(result.partialError.message ?? "");
  if (splittable) {
    ws.report.partialSplits++;
    q.progress({ ...base, event: "split", message: reason });
    return reason;
  }
  // Still partial at the smallest window: keep what came, but the read is not complete.
  ws.report.complete = false;
  const rows = addTables(ws, result.partialTables);
  const message = `the ${name} query for ${start.toISOString()}–${end.toISOString()} returned only part of its rows even after splitting (${reason})`;
  ws.errors.push(message);
  q.progress({ ...base, event: "incomplete", rows, message });
  return null;
}

/**
 * Hands the job rows of an answer to the workspace's job reader, keeping what a legacy signal row says;
 * returns how many job rows there were.
 */
function addTables(ws: WorkspaceRead, tables: readonly LogsTable[]): number {
  let rows = 0;
  for (const table of tables) {
    const columns = table.columnDescriptors.map((c) => c.name ?? "");
    const split = takeLegacySignal(columns, table.rows);
    ws.legacySignal = mergeLegacySignals(ws.legacySignal, split.signal);
    ws.reader.addTable(columns, split.rows, { workspaceId: ws.report.workspaceId });
    rows += split.rows.length;
  }
  ws.report.rowsRead += rows;
  return rows;
}
