// Runs every bench/*.bench.mjs, one after another, each in its own Node process.
// Usage: npm run bench            (builds first)
//        node bench/run.mjs NAME  (only benchmarks whose file name contains NAME)
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? "";
const files = readdirSync(here)
  .filter((f) => f.endsWith(".bench.mjs") && f.includes(filter))
  .sort();

if (files.length === 0) {
  process.stderr.write(`No benchmark matches "${filter}" in ${here}\n`);
  process.exit(2);
}

let failed = 0;
for (const file of files) {
  process.stdout.write(`\n== ${file}\n`);
  const started = Date.now();
  const result = spawnSync(process.execPath, [join(here, file)], { stdio: "inherit" });
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (result.status !== 0) {
    failed++;
    process.stdout.write(`== ${file} FAILED (exit ${result.status ?? result.signal}) after ${seconds} s\n`);
  } else {
    process.stdout.write(`== ${file} done in ${seconds} s\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
