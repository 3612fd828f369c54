/**
 * Microsoft's Kusto analyzer (Kusto.Language, npm `@kusto/language-service-next`) run on a query text against
 * the documented Log Analytics schema (./log-analytics-schema.ts): parse and semantic diagnostics (unknown
 * tables, columns and functions, wrong types, syntax) plus the analyzer rules' diagnostics (deprecated
 * functions, risky comparisons and the like), as the Kusto editors show them.
 *
 * The package is a Bridge.NET build of the C# library: `bridge.js` defines the global `Bridge` runtime, and the
 * library then defines the global `Kusto` namespace. Only the few members used here are typed below.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { columnPairs, FUNCTIONS, STANDARD_COLUMNS, TABLE_COLUMNS } from "./log-analytics-schema.js";

interface KustoDiagnostic {
  Severity: string;
  Code: string;
  Message: string;
  Start: number;
  Length: number;
}
interface KustoCode {
  GetDiagnostics(): unknown;
  /** The result's schema: a table symbol for a tabular query. */
  ResultType: { Columns?: unknown } | null;
}
interface KustoColumn {
  Name: string;
  Type: { Name: string };
}
interface KustoLanguage {
  GlobalState: { Default: { WithDatabase(db: unknown): unknown } };
  KustoCode: { ParseAndAnalyze(text: string, globals: unknown): KustoCode };
  Editor: {
    KustoCodeService: { ctor: new (code: KustoCode) => { GetAnalyzerDiagnostics(wait: boolean): unknown } };
  };
  Symbols: {
    TableSymbol: { From(schema: string): { WithName(name: string): unknown } };
    FunctionSymbol: {
      $ctor16: new (name: string, parameters: string, body: string, description: string) => unknown;
    };
    DatabaseSymbol: { $ctor1: new (name: string, members: unknown[], isOpen: boolean) => unknown };
  };
}
interface BridgeRuntime {
  toArray<T = KustoDiagnostic>(list: unknown): T[];
}

const PACKAGE = "@kusto/language-service-next";
const require = createRequire(import.meta.url);

let loaded: { kusto: KustoLanguage; bridge: BridgeRuntime } | undefined;

function library(): { kusto: KustoLanguage; bridge: BridgeRuntime } {
  if (!loaded) {
    require(`${PACKAGE}/bridge.js`);
    require(`${PACKAGE}/Kusto.Language.Bridge.js`);
    const scope = globalThis as unknown as { Kusto: { Language: KustoLanguage }; Bridge: BridgeRuntime };
    loaded = { kusto: scope.Kusto.Language, bridge: scope.Bridge };
  }
  return loaded;
}

/** The installed analyzer's version (package.json of the package). */
export function analyzerVersion(): string {
  const path = require.resolve(`${PACKAGE}/package.json`);
  return (JSON.parse(readFileSync(path, "utf8")) as { version: string }).version;
}

/** `(a:string, b:real)` with the standard columns added where the table does not list them itself. */
export function tableSchema(columns: string): string {
  const pairs = columnPairs(columns);
  const names = new Set(pairs.map(([name]) => name));
  for (const pair of columnPairs(STANDARD_COLUMNS)) if (!names.has(pair[0])) pairs.push(pair);
  return `(${pairs.map(([name, type]) => `${name}:${type}`).join(", ")})`;
}

let globals: unknown;

/** The analyzer's global state with the workspace's tables and functions as its default database. */
function workspaceGlobals(): unknown {
  if (globals === undefined) {
    const { kusto } = library();
    const members: unknown[] = Object.entries(TABLE_COLUMNS).map(([name, columns]) =>
      kusto.Symbols.TableSymbol.From(tableSchema(columns)).WithName(name),
    );
    for (const [name, fn] of Object.entries(FUNCTIONS)) {
      // The body only gives the function its result schema: an empty table of the documented columns.
      const body = `{ datatable${tableSchema(fn.columns)} [] }`;
      members.push(new kusto.Symbols.FunctionSymbol.$ctor16(name, fn.parameters, body, ""));
    }
    const database = new kusto.Symbols.DatabaseSymbol.$ctor1("workspace", members, false);
    globals = kusto.GlobalState.Default.WithDatabase(database);
  }
  return globals;
}

export interface KqlDiagnostic {
  severity: string;
  code: string;
  message: string;
  /** 1-based line and column of the diagnostic's start. */
  line: number;
  column: number;
  /** The text the diagnostic points at. */
  text: string;
}

/** Every diagnostic the analyzer reports for the query: parse, semantic and analyzer-rule diagnostics. */
export function analyseKql(query: string): KqlDiagnostic[] {
  const { kusto, bridge } = library();
  const code = kusto.KustoCode.ParseAndAnalyze(query, workspaceGlobals());
  const service = new kusto.Editor.KustoCodeService.ctor(code);
  const all = [
    ...bridge.toArray(code.GetDiagnostics()),
    ...bridge.toArray(service.GetAnalyzerDiagnostics(true)),
  ];
  return all.map((d) => {
    const before = query.slice(0, d.Start).split("\n");
    return {
      severity: d.Severity,
      code: d.Code,
      message: d.Message,
      line: before.length,
      column: (before.at(-1)?.length ?? 0) + 1,
      text: query.slice(d.Start, d.Start + d.Length),
    };
  });
}

/** The columns the query returns (name and type), as the analyzer infers them from the schema. */
export function resultColumns(query: string): { name: string; type: string }[] {
  const { kusto, bridge } = library();
  const columns = kusto.KustoCode.ParseAndAnalyze(query, workspaceGlobals()).ResultType?.Columns;
  if (columns === undefined || columns === null) return [];
  return bridge.toArray<KustoColumn>(columns).map((c) => ({ name: c.Name, type: c.Type.Name }));
}

/** Errors and warnings only (the analyzer also offers suggestions and information). */
export function problemsIn(query: string): KqlDiagnostic[] {
  return analyseKql(query).filter((d) => d.severity === "Error" || d.severity === "Warning");
}

/** One line per diagnostic, for a readable test failure. */
export function formatDiagnostics(diagnostics: readonly KqlDiagnostic[]): string[] {
  return diagnostics.map(
    (d) => `${d.line}:${d.column} ${d.severity} ${d.code} ${d.message} [${d.text.slice(0, 60)}]`,
  );
}
