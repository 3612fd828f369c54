/**
 * A tiny reader for Bicep text, enough to check the templates without a Bicep compiler (none can be
 * installed here): tokens, declarations, references, object keys, resource bodies and module calls.
 * It understands the subset of Bicep the templates in infra/ use; it is not a full parser.
 */

export type TokenKind = "ident" | "string" | "number" | "punct" | "newline";

export interface Token {
  kind: TokenKind;
  text: string;
  /** Offset of the token in the source text. */
  start: number;
  end: number;
  line: number;
}

export interface BicepSource {
  path: string;
  text: string;
  /** The text with comments blanked out (same offsets), for text-level checks. */
  code: string;
  tokens: Token[];
}

const PUNCT = ["=>", "==", "!=", "<=", ">=", "&&", "||", "??", "?.", ".?", "::"];

/** Splits Bicep text into tokens; string interpolations (`${...}`) are tokenised as expressions. */
export function parseBicep(path: string, text: string): BicepSource {
  const tokens: Token[] = [];
  const code = text.split("");
  let i = 0;
  let line = 1;
  const push = (kind: TokenKind, start: number, end: number): void => {
    tokens.push({ kind, text: text.slice(start, end), start, end, line });
  };
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (code[k] !== "\n") code[k] = " ";
  };
  // Stack of brace depths at which an interpolation started: a `}` at that depth resumes the string.
  const interpolations: number[] = [];
  let braceDepth = 0;

  const readString = (from: number): number => {
    // `from` points just after the opening quote (or after the `}` closing an interpolation).
    let k = from;
    while (k < text.length) {
      const c = text[k];
      if (c === "\\") {
        k += 2;
        continue;
      }
      if (c === "\n") line++;
      if (c === "'") return k + 1;
      if (c === "$" && text[k + 1] === "{") {
        interpolations.push(braceDepth);
        return k + 2;
      }
      k++;
    }
    throw new Error(`${path}:${line}: unterminated string`);
  };

  while (i < text.length) {
    const c = text[i] ?? "";
    if (c === "\n") {
      if (tokens.at(-1)?.kind !== "newline") push("newline", i, i + 1);
      line++;
      i++;
    } else if (/\s/.test(c)) {
      i++;
    } else if (c === "/" && text[i + 1] === "/") {
      const end = text.indexOf("\n", i);
      const stop = end === -1 ? text.length : end;
      blank(i, stop);
      i = stop;
    } else if (c === "/" && text[i + 1] === "*") {
      const end = text.indexOf("*/", i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (let k = i; k < stop; k++) if (text[k] === "\n") line++;
      blank(i, stop);
      i = stop;
    } else if (text.startsWith("'''", i)) {
      const end = text.indexOf("'''", i + 3);
      if (end === -1) throw new Error(`${path}:${line}: unterminated multi-line string`);
      push("string", i, end + 3);
      for (let k = i; k < end; k++) if (text[k] === "\n") line++;
      i = end + 3;
    } else if (c === "'") {
      const startLine = line;
      const end = readString(i + 1);
      tokens.push({ kind: "string", text: text.slice(i, end), start: i, end, line: startLine });
      i = end;
    } else if (c === "}" && interpolations.length > 0 && interpolations.at(-1) === braceDepth) {
      interpolations.pop();
      const end = readString(i + 1);
      tokens.push({ kind: "string", text: text.slice(i, end), start: i, end, line });
      i = end;
    } else if (/[A-Za-z_]/.test(c)) {
      let k = i + 1;
      while (k < text.length && /[A-Za-z0-9_]/.test(text[k] ?? "")) k++;
      push("ident", i, k);
      i = k;
    } else if (/[0-9]/.test(c)) {
      let k = i + 1;
      while (k < text.length && /[0-9.]/.test(text[k] ?? "")) k++;
      push("number", i, k);
      i = k;
    } else {
      const two = text.slice(i, i + 2);
      const len = PUNCT.includes(two) ? 2 : 1;
      if (c === "{") braceDepth++;
      if (c === "}") braceDepth--;
      push("punct", i, i + len);
      i += len;
    }
  }
  return { path, text, code: code.join(""), tokens };
}

const OPEN = new Set(["(", "[", "{"]);
const CLOSE = new Set([")", "]", "}"]);

/** Index of the token that closes the bracket opened at `open`. */
export function matchingClose(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k];
    if (t?.kind !== "punct") continue;
    if (OPEN.has(t.text)) depth++;
    if (CLOSE.has(t.text)) depth--;
    if (depth === 0) return k;
  }
  throw new Error(`unbalanced bracket at token ${open}`);
}

/** End (exclusive) of the expression starting at `from`: the first newline or `,` outside brackets, or a closing bracket. */
export function expressionEnd(tokens: Token[], from: number): number {
  let depth = 0;
  for (let k = from; k < tokens.length; k++) {
    const t = tokens[k];
    if (!t) break;
    if (t.kind === "punct" && OPEN.has(t.text)) depth++;
    if (t.kind === "punct" && CLOSE.has(t.text)) {
      if (depth === 0) return k;
      depth--;
    }
    if (depth === 0 && (t.kind === "newline" || (t.kind === "punct" && t.text === ","))) return k;
  }
  return tokens.length;
}

export interface ParamDecl {
  name: string;
  type: string;
  secure: boolean;
  hasDefault: boolean;
  decorators: string[];
  line: number;
}

export interface ValueDecl {
  name: string;
  /** First token of the value expression (after `=`). */
  valueStart: number;
  valueEnd: number;
  line: number;
}

export interface ResourceDecl {
  name: string;
  type: string;
  existing: boolean;
  /** Token indexes of the body `{`...`}` (the object after `=`, `if (...)` or `[for ...:`). */
  bodyStart: number;
  bodyEnd: number;
  line: number;
}

export interface Declarations {
  params: Map<string, ParamDecl>;
  vars: Map<string, ValueDecl>;
  outputs: Map<string, ValueDecl>;
  resources: ResourceDecl[];
  modules: ResourceDecl[];
  /** Loop and lambda variables, and every other name a reference may resolve to. */
  locals: Set<string>;
}

const KEYWORDS = new Set([
  "param",
  "var",
  "resource",
  "module",
  "output",
  "targetScope",
  "existing",
  "for",
  "in",
  "if",
  "true",
  "false",
  "null",
  "import",
  "type",
  "metadata",
  "func",
  "using",
  "extension",
  "with",
  "as",
]);

function isPunct(t: Token | undefined, text: string): boolean {
  return t?.kind === "punct" && t.text === text;
}

function atStatementStart(tokens: Token[], k: number): boolean {
  const prev = tokens[k - 1];
  return prev === undefined || prev.kind === "newline";
}

/** The body object of a resource or module declared at `from` (the keyword). */
function declarationBody(tokens: Token[], from: number): { start: number; end: number } {
  let k = from;
  while (k < tokens.length && !isPunct(tokens[k], "=")) k++;
  for (; k < tokens.length; k++) {
    const t = tokens[k];
    if (isPunct(t, "("))
      k = matchingClose(tokens, k); // skip `if (...)`
    else if (isPunct(t, "{")) return { start: k, end: matchingClose(tokens, k) };
  }
  throw new Error(`no body found for declaration at token ${from}`);
}

export function declarations(src: BicepSource): Declarations {
  const { tokens } = src;
  const decl: Declarations = {
    params: new Map(),
    vars: new Map(),
    outputs: new Map(),
    resources: [],
    modules: [],
    locals: new Set(),
  };
  let pendingDecorators: string[] = [];
  let depth = 0;
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (!t) continue;
    if (t.kind === "punct" && OPEN.has(t.text)) depth++;
    if (t.kind === "punct" && CLOSE.has(t.text)) depth--;
    if (depth === 0 && isPunct(t, "@") && tokens[k + 1]?.kind === "ident") {
      pendingDecorators.push(tokens[k + 1]?.text ?? "");
      continue;
    }
    if (t.kind !== "ident") continue;
    const name = tokens[k + 1];
    if (depth === 0 && atStatementStart(tokens, k) && name?.kind === "ident") {
      if (t.text === "param") {
        const type = tokens[k + 2]?.text ?? "";
        const end = expressionEnd(tokens, k + 1);
        const hasDefault = tokens.slice(k + 2, end).some((x) => isPunct(x, "="));
        decl.params.set(name.text, {
          name: name.text,
          type,
          secure: pendingDecorators.includes("secure"),
          hasDefault,
          decorators: pendingDecorators,
          line: t.line,
        });
      } else if (t.text === "var" || t.text === "output") {
        let eq = k + 2;
        while (eq < tokens.length && !isPunct(tokens[eq], "=")) eq++;
        const value: ValueDecl = {
          name: name.text,
          valueStart: eq + 1,
          valueEnd: expressionEnd(tokens, eq + 1),
          line: t.line,
        };
        (t.text === "var" ? decl.vars : decl.outputs).set(name.text, value);
      } else if (t.text === "type" || t.text === "func") {
        decl.locals.add(name.text);
      }
      if (["param", "var", "output", "resource", "module", "type", "func"].includes(t.text)) {
        pendingDecorators = [];
      }
    }
    if ((t.text === "resource" || t.text === "module") && name?.kind === "ident") {
      const typeToken = tokens[k + 2];
      if (typeToken?.kind !== "string") continue;
      const body = declarationBody(tokens, k);
      const entry: ResourceDecl = {
        name: name.text,
        type: typeToken.text.slice(1, -1),
        existing: tokens[k + 3]?.text === "existing",
        bodyStart: body.start,
        bodyEnd: body.end,
        line: t.line,
      };
      (t.text === "resource" ? decl.resources : decl.modules).push(entry);
    }
    // Loop variables: `for x in`, `for (x, i) in`.
    if (t.text === "for") {
      let j = k + 1;
      while (j < tokens.length && tokens[j]?.text !== "in") {
        const v = tokens[j];
        if (v?.kind === "ident") decl.locals.add(v.text);
        j++;
      }
    }
    // Lambda parameters: `x => ...`, `(x, y) => ...`.
    if (isPunct(tokens[k + 1], "=>")) decl.locals.add(t.text);
    // `(x, y) => ...`: every identifier between `(` and `)` when `=>` follows.
    if (isPunct(tokens[k - 1], "(") || isPunct(tokens[k - 1], ",")) {
      let j = k;
      while (tokens[j]?.kind === "ident" && isPunct(tokens[j + 1], ",")) j += 2;
      if (tokens[j]?.kind === "ident" && isPunct(tokens[j + 1], ")") && isPunct(tokens[j + 2], "=>")) {
        decl.locals.add(t.text);
      }
    }
  }
  return decl;
}

/** True when the identifier at `k` is an object key (`key:` at the start of a line or after `{` or `,`). */
export function isObjectKey(tokens: Token[], k: number): boolean {
  const prev = tokens[k - 1];
  const next = tokens[k + 1];
  if (!isPunct(next, ":")) return false;
  return prev === undefined || prev.kind === "newline" || isPunct(prev, "{") || isPunct(prev, ",");
}

export interface Reference {
  name: string;
  line: number;
}

/** Identifiers used as values: not keys, not property accesses, not calls, not declarations. */
export function references(src: BicepSource): Reference[] {
  const { tokens } = src;
  const out: Reference[] = [];
  for (let k = 0; k < tokens.length; k++) {
    const t = tokens[k];
    if (t?.kind !== "ident" || KEYWORDS.has(t.text)) continue;
    const prev = tokens[k - 1];
    const next = tokens[k + 1];
    if (isPunct(prev, ".") || isPunct(prev, "?.") || isPunct(prev, ".?") || isPunct(prev, "@")) continue;
    if (isPunct(prev, "::")) continue;
    if (isPunct(next, "(")) continue; // function call
    if (isPunct(next, ".") && (t.text === "az" || t.text === "sys")) continue; // namespaced call
    if (isObjectKey(tokens, k)) continue;
    if (
      prev?.kind === "ident" &&
      ["param", "var", "resource", "module", "output", "type", "func"].includes(prev.text)
    )
      continue;
    const prev2 = tokens[k - 2];
    if (prev2?.kind === "ident" && (prev2.text === "param" || prev2.text === "output")) continue; // the type
    out.push({ name: t.text, line: t.line });
  }
  return out;
}

/** References to names that are declared nowhere in the file, and parameters never used. */
export function undeclaredAndUnused(src: BicepSource): string[] {
  const d = declarations(src);
  const known = new Set<string>([
    ...d.params.keys(),
    ...d.vars.keys(),
    ...d.resources.map((r) => r.name),
    ...d.modules.map((m) => m.name),
    ...d.locals,
    // Decorator names and type keywords appear as bare identifiers only in these positions.
    "string",
    "int",
    "bool",
    "object",
    "array",
  ]);
  const problems: string[] = [];
  const used = new Set<string>();
  for (const ref of references(src)) {
    used.add(ref.name);
    if (!known.has(ref.name))
      problems.push(`${src.path}:${ref.line}: "${ref.name}" is used but not declared`);
  }
  for (const p of d.params.values()) {
    if (!used.has(p.name))
      problems.push(`${src.path}:${p.line}: parameter "${p.name}" is declared but never used`);
  }
  return problems;
}

/** A key of an object literal: its value text and the token range of the value. */
export interface Entry {
  text: string;
  start: number;
  end: number;
}

/** Keys and value texts of the object literal whose `{` is at token `open` (direct keys only). */
export function objectEntries(src: BicepSource, open: number): Map<string, Entry> {
  const { tokens } = src;
  const close = matchingClose(tokens, open);
  const out = new Map<string, Entry>();
  let depth = 0;
  for (let k = open; k <= close; k++) {
    const t = tokens[k];
    if (!t) continue;
    if (t.kind === "punct" && OPEN.has(t.text)) depth++;
    if (t.kind === "punct" && CLOSE.has(t.text)) depth--;
    if (depth === 1 && (t.kind === "ident" || t.kind === "string") && isObjectKey(tokens, k)) {
      const valueStart = k + 2;
      const valueEnd = expressionEnd(tokens, valueStart);
      const key = t.kind === "string" ? t.text.slice(1, -1) : t.text;
      const first = tokens[valueStart];
      const last = tokens[valueEnd - 1];
      out.set(key, {
        text: first && last ? src.code.slice(first.start, last.end) : "",
        start: valueStart,
        end: valueEnd,
      });
    }
  }
  return out;
}

/** The source text of a resource or module body (comments blanked). */
export function bodyText(src: BicepSource, r: ResourceDecl): string {
  const a = src.tokens[r.bodyStart];
  const b = src.tokens[r.bodyEnd];
  return a && b ? src.code.slice(a.start, b.end) : "";
}

/** Values passed in a module's `params: { ... }` block. */
export function moduleParams(src: BicepSource, m: ResourceDecl): Map<string, Entry> {
  const params = objectEntries(src, m.bodyStart).get("params");
  if (!params || !isPunct(src.tokens[params.start], "{")) return new Map<string, Entry>();
  return objectEntries(src, params.start);
}
