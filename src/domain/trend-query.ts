/**
 * A request for stored daily trends, as both faces take it (the `trends` HTTP function and
 * `backup-pulse trends`): the range, one scope (the fleet, a vault, a VM or an error code) and the output
 * format. Read and checked here once; each face only says how its parameters are called. Pure.
 */
import { addDays, daysBetween, isDate } from "./days.js";

/** Longest range, in days (inclusive), one request may read. */
export const MAX_RANGE_DAYS = 400;
const DEFAULT_RANGE_DAYS = 30;
const MAX_VM_NAME = 80;
/** Recovery Services vault names: 2 to 50 letters, digits or hyphens, starting with a letter. */
const VAULT_NAME = /^[A-Za-z][A-Za-z0-9-]{1,49}$/;
/** Resource IDs of a vault and of a VM (ARM's spelling in any case, optionally with a trailing `/`). */
const VAULT_ID =
  /^\/subscriptions\/[^/\s\p{Cc}]+\/resourcegroups\/[^/\s\p{Cc}]+\/providers\/microsoft\.recoveryservices\/vaults\/([^/]+)\/?$/iu;
const VM_ID =
  /^\/subscriptions\/[^/\s\p{Cc}]+\/resourcegroups\/[^/\s\p{Cc}]+\/providers\/microsoft\.compute\/virtualmachines\/([^/]+)\/?$/iu;
/** Error codes are identifiers such as `UserErrorGuestAgentStatusUnavailable` or `Pre-ScriptTimeout`. */
const ERROR_CODE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;

/** The parameters of a trend request, by the names the HTTP function uses. */
export const TREND_PARAMETERS = ["from", "to", "vault", "vm", "errorCode", "format"] as const;
export type TrendParameter = (typeof TREND_PARAMETERS)[number];

/**
 * The trends to read: UTC days `from` to `to` (inclusive) of the fleet, a vault, a VM or an error code. A vault
 * or VM given by its resource ID has `vaultId` / `vmId` (lower case) and its name (the ID's last segment).
 */
export interface TrendQuery {
  from: string;
  to: string;
  vault?: string;
  vaultId?: string;
  vm?: string;
  vmId?: string;
  /** An error or warning code: the whole fleet's trend of that code. */
  code?: string;
}

export interface TrendRequest<F extends string> {
  query: TrendQuery;
  format: F;
}

/** Why a trend request cannot be answered. */
export type TrendQueryProblem =
  | { kind: "format"; value: string; formats: readonly string[] }
  | { kind: "not-a-date"; parameter: "from" | "to"; value: string }
  | { kind: "empty"; parameter: "vault" | "vm" | "errorCode" }
  | { kind: "vault-name"; value: string }
  | { kind: "vault-id"; value: string }
  | { kind: "vm-name" }
  | { kind: "vm-id"; value: string }
  | { kind: "error-code"; value: string }
  | { kind: "code-with-scope" }
  | { kind: "reversed"; from: string; to: string }
  | { kind: "too-long"; from: string; to: string };

/** A value as a message quotes it: JSON-quoted, cut after 40 characters. */
export function shown(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
}

/**
 * Checks a trend request. `values` are the parameters given (absent: not given); `today` is the current
 * UTC day, for the default range (the 30 days up to yesterday); `formats` are the face's output formats,
 * the first being the default.
 */
export function parseTrendQuery<F extends string>(
  values: Readonly<Partial<Record<TrendParameter, string>>>,
  today: string,
  formats: readonly [F, ...F[]],
): TrendRequest<F> | { problem: TrendQueryProblem } {
  const given = (name: TrendParameter): string | undefined => values[name]?.trim();
  const format = given("format") ?? formats[0];
  if (!(formats as readonly string[]).includes(format)) {
    return { problem: { kind: "format", value: format, formats } };
  }
  for (const parameter of ["from", "to"] as const) {
    const value = given(parameter);
    if (value !== undefined && !isDate(value)) return { problem: { kind: "not-a-date", parameter, value } };
  }
  for (const parameter of ["vault", "vm", "errorCode"] as const) {
    if (given(parameter) === "") return { problem: { kind: "empty", parameter } };
  }
  const vault = resourceOrName(given("vault"), VAULT_ID);
  const vm = resourceOrName(given("vm"), VM_ID);
  const code = given("errorCode");
  if (vault && !VAULT_NAME.test(vault.name)) {
    const value = given("vault") ?? "";
    return { problem: vault.id === undefined ? { kind: "vault-name", value } : { kind: "vault-id", value } };
  }
  if (vm && (vm.name.length > MAX_VM_NAME || /\p{Cc}/u.test(vm.name))) {
    return {
      problem: vm.id === undefined ? { kind: "vm-name" } : { kind: "vm-id", value: given("vm") ?? "" },
    };
  }
  if (code !== undefined) {
    if (!ERROR_CODE.test(code)) return { problem: { kind: "error-code", value: code } };
    if (vault !== undefined || vm !== undefined) return { problem: { kind: "code-with-scope" } };
  }

  const yesterday = addDays(today, -1);
  const fromGiven = given("from");
  const to = given("to") ?? (fromGiven !== undefined && fromGiven > yesterday ? fromGiven : yesterday);
  const from = fromGiven ?? addDays(to, -(DEFAULT_RANGE_DAYS - 1));
  if (daysBetween(from, to) < 0) return { problem: { kind: "reversed", from, to } };
  if (daysBetween(from, to) + 1 > MAX_RANGE_DAYS) return { problem: { kind: "too-long", from, to } };
  const query: TrendQuery = { from, to };
  if (vault) {
    query.vault = vault.name;
    if (vault.id !== undefined) query.vaultId = vault.id;
  }
  if (vm) {
    query.vm = vm.name;
    if (vm.id !== undefined) query.vmId = vm.id;
  }
  if (code !== undefined) query.code = code;
  return { query, format: format as F };
}

/**
 * A vault or VM as given: a name, or a resource ID (anything starting with `/`) whose last segment is the name.
 * An ID of the wrong shape keeps the whole value as its name, so the name check refuses it.
 */
function resourceOrName(value: string | undefined, shape: RegExp): { name: string; id?: string } | undefined {
  if (value === undefined) return undefined;
  if (!value.startsWith("/")) return { name: value };
  const match = shape.exec(value);
  const id = value.toLowerCase().replace(/\/$/, "");
  return match?.[1] !== undefined ? { name: match[1], id } : { name: value, id };
}

/**
 * The note for a trend query whose vault or VM is not stored at all (the answer is then `[]`): said on stderr
 * by the command and in the `x-pulse-note` header by the HTTP function.
 */
export function unknownScopeNote(query: TrendQuery): string {
  const named = (name: string | undefined, id: string | undefined): string =>
    id !== undefined ? `with resource ID ${JSON.stringify(id)}` : shown(name ?? "");
  const vault = named(query.vault, query.vaultId);
  const what =
    query.vm !== undefined
      ? `VM ${named(query.vm, query.vmId)}${query.vault !== undefined ? ` in vault ${vault}` : ""}`
      : `vault ${vault}`;
  return `No ${what} is stored: check the name or resource ID (names are case-insensitive).`;
}

function orList(items: readonly string[]): string {
  return items.length < 2 ? (items[0] ?? "") : `${items.slice(0, -1).join(", ")} or ${items.at(-1) ?? ""}`;
}

/** What is wrong, in a sentence; `name` gives a parameter as the face calls it (`errorCode`, `--error-code`). */
export function trendProblemMessage(problem: TrendQueryProblem, name: (p: TrendParameter) => string): string {
  switch (problem.kind) {
    case "format":
      return `${name("format")} must be ${orList(problem.formats)}, not ${shown(problem.value)}`;
    case "not-a-date":
      return `${name(problem.parameter)} must be a date (YYYY-MM-DD), not ${shown(problem.value)}`;
    case "empty":
      return `${name(problem.parameter)} needs a value, or leave it out`;
    case "vault-name":
      return `${name("vault")} ${shown(problem.value)} is not a Recovery Services vault name (2 to 50 letters, digits or hyphens, starting with a letter)`;
    case "vault-id":
      return `${name("vault")} ${shown(problem.value)} is not a Recovery Services vault resource ID (/subscriptions/…/resourceGroups/…/providers/Microsoft.RecoveryServices/vaults/NAME)`;
    case "vm-name":
      return `${name("vm")} must be a VM name of at most ${MAX_VM_NAME} printable characters`;
    case "vm-id":
      return `${name("vm")} ${shown(problem.value)} is not a virtual machine resource ID (/subscriptions/…/resourceGroups/…/providers/Microsoft.Compute/virtualMachines/NAME)`;
    case "error-code":
      return `${name("errorCode")} ${shown(problem.value)} is not an error code (letters, digits, '-', '_' or '.')`;
    case "code-with-scope":
      return `${name("errorCode")} gives the whole fleet's trend of one code: leave out ${name("vault")} and ${name("vm")}`;
    case "reversed":
      return `${name("from")} ${problem.from} is after ${name("to")} ${problem.to}`;
    case "too-long":
      return `${problem.from} to ${problem.to} is more than ${MAX_RANGE_DAYS} days: ask for a shorter range`;
  }
}
