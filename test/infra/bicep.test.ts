/**
 * Text checks on the deployment templates. No Bicep compiler can run here, so the templates are read
 * as text: each check runs on the real files (must pass) and on a mutated copy (must fail), so that
 * none of them can pass vacuously.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SETTING_NAMES } from "../../src/config.js";
import { declarations, parseBicep, references, undeclaredAndUnused } from "./bicep-text.js";
import {
  appSettings,
  AZURE_YAML,
  checkAzureYaml,
  checkDeclarations,
  checkFunctionAppHardening,
  checkIdentity,
  checkInfra,
  checkKeyVault,
  checkNoSecrets,
  checkRoleAssignments,
  checkRuntime,
  checkSettingsCoverage,
  checkStorageHardening,
  checkVaultDiagnostics,
  FUNCTION_APP,
  INTENTIONALLY_UNSET,
  MAIN,
  PARAMETERS,
  readSimpleYaml,
  ROLES,
  VAULT_DIAGNOSTICS,
  type InfraFiles,
} from "./infra-checks.js";

const ROOT = join(import.meta.dirname, "..", "..");

function loadFiles(): InfraFiles {
  const files: InfraFiles = {};
  const read = (rel: string): void => {
    files[rel] = readFileSync(join(ROOT, rel), "utf8");
  };
  read(MAIN);
  read(VAULT_DIAGNOSTICS);
  read(PARAMETERS);
  read(AZURE_YAML);
  for (const name of readdirSync(join(ROOT, "infra", "modules"))) {
    if (name.endsWith(".bicep")) read(`infra/modules/${name}`);
  }
  return files;
}

const FILES = loadFiles();

/** A copy of the files with one exact piece of text replaced; fails loudly if the text is absent. */
function mutate(path: string, from: string | RegExp, to: string): InfraFiles {
  const text = FILES[path];
  if (text === undefined) throw new Error(`no file ${path}`);
  const changed = text.replace(from, to);
  if (changed === text) throw new Error(`mutation target ${String(from)} not found in ${path}`);
  return { ...FILES, [path]: changed };
}

const ROLE_FILE = "infra/modules/app-roles.bicep";
const STORAGE = "infra/modules/storage.bicep";
const KEY_VAULT = "infra/modules/key-vault.bicep";

describe("the templates as shipped", () => {
  it("pass every check", () => {
    expect(checkInfra(FILES, SETTING_NAMES)).toEqual([]);
  });

  it("include every module main.bicep calls", () => {
    const modules = declarations(parseBicep(MAIN, FILES[MAIN] ?? "")).modules.map((m) => `infra/${m.type}`);
    expect(modules.length).toBeGreaterThanOrEqual(8);
    for (const m of modules) expect(Object.keys(FILES)).toContain(m);
  });
});

describe("secrets and keys", () => {
  it("refuses account keys, instrumentation keys and connection strings", () => {
    const withKeys = mutate(
      STORAGE,
      "output name string = storage.name",
      "output name string = storage.name\noutput conn string = 'AccountKey=${storage.listKeys().keys[0].value}'",
    );
    const problems = checkNoSecrets(withKeys);
    expect(problems.join("\n")).toMatch(/listKeys/);
    expect(problems.join("\n")).toMatch(/AccountKey=/);
    expect(
      checkNoSecrets(
        mutate(FUNCTION_APP, "AZURE_CLIENT_ID: identityClientId", "APPINSIGHTS_INSTRUMENTATIONKEY: 'x'"),
      ).join(),
    ).toMatch(/APPINSIGHTS_INSTRUMENTATIONKEY/);
    expect(
      checkNoSecrets(
        mutate(
          FUNCTION_APP,
          "AZURE_CLIENT_ID: identityClientId",
          "AzureWebJobsStorage: 'UseDevelopmentStorage=true'",
        ),
      ).join(),
    ).toMatch(/AzureWebJobsStorage connection-string/);
  });

  it("requires @secure() on the secret parameters, with no default value", () => {
    expect(checkNoSecrets(mutate(MAIN, /@secure\(\)\n(@description\('Webhook URL)/, "$1")).join()).toMatch(
      /"webhookUrl" holds a secret but is not @secure\(\)/,
    );
    expect(
      checkNoSecrets(
        mutate(MAIN, "param webhookSecret string", "param webhookSecret string = 'changeme'"),
      ).join(),
    ).toMatch(/secure parameter "webhookSecret" has a default value/);
  });

  it("refuses an output that exposes a secure parameter", () => {
    const leaky = mutate(
      KEY_VAULT,
      "output name string = vault.name",
      "output name string = vault.name\noutput leak string = webhookSecret",
    );
    expect(checkNoSecrets(leaky).join()).toMatch(/output "leak" exposes secure parameter "webhookSecret"/);
  });

  it("refuses a literal secret in the parameters file", () => {
    const literal = mutate(PARAMETERS, '"${PULSE_WEBHOOK_URL}"', '"https://example.invalid/hook?sig=abc"');
    expect(checkNoSecrets(literal).join()).toMatch(/"webhookUrl" must be an \$\{ENV\} reference/);
  });

  it("stores the webhook URL and HMAC key in Key Vault and reads them through Key Vault references", () => {
    const settings = appSettings(FILES);
    expect(settings.get("PULSE_WEBHOOK_URL")).toMatch(/^'@Microsoft\.KeyVault\(SecretUri=/);
    expect(settings.get("PULSE_WEBHOOK_SECRET")).toMatch(/^'@Microsoft\.KeyVault\(SecretUri=/);
    const plain = mutate(
      MAIN,
      /PULSE_WEBHOOK_URL: '@Microsoft\.KeyVault\([^']+\)'/,
      "PULSE_WEBHOOK_URL: webhookUrlValue",
    );
    expect(checkKeyVault(plain).join()).toMatch(/PULSE_WEBHOOK_URL must be a Key Vault reference/);
    const fromVar = mutate(KEY_VAULT, "value: webhookUrl\n", "value: webhookUrlSecretName\n");
    expect(checkKeyVault(fromVar).join()).toMatch(/other than a @secure\(\) parameter/);
  });

  it("keeps the Key Vault in RBAC mode with soft delete and purge protection", () => {
    expect(
      checkKeyVault(
        mutate(KEY_VAULT, "enableRbacAuthorization: true", "enableRbacAuthorization: false"),
      ).join(),
    ).toMatch(/enableRbacAuthorization: true/);
    expect(
      checkKeyVault(mutate(KEY_VAULT, "enablePurgeProtection: true", "enablePurgeProtection: false")).join(),
    ).toMatch(/enablePurgeProtection/);
  });
});

describe("hardening", () => {
  it("storage: no shared keys, TLS 1.2, https only, no public blobs", () => {
    expect(
      checkStorageHardening(
        mutate(STORAGE, "allowSharedKeyAccess: false", "allowSharedKeyAccess: true"),
      ).join(),
    ).toMatch(/allowSharedKeyAccess: false/);
    expect(
      checkStorageHardening(
        mutate(STORAGE, "minimumTlsVersion: 'TLS1_2'", "minimumTlsVersion: 'TLS1_0'"),
      ).join(),
    ).toMatch(/TLS1_2/);
    expect(
      checkStorageHardening(
        mutate(STORAGE, "supportsHttpsTrafficOnly: true", "supportsHttpsTrafficOnly: false"),
      ).join(),
    ).toMatch(/supportsHttpsTrafficOnly/);
    expect(
      checkStorageHardening(
        mutate(STORAGE, "allowBlobPublicAccess: false", "allowBlobPublicAccess: true"),
      ).join(),
    ).toMatch(/allowBlobPublicAccess/);
  });

  it("function app: https only, TLS 1.2, FTP and basic-auth publishing off", () => {
    expect(
      checkFunctionAppHardening(mutate(FUNCTION_APP, "httpsOnly: true", "httpsOnly: false")).join(),
    ).toMatch(/httpsOnly/);
    expect(
      checkFunctionAppHardening(mutate(FUNCTION_APP, "minTlsVersion: '1.2'", "minTlsVersion: '1.0'")).join(),
    ).toMatch(/minTlsVersion/);
    expect(
      checkFunctionAppHardening(
        mutate(
          FUNCTION_APP,
          /name: 'ftp'\n(\s*)properties: \{\n(\s*)allow: false/,
          "name: 'ftp'\n$1properties: {\n$2allow: true",
        ),
      ).join(),
    ).toMatch(/FTP publishing switched off/);
    expect(
      checkFunctionAppHardening(
        mutate(
          FUNCTION_APP,
          /name: 'scm'\n(\s*)properties: \{\n(\s*)allow: false/,
          "name: 'scm'\n$1properties: {\n$2allow: true",
        ),
      ).join(),
    ).toMatch(/basic-auth \(scm\) publishing/);
  });

  it("function app: no siteConfig.ftpsState, which Flex Consumption sites reject", () => {
    const ftps = mutate(
      FUNCTION_APP,
      "minTlsVersion: '1.2'",
      "minTlsVersion: '1.2'\n      ftpsState: 'Disabled'",
    );
    expect(checkFunctionAppHardening(ftps).join()).toMatch(/ftpsState/);
  });

  it("a comment mentioning a forbidden setting is not mistaken for code", () => {
    expect(FILES[FUNCTION_APP]).toMatch(/\/\/.*FUNCTIONS_WORKER_RUNTIME/);
    expect(checkRuntime(FILES)).toEqual([]);
  });
});

describe("managed identity", () => {
  it("runs the app, the host storage, the deployment and Key Vault references as the user-assigned identity", () => {
    expect(
      checkIdentity(mutate(FUNCTION_APP, "type: 'UserAssigned'", "type: 'SystemAssigned'")).join(),
    ).toMatch(/user-assigned identity/);
    expect(checkIdentity(mutate(FUNCTION_APP, "keyVaultReferenceIdentity: identityId\n", "")).join()).toMatch(
      /keyVaultReferenceIdentity/,
    );
    expect(
      checkIdentity(mutate(FUNCTION_APP, "AzureWebJobsStorage__credential: 'managedidentity'\n", "")).join(),
    ).toMatch(/AzureWebJobsStorage__credential is not set/);
    expect(
      checkIdentity(
        mutate(
          FUNCTION_APP,
          "AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential'",
          "AZURE_TOKEN_CREDENTIALS: 'dev'",
        ),
      ).join(),
    ).toMatch(/AZURE_TOKEN_CREDENTIALS is 'dev'/);
    expect(
      checkIdentity(
        mutate(FUNCTION_APP, "Authorization=AAD;ClientId=", "Authorization=Key;ClientId="),
      ).join(),
    ).toMatch(/APPLICATIONINSIGHTS_AUTHENTICATION_STRING/);
    expect(
      checkIdentity(
        mutate("infra/modules/monitoring.bicep", "DisableLocalAuth: true", "DisableLocalAuth: false"),
      ).join(),
    ).toMatch(/DisableLocalAuth/);
  });
});

describe("role assignments", () => {
  it.each(Object.entries(ROLES))("assigns %s by its definition GUID", (role, { id, file }) => {
    expect(FILES[file]?.toLowerCase()).toContain(id);
    const wrong = mutate(file, id, "00000000-0000-0000-0000-000000000000");
    const problems = checkRoleAssignments(wrong).join("\n");
    expect(problems).toContain(`${role} (${id}) is not assigned`);
  });

  it("refuses broad roles and roles the app does not need", () => {
    const owner = mutate(
      ROLE_FILE,
      "3913510d-42f4-4e42-8a64-420c390055eb",
      "8e3af657-a8ff-443c-a75c-2fe8c4bcb635",
    );
    expect(checkRoleAssignments(owner).join()).toMatch(/broad role Owner/);
  });

  it("requires principalType ServicePrincipal, guid(scope, principal, role) names and a resource scope", () => {
    expect(
      checkRoleAssignments(
        mutate(ROLE_FILE, "principalType: 'ServicePrincipal'", "principalType: 'User'"),
      ).join(),
    ).toMatch(/principalType/);
    expect(
      checkRoleAssignments(
        mutate(ROLE_FILE, "name: guid(vault.id, principalId, keyVaultSecretsUser)", "name: guid(vault.id)"),
      ).join(),
    ).toMatch(/not named guid\(scope, principalId, roleId\)/);
    expect(checkRoleAssignments(mutate(ROLE_FILE, "  scope: vault\n", "")).join()).toMatch(
      /not scoped to a resource/,
    );
  });

  it("reads the workspaces at their own resource group, possibly in another subscription", () => {
    const main = FILES[MAIN] ?? "";
    expect(main).toMatch(/module workspaceReaders 'modules\/workspace-reader\.bicep'/);
    expect(main).toMatch(
      /scope: resourceGroup\(split\(workspaceResourceId, '\/'\)\[2\], split\(workspaceResourceId, '\/'\)\[4\]\)/,
    );
  });
});

describe("app settings", () => {
  it("sets every setting the app reads, except the documented intentionally-unset ones", () => {
    const settings = appSettings(FILES);
    for (const name of SETTING_NAMES) {
      if (name in INTENTIONALLY_UNSET) expect(settings.has(name), name).toBe(false);
      else expect(settings.has(name), name).toBe(true);
    }
    expect(settings.get("PULSE_TABLES_URL")).toBe("storage.outputs.tableEndpoint");
  });

  it("each intentionally-unset setting has a reason", () => {
    for (const reason of Object.values(INTENTIONALLY_UNSET)) expect(reason.length).toBeGreaterThan(20);
  });

  it("fails when a setting the app reads is not set", () => {
    const missing = mutate(MAIN, /\n\s*PULSE_LOOKBACK_DAYS: string\(lookbackDays\)/, "");
    expect(checkSettingsCoverage(missing, SETTING_NAMES)).toEqual([
      "PULSE_LOOKBACK_DAYS is read by the app (SETTING_NAMES) but the template never sets it",
    ]);
    expect(checkSettingsCoverage(FILES, [...SETTING_NAMES, "PULSE_SOMETHING_NEW"])).toEqual([
      "PULSE_SOMETHING_NEW is read by the app (SETTING_NAMES) but the template never sets it",
    ]);
  });

  it("fails when the table connection string is set in Azure", () => {
    const withConn = mutate(
      MAIN,
      "PULSE_TABLES_URL: storage.outputs.tableEndpoint",
      "PULSE_TABLES_CONNECTION: 'x'",
    );
    const problems = checkSettingsCoverage(withConn, SETTING_NAMES).join("\n");
    expect(problems).toMatch(/PULSE_TABLES_CONNECTION must not be set in Azure/);
    expect(problems).toMatch(/PULSE_TABLES_URL is read by the app/);
  });

  it("fails when the allow-list names a setting the app no longer reads", () => {
    const names = SETTING_NAMES.filter((n) => n !== "PULSE_TABLES_CONNECTION");
    expect(checkSettingsCoverage(FILES, names).join()).toMatch(/no longer reads it/);
  });
});

describe("runtime", () => {
  it("runs Node 22 on the Flex Consumption plan, without the app settings Flex does not use", () => {
    expect(checkRuntime(mutate(FUNCTION_APP, "version: '22'", "version: '20'")).join()).toMatch(/node 22/);
    expect(checkRuntime(mutate(FUNCTION_APP, "name: 'FC1'", "name: 'Y1'")).join()).toMatch(/FC1/);
    const legacy = mutate(
      FUNCTION_APP,
      "AZURE_CLIENT_ID: identityClientId",
      "AZURE_CLIENT_ID: identityClientId\n      FUNCTIONS_EXTENSION_VERSION: '~4'",
    );
    expect(checkRuntime(legacy).join()).toMatch(
      /FUNCTIONS_EXTENSION_VERSION is not used by Flex Consumption/,
    );
  });
});

describe("declarations (a tiny Bicep reader)", () => {
  it("finds parameters, secure flags and defaults", () => {
    const params = declarations(parseBicep(MAIN, FILES[MAIN] ?? "")).params;
    expect(params.get("webhookUrl")).toMatchObject({ secure: true, hasDefault: false, type: "string" });
    expect(params.get("lookbackDays")).toMatchObject({ secure: false, hasDefault: true, type: "int" });
    expect(params.get("recoveryPoints")?.decorators).toEqual(["description", "allowed"]);
  });

  it("tells references from keys, property accesses, calls and string text", () => {
    const src = parseBicep(
      "t.bicep",
      [
        "param a string",
        "param b string = 'x ${a} y'",
        "var c = {",
        "  a: b",
        "  d: toLower(a) == 'z' ? a : b.length",
        "  e: [for (x, i) in [a]: x]",
        "  f: filter([b], s => !empty(s))",
        "}",
        "// param ghost string",
        "output o object = c",
      ].join("\n"),
    );
    expect(references(src).map((r) => r.name)).toEqual([
      "a",
      "b",
      "a",
      "a",
      "b",
      "x",
      "i",
      "a",
      "x",
      "b",
      "s",
      "s",
      "c",
    ]);
    expect(undeclaredAndUnused(src)).toEqual([]);
  });

  it("reports an undeclared name and an unused parameter", () => {
    const typo = mutate(MAIN, "PULSE_ALERT_RULES: alertRules", "PULSE_ALERT_RULES: alertRule");
    const problems = checkDeclarations(typo).join("\n");
    expect(problems).toMatch(/"alertRule" is used but not declared/);
    expect(problems).toMatch(/parameter "alertRules" is declared but never used/);
  });

  it("checks module calls against the module's parameters", () => {
    const unknown = mutate(
      MAIN,
      "    serviceName: serviceName\n",
      "    serviceName: serviceName\n    colour: 'blue'\n",
    );
    expect(checkDeclarations(unknown).join()).toMatch(
      /passes "colour", which infra\/modules\/function-app\.bicep does not declare/,
    );
    const missing = mutate(MAIN, "    serviceName: serviceName\n", "");
    expect(checkDeclarations(missing).join()).toMatch(/does not pass required "serviceName"/);
  });

  it("checks the parameters file against main.bicep", () => {
    expect(checkDeclarations(mutate(PARAMETERS, '"alertRules"', '"alertRulez"')).join("\n")).toMatch(
      /"alertRulez" is not a parameter/,
    );
    expect(
      checkDeclarations(mutate(PARAMETERS, /\s*"webhookSecret": \{ "value": "[^"]*" \},/, "")).join(),
    ).toMatch(/required parameter "webhookSecret" is not mapped/);
  });
});

describe("vault diagnostics", () => {
  it("uses resource-specific mode with every event backup-pulse reads", () => {
    expect(
      checkVaultDiagnostics(
        mutate(
          VAULT_DIAGNOSTICS,
          "logAnalyticsDestinationType: 'Dedicated'",
          "logAnalyticsDestinationType: 'AzureDiagnostics'",
        ),
      ).join(),
    ).toMatch(/resource-specific mode/);
    expect(checkVaultDiagnostics(mutate(VAULT_DIAGNOSTICS, "  'AddonAzureBackupJobs'\n", "")).join()).toMatch(
      /AddonAzureBackupJobs is not enabled/,
    );
  });
});

describe("azure.yaml", () => {
  it("reads as one function service in TypeScript from the project root", () => {
    const doc = readSimpleYaml(FILES[AZURE_YAML] ?? "");
    expect(doc).toMatchObject({
      name: "backup-pulse",
      services: { pulse: { project: ".", language: "ts", host: "function" } },
    });
  });

  it("fails on a wrong host, language, service name or malformed line", () => {
    expect(checkAzureYaml(mutate(AZURE_YAML, "host: function", "host: appservice")).join()).toMatch(
      /host: function/,
    );
    expect(checkAzureYaml(mutate(AZURE_YAML, "language: ts", "language: python")).join()).toMatch(
      /language: ts/,
    );
    expect(checkAzureYaml(mutate(AZURE_YAML, "  pulse:", "  api:")).join()).toMatch(
      /azd-service-name tag "pulse"/,
    );
    expect(checkAzureYaml(mutate(AZURE_YAML, "    host: function", "    host function")).join()).toMatch(
      /expected "key: value"/,
    );
  });
});
