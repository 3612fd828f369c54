/**
 * Settings: read once from the environment, validated before any I/O, secrets kept out of messages.
 * Every setting backup-pulse reads is listed in SETTING_NAMES (the infra test checks the Bicep sets them).
 */
import { AlertRulesError, parseAlertRules, type AlertRuleSet } from "./domain/alert-rules.js";
import { canonicalTimeZone } from "./domain/days.js";
import { isLoopbackHost } from "./domain/hosts.js";
import { parseLocale, type Locale } from "./domain/messages/index.js";

export const SETTING_NAMES = [
  "PULSE_WORKSPACE_IDS",
  "PULSE_LOGS_ENDPOINT",
  "PULSE_LOGS_SCOPE",
  "PULSE_ARM_ENDPOINT",
  "PULSE_RECOVERY_POINTS",
  "PULSE_TABLES_CONNECTION",
  "PULSE_TABLES_URL",
  "PULSE_WEBHOOK_URL",
  "PULSE_WEBHOOK_FORMAT",
  "PULSE_WEBHOOK_SECRET",
  "PULSE_DIGEST_SCHEDULE",
  "PULSE_ALERT_SCHEDULE",
  "PULSE_LINUX_APP_CONSISTENT_VMS",
  "PULSE_LOOKBACK_DAYS",
  "PULSE_ALERT_RULES",
  "PULSE_TIMEZONE",
  "PULSE_EMAIL_TO",
  "PULSE_EMAIL_FROM",
  "PULSE_EMAIL_ENDPOINT",
  "PULSE_LOCALE",
] as const;

export type SettingName = (typeof SETTING_NAMES)[number];
export type Env = Readonly<Record<string, string | undefined>>;

export type RecoveryPointMode = "off" | "warnings" | "all";
export type WebhookFormat = "teams" | "slack" | "generic";

export type TablesTarget = { kind: "connection"; connectionString: string } | { kind: "url"; url: string };

/** E-mail digests through Azure Communication Services, reached with the managed identity. */
export interface EmailSettings {
  /** Recipients (PULSE_EMAIL_TO), each a plain address. */
  to: string[];
  /** Sender address of a Communication Services e-mail domain (PULSE_EMAIL_FROM). */
  from: string;
  /** The Communication Services endpoint, e.g. `https://pulse.europe.communication.azure.com`. */
  endpoint: string;
}

export interface Config {
  workspaceIds: string[];
  logsEndpoint: string;
  logsScope: string;
  armEndpoint: string;
  recoveryPoints: RecoveryPointMode;
  tables: TablesTarget | null;
  webhookUrl: URL | null;
  webhookFormat: WebhookFormat;
  webhookSecret: string | null;
  digestSchedule: string;
  alertSchedule: string;
  linuxAppConsistentVms: string[];
  /** Previous days re-read on each run because late rows can still change them. */
  lookbackDays: number;
  /** Raw alert-rule setting: read by {@link alertRuleSet} where alerts are evaluated. */
  alertRules: string | null;
  /** IANA time zone whose calendar days jobs are attributed to (canonical spelling). */
  timeZone: string;
  /** Null when PULSE_EMAIL_TO is not set: no e-mail digest. */
  email: EmailSettings | null;
  /** The language of the digest and the alerts: `en` (default) or `ja`. */
  locale: Locale;
}

/** A bad or missing setting: the message names the setting and never contains its value when secret. */
export class SettingError extends Error {
  constructor(
    readonly setting: string,
    message: string,
  ) {
    super(`${setting}: ${message}`);
    this.name = "SettingError";
  }
}

export const DEFAULTS = {
  logsEndpoint: "https://api.loganalytics.io/v1",
  logsScope: "https://api.loganalytics.io/.default",
  armEndpoint: "https://management.azure.com",
  digestSchedule: "0 0 7 * * *",
  alertSchedule: "0 15 * * * *",
  lookbackDays: 2,
  timeZone: "UTC",
} as const;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function get(env: Env, name: SettingName): string | undefined {
  const v = env[name]?.trim();
  return v === undefined || v === "" ? undefined : v;
}

function list(value: string | undefined): string[] {
  return (value ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
}

function httpsUrl(env: Env, name: SettingName, fallback: string, secret = false): string {
  const raw = get(env, name) ?? fallback;
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SettingError(name, secret ? "is not a valid URL" : `"${raw}" is not a valid URL`);
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && isLoopbackHost(url.hostname))) {
    throw new SettingError(name, "must be an https URL (http is allowed only for loopback hosts)");
  }
  if (url.username !== "" || url.password !== "") {
    // Nothing can send it (fetch refuses such a URL), and it is not shown: it may be a password.
    throw new SettingError(name, "must not carry a user name or password (user:pass@ before the host)");
  }
  return raw.replace(/\/+$/, "");
}

/** A plain address (`name@domain.tld`): no display name, no spaces, no angle brackets. */
const EMAIL_ADDRESS =
  /^[^\s@<>(),;:"[\]]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

function emailAddress(name: SettingName, value: string): string {
  if (value.length > 254 || !EMAIL_ADDRESS.test(value)) {
    throw new SettingError(name, `"${value.slice(0, 80)}" is not an e-mail address (name@example.com)`);
  }
  return value;
}

/** The e-mail settings: all three, or none (PULSE_EMAIL_TO is what turns e-mail on). */
function emailSettings(env: Env): EmailSettings | null {
  const toRaw = get(env, "PULSE_EMAIL_TO");
  const from = get(env, "PULSE_EMAIL_FROM");
  const endpoint = get(env, "PULSE_EMAIL_ENDPOINT");
  if (toRaw === undefined) {
    if (from !== undefined || endpoint !== undefined) {
      const other = from !== undefined ? "PULSE_EMAIL_FROM" : "PULSE_EMAIL_ENDPOINT";
      throw new SettingError("PULSE_EMAIL_TO", `is required when ${other} is set: the digest's recipients`);
    }
    return null;
  }
  const to = list(toRaw).map((a) => emailAddress("PULSE_EMAIL_TO", a));
  if (to.length === 0) throw new SettingError("PULSE_EMAIL_TO", "lists no address");
  if (to.length > 50) throw new SettingError("PULSE_EMAIL_TO", `lists ${to.length} addresses: at most 50`);
  if (from === undefined) {
    throw new SettingError(
      "PULSE_EMAIL_FROM",
      "is required with PULSE_EMAIL_TO: a sender address of the Communication Services e-mail domain (DoNotReply@<domain>)",
    );
  }
  if (endpoint === undefined) {
    throw new SettingError(
      "PULSE_EMAIL_ENDPOINT",
      "is required with PULSE_EMAIL_TO: the Communication Services endpoint (https://<name>.<region>.communication.azure.com)",
    );
  }
  if (/accesskey=|endpoint=/i.test(endpoint)) {
    // Not shown: it carries a key.
    throw new SettingError(
      "PULSE_EMAIL_ENDPOINT",
      "looks like a connection string: give only the endpoint URL (the managed identity signs in, no key is used)",
    );
  }
  const url = httpsUrl(env, "PULSE_EMAIL_ENDPOINT", endpoint, true);
  if (/[?#]/.test(url) || new URL(url).pathname !== "/") {
    throw new SettingError(
      "PULSE_EMAIL_ENDPOINT",
      "must be the resource's endpoint alone (https://<name>.<region>.communication.azure.com), with no path, query or key",
    );
  }
  return { to, from: emailAddress("PULSE_EMAIL_FROM", from), endpoint: url };
}

/** Six-field NCRONTAB: seconds minutes hours day month day-of-week. */
function ncrontab(env: Env, name: SettingName, fallback: string): string {
  const v = get(env, name) ?? fallback;
  const fields = v.split(/\s+/);
  if (fields.length !== 6 || !fields.every((f) => /^[0-9*/,\-A-Za-z]+$/.test(f))) {
    throw new SettingError(name, `"${v}" is not a six-field NCRONTAB expression (e.g. "0 0 7 * * *")`);
  }
  return v;
}

export interface LoadOptions {
  /** Require what a real run needs (workspaces and a table target). */
  requireRunSettings?: boolean;
}

/** Reads and validates every setting. Throws SettingError before any I/O. */
export function loadConfig(env: Env = process.env, options: LoadOptions = {}): Config {
  const workspaceIds = list(get(env, "PULSE_WORKSPACE_IDS"));
  for (const id of workspaceIds) {
    if (!GUID.test(id)) throw new SettingError("PULSE_WORKSPACE_IDS", `"${id}" is not a workspace ID (GUID)`);
  }
  if (options.requireRunSettings && workspaceIds.length === 0) {
    throw new SettingError("PULSE_WORKSPACE_IDS", "is required: the Log Analytics workspace IDs to read");
  }

  const recovery = (get(env, "PULSE_RECOVERY_POINTS") ?? "warnings").toLowerCase();
  if (recovery !== "off" && recovery !== "warnings" && recovery !== "all") {
    throw new SettingError("PULSE_RECOVERY_POINTS", `"${recovery}" must be off, warnings or all`);
  }

  const conn = get(env, "PULSE_TABLES_CONNECTION");
  const tablesUrl = get(env, "PULSE_TABLES_URL");
  if (conn && tablesUrl) {
    throw new SettingError("PULSE_TABLES_CONNECTION", "set either it or PULSE_TABLES_URL, not both");
  }
  let tables: TablesTarget | null = null;
  if (conn) {
    if (!/(AccountName|TableEndpoint|UseDevelopmentStorage|SharedAccessSignature)=/i.test(conn)) {
      throw new SettingError("PULSE_TABLES_CONNECTION", "is not a storage connection string");
    }
    const endpoint = /(?:^|;)\s*TableEndpoint=([^;]+)/i.exec(conn)?.[1]?.trim();
    if (endpoint !== undefined) {
      let url: URL | null = null;
      try {
        url = new URL(endpoint);
      } catch {
        url = null;
      }
      if (
        !url ||
        !(url.protocol === "https:" || (url.protocol === "http:" && isLoopbackHost(url.hostname)))
      ) {
        throw new SettingError(
          "PULSE_TABLES_CONNECTION",
          "its TableEndpoint must be an https URL (http is allowed only for loopback hosts such as Azurite)",
        );
      }
    }
    tables = { kind: "connection", connectionString: conn };
  } else if (tablesUrl) {
    tables = { kind: "url", url: httpsUrl(env, "PULSE_TABLES_URL", tablesUrl) };
  } else if (options.requireRunSettings) {
    throw new SettingError(
      "PULSE_TABLES_URL",
      "is required (or PULSE_TABLES_CONNECTION): where trends are kept",
    );
  }

  const hook = get(env, "PULSE_WEBHOOK_URL");
  const webhookUrl = hook ? new URL(httpsUrl(env, "PULSE_WEBHOOK_URL", hook, true)) : null;

  const format = (get(env, "PULSE_WEBHOOK_FORMAT") ?? "generic").toLowerCase();
  if (format !== "teams" && format !== "slack" && format !== "generic") {
    throw new SettingError("PULSE_WEBHOOK_FORMAT", `"${format}" must be teams, slack or generic`);
  }

  const lookbackRaw = get(env, "PULSE_LOOKBACK_DAYS");
  const lookbackDays = lookbackRaw === undefined ? DEFAULTS.lookbackDays : Number(lookbackRaw);
  if (!Number.isInteger(lookbackDays) || lookbackDays < 0 || lookbackDays > 14) {
    throw new SettingError("PULSE_LOOKBACK_DAYS", `"${lookbackRaw}" must be a whole number from 0 to 14`);
  }

  const timeZoneRaw = get(env, "PULSE_TIMEZONE");
  const timeZone = timeZoneRaw === undefined ? DEFAULTS.timeZone : canonicalTimeZone(timeZoneRaw);
  if (timeZone === null) {
    throw new SettingError(
      "PULSE_TIMEZONE",
      `"${(timeZoneRaw ?? "").slice(0, 80)}" is not an IANA time zone (e.g. Europe/Berlin, Asia/Tokyo, UTC)`,
    );
  }

  const localeRaw = get(env, "PULSE_LOCALE");
  const locale = localeRaw === undefined ? "en" : parseLocale(localeRaw);
  if (locale === null) {
    throw new SettingError("PULSE_LOCALE", `"${(localeRaw ?? "").slice(0, 40)}" must be en or ja`);
  }

  const linuxAppConsistentVms = list(get(env, "PULSE_LINUX_APP_CONSISTENT_VMS"));
  for (const pattern of linuxAppConsistentVms) {
    if (!/^!?[A-Za-z0-9_.*-]{1,80}$/.test(pattern)) {
      throw new SettingError(
        "PULSE_LINUX_APP_CONSISTENT_VMS",
        `"${pattern.slice(0, 80)}" is not a VM name or *-pattern (letters, digits, - _ . and *), optionally after ! (does not run scripts)`,
      );
    }
  }

  const logsEndpoint = httpsUrl(env, "PULSE_LOGS_ENDPOINT", DEFAULTS.logsEndpoint);
  if (!/\/v1$/.test(logsEndpoint)) {
    throw new SettingError(
      "PULSE_LOGS_ENDPOINT",
      `"${logsEndpoint}" must end in /v1 (e.g. ${DEFAULTS.logsEndpoint})`,
    );
  }

  return {
    workspaceIds,
    logsEndpoint,
    logsScope: get(env, "PULSE_LOGS_SCOPE") ?? DEFAULTS.logsScope,
    armEndpoint: httpsUrl(env, "PULSE_ARM_ENDPOINT", DEFAULTS.armEndpoint),
    recoveryPoints: recovery,
    tables,
    webhookUrl,
    webhookFormat: format,
    webhookSecret: get(env, "PULSE_WEBHOOK_SECRET") ?? null,
    digestSchedule: ncrontab(env, "PULSE_DIGEST_SCHEDULE", DEFAULTS.digestSchedule),
    alertSchedule: ncrontab(env, "PULSE_ALERT_SCHEDULE", DEFAULTS.alertSchedule),
    linuxAppConsistentVms,
    lookbackDays,
    alertRules: get(env, "PULSE_ALERT_RULES") ?? null,
    timeZone,
    email: emailSettings(env),
    locale,
  };
}

/**
 * The alert rules of PULSE_ALERT_RULES. Throws SettingError naming the setting when they cannot be read (only
 * the alert evaluation reads them, so a bad rule list does not stop the daily run).
 */
export function alertRuleSet(config: Pick<Config, "alertRules">): AlertRuleSet {
  try {
    return parseAlertRules(config.alertRules);
  } catch (error) {
    if (error instanceof AlertRulesError) throw new SettingError("PULSE_ALERT_RULES", error.message);
    throw error;
  }
}

/** Replaces every secret value that appears in `text` (webhook URL, secret, connection string). */
export function redact(text: string, env: Env = process.env): string {
  let out = text;
  for (const name of ["PULSE_WEBHOOK_URL", "PULSE_WEBHOOK_SECRET", "PULSE_TABLES_CONNECTION"] as const) {
    const v = env[name]?.trim();
    if (v && v.length >= 4) out = out.split(v).join(`<${name}>`);
  }
  return out.replace(/([?&](sig|code|sv|se|sp)=)[^&\s"']+/gi, "$1<redacted>");
}
