/**
 * The portal's CSV export, from any locale: the field delimiter (`,`, or `;` and tab as spreadsheet tools in
 * many locales save it) is taken from the header line, and the date style from the date cells of the whole
 * file: en-US `11/24/2026, 2:09:47.000 AM` (month first, 12-hour clock), en-GB `24/11/2026, 02:09:47.000`
 * (day first, 24-hour clock), ja-JP `2026/11/24 2:09:47.000` (year first) and `24.11.2026 02:09:47`
 * (day first). Each such cell becomes an ISO-8601 UTC time before the rows are read (the portal writes
 * ` [UTC]` after date columns). A style it cannot tell, or does not know, stops the read with a message that
 * says what was seen and how to export a file it reads.
 *
 * Quotes are strict (RFC 4180): a quoted field must be followed by a delimiter or a line end, and every
 * record must have as many fields as the header. Otherwise the read stops and names the line, so that an
 * unbalanced quote never shifts fields into the wrong columns.
 */

import { clockHour, daysInMonth, utcMs } from "./normalise-values.js";

/** Thrown for a file that cannot be read; formats.ts turns it into its InputError. */
export class CsvError extends Error {}

export interface CsvRecords {
  records: string[][];
  /** The line (1-based) on which each record starts. */
  lines: number[];
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** RFC 4180 CSV with the given delimiter: quoted fields may hold delimiters, doubled quotes and line breaks. */
export function parseCsvRecords(text: string, delimiter = ","): CsvRecords {
  const { records, lines } = parseCsvPart(text, delimiter, 1, true);
  return { records, lines };
}

function indexOrEnd(text: string, search: string, from: number): number {
  const found = text.indexOf(search, from);
  return found < 0 ? text.length : found;
}

/** Records parsed from a part of a file, and where to go on from. */
export interface CsvPart extends CsvRecords {
  /** Characters of `text` read: the complete records (the rest starts a record the next part completes). */
  consumed: number;
  /** The line on which the rest starts. */
  line: number;
}

/**
 * Parses the complete records of `text`, whose first line is line `firstLine` of the file; with `wanted`, only the
 * fields of the columns it marks (and each record's first) are cut from the text (an unquoted field of another
 * column is ""). Unless `final`,
 * a record that may go on in the next part (no line end after it yet) is left unread: read it again with the
 * next part, from `consumed`. With `final`, `text` ends the file.
 */
export function parseCsvPart(
  text: string,
  delimiter: string,
  firstLine: number,
  final: boolean,
  wanted?: readonly boolean[],
): CsvPart {
  const sep = delimiter.charCodeAt(0);
  const records: string[][] = [];
  const lines: number[] = [];
  const n = text.length;
  let line = firstLine;
  let recordLine = firstLine;
  let recordStart = 0;
  let record: string[] = [];
  let i = 0;
  let nextSep = -1;
  let nextLf = -1;
  let nextCr = -1;
  const endRecord = (): void => {
    if (!(record.length === 1 && record[0] === "")) {
      records.push(record);
      lines.push(recordLine);
    }
    record = [];
  };
  const unfinished = (): CsvPart => ({ records, lines, consumed: recordStart, line: recordLine });
  while (i <= n) {
    if (record.length === 0) {
      recordLine = line;
      recordStart = i;
    }
    if (i < n && text.charCodeAt(i) === QUOTE) {
      const opened = line;
      let field = "";
      let from = ++i;
      for (;;) {
        const q = text.indexOf('"', from);
        if (q < 0 || (q + 1 === n && !final)) {
          if (!final) return unfinished();
          throw new CsvError(
            `line ${opened}: a quoted field opened here is never closed: the file looks truncated, or a quote is unbalanced`,
          );
        }
        field += text.slice(from, q);
        if (text.charCodeAt(q + 1) === QUOTE) {
          field += '"';
          from = q + 2;
          continue;
        }
        i = q + 1;
        break;
      }
      for (let k = 0; k < field.length; k++) if (field.charCodeAt(k) === LF) line++;
      const next = i < n ? text.charCodeAt(i) : -1;
      if (next !== -1 && next !== sep && next !== LF && next !== CR) {
        throw new CsvError(
          `line ${line}: text after the closing quote of a field opened on line ${opened}: a quote is unbalanced ` +
            `(inside a quoted field a quote is written twice, "")`,
        );
      }
      record.push(field);
    } else {
      // The next delimiter and line ends are found natively, each search reused until passed.
      if (nextSep < i) nextSep = indexOrEnd(text, delimiter, i);
      if (nextLf < i) nextLf = indexOrEnd(text, "\n", i);
      if (nextCr < i) nextCr = indexOrEnd(text, "\r", i);
      const end = Math.min(nextSep, nextLf, nextCr);
      if (end === n && !final) return unfinished();
      // A field the caller does not read is given as "" (it is still counted); a record's first field is always
      // read, as a blank line is told by it.
      const read = wanted === undefined || record.length === 0 || wanted[record.length] === true;
      record.push(read ? text.slice(i, end) : "");
      i = end;
    }
    if (i >= n) {
      if (!final) return unfinished();
      endRecord();
      break;
    }
    const c = text.charCodeAt(i);
    if (c === CR && i + 1 === n && !final) return unfinished();
    i++;
    if (c === sep) continue;
    if (c === CR && text.charCodeAt(i) === LF) i++;
    line++;
    endRecord();
    if (i === n) break;
  }
  return { records, lines, consumed: n, line };
}

/** The delimiter of the header line: `,`, `;` or tab, whichever splits it into the most fields. */
export function detectDelimiter(headerLine: string): string {
  let best = ",";
  let most = 0;
  for (const d of [",", ";", "\t"]) {
    const count = headerLine.split(d).length;
    if (count > most) {
      best = d;
      most = count;
    }
  }
  return best;
}

export type DateOrder = "mdy" | "dmy" | "ymd";

export interface CsvDialect {
  delimiter: string;
  /** Null when the file has no date written with slashes or dots. */
  dateOrder: DateOrder | null;
}

/** A date written with slashes or dots, as {@link readSlashDate} reads it. */
interface SlashDate {
  /** The three numbers of the date, in the order written; `aDigits` digits for the first. */
  a: number;
  aDigits: number;
  dotted: boolean;
  b: number;
  c: number;
  hour: number;
  minute: number;
  second: number;
  ms: number;
  marker: "am" | "pm" | undefined;
}

/** JavaScript's `\s`. */
function isSpace(c: number): boolean {
  return (
    c === 32 ||
    (c >= 9 && c <= 13) ||
    c === 0xa0 ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

const slash: SlashDate = {
  a: 0,
  aDigits: 0,
  dotted: false,
  b: 0,
  c: 0,
  hour: 0,
  minute: 0,
  second: 0,
  ms: 0,
  marker: undefined,
};
let cursor = 0;

/** The number of the digits from `cursor` on (at most `max` of them count); `cursor` moves past them. -1: none. */
function digitsAt(s: string, max: number): number {
  const start = cursor;
  let v = 0;
  for (;;) {
    const d = s.charCodeAt(cursor) - 48;
    if (!(d >= 0 && d <= 9)) break;
    if (cursor - start < max) v = v * 10 + d;
    cursor++;
  }
  return cursor === start ? -1 : v;
}

/**
 * `^(\d{1,4})([/.])(\d{1,2})\2(\d{1,4}),?\s+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?\s*([AaPp][Mm])?$`, read
 * without a regular expression (every date cell of a large file is read twice). The result is reused by the
 * next call; null when `s` is not such a date.
 */
function readSlashDate(s: string): Readonly<SlashDate> | null {
  const n = s.length;
  cursor = 0;
  slash.a = digitsAt(s, 4);
  slash.aDigits = cursor;
  if (slash.a < 0 || cursor > 4) return null;
  const sep = s.charCodeAt(cursor);
  if (sep !== 47 && sep !== 46) return null;
  slash.dotted = sep === 46;
  cursor++;
  let start = cursor;
  slash.b = digitsAt(s, 2);
  if (slash.b < 0 || cursor - start > 2 || s.charCodeAt(cursor) !== sep) return null;
  cursor++;
  start = cursor;
  slash.c = digitsAt(s, 4);
  if (slash.c < 0 || cursor - start > 4) return null;
  if (s.charCodeAt(cursor) === 44) cursor++;
  start = cursor;
  while (cursor < n && isSpace(s.charCodeAt(cursor))) cursor++;
  if (cursor === start) return null;
  start = cursor;
  slash.hour = digitsAt(s, 2);
  if (slash.hour < 0 || cursor - start > 2 || s.charCodeAt(cursor) !== 58) return null;
  cursor++;
  start = cursor;
  slash.minute = digitsAt(s, 2);
  if (cursor - start !== 2) return null;
  slash.second = 0;
  slash.ms = 0;
  if (s.charCodeAt(cursor) === 58) {
    cursor++;
    start = cursor;
    slash.second = digitsAt(s, 2);
    if (cursor - start !== 2) return null;
    if (s.charCodeAt(cursor) === 46) {
      cursor++;
      start = cursor;
      const fraction = digitsAt(s, 3);
      const count = cursor - start;
      if (count === 0 || count > 7) return null;
      slash.ms = count === 1 ? fraction * 100 : count === 2 ? fraction * 10 : fraction;
    }
  }
  while (cursor < n && isSpace(s.charCodeAt(cursor))) cursor++;
  slash.marker = undefined;
  if (cursor < n) {
    const p = s.charCodeAt(cursor) | 32;
    if ((p !== 97 && p !== 112) || (s.charCodeAt(cursor + 1) | 32) !== 109 || cursor + 2 !== n) return null;
    slash.marker = p === 97 ? "am" : "pm";
  }
  return slash;
}

/** True when `s` opens with one or two digits making at most 12, then a slash. */
function opensWithMonth(s: string): boolean {
  const a = s.charCodeAt(0) - 48;
  if (!(a >= 0 && a <= 9)) return false;
  const b = s.charCodeAt(1);
  if (b === 47) return true;
  const a2 = a * 10 + b - 48;
  return b >= 48 && b <= 57 && a2 <= 12 && s.charCodeAt(2) === 47;
}

/** How a file writes dates, from all its date cells: the evidence of each, or a reason it cannot tell. */
export function detectDateOrder(cells: Iterable<string>): DateOrder | null | { problem: string } {
  const evidence = new DateOrderEvidence();
  for (const cell of cells) evidence.add(cell);
  return evidence.order();
}

/** What date cells seen one at a time say of the file's date style ({@link detectDateOrder}). */
export class DateOrderEvidence {
  private yearFirst = false;
  private dotted = false;
  private firstOver12: string | null = null;
  private secondOver12: string | null = null;
  private twelveHour = false;
  private seen = false;

  add(cell: string): void {
    if (this.yearFirst) return; // nothing else can change the answer
    // Month-first with a 12-hour clock already seen: a cell that opens with a number up to 12 and a slash
    // changes nothing (whether it is a date or not), so it is not read further.
    if (this.secondOver12 !== null && this.twelveHour && opensWithMonth(cell)) return;
    const m = readSlashDate(cell);
    if (!m) return;
    this.seen = true;
    if (m.aDigits === 4) {
      this.yearFirst = true;
      return;
    }
    if (m.dotted) this.dotted = true;
    if (m.a > 12) this.firstOver12 ??= cell;
    if (m.b > 12) this.secondOver12 ??= cell;
    if (m.marker !== undefined) this.twelveHour = true;
  }

  order(): DateOrder | null | { problem: string } {
    if (!this.seen) return null;
    if (this.yearFirst) return "ymd";
    if (this.firstOver12 !== null && this.secondOver12 !== null) {
      return {
        problem: `the dates mix day-first ("${this.firstOver12}") and month-first ("${this.secondOver12}") styles`,
      };
    }
    if (this.dotted || this.firstOver12 !== null) return "dmy";
    if (this.secondOver12 !== null) return "mdy";
    // No day above 12: the clock tells. The en-US portal writes AM/PM, en-GB a 24-hour clock.
    return this.twelveHour ? "mdy" : "dmy";
  }
}

/** A date cell in the file's style as epoch milliseconds (UTC), or null when it is not one. */
export function msFromLocalDate(cell: string, order: DateOrder): number | null {
  const m = readSlashDate(cell);
  if (!m) return null;
  const y = order === "ymd" ? m.a : m.c;
  const mo = order === "ymd" ? m.b : order === "mdy" ? m.a : m.b;
  const d = order === "ymd" ? m.c : order === "mdy" ? m.b : m.a;
  const h = clockHour(m.hour, m.marker);
  if (h === null || y < 1000 || mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo)) return null;
  if (h > 23 || m.minute > 59 || m.second > 59) return null;
  return utcMs(y, mo, d, h, m.minute, m.second, m.ms);
}

/** "day/month/year dates, ';'-separated": what was read, for the summary ("" for the en-US default). */
export function describeDialect(dialect: CsvDialect): string {
  // The en-US portal's own export (commas, month first) needs no mention.
  if (dialect.delimiter === "," && (dialect.dateOrder === "mdy" || dialect.dateOrder === null)) return "";
  const parts: string[] = [];
  if (dialect.dateOrder === "dmy") parts.push("day/month/year dates");
  else if (dialect.dateOrder === "ymd") parts.push("year/month/day dates");
  else if (dialect.dateOrder === "mdy") parts.push("month/day/year dates");
  if (dialect.delimiter !== ",")
    parts.push(dialect.delimiter === "\t" ? "tab-separated" : `'${dialect.delimiter}'-separated`);
  return parts.join(", ");
}
