/**
 * The `rows` array of a Log Analytics REST table, read straight from the file's text cell by cell: each row's
 * cells fill one array that is filled again for the next row (the job reader keeps nothing of a row), so no
 * array per row and no parsed copy of the text are made. A string without escapes is cut from the text; a
 * number, true, false and null are read in place. A row holding anything else (an escape, a nested value, a
 * row that is not an array) is parsed by JSON.parse alone. Text that is not JSON raises the InputError a
 * whole-file read raises.
 */
import { InputError } from "./input-error.js";
import { isoMsAt } from "./normalise-values.js";

const QUOTE = 34;
const BACKSLASH = 92;
const COMMA = 44;
const OPEN = 91;
const CLOSE = 93;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;

/** A JSON number, exactly as JSON.parse takes it. */
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
/** Control characters other than a line feed: never in a JSON string, outside one only \t and \r. */
// eslint-disable-next-line no-control-regex -- control characters are what it finds
const CONTROL = /[\x00-\x09\x0b-\x1f]/g;

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 13 || c === 9;
}

/** Index of the quote that closes a string whose content starts at `from`, or -1 if not in `text`. */
export function closingQuote(text: string, from: number): number {
  let q = text.indexOf('"', from);
  while (q >= 0) {
    let backslashes = 0;
    for (let k = q - 1; k >= from && text.charCodeAt(k) === BACKSLASH; k--) backslashes++;
    if (backslashes % 2 === 0) return q;
    q = text.indexOf('"', q + 1);
  }
  return -1;
}

/** End (exclusive) of the JSON value that starts at `start` (not a space), or -1 when `text` ends first. */
function valueEnd(text: string, start: number): number {
  const n = text.length;
  let depth = 0;
  for (let i = start; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === QUOTE) {
      const q = closingQuote(text, i + 1);
      if (q < 0) return -1;
      i = q;
      if (depth === 0) return q + 1;
    } else if (c === OPEN || c === 123) depth++;
    else if (c === CLOSE || c === 125) {
      if (depth === 0) return i;
      depth--;
      if (depth === 0) return i + 1;
    } else if (depth === 0 && (c === COMMA || isSpace(c))) return i;
  }
  return -1;
}

function notJson(detail: string): InputError {
  return new InputError(`The file is not valid JSON (${detail.slice(0, 120)})`);
}

/** Reads the rows of one `rows` array, given part by part. */
export class RestRows {
  private readonly row: unknown[] = [];
  /** After a row: a `,` or the `]` that ends the rows must come next. */
  private afterRow = false;
  /** Where the text not yet read starts, after {@link read} returned -1 (the caller keeps it for the next part). */
  resume = 0;

  /**
   * `sink` reads each row and keeps nothing of it. A cell of a column in `dates` that holds an ISO-8601 UTC time
   * is given as its epoch milliseconds, as the job reader reads it (any other cell as it is).
   */
  constructor(
    private readonly sink: (row: unknown) => void,
    private readonly dates: readonly number[] = [],
  ) {
    for (const c of dates) this.isDate[c] = true;
  }

  /** By column: whether it is one of `dates`. */
  private readonly isDate: boolean[] = [];

  /**
   * Reads the complete rows of `text` from `from` (just after the rows' `[`, or where the last part stopped).
   * Returns the index just after the `]` that ends the rows, or -1 when the text ends first: the rest, from
   * {@link resume}, is read again at the start of the next part.
   */
  read(text: string, from: number): number {
    const n = text.length;
    const row = this.row;
    let backslash = -1; // the next backslash at or after the scan (n: none)
    let control = -1; // the next control character other than a line feed at or after the scan (n: none)
    let lineFeed = -1; // the next line feed at or after the scan (n: none)
    let i = from;
    for (;;) {
      while (i < n && isSpace(text.charCodeAt(i))) i++;
      if (i >= n) {
        this.resume = n;
        return -1;
      }
      let c = text.charCodeAt(i);
      if (this.afterRow) {
        if (c === CLOSE) return i + 1;
        if (c !== COMMA) throw notJson(`unexpected ${JSON.stringify(text[i])} after a row`);
        i++;
        this.afterRow = false;
        continue;
      }
      if (c === CLOSE) {
        if (this.first) return i + 1;
        throw notJson("unexpected ] after a comma");
      }
      this.first = false;
      const start = i;
      let cells = 0;
      let complete = false;
      // The cells of a simple row: strings without escapes, numbers, true, false and null.
      if (c === OPEN) {
        i++;
        for (;;) {
          while (i < n && isSpace(text.charCodeAt(i))) i++;
          if (i >= n) break;
          c = text.charCodeAt(i);
          let value: unknown;
          if (c === QUOTE) {
            const q = text.indexOf('"', i + 1);
            if (q < 0) break;
            if (backslash < i) {
              backslash = text.indexOf("\\", i);
              if (backslash < 0) backslash = n;
            }
            if (control < i) {
              CONTROL.lastIndex = i;
              control = CONTROL.exec(text)?.index ?? n;
            }
            if (lineFeed < i) {
              lineFeed = text.indexOf("\n", i);
              if (lineFeed < 0) lineFeed = n;
            }
            if (backslash < q || control < q || lineFeed < q) break;
            value = (this.isDate[cells] === true ? isoMsAt(text, i + 1, q) : null) ?? text.slice(i + 1, q);
            i = q + 1;
          } else if (c === MINUS || (c >= ZERO && c <= NINE)) {
            let e = i + 1;
            // A whole number of up to 15 digits (no leading zero) is worked out as it is read.
            let whole = c === MINUS ? 0 : c - ZERO;
            let digits = c === MINUS ? 0 : 1;
            let plain = true;
            while (e < n) {
              const d = text.charCodeAt(e);
              if (d >= ZERO && d <= NINE) {
                whole = whole * 10 + (d - ZERO);
                digits++;
              } else if (d === 46 || d === 101 || d === 69 || d === 43 || d === MINUS) plain = false;
              else break;
              e++;
            }
            if (e >= n) break;
            const lead = text.charCodeAt(c === MINUS ? i + 1 : i);
            if (plain && digits > 0 && digits <= 15 && (lead !== ZERO || digits === 1)) {
              value = c === MINUS ? -whole : whole;
            } else {
              const token = text.slice(i, e);
              if (!NUMBER.test(token)) break;
              value = Number(token);
            }
            i = e;
          } else if (c === 110 && text.startsWith("null", i)) {
            value = null;
            i += 4;
          } else if (c === 116 && text.startsWith("true", i)) {
            value = true;
            i += 4;
          } else if (c === 102 && text.startsWith("false", i)) {
            value = false;
            i += 5;
          } else {
            if (c === CLOSE && cells === 0) {
              i++;
              complete = true;
            }
            break;
          }
          row[cells++] = value;
          while (i < n && isSpace(text.charCodeAt(i))) i++;
          if (i >= n) break;
          c = text.charCodeAt(i);
          if (c === CLOSE) {
            i++;
            complete = true;
            break;
          }
          if (c !== COMMA) break;
          i++;
        }
      }
      if (complete) {
        if (row.length !== cells) row.length = cells;
        this.sink(row);
        this.afterRow = true;
        continue;
      }
      // Not a simple row, or not complete in this text.
      const end = valueEnd(text, start);
      if (end < 0) {
        this.resume = start;
        return -1;
      }
      let value: unknown;
      try {
        value = JSON.parse(text.slice(start, end));
      } catch (error) {
        throw notJson(error instanceof Error ? error.message : String(error));
      }
      this.sink(value);
      this.afterRow = true;
      i = end;
    }
  }

  /** True until the first row is read (a `]` then ends an empty rows array). */
  private first = true;
}
