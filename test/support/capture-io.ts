/**
 * A command's process for a test: the environment it reads, and its stdout and stderr kept as text.
 */
import type { CommandIo } from "../../src/commands/io.js";
import type { Env } from "../../src/config.js";

export interface CapturedIo extends CommandIo {
  /** Everything written to stdout so far. */
  out(): string;
  /** Everything written to stderr so far. */
  err(): string;
}

export function captureIo(env: Env = {}): CapturedIo {
  let out = "";
  let err = "";
  return {
    env,
    stdout: { write: (s: string) => void (out += s) },
    stderr: { write: (s: string) => void (err += s) },
    out: () => out,
    err: () => err,
  };
}
