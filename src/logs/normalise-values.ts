/**
 * Cell readers for the row normaliser: text, numbers and UTC dates from cells of any type (strings,
 * numbers, Date objects, null, or anything else a file may hold). They never throw.
 */

/** A cell as text, trimmed; null, objects and arrays read as "". */
export function cellText(cell: unknown): string {
  if (typeof cell === "string") {
    // Fast path: most cells need no trimming.
    const n = cell.length;
    if (n === 0) return cell;
    const first = cell.charCodeAt(0);
    const last = cell.charCodeAt(n - 1);
    return first > 32 && last > 32 ? cell : cell.trim();
  }
  if (typeof cell === "number") return Number.isFinite(cell) ? String(cell) : "";
  if (typeof cell === "boolean" || typeof cell === "bigint") return String(cell);
  if (cell instanceof Date) return Number.isNaN(cell.getTime()) ? "" : cell.toISOString();
  return "";
}

/** A number from a number or numeric text; null when absent or not a number. */
export function cellNumber(cell: unknown): number | null {
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : null;
  const text = cellText(cell);
  if (text === "") return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

const ZERO = 48;

/** The two digits at `i` as a number, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - ZERO;
  const b = s.charCodeAt(i + 1) - ZERO;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** Days in month `mo` (1-12) of year `y`; 0 for a month that is none. */
export function daysInMonth(y: number, mo: number): number {
  if (mo === 2 && y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)) return 29;
  return DAYS_IN_MONTH[mo - 1] ?? 0;
}

/**
 * `Date.UTC(y, mo - 1, d, h, mi, s, ms)` for a valid date and time of a year 0-9999 (0-99 meaning 1900-1999, as
 * Date.UTC reads them), worked out by hand: the days since 1970 of the proleptic Gregorian calendar.
 */
export function utcMs(
  y: number,
  mo: number,
  d: number,
  h: number,
  mi: number,
  s: number,
  ms: number,
): number {
  const year = (y >= 0 && y <= 99 ? y + 1900 : y) - (mo <= 2 ? 1 : 0);
  const era = Math.floor(year / 400);
  const yearOfEra = year - era * 400;
  const dayOfYear = Math.floor((153 * (mo > 2 ? mo - 3 : mo + 9) + 2) / 5) + d - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) + dayOfYear;
  const days = era * 146097 + dayOfEra - 719468;
  return ((days * 24 + h) * 60 + mi) * 60_000 + s * 1000 + ms;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number): number | null {
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) return null;
  return utcMs(y, mo, d, h, mi, s, ms);
}

/**
 * `YYYY-MM-DDTHH:MM:SS[.fffffff]Z` (or a space instead of T; Z optional), the common case, no regex: the text of
 * `s` from `from` to `end` (exclusive). Null when it is written otherwise.
 */
export function isoMsAt(s: string, from: number, end: number): number | null {
  if (end - from < 19) return null;
  if (
    s.charCodeAt(from + 4) !== 45 ||
    s.charCodeAt(from + 7) !== 45 ||
    s.charCodeAt(from + 13) !== 58 ||
    s.charCodeAt(from + 16) !== 58
  ) {
    return null;
  }
  const sep = s.charCodeAt(from + 10);
  if (sep !== 84 && sep !== 32) return null;
  const century = twoDigits(s, from);
  const year = twoDigits(s, from + 2);
  const mo = twoDigits(s, from + 5);
  const d = twoDigits(s, from + 8);
  const h = twoDigits(s, from + 11);
  const mi = twoDigits(s, from + 14);
  const sec = twoDigits(s, from + 17);
  if (century < 0 || year < 0 || mo < 0 || d < 0 || h < 0 || mi < 0 || sec < 0) return null;
  let i = from + 19;
  let ms = 0;
  if (i < end && s.charCodeAt(i) === 46) {
    i++;
    const start = i;
    while (i < end) {
      const c = s.charCodeAt(i) - ZERO;
      if (c < 0 || c > 9) break;
      if (i - start < 3) ms = ms * 10 + c;
      i++;
    }
    const count = i - start;
    if (count === 0) return null;
    if (count === 1) ms *= 100;
    else if (count === 2) ms *= 10;
  }
  if (i === end || (i === end - 1 && (s.charCodeAt(i) === 90 || s.charCodeAt(i) === 122))) {
    return utc(century * 100 + year, mo, d, h, mi, sec, ms);
  }
  return null;
}

/** The portal's US style: `11/24/2026, 2:09:47.000 AM` (comma, seconds, fraction and AM/PM optional). */
const US_DATE =
  /^(\d{1,2})\/(\d{1,2})\/(\d{4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*([AaPp][Mm])?$/;
/** ISO without seconds, or with an explicit offset. */
const ISO_LOOSE =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|([+-])(\d{2}):?(\d{2}))?$/i;

function isoLoose(s: string): number | null {
  const m = ISO_LOOSE.exec(s);
  if (!m) return null;
  const ms = m[7] ? Number(m[7].slice(0, 3).padEnd(3, "0")) : 0;
  const t = utc(
    Number(m[1]),
    Number(m[2]),
    Number(m[3]),
    Number(m[4] ?? 0),
    Number(m[5] ?? 0),
    Number(m[6] ?? 0),
    ms,
  );
  if (t === null) return null;
  if (m[9] === undefined) return t;
  const offsetMin = Number(m[10]) * 60 + Number(m[11]);
  if (offsetMin > 14 * 60) return null;
  return m[9] === "+" ? t - offsetMin * 60_000 : t + offsetMin * 60_000;
}

/** The hour on a 24-hour clock from `h` and an optional AM/PM marker; null for an impossible 12-hour time. */
export function clockHour(h: number, marker: string | undefined): number | null {
  const ampm = marker?.toLowerCase();
  if (ampm === undefined) return h;
  if (h < 1 || h > 12) return null;
  if (ampm === "am") return h === 12 ? 0 : h;
  return h === 12 ? 12 : h + 12;
}

function usDate(s: string): number | null {
  const m = US_DATE.exec(s);
  if (!m) return null;
  const h = clockHour(Number(m[4]), m[8]);
  if (h === null) return null;
  const fraction = m[7] ?? "";
  const ms = fraction === "" ? 0 : Math.floor(Number(fraction.slice(0, 3).padEnd(3, "0")));
  return utc(Number(m[3]), Number(m[1]), Number(m[2]), h, Number(m[5]), Number(m[6] ?? "0"), ms);
}

/**
 * Epoch milliseconds (UTC) from a Date, a number (epoch ms) or text: ISO-8601 (a missing zone means
 * UTC, as Log Analytics datetimes are), or the portal's US style. Null when the cell is empty or not a
 * date.
 */
export function cellDateMs(cell: unknown): number | null {
  if (typeof cell === "string") {
    const fast = isoMsAt(cell, 0, cell.length);
    if (fast !== null) return fast;
    const s = cell.trim();
    if (s === "" || s.length > 64) return null;
    if (s.charCodeAt(4) === 45) return isoLoose(s);
    return usDate(s);
  }
  if (cell instanceof Date) {
    const t = cell.getTime();
    return Number.isFinite(t) ? t : null;
  }
  if (typeof cell === "number") return Number.isFinite(cell) ? cell : null;
  return null;
}
