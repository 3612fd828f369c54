/**
 * What a command needs from its process: where output goes and the environment. Tests pass their own.
 */
import type { Env } from "../config.js";

export interface OutputStream {
  write(chunk: string): boolean | void;
  /** Present on real streams: used to wait for `drain` when a large output fills the buffer. */
  once?(event: "drain", listener: () => void): unknown;
}

export interface CommandIo {
  stdout: OutputStream;
  stderr: OutputStream;
  env: Env;
}

/** Writes a chunk and waits for the stream to drain when its buffer is full. */
export async function writeChunk(stream: OutputStream, chunk: string): Promise<void> {
  const ok = stream.write(chunk);
  if (ok === false && stream.once) {
    const once = stream.once.bind(stream);
    await new Promise<void>((resolve) => {
      once("drain", resolve);
    });
  }
}
