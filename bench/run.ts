// Runs every benchmark (bench/*.bench.ts, compiled by `npm run build:tools`), one after another, each in its
// own Node process.
// Usage: npm run bench            (compiles first)
//        npm run bench -- NAME    (only benchmarks whose file name contains NAME)
// Exit status: 1 when a benchmark failed (wrong result, or a target it checks missed), else 0.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { FUNCTION_APP_NODE_ARGS } from "./services.js";

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? "";
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.js") && f.includes(filter))
  .sort();

if (files.length === 0) {
  process.stderr.write(`No benchmark matches "${filter}" in ${here}\n`);
  process.exit(2);
}

let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const started = Date.now();
  // The daily run's benchmarks run under the Function App's Node options; `classify` is the command line's.
  const nodeArgs = file.startsWith("classify") ? [] : FUNCTION_APP_NODE_ARGS;
  const result = spawnSync(process.execPath, [...nodeArgs, join(here, file)], { stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`== ${file} FAILED (exit ${result.status ?? result.signal}) after ${seconds} s\n`);
  } else {
    process.stdout.write(`== ${file} done in ${seconds} s\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
