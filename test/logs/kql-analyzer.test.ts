/**
 * Microsoft's Kusto analyzer on every query backup-pulse sends and every query its documentation shows, against
 * the documented Log Analytics schema: no errors and no warnings (parse, semantic and analyzer-rule
 * diagnostics together).
 */
import { readdirSync, readFileSync } from "node:fs";
import { LogsQueryResultStatus } from "@azure/monitor-query-logs";
import { describe, expect, it } from "vitest";
import { buildEstate, SAMPLE_WORKSPACES } from "../../src/demo/estate.js";
import type { LogsProviderResult } from "../../src/local/logs-endpoint.js";
import { loopbackTls } from "../../src/local/tls.js";
import { JOB_QUERY_COLUMNS, LEGACY_SIGNAL_COLUMNS } from "../../src/logs/columns.js";
import { loadQuery, renderQuery, type QueryName } from "../../src/logs/kql.js";
import { createLogsClient } from "../../src/logs/query-client.js";
import { queryJobs } from "../../src/logs/query.js";
import {
  analyseKql,
  analyzerVersion,
  formatDiagnostics,
  problemsIn,
  resultColumns,
} from "../support/kql-analyzer.js";
import { staticCredential, withLogsEndpoint } from "../support/local-azure.js";
import { client as localClient } from "./local-query.js";

const KQL_DIR = new URL("../../src/logs/kql/", import.meta.url);
const ROOT = new URL("../../", import.meta.url);

/** The texts the product sends for one day on two workspaces, as the local Log Analytics endpoint received them. */
async function sentQueries(): Promise<Map<string, string>> {
  const sent = new Map<string, string>();
  await withLogsEndpoint(
    (request) => {
      sent.set(request.queryName, request.query);
      return { columns: [{ name: "JobUniqueId", type: "string" }], rows: [] };
    },
    async (logs) => {
      const client = createLogsClient({
        endpoint: logs.endpoint,
        scope: "https://api.loganalytics.example/.default",
        credential: staticCredential(),
        tlsCa: loopbackTls().ca,
      });
      await queryJobs({
        client,
        workspaceIds: ["ws-a", "ws-b"],
        rangeStart: new Date("2026-11-24T00:00:00Z"),
        rangeEnd: new Date("2026-11-25T00:00:00Z"),
        plan: false,
      });
    },
  );
  return sent;
}

/** ```kusto and ```kql blocks, and inline code that starts with a table or system function and goes on. */
function documentedQueries(): { where: string; query: string }[] {
  const files = ["README.md", ...readdirSync(new URL("docs/", ROOT)).map((f) => `docs/${f}`)].filter((f) =>
    f.endsWith(".md"),
  );
  const found: { where: string; query: string }[] = [];
  for (const file of files) {
    const text = readFileSync(new URL(file, ROOT), "utf8");
    const lineOf = (index: number): number => text.slice(0, index).split("\n").length;
    for (const m of text.matchAll(/^```(?:kusto|kql)[^\S\n]*\n([\s\S]*?)^```/gm)) {
      found.push({ where: `${file}:${lineOf(m.index)}`, query: m[1] ?? "" });
    }
    const inline =
      /`((?:AddonAzureBackup\w*|CoreAzureBackup|AzureDiagnostics|_AzureBackup_\w+)\s*[|(][^`]*)`/g;
    for (const m of text.matchAll(inline)) {
      const query = m[1] ?? "";
      // `_AzureBackup_GetJobs()` names the function; only a call with arguments is a query
      if (/^_AzureBackup_\w+\(\)$/.test(query)) continue;
      found.push({ where: `${file}:${lineOf(m.index)}`, query });
    }
  }
  return found;
}

describe(`Kusto analyzer (@kusto/language-service-next ${analyzerVersion()})`, () => {
  it("finds nothing wrong in the queries backup-pulse sends", async () => {
    const sent = await sentQueries();
    expect([...sent.keys()].sort()).toEqual(["jobs", "jobs-legacy"]);
    for (const [name, query] of sent) {
      // the parameters arrive filled in
      expect(query).toContain("let rangeStart = datetime(2026-11-24T00:00:00.000Z);");
      expect({ name, problems: formatDiagnostics(problemsIn(query)) }).toEqual({ name, problems: [] });
    }
  });

  it("finds nothing wrong in the count queries a planned read sends; the stand-in answers the columns inferred", async () => {
    const sent = new Map<string, string>();
    const estate = buildEstate({ endDate: "2026-11-24", days: 2 }).logsProvider();
    const countColumns = [
      { name: "JobStartDateTime", type: "datetime" },
      { name: "count_", type: "long" },
    ];
    await withLogsEndpoint(
      (request) => {
        sent.set(request.query.split("\n")[0] ?? "", request.query);
        return estate(request);
      },
      async (logs) => {
        const { client } = localClient(logs);
        const day = {
          rangeStart: new Date("2026-11-24T00:00:00Z"),
          rangeEnd: new Date("2026-11-25T00:00:00Z"),
        };
        await queryJobs({ client, workspaceIds: [SAMPLE_WORKSPACES.main, SAMPLE_WORKSPACES.legacy], ...day });
        for (const name of ["jobs-count", "jobs-legacy-count"] as const) {
          const query = sent.get(`// backup-pulse:${name}`) ?? "";
          expect(query).toContain("let rangeStart = datetime(2026-11-24T00:00:00.000Z);");
          expect({ name, problems: formatDiagnostics(problemsIn(query)) }).toEqual({ name, problems: [] });
          expect(resultColumns(query)).toEqual(countColumns);
        }
        const answer = await client.sdk.queryWorkspace(
          SAMPLE_WORKSPACES.main,
          renderQuery("jobs-count", day),
          {
            duration: "P10D",
          },
        );
        const tables = answer.status === LogsQueryResultStatus.Success ? answer.tables : [];
        expect(tables[0]?.columnDescriptors).toEqual(countColumns);
        expect(tables[0]?.rows.length).toBeGreaterThan(0);
      },
    );
  });

  it("finds nothing wrong in any query file as shipped", () => {
    const files = readdirSync(KQL_DIR).filter((f) => f.endsWith(".kql"));
    expect(files.length).toBeGreaterThanOrEqual(2);
    for (const file of files) {
      const query = loadQuery(file.replace(/\.kql$/, "") as QueryName);
      expect({ file, problems: formatDiagnostics(problemsIn(query)) }).toEqual({ file, problems: [] });
    }
  });

  it("finds nothing wrong in the queries the documentation shows", () => {
    const queries = documentedQueries();
    // the classify query, the data check, the legacy and system-function exports, the no-data check
    expect(queries.length).toBeGreaterThanOrEqual(5);
    expect(queries.some((q) => q.query.includes("_AzureBackup_GetJobs("))).toBe(true);
    for (const { where, query } of queries) {
      expect({ where, problems: formatDiagnostics(problemsIn(query)) }).toEqual({ where, problems: [] });
    }
  });

  it("infers the columns the reader expects, and the local stand-in answers with exactly those", async () => {
    const day = { rangeStart: new Date("2026-11-24T00:00:00Z"), rangeEnd: new Date("2026-11-25T00:00:00Z") };
    const expected = {
      jobs: [...JOB_QUERY_COLUMNS],
      "jobs-legacy": [...JOB_QUERY_COLUMNS, ...LEGACY_SIGNAL_COLUMNS],
    };
    const provider = buildEstate({ endDate: "2026-11-24", days: 2 }).logsProvider();
    for (const [name, workspaceId] of [
      ["jobs", SAMPLE_WORKSPACES.main],
      ["jobs-legacy", SAMPLE_WORKSPACES.legacy],
    ] as const) {
      const query = renderQuery(name, day);
      expect(resultColumns(query)).toEqual(expected[name]);
      const answer: LogsProviderResult = await provider({
        workspaceId,
        queryName: name,
        params: { rangeStart: day.rangeStart.toISOString(), rangeEnd: day.rangeEnd.toISOString() },
        query,
      });
      expect("columns" in answer && answer.columns).toEqual(expected[name]);
    }
  });

  describe("reports what it should (so a pass means something)", () => {
    const codes = (query: string): string[] => problemsIn(query).map((d) => `${d.severity} ${d.code}`);

    it("an unknown column or table, or a missing function argument, is an error", () => {
      const broken = loadQuery("jobs").replace("JobFailureCode,", "JobFailureCodes,");
      expect(problemsIn(broken)).toEqual([
        expect.objectContaining({ severity: "Error", text: "JobFailureCodes" }),
      ]);
      expect(codes("AddonAzureBackupJob | take 1")).toContain("Error KS204");
      // RangeStart and RangeEnd have no default
      expect(codes("_AzureBackup_GetJobs(startofday(ago(1d)))")).toEqual(["Error KS119"]);
      expect(
        codes("_AzureBackup_GetJobs(startofday(ago(1d)), startofday(now())) | project JobStatus"),
      ).toEqual(["Error KS142"]);
    });

    it("a column that only some AzureDiagnostics tables have is an error unless read with column_ifexists", () => {
      expect(codes("AzureDiagnostics | project ResourceId, SchemaVersion_s")).toEqual([
        "Error KS142",
        "Error KS142",
      ]);
      expect(
        codes(
          'AzureDiagnostics | project R = column_ifexists("ResourceId", _ResourceId), JobStatus_s, AdditionalFields',
        ),
      ).toEqual([]);
    });

    it("a deprecated function is a warning", () => {
      expect(codes('AzureDiagnostics | project v = columnifexists("SchemaVersion_s", "")')).toEqual([
        "Warning KS507",
      ]);
    });

    it("the schema's column types are the documented ones", () => {
      // JobDurationInSecs is real and JobStartDateTime a datetime: arithmetic across them does not type-check
      expect(codes("AddonAzureBackupJobs | extend x = JobStartDateTime + JobDurationInSecs")).toContain(
        "Error KS106",
      );
      expect(
        analyseKql("AddonAzureBackupJobs | extend x = JobStartDateTime + 1s * JobDurationInSecs"),
      ).toEqual([]);
    });
  });
});
