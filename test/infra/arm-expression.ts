/**
 * ARM template expressions (the `[...]` strings of a compiled template): a parser for their small grammar
 * (function calls, string and integer literals, `.property` and `[index]` access) and an evaluator that
 * computes what it can from the template itself (parameters passed to modules, variables, createObject,
 * union, if, format, module outputs) and keeps the rest as `Opaque` values that carry their rendered text,
 * so that a check can still see what a value is made of ("reference(... userAssignedIdentities ...).clientId").
 */

export type Expr =
  | { kind: "string"; value: string }
  | { kind: "number"; value: number }
  | { kind: "call"; name: string; args: Expr[] }
  | { kind: "property"; target: Expr; name: string }
  | { kind: "index"; target: Expr; index: Expr };

/** A value only known at deployment time; `text` says what it is made of. */
export class Opaque {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

export type Value = string | number | boolean | null | Opaque | Value[] | { [key: string]: Value };

/** True for a JSON string that ARM evaluates as an expression (`[...]`, but not the `[[` escape). */
export function isExpression(text: string): boolean {
  return text.startsWith("[") && text.endsWith("]") && !text.startsWith("[[");
}

/** Parses the text of an expression string, brackets included. */
export function parseExpression(text: string): Expr {
  if (!isExpression(text)) throw new Error(`not an ARM expression: ${text}`);
  const src = text.slice(1, -1);
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`ARM expression ${text}: ${what} at ${i}`);
  };
  const skip = (): void => {
    while (src[i] === " ") i++;
  };
  const expect = (c: string): void => {
    skip();
    if (src[i] !== c) fail(`expected "${c}"`);
    i++;
  };
  const identifier = (): string => {
    skip();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i));
    if (!m) return fail("expected a name");
    i += m[0].length;
    return m[0];
  };
  const primary = (): Expr => {
    skip();
    const c = src[i];
    if (c === "'") {
      let value = "";
      i++;
      for (;;) {
        if (i >= src.length) fail("unterminated string");
        if (src[i] === "'") {
          if (src[i + 1] === "'") {
            value += "'";
            i += 2;
            continue;
          }
          i++;
          return { kind: "string", value };
        }
        value += src[i];
        i++;
      }
    }
    if (c !== undefined && /[-0-9]/.test(c)) {
      const m = /^-?[0-9]+/.exec(src.slice(i));
      if (!m) return fail("expected a number");
      i += m[0].length;
      return { kind: "number", value: Number(m[0]) };
    }
    const name = identifier();
    expect("(");
    const args: Expr[] = [];
    skip();
    if (src[i] === ")") i++;
    else {
      for (;;) {
        args.push(expression());
        skip();
        if (src[i] === ",") {
          i++;
          continue;
        }
        expect(")");
        break;
      }
    }
    return { kind: "call", name, args };
  };
  const expression = (): Expr => {
    let e = primary();
    for (;;) {
      skip();
      if (src[i] === ".") {
        i++;
        e = { kind: "property", target: e, name: identifier() };
      } else if (src[i] === "[") {
        i++;
        const index = expression();
        expect("]");
        e = { kind: "index", target: e, index };
      } else return e;
    }
  };
  const e = expression();
  skip();
  if (i !== src.length) fail("unexpected text");
  return e;
}

/** Every function call in an expression, outermost first. */
export function callsIn(e: Expr): { name: string; args: Expr[] }[] {
  switch (e.kind) {
    case "call":
      return [{ name: e.name, args: e.args }, ...e.args.flatMap(callsIn)];
    case "property":
      return callsIn(e.target);
    case "index":
      return [...callsIn(e.target), ...callsIn(e.index)];
    default:
      return [];
  }
}

/** A value written back as expression text (strings quoted, opaque values as their text). */
export function show(v: Value): string {
  if (v instanceof Opaque) return v.text;
  if (typeof v === "string") return `'${v.replace(/'/g, "''")}'`;
  if (v === null || typeof v !== "object") return String(v);
  return JSON.stringify(v, (_k, x: unknown) => (x instanceof Opaque ? x.text : x));
}

/** A value inside interpolated text: strings as they are, anything else as `${...}`. */
export function interpolate(v: Value): string {
  return typeof v === "string" ? v : `\${${show(v)}}`;
}

function isObject(v: Value): v is { [key: string]: Value } {
  return v !== null && typeof v === "object" && !Array.isArray(v) && !(v instanceof Opaque);
}

function isConcrete(v: Value): boolean {
  if (v instanceof Opaque) return false;
  if (Array.isArray(v)) return v.every(isConcrete);
  if (isObject(v)) return Object.values(v).every(isConcrete);
  return true;
}

/** Where the evaluator looks up names; each template of a deployment tree has its own. */
export interface EvalScope {
  parameter(name: string): Value;
  variable(name: string): Value;
  /** Output `output` of the module deployment named `deployment` of this template, when known. */
  moduleOutput(deployment: string, output: string): Value | undefined;
  /** A resource declared under a symbolic name in this template (language version 2.0 templates). */
  resource(symbol: string): { type: string; name: Value } | undefined;
  /** The current iteration of a property copy loop, when one is being expanded. */
  copyIndex?: (loop: string | undefined) => number | undefined;
}

/** `reference(<id of Microsoft.Resources/deployments 'name'>, ...)`: the module deployment it reads, if any. */
function referencedDeployment(e: Expr): string | undefined {
  if (e.kind !== "call" || e.name !== "reference") return undefined;
  const id = e.args[0];
  if (id?.kind !== "call" || !/ResourceId$/i.test(id.name)) return undefined;
  const at = id.args.findIndex((a) => a.kind === "string" && a.value === "Microsoft.Resources/deployments");
  const name = id.args[at + 1];
  return at >= 0 && name?.kind === "string" ? name.value : undefined;
}

const callText = (name: string, args: Value[]): Opaque => new Opaque(`${name}(${args.map(show).join(", ")})`);

export function evaluate(e: Expr, scope: EvalScope): Value {
  switch (e.kind) {
    case "string":
    case "number":
      return e.value;
    case "index": {
      const target = evaluate(e.target, scope);
      const index = evaluate(e.index, scope);
      if (Array.isArray(target) && typeof index === "number") return target[index] ?? null;
      if (isObject(target) && typeof index === "string") return target[index] ?? null;
      return new Opaque(`${show(target)}[${show(index)}]`);
    }
    case "property": {
      // reference(<module deployment>).outputs.<name>.value: the module's own output expression.
      const outputs = e.target.kind === "property" ? e.target.target : undefined;
      if (e.name === "value" && outputs?.kind === "property" && outputs.name === "outputs") {
        const deployment = referencedDeployment(outputs.target);
        const value =
          deployment === undefined || e.target.kind !== "property"
            ? undefined
            : scope.moduleOutput(deployment, e.target.name);
        if (value !== undefined) return value;
      }
      const target = evaluate(e.target, scope);
      if (isObject(target) && e.name in target) return target[e.name] ?? null;
      return new Opaque(`${show(target)}.${e.name}`);
    }
    case "call":
      return call(e.name, e.args, scope);
  }
}

function call(name: string, argExprs: Expr[], scope: EvalScope): Value {
  const fn = name.toLowerCase();
  // Lazily evaluated: if() picks a branch when its condition is known.
  if (fn === "if") {
    const [c, a, b] = argExprs.map((x) => evaluate(x, scope));
    if (typeof c === "boolean") return (c ? a : b) ?? null;
    // Unknown condition: an object-valued if() contributes the keys of both branches.
    if (a !== undefined && b !== undefined && isObject(a) && isObject(b)) return { ...b, ...a };
    return callText(name, [c ?? null, a ?? null, b ?? null]);
  }
  const args = argExprs.map((x) => evaluate(x, scope));
  const [first, second] = args;
  switch (fn) {
    case "parameters":
      return typeof first === "string" ? scope.parameter(first) : callText(name, args);
    case "variables":
      return typeof first === "string" ? scope.variable(first) : callText(name, args);
    case "true":
      return true;
    case "false":
      return false;
    case "null":
      return null;
    case "createarray":
      return args;
    case "createobject": {
      const out: { [key: string]: Value } = {};
      for (let k = 0; k + 1 < args.length; k += 2) {
        const key = args[k];
        if (typeof key !== "string") return callText(name, args);
        out[key] = args[k + 1] ?? null;
      }
      return out;
    }
    case "union":
      if (args.every(isObject)) return Object.assign({}, ...args) as { [key: string]: Value };
      break;
    case "format": {
      if (typeof first !== "string") break;
      if (first === "{0}" && args.length === 2) return args[1] ?? null;
      const text = first.replace(/\{(\d+)\}/g, (_m, n: string) => interpolate(args[Number(n) + 1] ?? null));
      return args.slice(1).every(isConcrete) ? text : new Opaque(text);
    }
    case "concat":
      if (args.every((a) => typeof a === "string")) return args.join("");
      if (args.every(Array.isArray)) return (args as Value[][]).flat();
      break;
    case "string":
      if (first !== undefined && isConcrete(first))
        return typeof first === "string" ? first : JSON.stringify(first);
      break;
    case "tolower":
      if (typeof first === "string") return first.toLowerCase();
      break;
    case "trim":
      if (typeof first === "string") return first.trim();
      break;
    case "empty":
      if (typeof first === "string" || Array.isArray(first)) return first.length === 0;
      if (first !== undefined && isObject(first)) return Object.keys(first).length === 0;
      break;
    case "length":
      if (typeof first === "string" || Array.isArray(first)) return first.length;
      break;
    case "not":
      if (typeof first === "boolean") return !first;
      break;
    case "equals":
      if (first !== undefined && second !== undefined && isConcrete(first) && isConcrete(second))
        return JSON.stringify(first) === JSON.stringify(second);
      break;
    case "reference": {
      // reference('<symbolic name>'): say which resource it reads.
      const target = typeof first === "string" ? scope.resource(first) : undefined;
      if (target) return new Opaque(`reference(${target.type} ${show(target.name)})`);
      break;
    }
    case "copyindex": {
      const index = scope.copyIndex?.(typeof first === "string" ? first : undefined);
      if (index !== undefined) return index;
      break;
    }
  }
  return callText(name, args);
}
