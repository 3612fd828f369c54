import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { JOB_QUERY_COLUMNS } from "../../src/logs/columns.js";
import {
  kqlDatetime,
  kqlString,
  KqlRenderError,
  loadQuery,
  renderQuery,
  renderQueryText,
} from "../../src/logs/kql.js";
import { parseQueryText } from "../../src/local/logs-query-text.js";

const TEMPLATE = [
  "// backup-pulse:probe",
  'let vaultName = "placeholder";',
  "let since = datetime(2026-01-01T00:00:00.000Z);",
  "AddonAzureBackupJobs",
  "| where VaultName == vaultName and TimeGenerated > since",
  "| take 10",
].join("\n");

/** The names a query's final `| project` produces, in order. */
function projectedColumns(kql: string): string[] {
  const tail = kql.slice(kql.lastIndexOf("| project "));
  return tail
    .slice("| project ".length)
    .split(/,\s*\n/)
    .map((part) => part.trim().split(/\s*=\s*/)[0] ?? "")
    .map((name) => name.trim());
}

describe("KQL literals", () => {
  it("renders datetimes in UTC with milliseconds and refuses invalid dates", () => {
    expect(kqlDatetime(new Date("2026-11-24T01:02:03.004+02:00"))).toBe("datetime(2026-11-23T23:02:03.004Z)");
    expect(() => kqlDatetime(new Date("nope"))).toThrow(KqlRenderError);
  });

  it("escapes quotes, backslashes and line breaks", () => {
    expect(kqlString('a"b\\c\nd\re\tf')).toBe('"a\\"b\\\\c\\nd\\re\\tf"');
  });

  it("refuses control characters that have no KQL escape, naming the character", () => {
    expect(() => kqlString("a\u0000b")).toThrow(/U\+0000/);
    expect(() => kqlString("a\u2028b")).toThrow(KqlRenderError);
    expect(() => kqlString("a\ud800b")).toThrow(KqlRenderError);
    expect(kqlString("emoji 😀")).toBe('"emoji 😀"');
  });

  it("no string value can leave its literal: it reads back unchanged and the query around it is untouched", () => {
    const templateLines = TEMPLATE.split("\n");
    fc.assert(
      fc.property(fc.string({ unit: "binary", maxLength: 60 }), (value) => {
        let rendered: string;
        try {
          rendered = renderQueryText(TEMPLATE, { vaultName: value });
        } catch (error) {
          expect(error).toBeInstanceOf(KqlRenderError);
          return;
        }
        const lines = rendered.split("\n");
        expect(lines).toHaveLength(templateLines.length);
        lines.forEach((line, i) => {
          if (i !== 1) expect(line).toBe(templateLines[i]);
        });
        // read back as the local endpoint reads it: the same value, nothing else
        expect(parseQueryText(rendered).params).toEqual({
          vaultName: value,
          since: "2026-01-01T00:00:00.000Z",
        });
      }),
      { numRuns: 600 },
    );
  });

  it("an injection attempt stays a string", () => {
    const attack = '"; AddonAzureBackupJobs | take 1000000 //\n| project secret';
    const rendered = renderQueryText(TEMPLATE, { vaultName: attack });
    expect(rendered.split("\n")).toHaveLength(6);
    expect(rendered).toContain("| take 10");
    expect(parseQueryText(rendered).params.vaultName).toBe(attack);
  });

  it("refuses a parameter the query does not declare", () => {
    expect(() => renderQueryText(TEMPLATE, { vault: "x" })).toThrow(/no parameter "vault"/);
  });
});

describe("the job queries", () => {
  for (const name of ["jobs", "jobs-legacy"] as const) {
    it(`${name}: names itself, fills in its window and projects exactly the job columns`, () => {
      const rendered = renderQuery(name, {
        rangeStart: new Date("2026-11-20T00:00:00Z"),
        rangeEnd: new Date("2026-11-20T06:00:00Z"),
      });
      expect(rendered.split("\n")[0]).toBe(`// backup-pulse:${name}`);
      expect(parseQueryText(rendered)).toEqual({
        queryName: name,
        params: { rangeStart: "2026-11-20T00:00:00.000Z", rangeEnd: "2026-11-20T06:00:00.000Z" },
      });
      expect(projectedColumns(loadQuery(name))).toEqual(JOB_QUERY_COLUMNS.map((c) => c.name));
    });
  }

  it("both read two days of late rows around the window and keep only the latest row per job", () => {
    for (const name of ["jobs", "jobs-legacy"] as const) {
      const text = loadQuery(name);
      expect(text).toContain("TimeGenerated between ((rangeStart - 2d) .. (rangeEnd + 2d))");
      expect(text).toContain("JobStartDateTime >= rangeStart and JobStartDateTime < rangeEnd");
      expect(text).toContain("summarize arg_max(TimeGenerated, *) by JobUniqueId");
    }
    // A workspace whose AzureDiagnostics holds other services' logs but no backup reports has no SchemaVersion_s.
    expect(loadQuery("jobs-legacy")).toContain('column_ifexists("SchemaVersion_s", "") == "V2"');
    expect(loadQuery("jobs-legacy")).not.toMatch(/[^"]SchemaVersion_s ==/);
  });
});
