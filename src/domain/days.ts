/**
 * Days and durations: calendar days written `YYYY-MM-DD` (UTC, or of an IANA time zone through `Intl`), and
 * the lengths of a minute, an hour and a day in milliseconds. Every date computation of the product goes
 * through here. Pure.
 */

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;
export const DAY_MS = 24 * HOUR_MS;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** UTC day (`YYYY-MM-DD`) of an ISO-8601 instant. Throws on an unreadable time. */
export function utcDay(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`"${iso}" is not an ISO-8601 time`);
  return dayOfMs(ms);
}

/** UTC day (`YYYY-MM-DD`) of an instant in epoch milliseconds. */
export function dayOfMs(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

const TWO_DIGITS = Array.from({ length: 100 }, (_, i) => String(i).padStart(2, "0"));
const THREE_DIGITS = Array.from({ length: 1000 }, (_, i) => String(i).padStart(3, "0"));
/** The `YYYY-MM-DDT` of the last few days formatted (a large read's jobs fall on few days). */
const isoDays = new Map<number, string>();
/** 10000-01-01T00:00:00Z: from there on, ISO-8601 writes a six-digit year. */
const ISO_END_MS = 253402300800000;

/** `new Date(ms).toISOString()`, without a Date for each call (ISO strings of many jobs are written). */
export function isoOfMs(ms: number): string {
  if (!(ms >= 0 && ms < ISO_END_MS) || !Number.isInteger(ms)) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  let prefix = isoDays.get(day);
  if (prefix === undefined) {
    prefix = new Date(day * DAY_MS).toISOString().slice(0, 11);
    if (isoDays.size >= 1000) isoDays.clear();
    isoDays.set(day, prefix);
  }
  let rest = ms - day * DAY_MS;
  const milli = rest % 1000;
  rest = (rest - milli) / 1000;
  const second = rest % 60;
  rest = (rest - second) / 60;
  const minute = rest % 60;
  const hour = (rest - minute) / 60;
  return `${prefix}${TWO_DIGITS[hour]}:${TWO_DIGITS[minute]}:${TWO_DIGITS[second]}.${THREE_DIGITS[milli]}Z`;
}

/** True for a real calendar day written `YYYY-MM-DD`. */
export function isDate(value: string): boolean {
  if (!DATE.test(value)) return false;
  const ms = Date.parse(`${value}T00:00:00Z`);
  return !Number.isNaN(ms) && dayOfMs(ms) === value;
}

/** `date` moved by `days` (negative: earlier). */
export function addDays(date: string, days: number): string {
  return dayOfMs(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS);
}

/** Whole days from `from` to `to` (0 when equal, negative when `to` is earlier). */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** The time zone of UTC days: the default of `PULSE_TIMEZONE`. */
export const UTC = "UTC";

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The date parts (and with `clock`, the time of day) of an instant in time zone `tz`, cached per zone. */
function formatter(tz: string, clock = false): Intl.DateTimeFormat {
  const key = clock ? `${tz}|clock` : tz;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat("en-US", {
      timeZone: tz,
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hourCycle: "h23",
      ...(clock ? { hour: "2-digit", minute: "2-digit", second: "2-digit" } : {}),
    });
    formatters.set(key, f);
  }
  return f;
}

/**
 * The canonical name of an IANA time zone (`europe/berlin` → `Europe/Berlin`), or null when the runtime's
 * time-zone data does not know it.
 */
export function canonicalTimeZone(tz: string): string | null {
  if (tz.trim() === "") return null;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: tz }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}

// Offsets change at whole minutes, so every instant of one minute has the same day: the cache is keyed on
// the minute (jobs of a fleet start at few distinct minutes).
const dayCache = new Map<string, Map<number, string>>();
const DAY_CACHE_LIMIT = 50_000;

/** Calendar day (`YYYY-MM-DD`) in time zone `tz` of an instant in epoch milliseconds. */
export function dayOf(ms: number, tz: string = UTC): string {
  if (tz === UTC) return dayOfMs(ms);
  let cache = dayCache.get(tz);
  if (!cache) {
    cache = new Map();
    dayCache.set(tz, cache);
  }
  const minute = Math.floor(ms / MINUTE_MS);
  const hit = cache.get(minute);
  if (hit !== undefined) return hit;
  let year = "";
  let month = "";
  let day = "";
  for (const part of formatter(tz).formatToParts(ms)) {
    if (part.type === "year") year = part.value;
    else if (part.type === "month") month = part.value;
    else if (part.type === "day") day = part.value;
  }
  const value = `${year.padStart(4, "0")}-${month}-${day}`;
  if (cache.size >= DAY_CACHE_LIMIT) cache.clear();
  cache.set(minute, value);
  return value;
}

/** Calendar day in time zone `tz` of an ISO-8601 instant. Throws on an unreadable time. */
export function dayOfIso(iso: string, tz: string = UTC): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError(`"${iso}" is not an ISO-8601 time`);
  return dayOf(ms, tz);
}

/** The first instant (epoch ms) of `date` in time zone `tz`. */
function dayStart(date: string, tz: string): number {
  const wall = Date.parse(`${date}T00:00:00.000Z`);
  if (tz === UTC) return wall;
  // Every offset in use lies within ±14 h, and a DST change moves it by at most 2 h: the day starts in
  // [wall - 16 h, wall + 16 h]. Search for the first instant whose local day is not before `date` (this
  // also finds 01:00 on a day whose midnight is skipped by a DST change).
  let lo = wall - 16 * HOUR_MS;
  let hi = wall + 16 * HOUR_MS;
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (dayOf(mid, tz) < date) lo = mid;
    else hi = mid;
  }
  return hi;
}

/**
 * The instants of calendar day `date` in time zone `tz`: `[startMs, endMs)`. A day is 24 hours long except
 * on the days of a daylight-saving change (23 or 25 hours in Europe).
 */
export function dayWindow(date: string, tz: string = UTC): { startMs: number; endMs: number } {
  return { startMs: dayStart(date, tz), endMs: dayStart(addDays(date, 1), tz) };
}

/** Yesterday's calendar day in time zone `tz`, as of `nowMs`. */
export function yesterdayIn(tz: string = UTC, nowMs: number = Date.now()): string {
  return addDays(dayOf(nowMs, tz), -1);
}

/** Offset (ms) of the zone's clock from UTC at an instant. */
function offsetAt(ms: number, zone: string): number {
  const f = formatter(zone, true);
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(ms)) if (part.type !== "literal") p[part.type] = Number(part.value);
  const wall = Date.UTC(
    p.year ?? 0,
    (p.month ?? 1) - 1,
    p.day ?? 1,
    p.hour ?? 0,
    p.minute ?? 0,
    p.second ?? 0,
  );
  return wall - Math.floor(ms / 1000) * 1000;
}

/** The instant at which the zone's clock shows `date` + `minutes` (a skipped hour moves forward). */
export function wallClockInstant(date: string, minutes: number, zone: string): number {
  const wall = Date.parse(`${date}T00:00:00Z`) + minutes * MINUTE_MS;
  if (zone === "UTC" || zone === "Etc/UTC") return wall;
  const guess = wall - offsetAt(wall, zone);
  return wall - offsetAt(guess, zone);
}
