/**
 * Hand-written Azure VM backup jobs served by the Log Analytics stand-in as the `jobs` query's rows (the
 * workspace has no AzureDiagnostics table), and a `backup-pulse run` that prints the digest as JSON: for the
 * pipeline tests that need a few exact jobs rather than the sample estate.
 */
import { join } from "node:path";
import { expect, inject } from "vitest";
import { runRun } from "../../src/commands/run.js";
import type { Digest } from "../../src/domain/digest.js";
import { JOB_QUERY_COLUMNS } from "../../src/logs/columns.js";
import { missingTable, type LogsProviderRequest } from "../../src/local/logs-endpoint.js";
import { captureIo } from "../support/capture-io.js";
import { staticCredential } from "../support/local-azure.js";
import { FAST_LOGS_RETRY } from "./local-run.js";

export interface RowJob {
  id: string;
  vm: string;
  /** ISO-8601 start. */
  start: string;
  status?: "Completed" | "CompletedWithWarnings" | "Failed";
  code?: string;
  os?: "Windows" | "Linux";
}

/** The stand-in's provider: the jobs that started in the query's window, one row each, in one vault. */
export function jobRowsProvider(vaultId: string, jobs: readonly RowJob[]) {
  const vault = vaultId.split("/").at(-1) ?? "";
  return (request: LogsProviderRequest) => {
    if (request.queryName !== "jobs") return missingTable("AzureDiagnostics");
    const from = Date.parse(request.params.rangeStart ?? "");
    const to = Date.parse(request.params.rangeEnd ?? "");
    const rows = jobs
      .filter((j) => Date.parse(j.start) >= from && Date.parse(j.start) < to)
      .map((j) => {
        const cells: Record<string, unknown> = {
          TimeGenerated: new Date(Date.parse(j.start) + 3_600_000).toISOString(),
          JobUniqueId: j.id,
          JobStartDateTime: j.start,
          JobDurationInSecs: 1200,
          JobStatus: j.status ?? "Completed",
          JobFailureCode: j.code ?? "Success",
          JobOperation: "Backup",
          JobOperationSubType: "Scheduled",
          BackupManagementType: "IaaSVM",
          VaultName: vault,
          ResourceId: vaultId.toUpperCase(),
          BackupItemUniqueId: `item-${j.vm}`,
          BackupItemFriendlyName: j.vm,
          ProtectedContainerName: `iaasvmcontainerv2;rg-app;${j.vm}`,
          ProtectedContainerOSType: j.os ?? "Windows",
        };
        return JOB_QUERY_COLUMNS.map((c) => cells[c.name] ?? null);
      });
    return { columns: [...JOB_QUERY_COLUMNS], rows };
  };
}

/** `backup-pulse run --date D --format json` on the stand-in and Azurite (tables of `tablePrefix`): its digest. */
export async function runDigestJson(
  target: { workspaceId: string; logsEndpoint: string; tablePrefix: string; outDir: string },
  date: string,
  env: Record<string, string> = {},
): Promise<Digest> {
  const io = captureIo({
    PULSE_WORKSPACE_IDS: target.workspaceId,
    PULSE_LOGS_ENDPOINT: target.logsEndpoint,
    PULSE_TABLES_CONNECTION: inject("tablesConnection"),
    PULSE_RECOVERY_POINTS: "off",
    ...env,
  });
  const code = await runRun(
    ["--date", date, "--format", "json", "--html", join(target.outDir, `${date}.html`)],
    io,
    {
      credential: staticCredential(),
      tlsCa: inject("loopbackCa"),
      tablePrefix: target.tablePrefix,
      logsRetry: FAST_LOGS_RETRY,
    },
  );
  expect(io.err(), io.err()).not.toContain("failed");
  expect(code, io.err()).toBe(0);
  return JSON.parse(io.out()) as Digest;
}
