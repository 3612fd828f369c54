/**
 * `backup-pulse doctor`: checks a deployment in the order a run needs it (settings, sign-in and a token for
 * each service, every workspace, every vault seen in the data, the table store, and on request the webhook),
 * one line each with what was found and the exact fix. Clients come from the composition root, as for a run.
 */
import type { TokenCredential } from "@azure/core-auth";
import { loadConfig, redact, SettingError, type Config, type Env } from "../config.js";
import { testMessage } from "../delivery/test-message.js";
import { visible } from "../domain/visible-text.js";
import { signatureHeaders } from "../delivery/generic.js";
import type { Poster } from "../delivery/poster.js";
import { credentialInUse, signInFix, signInMessage } from "../sign-in.js";
import { Outbox, OUTBOX_TABLE } from "../store/outbox.js";
import { probeTableStore, PROBE_TABLE } from "../store/probe.js";
import { describeStorageError } from "../store/storage-errors.js";
import type { DoctorCheck } from "./doctor-check.js";
import { checkVaults, checkWorkspaces } from "./doctor-data.js";
import { EMAIL_SCOPE, emailTestCheck } from "./doctor-email.js";
import { givenUpCheck } from "./given-up.js";
import { openDeps, openTableTarget, type DepsOptions } from "./deps.js";

export type { DoctorCheck } from "./doctor-check.js";

export interface DoctorOptions {
  env: Env;
  /** Post a test message to PULSE_WEBHOOK_URL. */
  sendTest?: boolean;
  /** Credential, CA of local endpoints, table prefix, retry and poster settings (tests and embedders). */
  deps?: DepsOptions;
  now?: () => number;
}

const STORAGE_SCOPE = "https://storage.azure.com/.default";

function oneLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split(/\r?\n/)[0]?.slice(0, 200) ?? "";
}

async function tokenCheck(
  credential: TokenCredential,
  service: string,
  scope: string,
  env: Env,
): Promise<DoctorCheck> {
  const name = `token for ${service}`;
  try {
    const token = await credential.getToken(scope);
    if (!token) throw new Error("the credential returned no token");
    return { name, ok: true, detail: `got a token for ${scope}`, fix: "" };
  } catch (error) {
    return { name, ok: false, detail: signInMessage(error, env), fix: signInFix(env) };
  }
}

function notChecked(name: string, why: string, fix: string): DoctorCheck {
  return { name, ok: false, detail: `not checked: ${why}`, fix };
}

async function storeCheck(
  config: Config,
  credential: TokenCredential,
  options: DoctorOptions,
): Promise<DoctorCheck> {
  const name = "table store";
  const tables = openTableTarget(config, credential, options.deps);
  if (!tables) {
    return {
      name,
      ok: false,
      detail: "no table store is set: trends cannot be kept",
      fix: "set PULSE_TABLES_URL to the storage account's table endpoint (https://<account>.table.core.windows.net)",
    };
  }
  const auth = config.tables?.kind === "url" ? "token" : "connection";
  try {
    await probeTableStore(tables);
    return {
      name,
      ok: true,
      detail: `a probe row was written to and removed from ${PROBE_TABLE} at ${tables.endpoint}`,
      fix: "",
    };
  } catch (error) {
    const detail = describeStorageError(error, tables.endpoint, auth);
    const fix = /grant|check the account key/.test(detail)
      ? (detail.split(": ").pop() ?? "")
      : "check PULSE_TABLES_URL / PULSE_TABLES_CONNECTION and the account's network rules";
    return { name, ok: false, detail, fix };
  }
}

async function webhookCheck(
  config: Config,
  poster: Poster,
  options: DoctorOptions,
  now: Date,
): Promise<DoctorCheck> {
  const name = "webhook";
  if (!config.webhookUrl) {
    return {
      name,
      ok: false,
      detail: "PULSE_WEBHOOK_URL is not set: digests are printed only",
      fix: "set PULSE_WEBHOOK_URL to the Teams Workflows, Slack or generic webhook URL (docs/webhooks.md)",
    };
  }
  const payload = testMessage(config.webhookFormat, now);
  const headers =
    config.webhookFormat === "generic" && config.webhookSecret
      ? signatureHeaders(payload.body, config.webhookSecret, now.getTime() / 1000)
      : {};
  try {
    const result = await poster.post(config.webhookUrl, {
      body: payload.body,
      contentType: payload.contentType,
      headers,
    });
    return {
      name,
      ok: true,
      detail: `a ${config.webhookFormat} test message was accepted (${result.status})`,
      fix: "",
    };
  } catch (error) {
    return {
      name,
      ok: false,
      detail: redact(`the test message was refused: ${oneLine(error)}`, options.env),
      fix: `check PULSE_WEBHOOK_URL (a current ${config.webhookFormat} webhook URL) and PULSE_WEBHOOK_FORMAT; see docs/webhooks.md`,
    };
  }
}

/** Runs every check and returns them in order. Never throws for what it checks. */
export async function runDoctor(options: DoctorOptions): Promise<DoctorCheck[]> {
  const checks: DoctorCheck[] = [];
  const nowMs = options.now?.() ?? Date.now();
  let config: Config;
  try {
    config = loadConfig(options.env, { requireRunSettings: true });
    checks.push({
      name: "settings",
      ok: true,
      detail: `${config.workspaceIds.length} workspace(s), recovery points ${config.recoveryPoints}, tables by ${config.tables?.kind === "url" ? "URL and identity" : "connection string"}, webhook ${config.webhookUrl ? config.webhookFormat : "not set"}`,
      fix: "",
    });
  } catch (error) {
    if (!(error instanceof SettingError)) throw error;
    checks.push({
      name: "settings",
      ok: false,
      detail: error.message,
      fix: `set ${error.setting} (see README, Settings)`,
    });
    return checks;
  }

  const deps = await openDeps(config, { env: options.env, ...options.deps, withoutStore: true });
  const identity = credentialInUse(options.env);
  checks.push({ name: "identity", ok: true, detail: `signing in with ${identity}`, fix: "" });
  const logsToken = await tokenCheck(deps.credential, "Log Analytics", config.logsScope, options.env);
  checks.push(logsToken);
  const armToken =
    config.recoveryPoints === "off"
      ? null
      : await tokenCheck(
          deps.credential,
          "Azure Resource Manager",
          `${config.armEndpoint}/.default`,
          options.env,
        );
  if (armToken) checks.push(armToken);
  const storageToken =
    config.tables?.kind === "url"
      ? await tokenCheck(deps.credential, "Table Storage", STORAGE_SCOPE, options.env)
      : null;
  if (storageToken) checks.push(storageToken);
  const emailToken = config.email
    ? await tokenCheck(deps.credential, "Communication Services", EMAIL_SCOPE, options.env)
    : null;
  if (emailToken) checks.push(emailToken);

  let jobs: Awaited<ReturnType<typeof checkWorkspaces>>["jobs"] = [];
  if (logsToken.ok) {
    const read = await checkWorkspaces(deps.logs, config.workspaceIds, identity, nowMs);
    checks.push(...read.checks);
    jobs = read.jobs;
  } else {
    for (const id of config.workspaceIds) {
      checks.push(notChecked(`workspace ${id}`, "no token for Log Analytics", logsToken.fix));
    }
  }

  if (config.recoveryPoints === "off" || !deps.recovery) {
    checks.push({
      name: "vaults",
      ok: true,
      detail: "PULSE_RECOVERY_POINTS=off: no vault is read through ARM",
      fix: "",
    });
  } else if (armToken && !armToken.ok) {
    checks.push(notChecked("vaults", "no token for Azure Resource Manager", armToken.fix));
  } else if (jobs.length === 0) {
    checks.push({
      name: "vaults",
      ok: true,
      detail: "no vault seen in the last 48 h of data, so none was read through ARM",
      fix: "",
    });
  } else {
    checks.push(...(await checkVaults(deps.recovery, jobs, identity, nowMs)));
  }

  if (storageToken && !storageToken.ok) {
    checks.push(notChecked("table store", "no token for Table Storage", storageToken.fix));
  } else {
    const store = await storeCheck(config, deps.credential, options);
    checks.push(store);
    const tables = store.ok ? openTableTarget(config, deps.credential, options.deps) : null;
    if (tables) checks.push(await givenUpCheck(new Outbox(tables.table(OUTBOX_TABLE)), nowMs));
  }

  if (options.sendTest) checks.push(await webhookCheck(config, deps.poster, options, new Date(nowMs)));
  if (options.sendTest && config.email && deps.emailSender && emailToken) {
    checks.push(await emailTestCheck(config.email, deps.emailSender, emailToken, new Date(nowMs)));
  }
  return checks.map((c) => ({
    ...c,
    detail: redact(c.detail, options.env),
    fix: redact(c.fix, options.env),
  }));
}

/** ✓/✗ lines: name, what was found, and the fix under a failed check (hidden characters shown as escapes). */
export function doctorText(checks: readonly DoctorCheck[]): string {
  const lines = checks.map((c) => {
    const head = `${c.ok ? "✓" : "✗"} ${visible(c.name)}: ${visible(c.detail)}`;
    return c.ok ? head : `${head}\n    fix: ${visible(c.fix)}`;
  });
  const failed = checks.filter((c) => !c.ok).length;
  lines.push(failed === 0 ? "All checks passed." : `${failed} of ${checks.length} checks failed.`);
  return lines.join("\n") + "\n";
}
