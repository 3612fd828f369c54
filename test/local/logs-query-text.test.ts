import { describe, expect, it } from "vitest";
import { parseQueryText } from "../../src/local/logs-query-text.js";
import { QUERY } from "./sample-query.js";

describe("parseQueryText", () => {
  it("reads the query name and the literal parameters as text", () => {
    expect(parseQueryText(QUERY)).toEqual({
      queryName: "vm-jobs",
      params: {
        dayStart: "2026-11-24T00:00:00.000Z",
        vault: 'rsv-"prod"\\west',
        limit: "500",
        vms: '["vm-a", "vm-b"]',
      },
    });
  });

  it("normalises datetimes, reads verbatim strings and ignores lets that are not literals", () => {
    const text = [
      "",
      "//   backup-pulse: legacy-jobs  ",
      "let from = datetime(2026-11-24 06:30:00);",
      "let path = @'not a literal';",
      'let folder = @"C:\\temp ""x""";',
      "let T = AzureDiagnostics | where Category == 'AzureBackupReport';",
      "T | take 1",
    ].join("\r\n");
    expect(parseQueryText(text)).toEqual({
      queryName: "legacy-jobs",
      params: { from: "2026-11-24T06:30:00.000Z", folder: 'C:\\temp "x"' },
    });
  });

  it("gives an empty name when the first line does not name the query", () => {
    expect(parseQueryText("AddonAzureBackupJobs | take 1").queryName).toBe("");
  });
});
