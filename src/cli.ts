#!/usr/bin/env node
/**
 * The `backup-pulse` executable: hands the arguments to the dispatcher (src/commands/index.ts).
 */
import { main } from "./commands/index.js";
import { redact } from "./config.js";

// A reader that stops early (`backup-pulse classify ... | head`) closes the pipe: stop quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(typeof process.exitCode === "number" ? process.exitCode : 0);
  throw error;
});

main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr, env: process.env }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(`backup-pulse: ${redact(error instanceof Error ? error.message : String(error))}\n`);
    process.exitCode = 1;
  },
);
