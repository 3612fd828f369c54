/**
 * How the local Log Analytics stand-in reads a query it cannot run: each backup-pulse query names itself on its
 * first line (`// backup-pulse:<queryName>`) and declares its parameters as `let <name> = <literal>;`
 * statements, rendered by src/logs/kql.ts. This reads them back as text.
 */

export interface ParsedQueryText {
  queryName: string;
  params: Record<string, string>;
}

const NAME_LINE = /^\s*\/\/\s*backup-pulse:\s*([A-Za-z0-9_.-]+)/;
const LET =
  /^[ \t]*let[ \t]+([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(datetime\(\s*[^)]*?\s*\)|"(?:[^"\\\r\n]|\\.)*"|'(?:[^'\\\r\n]|\\.)*'|@"(?:[^"]|"")*"|[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?|dynamic\(\s*\[[\s\S]*?\]\s*\))\s*;/gm;

function unescapeKqlString(literal: string): string {
  if (literal.startsWith("@")) return literal.slice(2, -1).replace(/""/g, '"');
  const body = literal.slice(1, -1);
  return body.replace(/\\(u[0-9a-fA-F]{4}|.)/g, (_match, escaped: string) => {
    if (escaped.length === 5) return String.fromCharCode(parseInt(escaped.slice(1), 16));
    switch (escaped) {
      case "n":
        return "\n";
      case "r":
        return "\r";
      case "t":
        return "\t";
      default:
        return escaped; // \" \' \\ and anything else: the character itself
    }
  });
}

function literalText(literal: string): string {
  if (literal.startsWith("datetime(")) {
    const inner = literal.slice("datetime(".length, -1).trim();
    const ms = Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(inner) ? inner : `${inner}Z`);
    return Number.isNaN(ms) ? inner : new Date(ms).toISOString();
  }
  if (literal.startsWith("dynamic(")) return literal.slice("dynamic(".length, -1).trim();
  if (literal.startsWith('"') || literal.startsWith("'") || literal.startsWith("@")) {
    return unescapeKqlString(literal);
  }
  return literal;
}

/** Reads the query name and the literal `let` parameters of a backup-pulse query. */
export function parseQueryText(query: string): ParsedQueryText {
  const firstLine = query.split(/\r?\n/).find((line) => line.trim() !== "") ?? "";
  const queryName = NAME_LINE.exec(firstLine)?.[1] ?? "";
  const params: Record<string, string> = {};
  for (const match of query.matchAll(LET)) {
    const [, name, literal] = match;
    if (name !== undefined && literal !== undefined) params[name] = literalText(literal);
  }
  return { queryName, params };
}
