/**
 * The Function App package holds the product and nothing else. The project is copied to a scratch folder and
 * built there with `npm run build`, as a deployment would; the files that `.funcignore` lets through are the
 * ones `func azure functionapp publish` (or `azd deploy`) uploads. Each rule is also checked the other way: with
 * one line of `.funcignore` taken out, the checks must fail.
 */
import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appFiles, packageFacts, packageProblems, publishedFiles, relativeImports } from "./publish-files.js";

const ROOT = join(import.meta.dirname, "..", "..");
const FUNCIGNORE = readFileSync(join(ROOT, ".funcignore"), "utf8");
/** Not copied: installed dependencies (linked instead), history, and earlier build and run output. */
const NOT_COPIED = new Set(["node_modules", ".git", "dist", "out", "coverage"]);

let app = "";
let files: string[] = [];

beforeAll(() => {
  app = mkdtempSync(join(tmpdir(), "pulse-publish-"));
  cpSync(ROOT, app, {
    recursive: true,
    filter: (source) => !NOT_COPIED.has(relative(ROOT, source).split(sep)[0] ?? ""),
  });
  symlinkSync(join(ROOT, "node_modules"), join(app, "node_modules"), "dir");
  execFileSync("npm", ["run", "--silent", "build"], { cwd: app, stdio: "pipe" });
  files = appFiles(app);
}, 240_000);

afterAll(() => {
  if (app !== "") rmSync(app, { recursive: true, force: true });
});

/** `.funcignore` without one of its lines; fails loudly if the line is not there. */
function without(line: string): string {
  const lines = FUNCIGNORE.split(/\r?\n/);
  if (!lines.includes(line)) throw new Error(`.funcignore has no line ${line}`);
  return lines.filter((l) => l !== line).join("\n");
}

describe("the Function App package", () => {
  it("holds the triggers, host.json and package.json, and nothing but the product", () => {
    const facts = packageFacts(app, FUNCIGNORE, files);
    expect(packageProblems(facts)).toEqual([]);
    expect(facts.functions).toEqual(expect.arrayContaining(["alerts", "daily-digest", "report", "trends"]));
    for (const name of facts.functions) expect(facts.files).toContain(`dist/functions/${name}.js`);
    expect(facts.files).toContain("host.json");
    expect(facts.files).toContain("package.json");
    expect(facts.files).toContain("dist/logs/kql/jobs.kql");
  });

  it("holds no stand-in, demo, PEM, test or bench file, though the built tree has them", () => {
    // The build does produce them: the package is smaller than the tree, not empty by accident.
    for (const prefix of ["dist/local/", "dist/demo/", "dist/commands/demo.", "test/", "bench/", "src/"]) {
      expect(files.some((f) => f.startsWith(prefix))).toBe(true);
    }
    expect(files.some((f) => f.endsWith(".pem"))).toBe(true);
    const published = packageFacts(app, FUNCIGNORE, files).files;
    expect(published.filter((f) => /^dist\/(local|demo)\//.test(f))).toEqual([]);
    expect(published.filter((f) => f.startsWith("dist/commands/demo."))).toEqual([]);
    expect(published.filter((f) => f.endsWith(".pem"))).toEqual([]);
    expect(
      published.filter((f) => /^(test|bench|scripts|src)\//.test(f) || /\.(test|bench)\./.test(f)),
    ).toEqual([]);
    expect(published.filter((f) => !f.startsWith("dist/"))).toEqual(
      expect.arrayContaining(["host.json", "package.json"]),
    );
  });

  it.each([
    ["dist/local/", "dist/local/tls/pem.js: holds a private key"],
    ["dist/local/", "dist/local/logs-endpoint.js: a local stand-in for Azure"],
    ["dist/demo/", "dist/demo/estate.js: the demo"],
    ["dist/commands/demo.*", "dist/commands/demo.js: the demo command"],
    ["dist/commands/index.*", "dist/commands/index.js: imports ./demo.js, which is not in the package"],
    ["test/", "test/domain/classify.test.ts: source, test, bench or build-time file"],
    ["bench/", "bench/run.ts: source, test, bench or build-time file"],
    ["src/", "src/config.ts: source, test, bench or build-time file"],
  ])("fails without the line %s", (line, problem) => {
    expect(packageProblems(packageFacts(app, FUNCIGNORE, files))).toEqual([]);
    expect(packageProblems(packageFacts(app, without(line), files))).toContain(problem);
  });

  it("never ships a PEM file, wherever one is left", () => {
    const stray = [...files, "key.pem", "dist/functions/cert.pem"];
    expect(publishedFiles(stray, FUNCIGNORE)).not.toContain("key.pem");
    expect(publishedFiles(stray, FUNCIGNORE)).not.toContain("dist/functions/cert.pem");
    expect(publishedFiles(stray, without("*.pem"))).toEqual(
      expect.arrayContaining(["key.pem", "dist/functions/cert.pem"]),
    );
  });

  it("reads static and dynamic relative imports of a compiled module", () => {
    const js = `import { a } from "./a.js";\nexport { b } from '../b.js';\nimport "./c.js";\nawait import("./d.js");`;
    expect(relativeImports(js)).toEqual(["./a.js", "../b.js", "./c.js", "./d.js"]);
    expect(relativeImports(`import x from "node:fs"; import y from "@azure/identity";`)).toEqual([]);
  });
});
