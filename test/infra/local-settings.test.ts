/**
 * local.settings.sample.json: what `func start` reads once copied to local.settings.json. The host itself
 * is not installed here, so this checks what can be checked: the host's own settings point at Azurite,
 * every setting the app reads is listed and accepted by the app's own settings parser, and nothing in it
 * is a secret. Each check is also run on a broken copy.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { loadConfig, SETTING_NAMES } from "../../src/config.js";

const SAMPLE = readFileSync(join(import.meta.dirname, "..", "..", "local.settings.sample.json"), "utf8");

/** Problems with a local.settings.json text (empty: fine). */
function checkLocalSettings(text: string): string[] {
  const problems: string[] = [];
  const doc = JSON.parse(text) as { IsEncrypted?: unknown; Values?: Record<string, unknown> };
  const values = doc.Values ?? {};
  if (doc.IsEncrypted !== false) problems.push("IsEncrypted must be false (the values are plain text)");
  for (const [name, v] of Object.entries(values))
    if (typeof v !== "string") problems.push(`${name} is not a string (the host reads strings only)`);
  if (values.FUNCTIONS_WORKER_RUNTIME !== "node") problems.push("FUNCTIONS_WORKER_RUNTIME must be node");
  if (values.AzureWebJobsStorage !== "UseDevelopmentStorage=true")
    problems.push("AzureWebJobsStorage must be UseDevelopmentStorage=true (Azurite)");
  for (const name of SETTING_NAMES) if (!(name in values)) problems.push(`${name} is not listed`);
  if (/AccountKey=|SharedAccessSignature=|SharedAccessKey=|InstrumentationKey=|[?&]sig=/i.test(text))
    problems.push("holds a key or a signed URL");
  if (values.PULSE_WEBHOOK_SECRET !== "")
    problems.push("PULSE_WEBHOOK_SECRET must be left empty in a sample");
  try {
    loadConfig(values as Record<string, string>, { requireRunSettings: true });
  } catch (e) {
    problems.push(`the app refuses it: ${(e as Error).message}`);
  }
  return problems;
}

function edited(from: string, to: string): string {
  if (!SAMPLE.includes(from)) throw new Error(`mutation target not found: ${from}`);
  return SAMPLE.replace(from, to);
}

describe("local.settings.sample.json", () => {
  it("is complete, points the host at Azurite, holds no secret, and the app accepts it", () => {
    expect(checkLocalSettings(SAMPLE)).toEqual([]);
    const values = (JSON.parse(SAMPLE) as { Values: Record<string, string> }).Values;
    expect(loadConfig(values).tables).toEqual({
      kind: "connection",
      connectionString: "UseDevelopmentStorage=true",
    });
  });

  it("fails on a key, a missing setting, a setting the app refuses, or a host not on Azurite", () => {
    expect(
      checkLocalSettings(
        edited(
          '"PULSE_TABLES_CONNECTION": "UseDevelopmentStorage=true"',
          '"PULSE_TABLES_CONNECTION": "DefaultEndpointsProtocol=https;AccountName=x;AccountKey=abc="',
        ),
      ),
    ).toContain("holds a key or a signed URL");
    expect(checkLocalSettings(edited('    "PULSE_ALERT_RULES": ""\n', '    "OTHER": ""\n'))).toContain(
      "PULSE_ALERT_RULES is not listed",
    );
    expect(
      checkLocalSettings(
        edited('"PULSE_WEBHOOK_URL": ""', '"PULSE_WEBHOOK_URL": "http://example.com/hook"'),
      ).join(),
    ).toMatch(/the app refuses it: PULSE_WEBHOOK_URL/);
    expect(
      checkLocalSettings(
        edited('"AzureWebJobsStorage": "UseDevelopmentStorage=true"', '"AzureWebJobsStorage": ""'),
      ),
    ).toContain("AzureWebJobsStorage must be UseDevelopmentStorage=true (Azurite)");
    expect(checkLocalSettings(edited('"PULSE_LOOKBACK_DAYS": "2"', '"PULSE_LOOKBACK_DAYS": 2'))).toContain(
      "PULSE_LOOKBACK_DAYS is not a string (the host reads strings only)",
    );
  });
});
