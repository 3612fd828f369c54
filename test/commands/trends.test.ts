import { beforeAll, describe, expect, inject, it } from "vitest";
import { TableClient } from "@azure/data-tables";
import { runTrends } from "../../src/commands/trends.js";
import type { ClassifiedJob } from "../../src/domain/model.js";
import { startLocalTablesWithOAuth } from "../../src/local/azurite-oauth.js";
import { TrendStore } from "../../src/store/trend-store.js";
import { captureIo } from "../support/capture-io.js";
import { classifiedJob } from "../support/jobs.js";
import { sharedLocalAzure, withEnv } from "../support/local-azure.js";

const connectionString = inject("tablesConnection");
const prefix = `cmdtrends${process.pid}`;
const NOW = () => new Date("2026-11-25T07:00:00Z"); // yesterday = 2026-11-24

function job(date: string, over: Partial<ClassifiedJob> = {}): ClassifiedJob {
  return classifiedJob({
    jobId: `${date}-${over.vm ?? "vm-app-01"}-${over.status ?? "Completed"}`,
    vault: "vault-a",
    start: `${date}T02:00:00Z`,
    ...over,
  });
}

async function seed(store: TrendStore): Promise<void> {
  const days = ["2026-10-01", "2026-11-20", "2026-11-23", "2026-11-24", "2026-11-25"];
  for (const d of days) {
    await store.writeDay({
      date: d,
      jobs: [
        job(d),
        job(d, {
          vm: 'vm-web, "01"',
          vault: "vault-b",
          status: "Failed",
          consistency: "none",
          degraded: true,
          errorCode: "UserErrorGuestAgentStatusUnavailable",
          errorCategory: "agent",
        }),
      ],
      complete: true,
      workspaces: [],
    });
  }
}

describe("backup-pulse trends", () => {
  beforeAll(async () => {
    await seed(
      await TrendStore.open({ kind: "connection", connectionString }, undefined, { tablePrefix: prefix }),
    );
  });
  const run = (args: string[], c = captureIo({ PULSE_TABLES_CONNECTION: connectionString })) =>
    runTrends(args, c, { now: NOW, deps: { tablePrefix: prefix } }).then((code) => ({ code, c }));

  it("refuses a store of the first layout with one clear message, exit 2, and reads none of it", async () => {
    const old = `cmdtrendsv1${process.pid}`;
    const daily = TableClient.fromConnectionString(connectionString, `${old}PulseDaily`, {
      allowInsecureConnection: true,
    });
    await daily.createTable();
    await daily.upsertEntity({ partitionKey: "2026-11-24", rowKey: "all", jobs: 3 });
    const c = captureIo({ PULSE_TABLES_CONNECTION: connectionString });
    const code = await runTrends([], c, { now: NOW, deps: { tablePrefix: old } });
    expect(code).toBe(2);
    expect(c.out()).toBe("");
    expect(c.err()).toBe(
      "backup-pulse trends: this Table Storage account holds backup-pulse trend tables of an older layout (v1); point PULSE_TABLES_* at a new account or delete the Pulse* tables\n",
    );
  });

  it("prints the last 30 days up to yesterday as a JSON array, oldest first", async () => {
    const { code, c } = await run([]);
    expect(code).toBe(0);
    const trends = JSON.parse(c.out());
    expect(trends.map((t: { date: string }) => t.date)).toEqual(["2026-11-20", "2026-11-23", "2026-11-24"]);
    expect(trends[0]).toEqual({
      date: "2026-11-20",
      scope: "all",
      jobs: 2,
      completed: 1,
      completedWithWarnings: 0,
      failed: 1,
      application: 1,
      fileSystem: 0,
      crash: 0,
      none: 1,
      unknown: 0,
      degraded: 1,
      complete: true,
    });
    expect(c.err()).toMatch(/3 days of the fleet from 2026-10-26 to 2026-11-24/);
  });

  it("reads one vault or one VM over a chosen range", async () => {
    const vault = await run(["--from", "2026-10-01", "--to", "2026-11-23", "--vault", "VAULT-B"]);
    expect(vault.code).toBe(0);
    const v = JSON.parse(vault.c.out());
    expect(
      v.map((t: { date: string; scope: string; failed: number }) => [t.date, t.scope, t.failed]),
    ).toEqual([
      ["2026-10-01", "vault:vault-b", 1],
      ["2026-11-20", "vault:vault-b", 1],
      ["2026-11-23", "vault:vault-b", 1],
    ]);
    const vm = await run(["--from", "2026-11-24", "--to", "2026-11-25", "--vm", "vm-app-01"]);
    expect(JSON.parse(vm.c.out()).map((t: { scope: string; jobs: number }) => [t.scope, t.jobs])).toEqual([
      ["vm:vm-app-01", 1],
      ["vm:vm-app-01", 1],
    ]);
  });

  it("reads one error code's trend across the fleet with --error-code (any case)", async () => {
    const { code, c } = await run([
      "--from",
      "2026-10-01",
      "--to",
      "2026-11-24",
      "--error-code",
      "usererrorguestagentstatusunavailable",
    ]);
    expect(code).toBe(0);
    const trends = JSON.parse(c.out());
    expect(
      trends.map((t: { date: string; scope: string; jobs: number; failed: number }) => [
        t.date,
        t.scope,
        t.jobs,
        t.failed,
      ]),
    ).toEqual(
      ["2026-10-01", "2026-11-20", "2026-11-23", "2026-11-24"].map((d) => [
        d,
        "code:UserErrorGuestAgentStatusUnavailable",
        1,
        1,
      ]),
    );
    expect(c.err()).toMatch(
      /4 days of code usererrorguestagentstatusunavailable from 2026-10-01 to 2026-11-24/,
    );
  });

  it("an unknown vault or VM prints [] and says so on stderr, exit 0", async () => {
    const vault = await run(["--vault", "vault-z"]);
    expect(vault.code).toBe(0);
    expect(JSON.parse(vault.c.out())).toEqual([]);
    expect(vault.c.err()).toBe(
      'No vault "vault-z" is stored: check the name or resource ID (names are case-insensitive).\n',
    );
    const vm = await run(["--vm", "vm-nope", "--vault", "vault-a"]);
    expect(vm.code).toBe(0);
    expect(vm.c.out()).toBe("[]\n");
    expect(vm.c.err()).toBe(
      'No VM "vm-nope" in vault "vault-a" is stored: check the name or resource ID (names are case-insensitive).\n',
    );
    // a known vault without stored days in the range: the usual "nothing stored" message
    const quiet = await run(["--vault", "vault-a", "--from", "2025-01-01", "--to", "2025-01-31"]);
    expect(quiet.c.err()).toMatch(/^No trends stored for vault vault-a from 2025-01-01 to 2025-01-31/);
  });

  it("gives each VM of a shared name its own rows with vmId and vaultId, and reads one by its resource ID", async () => {
    const own = `cmdtrendsids${process.pid}`;
    const store = await TrendStore.open({ kind: "connection", connectionString }, undefined, {
      tablePrefix: own,
    });
    const id = (rg: string): string =>
      `/subscriptions/0b1c2d3e-0000-4000-8000-00000000000a/resourcegroups/${rg}/providers/microsoft.compute/virtualmachines/web01`;
    const vaultId =
      "/subscriptions/0b1c2d3e-0000-4000-8000-00000000000a/resourcegroups/rg-bk/providers/microsoft.recoveryservices/vaults/rsv";
    const web = (rg: string, status: ClassifiedJob["status"] = "Completed") =>
      job("2026-11-24", { vm: "web01", vault: "rsv", vmId: id(rg), vaultId, status, jobId: `web01-${rg}` });
    await store.writeDay({
      date: "2026-11-24",
      jobs: [web("rg-a"), web("rg-b", "Failed")],
      complete: true,
      workspaces: [],
    });
    const args = ["--from", "2026-11-24", "--to", "2026-11-24"];
    const c = captureIo({ PULSE_TABLES_CONNECTION: connectionString });
    expect(await runTrends([...args, "--vm", "WEB01"], c, { now: NOW, deps: { tablePrefix: own } })).toBe(0);
    const rows = JSON.parse(c.out());
    expect(
      rows.map((t: { scope: string; vmId: string; vaultId: string; failed: number; complete: boolean }) => [
        t.scope,
        t.vmId,
        t.vaultId,
        t.failed,
        t.complete,
      ]),
    ).toEqual([
      ["vm:web01", id("rg-a"), vaultId, 0, true],
      ["vm:web01", id("rg-b"), vaultId, 1, true],
    ]);
    expect(c.err()).toBe("1 day of VM WEB01 from 2026-11-24 to 2026-11-24 (2 VMs, each its own rows).\n");

    const upper = id("rg-b").replace("/resourcegroups/rg-b/", "/resourceGroups/RG-B/");
    const one = captureIo({ PULSE_TABLES_CONNECTION: connectionString });
    expect(await runTrends([...args, "--vm", upper], one, { now: NOW, deps: { tablePrefix: own } })).toBe(0);
    expect(JSON.parse(one.out())).toEqual([
      expect.objectContaining({ scope: "vm:web01", vmId: id("rg-b"), vaultId, jobs: 1, failed: 1 }),
    ]);
    const vault = captureIo({ PULSE_TABLES_CONNECTION: connectionString });
    expect(
      await runTrends([...args, "--vault", vaultId], vault, { now: NOW, deps: { tablePrefix: own } }),
    ).toBe(0);
    expect(JSON.parse(vault.out())).toEqual([
      expect.objectContaining({ scope: "vault:rsv", vaultId, jobs: 2, failed: 1, complete: true }),
    ]);
  });

  it("documents --error-code in --help", async () => {
    const { code, c } = await run(["--help"]);
    expect(code).toBe(0);
    expect(c.out()).toMatch(/^Usage: backup-pulse trends .*\[--error-code CODE\]/);
    expect(c.out()).toMatch(/^ {2}--error-code {2}one error or warning code's trend across the fleet/m);
  });

  it("writes CSV with a header and quotes names that need it, and a readable table", async () => {
    const csv = await run([
      "--from",
      "2026-11-24",
      "--to",
      "2026-11-24",
      "--vm",
      'vm-web, "01"',
      "--format",
      "csv",
    ]);
    expect(csv.code).toBe(0);
    expect(csv.c.out()).toBe(
      "date,scope,jobs,completed,completedWithWarnings,failed,application,fileSystem,crash,none,unknown,degraded\r\n" +
        '2026-11-24,"vm:vm-web, ""01""",1,0,0,1,0,0,0,1,0,1\r\n',
    );
    const table = await run(["--from", "2026-11-23", "--to", "2026-11-24", "--format", "table"]);
    const lines = table.c.out().trimEnd().split("\n");
    expect(lines[0]).toMatch(/^date\s+scope\s+jobs\s+ok\s+warn\s+failed/);
    expect(lines[1]).toMatch(/^2026-11-23\s+all\s+2\s+1\s+0\s+1\s.*\s50%\s+50%$/);
    expect(lines).toHaveLength(3);
  });

  it("says so when nothing is stored, and still prints valid JSON", async () => {
    const { code, c } = await run(["--from", "2025-01-01", "--to", "2025-01-31"]);
    expect(code).toBe(0);
    expect(JSON.parse(c.out())).toEqual([]);
    expect(c.err()).toMatch(/No trends stored/);
  });

  it.each([
    [["--from", "2026-13-01"], /--from "2026-13-01" is not a date/],
    [["--from", "2026-11-24", "--to", "2026-11-01"], /--from 2026-11-24 is after --to 2026-11-01/],
    [["--from", "2025-01-01", "--to", "2026-11-24"], /more than 400 days/],
    [["--format", "xml"], /--format must be json, table or csv/],
    [["--vault", " "], /--vault needs a name/],
    [["--days", "3"], /Unknown option '--days'/],
    [["--error-code", " "], /--error-code needs a code/],
    [["--error-code", "UserError' or true"], /--error-code "UserError' or true" is not an error code/],
    [
      ["--error-code", "UserErrorGuestAgentStatusUnavailable", "--vault", "vault-a"],
      /--error-code gives the whole fleet's trend of one code: leave out --vault and --vm/,
    ],
    [["--vault", "vault a"], /--vault "vault a" is not a Recovery Services vault name/],
  ])("exits 2 on bad usage %j", async (args, message) => {
    const { code, c } = await run(args);
    expect(code).toBe(2);
    expect(c.err()).toMatch(message);
    expect(c.out()).toBe("");
  });

  it("exits 2 naming the setting when no table target is set, before any I/O", async () => {
    const none = await run([], captureIo({}));
    expect(none.code).toBe(2);
    expect(none.c.err()).toMatch(/PULSE_TABLES_CONNECTION or PULSE_TABLES_URL is required/);
    const bad = await run([], captureIo({ PULSE_TABLES_URL: "http://tables.example.net" }));
    expect(bad.code).toBe(2);
    expect(bad.c.err()).toMatch(/^backup-pulse trends: PULSE_TABLES_URL: must be an https URL/);
  });

  it("prints usage with --help", async () => {
    const { code, c } = await run(["--help"]);
    expect(code).toBe(0);
    expect(c.out()).toMatch(/^Usage: backup-pulse trends/);
  });

  it("reads through PULSE_TABLES_URL with the managed identity (DefaultAzureCredential)", async () => {
    const tables = await startLocalTablesWithOAuth();
    try {
      const writer = await TrendStore.open(
        { kind: "connection", connectionString: tables.connectionString },
        undefined,
        {
          ca: tables.ca,
        },
      );
      await writer.writeDay({
        date: "2026-11-24",
        jobs: [job("2026-11-24")],
        complete: true,
        workspaces: [],
      });
      const { identityEnv } = sharedLocalAzure();
      const c = captureIo({ PULSE_TABLES_URL: tables.url });
      const code = await withEnv(
        { ...identityEnv, AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential" },
        () =>
          runTrends(["--from", "2026-11-24", "--to", "2026-11-24"], c, {
            now: NOW,
            deps: { tlsCa: tables.ca },
          }),
      );
      expect(c.err()).not.toMatch(/failed/);
      expect(code).toBe(0);
      expect(JSON.parse(c.out())).toEqual([
        expect.objectContaining({ date: "2026-11-24", scope: "all", jobs: 1 }),
      ]);
    } finally {
      await tables.close();
    }
  });
});
