/** The sample estate's clock: UTC days as YYYY-MM-DD and their milliseconds. */

export const DAY_MS = 86_400_000;
export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;

export function dateOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function parseDate(date: string): number {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new Error(`endDate "${date}" is not a date (YYYY-MM-DD)`);
  }
  return Date.parse(`${date}T00:00:00Z`);
}
