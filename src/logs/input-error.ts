/** The error every export reader raises for a file it cannot read, and the words it shares. */

/** A file backup-pulse cannot read; the message says what is wrong and what would work. */
export class InputError extends Error {
  override name = "InputError";
}

export const FORMATS_HINT =
  "expected a Log Analytics REST response (tables/columns/rows), the JSON array that " +
  "`az monitor log-analytics query` prints, or the portal's CSV export";

export function missingMessage(missing: string[], what: string): string {
  return `${what} lacks the job columns ${missing.join("; ")} (${FORMATS_HINT})`;
}
