/**
 * The alert rule-list syntax that turns rules on and off. Pure. The settings module reads the setting written in
 * this syntax and names it in its errors.
 *
 * Rule-list syntax (comma-separated, case-insensitive, spaces ignored; see docs/alerts.md):
 *   consecutive-failures[:N]     a VM's latest N runs failed (default N = 2)
 *   consistency-downgrade        a VM expected to be application-consistent got a file-system or crash point
 *   vss                          a job reported a VSS service or writer code
 *   consistency-not-confirmed    a job completed with warnings and what its point lost could not be confirmed
 *   cooldown:DURATION            quiet period per VM and rule, e.g. 30m, 12h, 2d (default 24h)
 *   off                          no alerts at all
 * Unset or empty: every rule on, N = 2, cooldown 24 h. A list naming only `cooldown` keeps the default rules.
 */
import { DAY_MS, HOUR_MS, MINUTE_MS } from "./days.js";

export type AlertRuleName =
  "consecutive-failures" | "consistency-downgrade" | "vss" | "consistency-not-confirmed";

/** The rules in the order an alert names them, the most specific first: the first that fires leads the alert. */
export const RULE_ORDER: readonly AlertRuleName[] = [
  "consecutive-failures",
  "vss",
  "consistency-downgrade",
  "consistency-not-confirmed",
];

export interface AlertRuleSet {
  /** Failed runs in a row that raise an alert; null when the rule is off. */
  consecutiveFailures: number | null;
  /** Alert when an application-consistent VM got a file-system or crash-consistent point. */
  downgrade: boolean;
  /** Alert on any VSS-category code. */
  vss: boolean;
  /** Alert on a warning whose point's consistency could not be confirmed (no look-up, or it failed). */
  notConfirmed: boolean;
  /** Quiet period after an alert, per VM and rule. */
  cooldownMs: number;
}

const MAX_COOLDOWN_MS = 30 * DAY_MS;
const DEFAULT_CONSECUTIVE = 2;
const MAX_CONSECUTIVE = 100;
const SYNTAX =
  "use a comma-separated list of consecutive-failures[:N], consistency-downgrade, vss, consistency-not-confirmed, cooldown:DURATION, or off";

/** A rule list the parser does not understand; the message says what is wrong and how to write it. */
export class AlertRulesError extends Error {
  override name = "AlertRulesError";
}

export const DEFAULT_ALERT_RULES: Readonly<AlertRuleSet> = {
  consecutiveFailures: DEFAULT_CONSECUTIVE,
  downgrade: true,
  vss: true,
  notConfirmed: true,
  cooldownMs: DAY_MS,
};

function parseCount(value: string): number {
  const n = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n) || n < 1 || n > MAX_CONSECUTIVE) {
    throw new AlertRulesError(
      `consecutive-failures:${value} needs a whole number of runs from 1 to ${MAX_CONSECUTIVE}, e.g. consecutive-failures:3`,
    );
  }
  return n;
}

const UNIT_MS: Readonly<Record<string, number>> = { m: MINUTE_MS, h: HOUR_MS, d: DAY_MS };

function parseDuration(value: string): number {
  const m = /^(\d+)([mhd])$/.exec(value);
  const unitMs = m?.[2] === undefined ? undefined : UNIT_MS[m[2]];
  const ms = value === "0" ? 0 : unitMs === undefined ? NaN : Number(m?.[1]) * unitMs;
  if (!Number.isFinite(ms) || ms > MAX_COOLDOWN_MS) {
    throw new AlertRulesError(
      `cooldown:${value} needs a duration in minutes, hours or days up to 30d, e.g. cooldown:30m, cooldown:12h or cooldown:2d`,
    );
  }
  return ms;
}

/** The switch of each rule that takes no value. */
const FLAG_RULES = {
  "consistency-downgrade": "downgrade",
  vss: "vss",
  "consistency-not-confirmed": "notConfirmed",
} as const satisfies Record<string, keyof AlertRuleSet>;

function isFlagRule(name: string): name is keyof typeof FLAG_RULES {
  return Object.hasOwn(FLAG_RULES, name);
}

/**
 * Reads a rule list. Unset or blank: the defaults. Throws AlertRulesError
 * on anything it does not understand.
 */
export function parseAlertRules(raw: string | null | undefined): AlertRuleSet {
  const tokens = (raw ?? "")
    .split(",")
    .map((t) => t.replace(/\s+/g, "").toLowerCase())
    .filter((t) => t !== "");
  if (tokens.length === 0) return { ...DEFAULT_ALERT_RULES };
  if (tokens.includes("off")) {
    if (tokens.length > 1)
      throw new AlertRulesError(`"off" turns every alert off and cannot be combined with other entries`);
    return {
      consecutiveFailures: null,
      downgrade: false,
      vss: false,
      notConfirmed: false,
      cooldownMs: DEFAULT_ALERT_RULES.cooldownMs,
    };
  }

  const seen = new Set<string>();
  const set: AlertRuleSet = {
    consecutiveFailures: null,
    downgrade: false,
    vss: false,
    notConfirmed: false,
    cooldownMs: DEFAULT_ALERT_RULES.cooldownMs,
  };
  for (const token of tokens) {
    const colon = token.indexOf(":");
    const name = colon < 0 ? token : token.slice(0, colon);
    const value = colon < 0 ? null : token.slice(colon + 1);
    if (seen.has(name)) throw new AlertRulesError(`"${name}" is given more than once`);
    seen.add(name);
    if (isFlagRule(name)) {
      if (value !== null) throw new AlertRulesError(`"${name}" takes no value (found "${token}")`);
      set[FLAG_RULES[name]] = true;
    } else if (name === "consecutive-failures") {
      set.consecutiveFailures = value === null ? DEFAULT_CONSECUTIVE : parseCount(value);
    } else if (name === "cooldown") {
      if (value === null) throw new AlertRulesError(`cooldown needs a duration, e.g. cooldown:12h`);
      set.cooldownMs = parseDuration(value);
    } else {
      throw new AlertRulesError(`unknown entry "${token}": ${SYNTAX}`);
    }
  }
  if (set.consecutiveFailures === null && !set.downgrade && !set.vss && !set.notConfirmed) {
    // Only a cooldown was given: the default rules stay on.
    return { ...DEFAULT_ALERT_RULES, cooldownMs: set.cooldownMs };
  }
  return set;
}

function formatDuration(ms: number): string {
  if (ms === 0) return "0";
  if (ms % DAY_MS === 0) return `${ms / DAY_MS}d`;
  if (ms % HOUR_MS === 0) return `${ms / HOUR_MS}h`;
  return `${Math.round(ms / MINUTE_MS)}m`;
}

/** The rule set written back in the rule-list syntax, e.g. for a log line or `--help`. */
export function formatAlertRules(rules: AlertRuleSet): string {
  const parts: string[] = [];
  if (rules.consecutiveFailures !== null) parts.push(`consecutive-failures:${rules.consecutiveFailures}`);
  if (rules.downgrade) parts.push("consistency-downgrade");
  if (rules.vss) parts.push("vss");
  if (rules.notConfirmed) parts.push("consistency-not-confirmed");
  if (parts.length === 0) return "off";
  parts.push(`cooldown:${formatDuration(rules.cooldownMs)}`);
  return parts.join(",");
}

/** How many earlier non-cancelled jobs per VM the evaluation needs besides the new ones. */
export function historyNeeded(rules: AlertRuleSet): number {
  return rules.consecutiveFailures === null ? 0 : rules.consecutiveFailures - 1;
}

/**
 * The deduplication key of an alert: one per rule, vault and VM (names compared case-insensitively, as
 * Azure does). Contains no `/`, `\`, `#` or `?` for valid Azure names, so it can be a Table Storage key.
 */
export function alertKey(rule: AlertRuleName, vault: string, vm: string): string {
  return `${rule}|${vault.toLowerCase()}|${vm.toLowerCase()}`;
}
