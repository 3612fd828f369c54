#!/usr/bin/env node
/**
 * The `backup-pulse` executable: hands the arguments to the dispatcher (src/commands/index.ts).
 */
import { main } from "./commands/index.js";
import { redact } from "./config.js";

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`backup-pulse: ${redact(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 1;
  },
);
