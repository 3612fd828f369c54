/**
 * The real Bicep CLI for the infra tests: BICEP_PATH when set (CI exports it), otherwise whatever
 * scripts/bicep.sh restores from NuGet. Builds and lints the templates of a folder laid out like infra/.
 */
import { execFile, spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ArmTemplate } from "./arm-template.js";

export const ROOT = join(import.meta.dirname, "..", "..");

export type BicepLookup = { path: string; version: string } | { path?: undefined; reason: string };

/** The Bicep CLI, or why there is none. */
export function findBicep(): BicepLookup {
  let path = process.env.BICEP_PATH?.trim();
  if (!path) {
    const restore = spawnSync("bash", [join(ROOT, "scripts", "bicep.sh")], {
      encoding: "utf8",
      timeout: 300_000,
    });
    if (restore.status !== 0) {
      const why = (restore.stderr || restore.error?.message || "").trim().split("\n").at(-1);
      return { reason: `scripts/bicep.sh could not provide a Bicep CLI: ${why ?? "no reason given"}` };
    }
    path = restore.stdout.trim();
  }
  if (!existsSync(path)) return { reason: `no Bicep CLI at ${path}` };
  const version = spawnSync(path, ["--version"], { encoding: "utf8", timeout: 60_000 });
  if (version.status !== 0) return { reason: `${path} --version failed: ${version.stderr.trim()}` };
  return { path, version: version.stdout.trim() };
}

export interface BicepRun {
  status: number | null;
  /** Every diagnostic line (warnings, errors, linter findings) the command printed. */
  diagnostics: string[];
}

function run(bicep: string, args: string[], cwd: string): Promise<BicepRun> {
  return new Promise((resolve) => {
    execFile(bicep, args, { cwd, encoding: "utf8", timeout: 300_000 }, (error, stdout, stderr) => {
      const diagnostics = `${stdout}\n${stderr}`
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l !== "")
        // Paths relative to the folder, so that messages read the same wherever it was copied to.
        .map((l) => l.split(`${cwd}/`).join(""));
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ status: code, diagnostics });
    });
  });
}

export interface Compiled {
  /** Entry template file name (main.bicep) → its ARM JSON, for those that compiled. */
  templates: Record<string, ArmTemplate>;
  /** `bicep build` of the entry templates: compiler and linter findings of them and every module they use. */
  build: BicepRun;
  /** `bicep lint` of every template in the folder, modules included (absent when not asked for). */
  lint?: BicepRun;
}

/** `bicep build` of the entry templates (*.bicep at the top of the folder) into a temp folder; `bicep lint` of all when asked. */
export async function compileFolder(
  bicep: string,
  infraDir: string,
  options: { lint: boolean },
): Promise<Compiled> {
  const out = mkdtempSync(join(tmpdir(), "pulse-bicep-out-"));
  try {
    const [build, lint] = await Promise.all([
      run(bicep, ["build", "--pattern", "*.bicep", "--outdir", out], infraDir),
      options.lint ? run(bicep, ["lint", "--pattern", "**/*.bicep"], infraDir) : undefined,
    ]);
    const templates: Record<string, ArmTemplate> = {};
    for (const file of readdirSync(out).filter((f) => f.endsWith(".json")))
      templates[file.replace(/\.json$/, ".bicep")] = JSON.parse(
        readFileSync(join(out, file), "utf8"),
      ) as ArmTemplate;
    return lint ? { templates, build, lint } : { templates, build };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

/**
 * A copy of infra/ with exact text replacements made (each must match, or this throws), built.
 * `edits` maps a path inside infra/ ("modules/storage.bicep") to [from, to] pairs.
 */
export async function compileEditedCopy(
  edits: Record<string, [from: string, to: string][]>,
  bicep: string,
  options: { lint: boolean } = { lint: false },
): Promise<Compiled> {
  const dir = mkdtempSync(join(tmpdir(), "pulse-bicep-src-"));
  try {
    cpSync(join(ROOT, "infra"), dir, { recursive: true });
    for (const [file, pairs] of Object.entries(edits)) {
      let text = readFileSync(join(dir, file), "utf8");
      for (const [from, to] of pairs) {
        if (!text.includes(from)) throw new Error(`edit target not found in infra/${file}: ${from}`);
        text = text.replace(from, to);
      }
      writeFileSync(join(dir, file), text);
    }
    return await compileFolder(bicep, dir, options);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
