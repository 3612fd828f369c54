import { describe, expect, it } from "vitest";
import {
  MAX_RANGE_DAYS,
  parseTrendQuery,
  trendProblemMessage,
  unknownScopeNote,
  type TrendParameter,
} from "../../src/domain/trend-query.js";

const TODAY = "2026-11-25"; // yesterday = 2026-11-24
const FORMATS = ["json", "table", "csv"] as const;
const parse = (values: Partial<Record<TrendParameter, string>>) => parseTrendQuery(values, TODAY, FORMATS);
const flag = (p: TrendParameter): string => `--${p === "errorCode" ? "error-code" : p}`;

/** The message of a refused request, with parameters named as the HTTP function (plain) or the CLI names them. */
function refusal(values: Partial<Record<TrendParameter, string>>, name = (p: TrendParameter): string => p) {
  const result = parse(values);
  if (!("problem" in result)) throw new Error(`accepted: ${JSON.stringify(result)}`);
  return trendProblemMessage(result.problem, name);
}

describe("the trend query shared by the HTTP function and the CLI", () => {
  it("defaults to the fleet over the 30 days up to yesterday, in the first format", () => {
    expect(parse({})).toEqual({ query: { from: "2026-10-26", to: "2026-11-24" }, format: "json" });
  });

  it("ends a range that starts after yesterday on its first day, and counts 30 days back from --to", () => {
    expect(parse({ from: "2026-11-30" })).toMatchObject({ query: { from: "2026-11-30", to: "2026-11-30" } });
    expect(parse({ from: "2026-11-01" })).toMatchObject({ query: { from: "2026-11-01", to: "2026-11-24" } });
    expect(parse({ to: "2026-02-28" })).toMatchObject({ query: { from: "2026-01-30", to: "2026-02-28" } });
  });

  it("takes one scope, trimmed: a vault, a VM (with or without its vault) or an error code", () => {
    expect(parse({ vault: " rsv-prod ", format: "csv" })).toEqual({
      query: { from: "2026-10-26", to: "2026-11-24", vault: "rsv-prod" },
      format: "csv",
    });
    expect(parse({ vault: "rsv-prod", vm: 'vm-web, "01"' })).toMatchObject({
      query: { vault: "rsv-prod", vm: 'vm-web, "01"' },
    });
    expect(parse({ errorCode: "Pre-ScriptTimeout" })).toEqual({
      query: { from: "2026-10-26", to: "2026-11-24", code: "Pre-ScriptTimeout" },
      format: "json",
    });
  });

  it("takes a vault or a VM by its resource ID, in any case: the name is the ID's last segment", () => {
    const vaultId =
      "/subscriptions/0b1c2d3e-0000-4000-8000-00000000000a/resourceGroups/RG-Backup/providers/Microsoft.RecoveryServices/vaults/RSV-Prod";
    const vmId =
      "/subscriptions/0b1c2d3e-0000-4000-8000-00000000000a/resourceGroups/rg-app/providers/Microsoft.Compute/virtualMachines/web01/";
    expect(parse({ vault: ` ${vaultId} ` })).toEqual({
      query: { from: "2026-10-26", to: "2026-11-24", vault: "RSV-Prod", vaultId: vaultId.toLowerCase() },
      format: "json",
    });
    expect(parse({ vm: vmId, vault: "rsv-prod" })).toMatchObject({
      query: { vm: "web01", vmId: vmId.toLowerCase().slice(0, -1), vault: "rsv-prod" },
    });
    expect(refusal({ vault: vmId })).toBe(
      `vault ${JSON.stringify(`${vmId.slice(0, 40)}…`)} is not a Recovery Services vault resource ID (/subscriptions/…/resourceGroups/…/providers/Microsoft.RecoveryServices/vaults/NAME)`,
    );
    expect(refusal({ vm: vaultId }, flag)).toBe(
      `--vm ${JSON.stringify(`${vaultId.slice(0, 40)}…`)} is not a virtual machine resource ID (/subscriptions/…/resourceGroups/…/providers/Microsoft.Compute/virtualMachines/NAME)`,
    );
    expect(
      refusal({
        vault: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.RecoveryServices/vaults/rsv prod",
      }),
    ).toMatch(/is not a Recovery Services vault resource ID/);
  });

  it("says which vault or VM is not stored, by name or by ID", () => {
    const range = { from: "2026-11-01", to: "2026-11-24" };
    expect(unknownScopeNote({ ...range, vault: "rsv-x" })).toBe(
      'No vault "rsv-x" is stored: check the name or resource ID (names are case-insensitive).',
    );
    expect(unknownScopeNote({ ...range, vm: "web01", vault: "rsv", vaultId: "/subscriptions/s/v" })).toBe(
      'No VM "web01" in vault with resource ID "/subscriptions/s/v" is stored: check the name or resource ID (names are case-insensitive).',
    );
    expect(unknownScopeNote({ ...range, vm: "web01", vmId: "/subscriptions/s/vm" })).toBe(
      'No VM with resource ID "/subscriptions/s/vm" is stored: check the name or resource ID (names are case-insensitive).',
    );
  });

  it(`reads at most ${MAX_RANGE_DAYS} days, both ends included`, () => {
    expect(parse({ from: "2025-10-21", to: "2026-11-24" })).toMatchObject({ query: { from: "2025-10-21" } });
    expect(refusal({ from: "2025-10-20", to: "2026-11-24" })).toBe(
      "2025-10-20 to 2026-11-24 is more than 400 days: ask for a shorter range",
    );
  });

  it.each([
    [
      { format: "xml" },
      'format must be json, table or csv, not "xml"',
      '--format must be json, table or csv, not "xml"',
    ],
    [
      { from: "2026-11-31" },
      'from must be a date (YYYY-MM-DD), not "2026-11-31"',
      '--from must be a date (YYYY-MM-DD), not "2026-11-31"',
    ],
    [
      { to: "24.11.2026" },
      'to must be a date (YYYY-MM-DD), not "24.11.2026"',
      '--to must be a date (YYYY-MM-DD), not "24.11.2026"',
    ],
    [
      { errorCode: " " },
      "errorCode needs a value, or leave it out",
      "--error-code needs a value, or leave it out",
    ],
    [
      { vault: "rsv prod" },
      'vault "rsv prod" is not a Recovery Services vault name (2 to 50 letters, digits or hyphens, starting with a letter)',
      '--vault "rsv prod" is not a Recovery Services vault name (2 to 50 letters, digits or hyphens, starting with a letter)',
    ],
    [
      { vm: "vm\none" },
      "vm must be a VM name of at most 80 printable characters",
      "--vm must be a VM name of at most 80 printable characters",
    ],
    [
      { vm: "v".repeat(81) },
      "vm must be a VM name of at most 80 printable characters",
      "--vm must be a VM name of at most 80 printable characters",
    ],
    [
      { errorCode: "UserError' or true" },
      `errorCode "UserError' or true" is not an error code (letters, digits, '-', '_' or '.')`,
      `--error-code "UserError' or true" is not an error code (letters, digits, '-', '_' or '.')`,
    ],
    [
      { errorCode: "Foo", vm: "vm-1" },
      "errorCode gives the whole fleet's trend of one code: leave out vault and vm",
      "--error-code gives the whole fleet's trend of one code: leave out --vault and --vm",
    ],
    [
      { from: "2026-11-24", to: "2026-11-01" },
      "from 2026-11-24 is after to 2026-11-01",
      "--from 2026-11-24 is after --to 2026-11-01",
    ],
  ])("refuses %j, naming the parameter as each face calls it", (values, plain, option) => {
    expect(refusal(values)).toBe(plain);
    expect(refusal(values, flag)).toBe(option);
  });

  it("quotes at most 40 characters of a bad value", () => {
    expect(refusal({ format: "x".repeat(100) })).toBe(
      `format must be json, table or csv, not "${"x".repeat(40)}…"`,
    );
  });

  it("offers only the formats of the face that asks", () => {
    expect(parseTrendQuery({ format: "table" }, TODAY, ["json", "csv"])).toEqual({
      problem: { kind: "format", value: "table", formats: ["json", "csv"] },
    });
  });
});
