/**
 * The message table of a locale, and the formatting of numbers and times that goes with it. Pure.
 */
import { EN } from "./en.js";
import { JA } from "./ja.js";
import { LOCALES, type Locale, type Messages } from "./types.js";

export type { Locale, Messages } from "./types.js";

const TABLES: Record<Locale, Messages> = { en: EN, ja: JA };

export function messagesFor(locale: Locale = "en"): Messages {
  return TABLES[locale];
}

/** A supported locale from a setting's value (case-insensitive, `ja-JP` → `ja`), or null. */
export function parseLocale(value: string): Locale | null {
  const base = value.trim().toLowerCase().split(/[-_]/)[0] ?? "";
  return (LOCALES as readonly string[]).includes(base) ? (base as Locale) : null;
}

/**
 * An instant (ISO-8601) as the locale writes it, in `timeZone` (PULSE_TIMEZONE), with the zone named: English
 * `Nov 25, 2026, 16:00 (Europe/Berlin)`, Japanese `2026/11/25 16:00 (Asia/Tokyo)`. Not an instant: returned as
 * given.
 */
export function formatInstant(iso: string, m: Messages, timeZone = "UTC"): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  const english = m.locale === "en";
  const text = new Intl.DateTimeFormat(m.tag, {
    timeZone,
    year: "numeric",
    month: english ? "short" : "2-digit",
    day: english ? "numeric" : "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(ms);
  return `${text} (${timeZone})`;
}
