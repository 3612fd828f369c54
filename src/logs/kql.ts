/**
 * KQL text for backup-pulse's own queries: the query files in ./kql/ and safe rendering of their parameters.
 *
 * A query file starts with `// backup-pulse:<name>` and declares its parameters as `let <name> = <literal>;`
 * lines near the top. Values are substituted only there, as literals rendered here, so a value can never
 * become part of the query's logic.
 */
import { readFileSync } from "node:fs";

export type QueryName = "jobs" | "jobs-legacy";
/** The query that counts, by quarter hour, the rows a job query reads (its window planned from them). */
export type CountQueryName = `${QueryName}-count`;
export type QueryFile = QueryName | CountQueryName;
export type KqlParam = Date | string | number | readonly string[];

/** A value that cannot be rendered as a KQL literal (the message says which and why). */
export class KqlRenderError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KqlRenderError";
  }
}

/** `datetime(2026-11-24T00:00:00.000Z)`: always UTC with milliseconds. */
export function kqlDatetime(date: Date): string {
  const ms = date.getTime();
  if (!Number.isFinite(ms)) throw new KqlRenderError("a datetime parameter is not a valid date");
  return `datetime(${new Date(ms).toISOString()})`;
}

// Characters with no documented KQL escape are refused rather than guessed: C0 controls other than tab,
// newline and carriage return, DEL, the C1 controls, the Unicode line and paragraph separators and lone
// surrogates.
function unrenderable(value: string): number | null {
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029) return c;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
      return c;
    }
    if (c >= 0xdc00 && c <= 0xdfff) return c;
  }
  return null;
}

/**
 * A double-quoted KQL string literal. Backslash, double quote, tab, newline and carriage return are escaped
 * (the escapes KQL documents); other control characters are refused with a KqlRenderError.
 */
export function kqlString(value: string): string {
  const bad = unrenderable(value);
  if (bad !== null) {
    const code = bad.toString(16).padStart(4, "0");
    throw new KqlRenderError(
      `a text parameter contains the control character U+${code}, which a query cannot carry`,
    );
  }
  let out = '"';
  for (const ch of value) {
    switch (ch) {
      case "\\":
        out += "\\\\";
        break;
      case '"':
        out += '\\"';
        break;
      case "\n":
        out += "\\n";
        break;
      case "\r":
        out += "\\r";
        break;
      case "\t":
        out += "\\t";
        break;
      default:
        out += ch;
    }
  }
  return out + '"';
}

/** A finite number as a KQL `real`/`long` literal. */
export function kqlNumber(value: number): string {
  if (!Number.isFinite(value)) throw new KqlRenderError("a number parameter must be finite");
  return Object.is(value, -0) ? "0" : String(value);
}

/** `dynamic(["a", "b"])`. */
export function kqlDynamicStrings(values: readonly string[]): string {
  return `dynamic([${values.map(kqlString).join(", ")}])`;
}

export function kqlLiteral(value: KqlParam): string {
  if (value instanceof Date) return kqlDatetime(value);
  if (typeof value === "string") return kqlString(value);
  if (typeof value === "number") return kqlNumber(value);
  return kqlDynamicStrings(value);
}

const HEADER = /^\/\/ backup-pulse:([A-Za-z0-9_-]+)\s*$/;
const LET_LINE = /^let ([A-Za-z_][A-Za-z0-9_]*) = (.*);\s*$/;

const cache = new Map<QueryFile, string>();

/** The query file's text, as shipped next to this module (src/logs/kql or dist/logs/kql). */
export function loadQuery(name: QueryFile): string {
  let text = cache.get(name);
  if (text === undefined) {
    text = readFileSync(new URL(`./kql/${name}.kql`, import.meta.url), "utf8").replace(/\r\n/g, "\n");
    cache.set(name, text);
  }
  return text;
}

/**
 * Substitutes parameter values into a query text's `let` lines. Every value must name a `let` line of the
 * query; a missing or unknown parameter is a programming error and throws.
 */
export function renderQueryText(text: string, params: Readonly<Record<string, KqlParam>>): string {
  const lines = text.split("\n");
  const header = HEADER.exec(lines[0] ?? "");
  if (!header) throw new KqlRenderError("a query must start with a `// backup-pulse:<name>` line");
  const used = new Set<string>();
  const out = lines.map((line) => {
    const m = LET_LINE.exec(line);
    const name = m?.[1];
    if (name === undefined || !Object.hasOwn(params, name)) return line;
    const value = params[name];
    if (value === undefined) return line;
    used.add(name);
    return `let ${name} = ${kqlLiteral(value)};`;
  });
  for (const name of Object.keys(params)) {
    if (!used.has(name)) throw new KqlRenderError(`query ${header[1] ?? ""} has no parameter "${name}"`);
  }
  return out.join("\n");
}

/** The named query file with its parameters filled in. */
export function renderQuery(name: QueryFile, params: Readonly<Record<string, KqlParam>>): string {
  return renderQueryText(loadQuery(name), params);
}
