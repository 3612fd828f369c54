// How a benchmark judges its figures. A target on time is stated for a quiet 2-core machine: on a busy one (or
// at a smaller size than the stated one) it can be missed with nothing wrong, so a miss is printed and fails
// the run only with BENCH_STRICT=1. A wrong result, or a missed target on memory or on table transactions,
// always fails the run.

export interface Target {
  /** What was measured against what, as printed, e.g. "wall time 34.0 s < 60 s". */
  figure: string;
  met: boolean;
  /** A target on time (or a ratio of times). */
  time?: boolean;
}

/** Prints one line per target and returns the process exit code: 1 when a failing miss or `wrong` is set. */
export function judge(targets: readonly Target[], wrong: readonly string[] = []): number {
  const strict = process.env.BENCH_STRICT === "1";
  let failed = wrong.length > 0;
  for (const w of wrong) process.stdout.write(`WRONG RESULT: ${w}\n`);
  for (const t of targets) {
    const fails = !t.met && (!t.time || strict);
    if (fails) failed = true;
    const mark = t.met ? "met   " : fails ? "MISSED" : "missed";
    const note =
      !t.met && !fails ? "  (a time target: judged only with BENCH_STRICT=1 on a quiet machine)" : "";
    process.stdout.write(`target ${mark} ${t.figure}${note}\n`);
  }
  return failed ? 1 : 0;
}
