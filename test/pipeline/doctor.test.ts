/**
 * `backup-pulse doctor` on the local stand-ins (Log Analytics, ARM, token endpoint, Azurite, a loopback
 * webhook receiver), healthy and with each failure injected: every failure names its fix.
 */
import { DefaultAzureCredential } from "@azure/identity";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { buildEstate, SAMPLE_WORKSPACES, type Estate } from "../../src/demo/estate.js";
import { startArmEndpoint, type ArmEndpoint } from "../../src/local/arm-endpoint.js";
import { startEmailEndpoint } from "../../src/local/email-endpoint.js";
import {
  missingTable,
  startLogsEndpoint,
  type LogsEndpoint,
  type LogsProvider,
} from "../../src/local/logs-endpoint.js";
import { runDoctorCommand } from "../../src/commands/doctor.js";
import type { DoctorCheck } from "../../src/pipeline/doctor.js";
import type { DepsOptions } from "../../src/pipeline/deps.js";
import { captureIo } from "../support/capture-io.js";
import { staticCredential, withEnv, withTokenEndpoint } from "../support/local-azure.js";
import { FAST_LOGS_RETRY, startWebhookReceiver, type WebhookReceiver } from "./local-run.js";

const NOW = Date.parse("2026-11-21T07:00:00Z");
let estate: Estate;
let provider: LogsProvider;
let logs: LogsEndpoint;
let arm: ArmEndpoint;
let hook: WebhookReceiver;
let prefix = 0;

beforeAll(async () => {
  estate = buildEstate({ endDate: "2026-11-20", days: 4 });
  provider = estate.logsProvider(NOW);
  [logs, arm, hook] = await Promise.all([
    startLogsEndpoint({ provider: (request) => provider(request) }),
    startArmEndpoint({ provider: estate.armProvider, inventory: estate.inventoryProvider }),
    startWebhookReceiver(),
  ]);
});
afterAll(async () => {
  await Promise.all([logs.close(), arm.close(), hook.close()]);
});

function env(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const base: Record<string, string | undefined> = {
    PULSE_WORKSPACE_IDS: SAMPLE_WORKSPACES.main,
    PULSE_LOGS_ENDPOINT: logs.endpoint,
    PULSE_ARM_ENDPOINT: arm.endpoint,
    PULSE_TABLES_CONNECTION: inject("tablesConnection"),
    PULSE_WEBHOOK_URL: hook.url,
    ...extra,
  };
  return Object.fromEntries(Object.entries(base).filter((e): e is [string, string] => e[1] !== undefined));
}

function depsOptions(extra: DepsOptions = {}): DepsOptions {
  return {
    credential: staticCredential(),
    tlsCa: inject("loopbackCa"),
    tablePrefix: `doctor${process.pid}n${prefix++}`,
    logsRetry: FAST_LOGS_RETRY,
    poster: { maxAttempts: 1, timeoutInMs: 2_000 },
    ...extra,
  };
}

async function doctor(
  args: string[],
  settings: Record<string, string>,
  options: DepsOptions = depsOptions(),
): Promise<{ code: number; checks: DoctorCheck[]; text: string }> {
  const io = captureIo(settings);
  const code = await runDoctorCommand([...args, "--format", "json"], io, options, () => NOW);
  const checks = (JSON.parse(io.out()) as { checks: DoctorCheck[] }).checks;
  const textIo = captureIo(settings);
  await runDoctorCommand(
    args.filter((a) => a !== "--send-test"),
    textIo,
    options,
    () => NOW,
  );
  return { code, checks, text: textIo.out() };
}

function check(checks: DoctorCheck[], name: string): DoctorCheck {
  const found = checks.find((c) => c.name === name);
  if (!found) throw new Error(`no check "${name}" in ${checks.map((c) => c.name).join(", ")}`);
  return found;
}

describe("backup-pulse doctor on the local stand-ins", () => {
  it("passes every check on a healthy deployment, in order, and posts a test message with --send-test", async () => {
    const before = hook.received.length;
    const { code, checks, text } = await doctor(["--send-test"], env());
    expect(checks.filter((c) => !c.ok)).toEqual([]);
    expect(code).toBe(0);
    expect(checks.map((c) => c.name)).toEqual([
      "settings",
      "identity",
      "token for Log Analytics",
      "token for Azure Resource Manager",
      `workspace ${SAMPLE_WORKSPACES.main}`,
      ...checks.filter((c) => c.name.startsWith("vault ")).map((c) => c.name),
      "table store",
      "undelivered messages",
      "webhook",
    ]);
    expect(checks.filter((c) => c.name.startsWith("vault ")).length).toBeGreaterThan(0);
    // Each vault's backup policies are listed too: the sample estate's dev vault holds the default policy
    // and an Enhanced crash-only one.
    expect(check(checks, "vault rsv-dev-weu").detail).toMatch(
      /^recovery points readable through ARM .*; 2 Azure VM backup policies \(1 Enhanced, 1 crash-only\)$/,
    );
    expect(check(checks, `workspace ${SAMPLE_WORKSPACES.main}`).detail).toMatch(
      /AddonAzureBackupJobs and CoreAzureBackup present; [1-9]\d* finished VM backup job/,
    );
    expect(hook.received.length).toBe(before + 1);
    expect(hook.received.at(-1)).toMatchObject({ kind: "test" });
    expect(text).toMatch(/^✓ settings: /);
    expect(text).toMatch(/All checks passed\.\n$/);
  });

  it("no token: names the credential tried and what to do, in one line, and exits 1", async () => {
    await withTokenEndpoint(async (identity) => {
      identity.failNext(
        Array.from({ length: 20 }, () => ({ status: 400, message: "No managed identity is assigned" })),
      );
      const vars = { ...identity.env, AZURE_TOKEN_CREDENTIALS: "ManagedIdentityCredential" };
      await withEnv(vars, async () => {
        const credential = new DefaultAzureCredential();
        const { code, checks } = await doctor([], env(vars), depsOptions({ credential }));
        expect(code).toBe(1);
        const token = check(checks, "token for Log Analytics");
        expect(token.ok).toBe(false);
        expect(token.detail).not.toContain("\n");
        expect(token.detail).toMatch(
          /^could not sign in to Azure with the Function App's system-assigned managed identity/,
        );
        expect(token.fix).toMatch(/turn on the Function App's system-assigned managed identity/);
        expect(check(checks, `workspace ${SAMPLE_WORKSPACES.main}`)).toMatchObject({
          ok: false,
          detail: "not checked: no token for Log Analytics",
        });
      });
    });
  });

  it("403 on a workspace names the Log Analytics Reader role and the workspace", async () => {
    logs.failWorkspace(SAMPLE_WORKSPACES.main);
    try {
      const { code, checks } = await doctor([], env());
      expect(code).toBe(1);
      const ws = check(checks, `workspace ${SAMPLE_WORKSPACES.main}`);
      expect(ws).toMatchObject({ ok: false });
      expect(ws.detail).toMatch(/403 InsufficientAccessError/);
      expect(ws.fix).toBe(
        `assign the Log Analytics Reader role to a developer sign-in (Azure CLI \`az login\`, Azure Developer CLI or Azure PowerShell) on workspace ${SAMPLE_WORKSPACES.main} (or its resource group)`,
      );
    } finally {
      logs.restoreWorkspace(SAMPLE_WORKSPACES.main);
    }
  });

  it("a missing CoreAzureBackup table names the diagnostic category to add", async () => {
    const healthy = provider;
    provider = (request) =>
      request.queryName === "jobs" ? missingTable("CoreAzureBackup") : healthy(request);
    try {
      const { checks } = await doctor([], env());
      const ws = check(checks, `workspace ${SAMPLE_WORKSPACES.main}`);
      expect(ws.ok).toBe(false);
      expect(ws.detail).toMatch(/no CoreAzureBackup table/);
      expect(ws.fix).toMatch(
        /^add the CoreAzureBackup category: in each Recovery Services vault's diagnostic setting/,
      );
    } finally {
      provider = healthy;
    }
  });

  it("no rows in the last 48 hours says so and what to check", async () => {
    const later = Date.parse("2026-12-10T07:00:00Z");
    const io = captureIo(env());
    const code = await runDoctorCommand(["--format", "json"], io, depsOptions(), () => later);
    const checks = (JSON.parse(io.out()) as { checks: DoctorCheck[] }).checks;
    expect(code).toBe(1);
    const ws = check(checks, `workspace ${SAMPLE_WORKSPACES.main}`);
    expect(ws.ok).toBe(false);
    expect(ws.detail).toMatch(/present, but no finished VM backup job started in the last 48 h/);
    expect(ws.fix).toMatch(/diagnostic settings still send AddonAzureBackupJobs/);
    expect(check(checks, "vaults")).toMatchObject({ ok: true });
  });

  it("a legacy-only workspace and a full AzureDiagnostics table name the switch to resource-specific tables", async () => {
    const legacyOnly = await doctor([], env({ PULSE_WORKSPACE_IDS: SAMPLE_WORKSPACES.legacy }));
    const ws = check(legacyOnly.checks, `workspace ${SAMPLE_WORKSPACES.legacy}`);
    expect(ws.ok).toBe(false);
    expect(ws.detail).toMatch(/^legacy data only: [1-9]\d* finished VM backup job/);
    expect(ws.fix).toMatch(/^switch to resource-specific tables: .*CoreAzureBackup, AddonAzureBackupJobs/);

    const healthy = provider;
    provider = estate.logsProvider(NOW, { azureDiagnosticsFull: true });
    try {
      const full = await doctor([], env({ PULSE_WORKSPACE_IDS: SAMPLE_WORKSPACES.legacy }));
      const fullWs = check(full.checks, `workspace ${SAMPLE_WORKSPACES.legacy}`);
      expect(fullWs.ok).toBe(false);
      expect(fullWs.detail).toMatch(/^AzureDiagnostics has reached its 500-column limit/);
      expect(fullWs.fix).toMatch(/^switch to resource-specific tables/);
    } finally {
      provider = healthy;
    }
  });

  it("ARM 403 on a vault names the backup-pulse reader role and the subscription scope", async () => {
    arm.failNext(
      Array.from({ length: 20 }, () => ({
        status: 403,
        code: "AuthorizationFailed",
        message:
          "The client 'x' with object id 'x' does not have authorization to perform action 'Microsoft.RecoveryServices/vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/read' over scope '/subscriptions/x' or the scope is invalid. If access was recently granted, please refresh your credentials.",
      })),
    );
    try {
      const { code, checks } = await doctor([], env());
      expect(code).toBe(1);
      const vaults = checks.filter((c) => c.name.startsWith("vault "));
      expect(vaults.length).toBeGreaterThan(0);
      for (const v of vaults) {
        expect(v).toMatchObject({
          ok: false,
          detail: "ARM refused to list recovery points (403 AuthorizationFailed)",
        });
        expect(v.fix).toMatch(
          /^assign the "backup-pulse reader" role \(or the built-in Backup Reader role\) to .* at scope \/subscriptions\/[0-9a-fA-F-]{36} \(or \/subscriptions\/[0-9a-fA-F-]{36}\/resourceGroups\/[^)]+\)$/,
        );
      }
    } finally {
      arm.clearFaults();
    }
  });

  it("a storage 403 is one line naming what to grant or check, never XML", async () => {
    const wrongKey = inject("tablesConnection").replace(
      /AccountKey=[^;]+/,
      `AccountKey=${Buffer.from("not the key").toString("base64")}`,
    );
    const { code, checks } = await doctor([], env({ PULSE_TABLES_CONNECTION: wrongKey }));
    expect(code).toBe(1);
    const store = check(checks, "table store");
    expect(store.ok).toBe(false);
    expect(store.detail).toMatch(
      /^Table Storage refused access to account devstoreaccount1 \(403 Authorization\w+\)/,
    );
    expect(store.detail).not.toMatch(/[<\n]/);
    expect(store.fix).toMatch(/^check the account key or SAS in PULSE_TABLES_CONNECTION/);
  });

  it("a webhook answering 500 fails the test message and names the setting to check", async () => {
    hook.answer(500);
    try {
      const { code, checks } = await doctor(["--send-test"], env());
      expect(code).toBe(1);
      const webhook = check(checks, "webhook");
      expect(webhook.ok).toBe(false);
      expect(webhook.detail).toMatch(/500/);
      expect(webhook.detail).not.toContain(hook.url);
      expect(webhook.fix).toMatch(/^check PULSE_WEBHOOK_URL/);
    } finally {
      hook.answer(200);
    }
  });

  it("bad usage exits 2; a bad setting is the first, failed check", async () => {
    const io = captureIo(env());
    expect(await runDoctorCommand(["--format", "yaml"], io)).toBe(2);
    expect(await runDoctorCommand(["--frobnicate"], io)).toBe(2);
    const { code, checks } = await doctor([], env({ PULSE_WORKSPACE_IDS: "not-a-guid" }));
    expect(code).toBe(1);
    expect(checks).toEqual([
      {
        name: "settings",
        ok: false,
        detail: 'PULSE_WORKSPACE_IDS: "not-a-guid" is not a workspace ID (GUID)',
        fix: "set PULSE_WORKSPACE_IDS (see README, Settings)",
      },
    ]);
  });
});

describe("backup-pulse doctor with e-mail (PULSE_EMAIL_TO)", () => {
  it("checks the Communication Services token and, with --send-test, sends a test e-mail followed to its end", async () => {
    const acs = await startEmailEndpoint({ expectedToken: "local-test-token" });
    try {
      const settings = env({
        PULSE_EMAIL_TO: "ops@contoso.com",
        PULSE_EMAIL_FROM: "DoNotReply@pulse.example.com",
        PULSE_EMAIL_ENDPOINT: acs.endpoint,
      });
      const options = depsOptions({ email: { pollIntervalInMs: 10 } });
      const { code, checks } = await doctor(["--send-test"], settings, options);
      expect(checks.filter((c) => !c.ok)).toEqual([]);
      expect(code).toBe(0);
      expect(check(checks, "token for Communication Services").detail).toBe(
        "got a token for https://communication.azure.com//.default",
      );
      expect(check(checks, "e-mail").detail).toBe(
        "a test e-mail from DoNotReply@pulse.example.com to ops@contoso.com was delivered by the service",
      );
      expect(acs.sent.map((m) => [m.to, m.subject])).toEqual([
        [["ops@contoso.com"], "[TEST] Backup pulse: test message"],
      ]);

      acs.nextOutcomes.push({ failed: { code: "EmailDropped", message: "Email was dropped." } });
      const failed = await doctor(["--send-test"], settings, options);
      expect(failed.code).toBe(1);
      expect(check(failed.checks, "e-mail")).toMatchObject({
        ok: false,
        detail: expect.stringMatching(
          /^The e-mail service did not deliver the e-mail \(EmailDropped/,
        ) as unknown,
        fix: expect.stringMatching(/Communication and Email Service Owner/) as unknown,
      });
    } finally {
      await acs.close();
    }
  });
});
