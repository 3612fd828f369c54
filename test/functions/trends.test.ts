/**
 * The `trends` HTTP function, called as the host calls it (HttpRequest + InvocationContext), reading a trend
 * store in Azurite. Its JSON and CSV are compared with what `backup-pulse trends` prints for the same range.
 */
import { HttpRequest, type HttpResponseInit } from "@azure/functions";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { runTrends } from "../../src/commands/trends.js";
import { AZURITE_KEY } from "../../src/local/azurite.js";
import type { DailyTrend } from "../../src/domain/model.js";
import { lazyReadStore } from "../../src/functions/shared/http.js";
import { createTrendsHandler, NOTE_HEADER } from "../../src/functions/trends.js";
import { TrendStore, type StoredJob } from "../../src/store/trend-store.js";
import { captureIo } from "../support/capture-io.js";
import { recordingContext, type RecordingContext } from "../support/functions.js";
import { classifiedJob } from "../support/jobs.js";

const connection = inject("tablesConnection");
const tablePrefix = `fntrends${process.pid}`;
const env = { PULSE_TABLES_CONNECTION: connection };
const NOW = Date.parse("2026-11-25T07:00:00Z"); // yesterday = 2026-11-24
const DAYS = ["2026-10-20", "2026-11-20", "2026-11-23", "2026-11-24"];

function job(date: string, over: Partial<StoredJob> = {}): StoredJob {
  return classifiedJob({ jobId: `${date}-${over.vm ?? "vm-app-01"}`, start: `${date}T20:00:00Z`, ...over });
}

beforeAll(async () => {
  const store = await TrendStore.open({ kind: "connection", connectionString: connection }, undefined, {
    tablePrefix,
  });
  for (const date of DAYS) {
    await store.writeDay({
      date,
      complete: true,
      workspaces: [{ workspaceId: "ws-1", ok: true }],
      jobs: [
        job(date),
        job(date, {
          vm: "vm-sql-01",
          vault: "rsv-dev",
          status: "CompletedWithWarnings",
          consistency: "file-system",
          expectedConsistency: "application",
          degraded: true,
          errorCode: "ExtensionFailedVssWriterInBadState",
          errorCategory: "vss",
        }),
      ],
    });
  }
});

const handler = createTrendsHandler({ env, deps: { tablePrefix }, now: () => NOW });

const context = (): RecordingContext => recordingContext("trends");

async function get(query: string, h = handler, ctx = context()): Promise<HttpResponseInit> {
  return h(new HttpRequest({ method: "GET", url: `http://localhost/api/trends${query}` }), ctx);
}

async function cli(args: string[]): Promise<{ code: number; out: string }> {
  const io = captureIo(env);
  const code = await runTrends(args, io, { deps: { tablePrefix }, now: () => new Date(NOW) });
  return { code, out: io.out() };
}

function errorOf(response: HttpResponseInit): string {
  expect(response.status).toBe(400);
  const body = response.jsonBody as { error?: unknown };
  expect(typeof body.error).toBe("string");
  return body.error as string;
}

describe("GET /api/trends", () => {
  it("defaults to the 30 days up to yesterday: the same JSON array as `backup-pulse trends`", async () => {
    const response = await get("");
    expect(response.status).toBe(200);
    const body = response.jsonBody as DailyTrend[];
    expect(body.map((t) => t.date)).toEqual(["2026-11-20", "2026-11-23", "2026-11-24"]);
    expect(body[0]).toEqual({
      date: "2026-11-20",
      scope: "all",
      jobs: 2,
      completed: 1,
      completedWithWarnings: 1,
      failed: 0,
      application: 1,
      fileSystem: 1,
      crash: 0,
      none: 0,
      unknown: 0,
      degraded: 1,
      complete: true,
    });
    expect(response.headers).not.toHaveProperty(NOTE_HEADER);
    const printed = await cli(["--format", "json"]);
    expect(printed.code).toBe(0);
    expect(body).toEqual(JSON.parse(printed.out));
  });

  it("ends the default range on yesterday in PULSE_TIMEZONE, in the API and the CLI alike", async () => {
    // 07:00 UTC on the 25th is 23:00 on the 24th in Los Angeles: yesterday there is the 23rd.
    const west = { ...env, PULSE_TIMEZONE: "America/Los_Angeles" };
    const h = createTrendsHandler({ env: west, deps: { tablePrefix }, now: () => NOW });
    const body = (await get("", h)).jsonBody as DailyTrend[];
    expect(body.map((t) => t.date)).toEqual(["2026-11-20", "2026-11-23"]);
    const io = captureIo(west);
    expect(
      await runTrends(["--format", "json"], io, { deps: { tablePrefix }, now: () => new Date(NOW) }),
    ).toBe(0);
    expect(JSON.parse(io.out())).toEqual(body);
    const bad = createTrendsHandler({ env: { ...env, PULSE_TIMEZONE: "Mars/Olympus" }, now: () => NOW });
    expect((await get("", bad)).status).toBe(500);
  });

  it("reads one vault, one VM or one error code over a range", async () => {
    const vault = (await get("?from=2026-10-01&to=2026-11-24&vault=RSV-DEV")).jsonBody as DailyTrend[];
    expect(vault.map((t) => [t.date, t.scope, t.jobs, t.degraded])).toEqual(
      DAYS.map((d) => [d, "vault:rsv-dev", 1, 1]),
    );
    const vm = (await get("?from=2026-11-23&vm=vm-app-01")).jsonBody as DailyTrend[];
    expect(vm.map((t) => [t.date, t.scope, t.jobs, t.application])).toEqual([
      ["2026-11-23", "vm:vm-app-01", 1, 1],
      ["2026-11-24", "vm:vm-app-01", 1, 1],
    ]);
    const code = (await get("?from=2026-11-24&to=2026-11-24&errorCode=ExtensionFailedVssWriterInBadState"))
      .jsonBody as DailyTrend[];
    expect(code).toHaveLength(1);
    expect(code[0]).toMatchObject({ scope: "code:ExtensionFailedVssWriterInBadState", jobs: 1 });
  });

  it("answers an error code's trend exactly as `backup-pulse trends --error-code` prints it", async () => {
    const response = await get("?from=2026-10-01&to=2026-11-24&errorCode=extensionfailedvsswriterinbadstate");
    expect(response.status).toBe(200);
    const body = response.jsonBody as DailyTrend[];
    expect(body.map((t) => [t.date, t.scope, t.jobs])).toEqual(
      DAYS.map((d) => [d, "code:ExtensionFailedVssWriterInBadState", 1]),
    );
    const printed = await cli([
      "--from",
      "2026-10-01",
      "--to",
      "2026-11-24",
      "--error-code",
      "extensionfailedvsswriterinbadstate",
    ]);
    expect(printed.code).toBe(0);
    expect(body).toEqual(JSON.parse(printed.out));
  });

  it("answers CSV with text/csv and exactly the CLI's columns and rows", async () => {
    const response = await get("?from=2026-10-01&to=2026-11-24&vault=rsv-prod&format=csv");
    expect(response.status).toBe(200);
    expect(response.headers).toMatchObject({ "content-type": "text/csv; charset=utf-8" });
    const printed = await cli([
      "--from",
      "2026-10-01",
      "--to",
      "2026-11-24",
      "--vault",
      "rsv-prod",
      "--format",
      "csv",
    ]);
    expect(response.body).toBe(printed.out);
    expect(bodyText(response).split("\r\n")[0]).toBe(
      "date,scope,jobs,completed,completedWithWarnings,failed,application,fileSystem,crash,none,unknown,degraded",
    );
    expect(bodyText(response).split("\r\n")).toHaveLength(DAYS.length + 2); // header, 4 days, final CRLF
  });

  it("treats `code` as the function key: never a filter, never echoed", async () => {
    const fleet = await get("?code=FUNCTIONKEY123&from=2026-11-24");
    expect(fleet.status).toBe(200);
    expect((fleet.jsonBody as DailyTrend[])[0]).toMatchObject({ scope: "all", jobs: 2 });
    const bad = await get("?code=FUNCTIONKEY123&frm=2026-11-24");
    expect(errorOf(bad)).toContain('"frm"');
    expect(JSON.stringify(bad)).not.toContain("FUNCTIONKEY123");
  });

  it.each([
    ["?from=2026-11-31", "from must be a date"],
    ["?to=24.11.2026", "to must be a date"],
    ["?from=2026-11-24&to=2026-11-01", "is after"],
    ["?from=2025-01-01&to=2026-11-24", "more than 400 days"],
    ["?format=xml", "format must be json or csv"],
    ["?vault=", "vault needs a value"],
    ["?vault=rsv-a&vault=rsv-b", "Give vault once"],
    ["?days=7", 'Unknown parameter "days"'],
    ["?vault=rsv&errorCode=Foo", "leave out vault and vm"],
    ["?errorCode=UserError%27%20or%20true", "is not an error code"],
    ["?vm=vm%0Aone", "printable"],
  ])("%s → 400 with a clear message", async (query, message) => {
    expect(errorOf(await get(query))).toContain(message);
  });

  it("an OData injection attempt through a name finds nothing extra", async () => {
    const injection = "x' or PartitionKey ne '";
    // Not a vault name at all: refused before any query.
    expect(errorOf(await get(`?vault=${encodeURIComponent(injection)}`))).toContain(
      "is not a Recovery Services vault name",
    );
    // VM names are freer; the store quotes them (`odata`), so the filter finds no such VM: no rows, and a note.
    const response = await get(`?from=2026-10-01&to=2026-11-24&vm=${encodeURIComponent(injection)}`);
    expect(response.status).toBe(200);
    expect(response.jsonBody).toEqual([]);
    expect(response.headers).toEqual({
      [NOTE_HEADER]: `No VM "x' or PartitionKey ne '" is stored: check the name or resource ID (names are case-insensitive).`,
    });
  });

  it("an unknown vault or VM answers [] with the reason in x-pulse-note, as the CLI says it on stderr", async () => {
    const vault = await get("?vault=rsv-nope");
    expect(vault.status).toBe(200);
    expect(vault.jsonBody).toEqual([]);
    expect(vault.headers).toEqual({
      [NOTE_HEADER]:
        'No vault "rsv-nope" is stored: check the name or resource ID (names are case-insensitive).',
    });
    const io = captureIo(env);
    expect(
      await runTrends(["--vault", "rsv-nope"], io, { deps: { tablePrefix }, now: () => new Date(NOW) }),
    ).toBe(0);
    expect(io.err()).toBe(`${String((vault.headers as Record<string, string>)[NOTE_HEADER])}\n`);
    const csv = await get(`?vm=${encodeURIComponent("vm-ünknown")}&format=csv`);
    expect(csv.headers).toMatchObject({
      [NOTE_HEADER]:
        'No VM "vm-\\u00fcnknown" is stored: check the name or resource ID (names are case-insensitive).',
    });
    // a known vault with nothing in the range: an empty answer without a note
    const quiet = await get("?vault=rsv-dev&from=2025-01-01&to=2025-01-31");
    expect(quiet.jsonBody).toEqual([]);
    expect(quiet.headers).toEqual({});
  });

  it("takes a vault or VM by resource ID; an ID of another resource type is refused", async () => {
    const id =
      "/subscriptions/0b1c2d3e-0000-4000-8000-00000000000a/resourceGroups/rg/providers/Microsoft.Compute/virtualMachines/vm-app-01";
    const unknown = await get(`?vm=${encodeURIComponent(id)}`);
    expect(unknown.jsonBody).toEqual([]); // this estate's jobs carry no VM IDs
    expect(String((unknown.headers as Record<string, string>)[NOTE_HEADER])).toContain(id.toLowerCase());
    expect(errorOf(await get(`?vault=${encodeURIComponent(id)}`))).toContain(
      "is not a Recovery Services vault resource ID",
    );
  });

  it("answers 500 with a message that reveals nothing when the store cannot be read, and logs the cause", async () => {
    const wrongKey = connection.replace(AZURITE_KEY, Buffer.from("not the account key").toString("base64"));
    const h = createTrendsHandler({ env: { PULSE_TABLES_CONNECTION: wrongKey }, deps: { tablePrefix } });
    const ctx = context();
    const response = await get("", h, ctx);
    expect(response.status).toBe(500);
    expect((response.jsonBody as { error: string }).error).toBe(
      "Reading the trends failed (see the function's log)",
    );
    expect(
      ctx.lines.some(([level, line]) => level === "error" && line.startsWith("Reading the trends failed")),
    ).toBe(true);
    expect(JSON.stringify(ctx.lines)).not.toContain(wrongKey);

    const unset = context();
    const noSetting = await get("", createTrendsHandler({ env: {} }), unset);
    expect(noSetting.status).toBe(500);
    expect((noSetting.jsonBody as { error: string }).error).toContain("settings are incomplete");
    expect(unset.lines.some(([, line]) => line.includes("PULSE_TABLES_URL"))).toBe(true);
  });
});

describe("lazyReadStore", () => {
  it("opens the store once and shares it; a failed open is retried on the next request", async () => {
    const settings: Record<string, string> = {};
    const store = lazyReadStore({ env: settings, deps: { tablePrefix } });
    await expect(store()).rejects.toThrow(/PULSE_TABLES_URL/);
    settings.PULSE_TABLES_CONNECTION = connection;
    const first = await store();
    expect(await store()).toBe(first);
    expect((await first.readTrends({ from: "2026-11-24", to: "2026-11-24" }))[0]?.jobs).toBe(2);
  });
});

/** The body of a text answer (HTML, CSV, plain text). */
function bodyText(response: HttpResponseInit): string {
  expect(typeof response.body).toBe("string");
  return response.body as string;
}
