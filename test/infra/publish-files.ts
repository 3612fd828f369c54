/**
 * What `func azure functionapp publish` (and `azd deploy`) would put in the Function App package: every file of
 * the app root, less the directories and file names Core Tools always skips, less what `.funcignore` excludes
 * (gitignore rules, matched on the path relative to the app root). The checks then say what the package must
 * and must not hold.
 */
import { readdirSync, readFileSync } from "node:fs";
import { posix } from "node:path";
import ignore from "ignore";

/** Skipped by Core Tools whatever `.funcignore` says (`FileSystemHelpers.GetLocalFiles`). */
const ALWAYS_SKIPPED_DIRS = new Set([".git", ".vscode"]);
const ALWAYS_SKIPPED_FILES = new Set([
  ".funcignore",
  ".gitignore",
  "local.settings.json",
  "project.lock.json",
]);

/**
 * Every file under `root` as a `/`-separated relative path. `node_modules` is left out: it holds the installed
 * dependencies, not the project's files, and is listed by no check here.
 */
export function appFiles(root: string): string[] {
  const files: string[] = [];
  const walk = (rel: string): void => {
    for (const entry of readdirSync(posix.join(root, rel), { withFileTypes: true })) {
      const path = rel === "" ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!ALWAYS_SKIPPED_DIRS.has(entry.name) && path !== "node_modules") walk(path);
      } else if (entry.isFile() && !ALWAYS_SKIPPED_FILES.has(entry.name)) {
        files.push(path);
      }
    }
  };
  walk("");
  return files.sort();
}

/** The files of `files` that a `.funcignore` with this text lets through. */
export function publishedFiles(files: string[], funcignore: string): string[] {
  const rules = ignore().add(funcignore);
  return files.filter((file) => !rules.ignores(file));
}

const RELATIVE_IMPORT = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)["'](\.\.?\/[^"']+)["']/g;

/** The relative module specifiers a compiled ES module imports (static and dynamic with a literal). */
export function relativeImports(js: string): string[] {
  return [...js.matchAll(RELATIVE_IMPORT)].map((m) => m[1] ?? "");
}

export interface PackageFacts {
  /** The published paths. */
  files: string[];
  /** Reads a published file's text. */
  read(path: string): string;
  /** Trigger modules that must be there: `dist/functions/<name>.js`, one per `src/functions/<name>.ts`. */
  functions: string[];
  /** Query files read at run time: `dist/logs/kql/<name>.kql`. */
  queries: string[];
}

const NOT_PRODUCT: Array<[RegExp, string]> = [
  [/^dist\/local\//, "a local stand-in for Azure"],
  [/^dist\/demo\//, "the demo"],
  [/^dist\/commands\/demo\./, "the demo command"],
  [/\.pem$/, "a PEM file"],
  [/^(src|test|bench|scripts|infra|docs|coverage|out)\//, "source, test, bench or build-time file"],
  [/\.(test|bench)\.[cm]?[jt]s$/, "a test or bench file"],
];

/** Every reason the package is not the deployable product alone; [] when it is. */
export function packageProblems(pkg: PackageFacts): string[] {
  const problems: string[] = [];
  const published = new Set(pkg.files);
  for (const file of pkg.files) {
    for (const [pattern, what] of NOT_PRODUCT) {
      if (pattern.test(file)) problems.push(`${file}: ${what}`);
    }
    if (!/\.(js|mjs|cjs|json|kql|map|md|txt)$/.test(file)) continue;
    const text = pkg.read(file);
    if (text.includes("PRIVATE KEY-----")) problems.push(`${file}: holds a private key`);
    if (!file.endsWith(".js")) continue;
    for (const spec of relativeImports(text)) {
      const target = posix.normalize(posix.join(posix.dirname(file), spec));
      if (!published.has(target)) problems.push(`${file}: imports ${spec}, which is not in the package`);
    }
  }
  const required = [
    "host.json",
    "package.json",
    ...pkg.functions.map((name) => `dist/functions/${name}.js`),
    ...pkg.queries.map((name) => `dist/logs/kql/${name}.kql`),
  ];
  for (const file of required) {
    if (!published.has(file)) problems.push(`${file}: missing`);
  }
  return problems;
}

/** `PackageFacts` for an app root, the trigger and query names taken from its `src/`. */
export function packageFacts(root: string, funcignore: string, files = appFiles(root)): PackageFacts {
  const names = (dir: string, ext: string): string[] =>
    readdirSync(posix.join(root, dir))
      .filter((name) => name.endsWith(ext))
      .map((name) => name.slice(0, -ext.length));
  return {
    files: publishedFiles(files, funcignore),
    read: (path) => readFileSync(posix.join(root, path), "utf8"),
    functions: names("src/functions", ".ts"),
    queries: names("src/logs/kql", ".kql"),
  };
}
