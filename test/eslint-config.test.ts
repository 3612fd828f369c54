/**
 * The layer rules of eslint.config.js (README, "Layers"), proven on the real ESLint: each line lints an
 * import as if it stood in a file of that folder and checks whether lint refuses it.
 */
import { ESLint } from "eslint";
import { describe, expect, it } from "vitest";

const eslint = new ESLint({ cwd: process.cwd() });

async function refused(file: string, specifier: string, typeOnly = false): Promise<boolean> {
  const text = typeOnly
    ? `import type * as probe from "${specifier}";\nexport type Probe = typeof probe;\n`
    : `import * as probe from "${specifier}";\nexport const used = probe;\n`;
  const [result] = await eslint.lintText(text, { filePath: file });
  return (result?.messages ?? []).some((m) => m.ruleId === "@typescript-eslint/no-restricted-imports");
}

// [a file of the folder, an import, refused?]
const cases: [string, string, boolean][] = [
  ["src/domain/model.ts", "./days.js", false],
  ["src/domain/model.ts", "node:crypto", false],
  ["src/domain/model.ts", "../config.js", true],
  ["src/domain/model.ts", "@azure/data-tables", true],
  ["src/domain/digest/day.ts", "../days.js", false],
  ["src/domain/digest/day.ts", "../../store/outbox.js", true],
  ["src/store/outbox.ts", "../domain/model.js", false],
  ["src/store/outbox.ts", "../deadline.js", false],
  ["src/store/outbox.ts", "../delivery/poster.js", true],
  ["src/logs/query.ts", "../recovery/recovery-points.js", true],
  ["src/recovery/recovery-points.ts", "../pipeline/daily.js", true],
  ["src/delivery/poster.ts", "../config.js", true],
  ["src/delivery/poster.ts", "../functions/report.js", true],
  ["src/delivery/poster.ts", "../local/logs-endpoint.js", true],
  ["src/delivery/poster.ts", "../../test/support/jobs.js", true],
  ["src/pipeline/daily.ts", "../store/trend-store.js", false],
  ["src/pipeline/daily.ts", "../config.js", false],
  ["src/pipeline/daily.ts", "../commands/run.js", true],
  ["src/pipeline/daily.ts", "../demo/estate.js", true],
  ["src/functions/report.ts", "../pipeline/daily.js", false],
  ["src/functions/report.ts", "../commands/run.js", true],
  ["src/commands/run.ts", "../functions/report.js", true],
  ["src/commands/run.ts", "../demo/run-demo.js", true],
  ["src/commands/demo.ts", "../demo/run-demo.js", false],
  ["src/commands/demo.ts", "../local/logs-endpoint.js", true],
  ["src/demo/run-demo.ts", "../local/logs-endpoint.js", false],
  ["src/demo/run-demo.ts", "../commands/run.js", true],
  ["src/config.ts", "./domain/model.js", false],
  ["src/config.ts", "./store/outbox.js", true],
  ["src/cli.ts", "./commands/index.js", false],
  ["src/cli.ts", "./store/outbox.js", true],
];

describe("layer rules", () => {
  it.each(cases)("%s importing %s: refused %s", { timeout: 60_000 }, async (file, specifier, expected) => {
    expect(await refused(file, specifier)).toBe(expected);
  });

  it(
    "lets an adapter import the types of src/config.ts but not its values",
    { timeout: 60_000 },
    async () => {
      expect(await refused("src/store/outbox.ts", "../config.js", true)).toBe(false);
      expect(await refused("src/store/outbox.ts", "../config.js")).toBe(true);
    },
  );
});
