/**
 * The deployment templates as the real Bicep CLI compiles them: `bicep build` and `bicep lint` must be
 * clean, and checks on the compiled ARM JSON (resources, properties, role definition IDs, app settings)
 * must pass. Each check is also run on a deliberately broken copy and must fail, so that none of them can
 * pass vacuously. Without a Bicep CLI (no .NET SDK, no NuGet) these tests say so and skip; in CI they fail.
 */
import { FUNCTION_APP_NODE_ARGS } from "../../bench/services.js";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { SETTING_NAMES } from "../../src/config.js";
import { evaluate, Opaque, parseExpression, show, type EvalScope } from "./arm-expression.js";
import {
  deployments,
  prop,
  resourceList,
  resourcesOfType,
  type ArmResource,
  type ArmTemplate,
} from "./arm-template.js";
import { compileEditedCopy, compileFolder, findBicep, ROOT, type Compiled } from "./bicep-cli.js";
import {
  appSettings,
  checkAzureYaml,
  checkEmail,
  checkFunctionAppHardening,
  checkIdentity,
  checkInfra,
  checkKeyVault,
  checkNoSecrets,
  checkParametersFile,
  checkReaderRole,
  checkRoleAssignments,
  checkRuntime,
  checkSettingsCoverage,
  checkStorageHardening,
  checkVaultDiagnostics,
  INTENTIONALLY_UNSET,
  READER_ACTIONS,
  readSimpleYaml,
  ROLES,
  type Infra,
} from "./infra-checks.js";

const ENTRIES = ["main.bicep", "vault-diagnostics.bicep"] as const;
const BICEP = findBicep();
if ("reason" in BICEP) {
  // CI restores the Bicep CLI in .ci/run and exports BICEP_PATH: there, a missing CLI is a failure.
  if (process.env.CI) throw new Error(`CI must compile the Bicep templates, but ${BICEP.reason}`);
  console.warn(`test/infra: the Bicep templates are not checked here: ${BICEP.reason}`);
}
const bicepPath = "reason" in BICEP ? "" : BICEP.path;
const bicepVersion = "reason" in BICEP ? `skipped: ${BICEP.reason}` : BICEP.version;

let COMPILED: Compiled;
let INFRA: Infra;
/** Broken copies of infra/, built by the Bicep CLI: compiler and linter errors expected. */
let BROKEN: Compiled;
/** A copy with a weakened storage account and an old API version: it builds, with a warning. */
let WEAKENED: Compiled;

function infraOf(compiled: Compiled): Infra {
  const main = compiled.templates["main.bicep"];
  const vaultDiagnostics = compiled.templates["vault-diagnostics.bicep"];
  if (!main || !vaultDiagnostics)
    throw new Error(`the templates did not compile:\n${compiled.build.diagnostics.join("\n")}`);
  return {
    main,
    vaultDiagnostics,
    parametersFile: readFileSync(join(ROOT, "infra", "main.parameters.json"), "utf8"),
    azureYaml: readFileSync(join(ROOT, "azure.yaml"), "utf8"),
  };
}

// ---------------------------------------------------------------------------------------------
// Broken copies of the compiled templates

type TemplateKey = "main" | "vaultDiagnostics";

/** Every resource of a type in a template's deployment tree, as raw JSON (to edit a copy). */
function rawResources(template: ArmTemplate, type: string): ArmResource[] {
  return deployments(template)
    .flatMap((d) => resourceList(d.template))
    .filter((r) => r.type.toLowerCase() === type.toLowerCase() && r.existing !== true);
}

/** Sets (or, with undefined, deletes) the value at a dotted path ("properties.siteConfig.minTlsVersion"). */
function setPath(target: object, path: string, value: unknown): void {
  const keys = path.split(".");
  const last = keys.pop() ?? "";
  let node = target as Record<string, unknown>;
  for (const k of keys) {
    const next = node[k];
    if (next === null || typeof next !== "object") throw new Error(`no ${k} on the way to ${path}`);
    node = next as Record<string, unknown>;
  }
  if (value !== undefined) node[last] = value;
  else if (last in node) delete node[last];
  else throw new Error(`nothing to delete at ${path}`);
}

/**
 * A copy where every resource of `type` (`filter` narrows it) gets the changes (dotted path → new value,
 * undefined to delete); fails if no resource matched.
 */
function withResources(
  type: string,
  changes: Record<string, unknown>,
  filter: (r: ArmResource) => boolean = () => true,
  key: TemplateKey = "main",
): Infra {
  const copy = structuredClone(INFRA);
  const found = rawResources(copy[key], type).filter(filter);
  if (found.length === 0) throw new Error(`no ${type} resource to edit`);
  for (const r of found) for (const [path, value] of Object.entries(changes)) setPath(r, path, value);
  return copy;
}

/** A copy with `edit` applied to the nested template of the module deployment whose name contains `module`. */
function withModule(module: string, edit: (t: ArmTemplate) => void): Infra {
  const copy = structuredClone(INFRA);
  const d = deployments(copy.main).find((x) => x.call?.name.includes(module));
  if (!d) throw new Error(`no module ${module}`);
  edit(d.template);
  return copy;
}

/** A copy where one exact piece of the compiled JSON's text is replaced; fails loudly if it is absent. */
function withText(from: string | RegExp, to: string, key: TemplateKey = "main"): Infra {
  const copy = structuredClone(INFRA);
  const json = JSON.stringify(copy[key]);
  const changed = json.replace(from, to);
  if (changed === json) throw new Error(`mutation target ${String(from)} not found in the compiled ${key}`);
  copy[key] = JSON.parse(changed) as ArmTemplate;
  return copy;
}

/** A copy with one exact piece of infra/main.parameters.json or azure.yaml replaced. */
function withFile(key: "parametersFile" | "azureYaml", from: string | RegExp, to: string): Infra {
  const changed = INFRA[key].replace(from, to);
  if (changed === INFRA[key]) throw new Error(`mutation target ${String(from)} not found in ${key}`);
  return { ...INFRA, [key]: changed };
}

const IDENTITY_TEMPLATE = "identity";

describe.skipIf(bicepPath === "")(`the templates compiled by the Bicep CLI (${bicepVersion})`, () => {
  beforeAll(async () => {
    // The shipped templates (build and lint), and two edited copies, compiled side by side.
    [COMPILED, BROKEN, WEAKENED] = await Promise.all([
      compileFolder(bicepPath, join(ROOT, "infra"), { lint: true }),
      compileEditedCopy(
        {
          "main.bicep": [
            ["PULSE_ALERT_RULES: alertRules", "PULSE_ALERT_RULES: alertRule"],
            ["    name: 'id-pulse-${resourceToken}'\n", "    colour: 'blue'\n"],
          ],
          "modules/key-vault.bicep": [
            [
              "output name string = vault.name",
              "output name string = vault.name\noutput leak string = webhookSecret",
            ],
          ],
        },
        bicepPath,
      ),
      compileEditedCopy(
        {
          "modules/storage.bicep": [
            ["allowSharedKeyAccess: false", "allowSharedKeyAccess: true"],
            ["Microsoft.Storage/storageAccounts@2025-06-01", "Microsoft.Storage/storageAccounts@2023-05-01"],
          ],
        },
        bicepPath,
        { lint: true },
      ),
    ]);
    INFRA = infraOf(COMPILED);
  }, 600_000);

  describe("the templates as shipped", () => {
    it("compile with no errors or warnings", () => {
      expect(COMPILED.build.diagnostics).toEqual([]);
      expect(COMPILED.build.status).toBe(0);
      expect(Object.keys(COMPILED.templates).sort()).toEqual([...ENTRIES].sort());
    });

    it("lint clean with the recommended rules on (infra/bicepconfig.json)", () => {
      const config = JSON.parse(readFileSync(join(ROOT, "infra", "bicepconfig.json"), "utf8")) as {
        analyzers: { core: { enabled: boolean; rules: Record<string, { level: string }> } };
      };
      expect(config.analyzers.core.enabled).toBe(true);
      const rules = config.analyzers.core.rules;
      for (const rule of [
        "no-unused-params",
        "secure-secrets-in-params",
        "outputs-should-not-contain-secrets",
        "use-secure-value-for-secure-inputs",
        "no-hardcoded-env-urls",
        "use-recent-api-versions",
      ])
        expect(["warning", "error"], rule).toContain(rules[rule]?.level);
      expect(Object.values(rules).filter((r) => r.level === "off")).toEqual([]);
      expect(COMPILED.lint?.diagnostics).toEqual([]);
      expect(COMPILED.lint?.status).toBe(0);
    });

    it("pass every check", () => {
      expect(checkInfra(INFRA, SETTING_NAMES)).toEqual([]);
    });

    it("include every module main.bicep calls, each with its compiled template", () => {
      const modules = deployments(INFRA.main)
        .slice(1)
        .map((d) => d.call?.name ?? "");
      for (const m of [
        "identity",
        "monitoring",
        "storage",
        "key-vault",
        "app-roles",
        "workspace-reader",
        "reader-role",
        "subscription-reader",
        "backup-reader",
        "function-app",
      ])
        expect(
          modules.some((name) => name.includes(m)),
          m,
        ).toBe(true);
      for (const d of deployments(INFRA.main)) expect(resourceList(d.template).length).toBeGreaterThan(0);
    });
  });

  describe("secrets and keys", () => {
    it("refuses account keys, instrumentation keys and connection strings", () => {
      const withKeys = withModule("storage", (t) => {
        t.outputs = {
          ...t.outputs,
          conn: {
            type: "string",
            value:
              "[format('AccountKey={0}', listKeys(resourceId('Microsoft.Storage/storageAccounts', parameters('name')), '2025-06-01').keys[0].value)]",
          },
        };
      });
      const problems = checkNoSecrets(withKeys).join("\n");
      expect(problems).toMatch(/listKeys/);
      expect(problems).toMatch(/AccountKey=/);
      expect(
        checkNoSecrets(withText("'AZURE_CLIENT_ID',", "'APPINSIGHTS_INSTRUMENTATIONKEY',")).join(),
      ).toMatch(/APPINSIGHTS_INSTRUMENTATIONKEY/);
      expect(
        checkNoSecrets(withText("'AzureWebJobsStorage__credential',", "'AzureWebJobsStorage',")).join(),
      ).toMatch(/AzureWebJobsStorage connection string/);
    });

    it("requires @secure() on the secret parameters, in main.bicep and in every module, with no default value", () => {
      const plain = structuredClone(INFRA);
      plain.main.parameters!.webhookUrl!.type = "string";
      expect(checkNoSecrets(plain).join()).toMatch(
        /main: parameter "webhookUrl" holds a secret but is not @secure\(\)/,
      );
      const inModule = withModule("key-vault", (t) => {
        t.parameters!.webhookSecret!.type = "string";
      });
      expect(checkNoSecrets(inModule).join()).toMatch(/key-vault: parameter "webhookSecret" holds a secret/);
      const withDefault = structuredClone(INFRA);
      withDefault.main.parameters!.webhookSecret!.defaultValue = "changeme";
      expect(checkNoSecrets(withDefault).join()).toMatch(
        /secure parameter "webhookSecret" has a default value/,
      );
    });

    it("refuses an output that exposes a secure parameter", () => {
      const leaky = withModule("key-vault", (t) => {
        t.outputs = { ...t.outputs, leak: { type: "string", value: "[parameters('webhookSecret')]" } };
      });
      expect(checkNoSecrets(leaky).join()).toMatch(/output "leak" exposes secure parameter "webhookSecret"/);
    });

    it("refuses a literal secret in the parameters file", () => {
      const literal = withFile(
        "parametersFile",
        '"${PULSE_WEBHOOK_URL}"',
        '"https://example.invalid/hook?sig=abc"',
      );
      expect(checkNoSecrets(literal).join()).toMatch(/"webhookUrl" must be an \$\{ENV\} reference/);
    });

    it("stores the webhook URL and HMAC key in Key Vault and reads them through Key Vault references", () => {
      const settings = appSettings(INFRA);
      for (const [name, secret] of [
        ["PULSE_WEBHOOK_URL", "pulse-webhook-url"],
        ["PULSE_WEBHOOK_SECRET", "pulse-webhook-secret"],
      ] as const) {
        const v = settings.get(name);
        expect(v).toBeInstanceOf(Opaque);
        expect(show(v ?? null)).toMatch(
          new RegExp(
            `^@Microsoft\\.KeyVault\\(SecretUri=\\$\\{reference\\(Microsoft\\.KeyVault/vaults .+\\)\\.vaultUri\\}secrets/${secret}\\)$`,
          ),
        );
      }
      const plain = withText(
        "createObject('PULSE_WEBHOOK_URL', format('@Microsoft.KeyVault(SecretUri={0}secrets/{1})',",
        "createObject('PULSE_WEBHOOK_URL', format('{0}{1}',",
      );
      expect(checkKeyVault(plain).join()).toMatch(/PULSE_WEBHOOK_URL must be a Key Vault reference/);
      const fromName = withResources(
        "Microsoft.KeyVault/vaults/secrets",
        { "properties.value": "[parameters('webhookUrlSecretName')]" },
        (r) => r.properties?.value === "[parameters('webhookUrl')]",
      );
      expect(checkKeyVault(fromName).join()).toMatch(/other than a @secure\(\) parameter/);
    });

    it("keeps the Key Vault in RBAC mode with soft delete and purge protection", () => {
      expect(
        checkKeyVault(
          withResources("Microsoft.KeyVault/vaults", { "properties.enableRbacAuthorization": false }),
        ).join(),
      ).toMatch(/enableRbacAuthorization is false, expected true/);
      expect(
        checkKeyVault(
          withResources("Microsoft.KeyVault/vaults", { "properties.enablePurgeProtection": false }),
        ).join(),
      ).toMatch(/enablePurgeProtection/);
    });
  });

  describe("hardening", () => {
    const storage = (property: string, value: unknown): Infra =>
      withResources("Microsoft.Storage/storageAccounts", { [`properties.${property}`]: value });

    it("storage: no shared keys, TLS 1.2, https only, no public blobs", () => {
      expect(checkStorageHardening(storage("allowSharedKeyAccess", true)).join()).toMatch(
        /allowSharedKeyAccess is true, expected false/,
      );
      expect(checkStorageHardening(storage("minimumTlsVersion", "TLS1_0")).join()).toMatch(/TLS1_2/);
      expect(checkStorageHardening(storage("supportsHttpsTrafficOnly", false)).join()).toMatch(
        /supportsHttpsTrafficOnly/,
      );
      expect(checkStorageHardening(storage("allowBlobPublicAccess", true)).join()).toMatch(
        /allowBlobPublicAccess/,
      );
      expect(checkStorageHardening(storage("allowSharedKeyAccess", undefined)).join()).toMatch(
        /allowSharedKeyAccess is null/,
      );
    });

    it("function app: https only, TLS 1.2, FTP and basic-auth publishing off", () => {
      const site = (property: string, value: unknown): Infra =>
        withResources("Microsoft.Web/sites", { [`properties.${property}`]: value });
      expect(checkFunctionAppHardening(site("httpsOnly", false)).join()).toMatch(/httpsOnly/);
      expect(checkFunctionAppHardening(site("siteConfig.minTlsVersion", "1.0")).join()).toMatch(
        /minTlsVersion/,
      );
      const policy = (name: string): Infra =>
        withResources(
          "Microsoft.Web/sites/basicPublishingCredentialsPolicies",
          { "properties.allow": true },
          (r) => r.name.includes(`'${name}'`),
        );
      expect(checkFunctionAppHardening(policy("ftp")).join()).toMatch(/FTP publishing switched off/);
      expect(checkFunctionAppHardening(policy("scm")).join()).toMatch(/basic-auth \(scm\) publishing/);
    });

    it("function app: no siteConfig.ftpsState, which Flex Consumption sites reject", () => {
      const ftps = withResources("Microsoft.Web/sites", { "properties.siteConfig.ftpsState": "Disabled" });
      expect(checkFunctionAppHardening(ftps).join()).toMatch(/ftpsState/);
    });

    it("a comment mentioning a forbidden setting is not mistaken for a setting", () => {
      expect(readFileSync(join(ROOT, "infra", "modules", "function-app.bicep"), "utf8")).toMatch(
        /\/\/.*FUNCTIONS_WORKER_RUNTIME/,
      );
      expect(JSON.stringify(INFRA.main)).not.toMatch(/FUNCTIONS_WORKER_RUNTIME/);
      expect(checkRuntime(INFRA)).toEqual([]);
    });
  });

  describe("managed identity", () => {
    it("runs the app, the host storage, the deployment and Key Vault references as the user-assigned identity", () => {
      expect(
        checkIdentity(withResources("Microsoft.Web/sites", { "identity.type": "SystemAssigned" })).join(),
      ).toMatch(/does not run as a user-assigned identity/);
      expect(
        checkIdentity(
          withResources("Microsoft.Web/sites", { "properties.keyVaultReferenceIdentity": undefined }),
        ).join(),
      ).toMatch(/keyVaultReferenceIdentity/);
      expect(
        checkIdentity(
          withResources("Microsoft.Web/sites", {
            "properties.functionAppConfig.deployment.storage.authentication": {
              type: "StorageAccountConnectionString",
            },
          }),
        ).join(),
      ).toMatch(/deployment storage is not authenticated with the user-assigned identity/);
      expect(
        checkIdentity(withText("'AzureWebJobsStorage__credential', 'managedidentity', ", "")).join(),
      ).toMatch(/AzureWebJobsStorage__credential is not set/);
      expect(
        checkIdentity(
          withText(
            "'AZURE_TOKEN_CREDENTIALS', 'ManagedIdentityCredential'",
            "'AZURE_TOKEN_CREDENTIALS', 'dev'",
          ),
        ).join(),
      ).toMatch(/AZURE_TOKEN_CREDENTIALS is dev/);
      expect(
        checkIdentity(withText("Authorization=AAD;ClientId=", "Authorization=Key;ClientId=")).join(),
      ).toMatch(/APPLICATIONINSIGHTS_AUTHENTICATION_STRING/);
      expect(
        checkIdentity(
          withText(
            "'AZURE_CLIENT_ID', parameters('identityClientId')",
            "'AZURE_CLIENT_ID', parameters('name')",
          ),
        ).join(),
      ).toMatch(/AZURE_CLIENT_ID is func-pulse-/);
      expect(
        checkIdentity(
          withResources("Microsoft.Insights/components", { "properties.DisableLocalAuth": false }),
        ).join(),
      ).toMatch(/DisableLocalAuth/);
      expect(checkIdentity(withModule(IDENTITY_TEMPLATE, (t) => (t.resources = {}))).join()).toMatch(
        /no user-assigned managed identity is declared/,
      );
    });
  });

  describe("role assignments", () => {
    it.each(Object.entries(ROLES))("assigns %s by its definition GUID", (role, { id }) => {
      expect(JSON.stringify(INFRA.main)).toContain(id);
      const wrong = withText(new RegExp(id, "g"), "00000000-0000-0000-0000-000000000000");
      expect(checkRoleAssignments(wrong).join("\n")).toContain(`${role} (${id}) is not assigned`);
    });

    it("assigns each role at its own scope", () => {
      const kvRoleOnStorage = withResources(
        "Microsoft.Authorization/roleAssignments",
        { scope: "[resourceId('Microsoft.Storage/storageAccounts', parameters('storageAccountName'))]" },
        (r) => JSON.stringify(r).includes("keyVaultSecretsUser"),
      );
      expect(checkRoleAssignments(kvRoleOnStorage).join()).toMatch(
        /Key Vault Secrets User is assigned at a Microsoft\.Storage\/storageAccounts, expected a Microsoft\.KeyVault\/vaults/,
      );
      const backupReaderOnVault = withResources(
        "Microsoft.Authorization/roleAssignments",
        { scope: "[resourceId('Microsoft.RecoveryServices/vaults', 'rsv')]" },
        (r) => r.name.includes("resourceGroup().id"),
      );
      expect(checkRoleAssignments(backupReaderOnVault).join()).toMatch(
        /Backup Reader is assigned at a Microsoft\.RecoveryServices\/vaults, expected resourceGroup/,
      );
    });

    it("refuses broad roles and roles the app does not need", () => {
      const owner = withText("3913510d-42f4-4e42-8a64-420c390055eb", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635");
      expect(checkRoleAssignments(owner).join()).toMatch(/broad role Owner/);
      const other = withText("3913510d-42f4-4e42-8a64-420c390055eb", "11111111-2222-3333-4444-555555555555");
      expect(checkRoleAssignments(other).join()).toMatch(
        /role 11111111-2222-3333-4444-555555555555 is not one of the roles/,
      );
    });

    it("requires principalType ServicePrincipal, the app's identity, guid(scope, principal, role) names and a resource scope", () => {
      const kv = (r: ArmResource): boolean => JSON.stringify(r).includes("keyVaultSecretsUser");
      const edit = (changes: Record<string, unknown>): Infra =>
        withResources("Microsoft.Authorization/roleAssignments", changes, kv);
      expect(checkRoleAssignments(edit({ "properties.principalType": "User" })).join()).toMatch(
        /principalType/,
      );
      expect(
        checkRoleAssignments(
          edit({ "properties.principalId": "11111111-2222-3333-4444-555555555555" }),
        ).join(),
      ).toMatch(/not the app's managed identity/);
      expect(
        checkRoleAssignments(
          edit({ name: "[guid(resourceId('Microsoft.KeyVault/vaults', parameters('keyVaultName')))]" }),
        ).join(),
      ).toMatch(/not named guid\(scope, principalId, roleId\)/);
      expect(checkRoleAssignments(edit({ scope: undefined })).join()).toMatch(
        /Key Vault Secrets User is assigned at resourceGroup, expected a Microsoft\.KeyVault\/vaults/,
      );
    });

    it("reads the workspaces at their own resource group, possibly in another subscription", () => {
      const here = withText(
        "\"resourceGroup\":\"[split(variables('workspaceResourceIdList')[copyIndex()], '/')[4]]\"",
        '"resourceGroup":"[parameters(\'resourceGroupName\')]"',
      );
      expect(checkRoleAssignments(here).join()).toMatch(
        /not deployed in the workspace's own subscription and resource group/,
      );
    });
  });

  describe('the custom role "backup-pulse reader"', () => {
    const definition = (changes: Record<string, unknown>): Infra =>
      withResources("Microsoft.Authorization/roleDefinitions", changes);
    /** The module's readActions variable, which the definition's actions are. */
    const withActions = (edit: (list: string[]) => void): Infra =>
      withModule("reader-role", (t) => edit(t.variables!.readActions as string[]));

    it("holds exactly the ARM read actions the product calls, nothing that writes, backs up or restores", () => {
      const [def] = resourcesOfType(deployments(INFRA.main), "Microsoft.Authorization/roleDefinitions");
      const permissions = def ? prop(def, "properties.permissions") : [];
      const actions = (
        Array.isArray(permissions) ? (permissions[0] as { actions: string[] }).actions : []
      ).map(String);
      expect([...actions].sort()).toEqual([...READER_ACTIONS].sort());
      for (const a of actions) expect(a).toMatch(/\/read$/);
      expect(
        checkReaderRole(
          withActions((list) =>
            list.push(
              "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/restore/action",
            ),
          ),
        ).join(),
      ).toMatch(/grants .*recoveryPoints\/restore\/action, which backup-pulse does not call/);
      expect(
        checkReaderRole(
          withActions((list) =>
            list.splice(list.indexOf("Microsoft.RecoveryServices/Vaults/backupJobs/read"), 1),
          ),
        ).join(),
      ).toMatch(/lacks Microsoft\.RecoveryServices\/Vaults\/backupJobs\/read/);
      expect(
        checkReaderRole(withActions((list) => list.push("Microsoft.RecoveryServices/*/read"))).join(),
      ).toMatch(/wildcard action Microsoft\.RecoveryServices\/\*\/read/);
      expect(
        checkReaderRole(
          definition({
            "properties.permissions.0.dataActions": [
              "Microsoft.Storage/storageAccounts/blobServices/containers/blobs/read",
            ],
          }),
        ).join(),
      ).toMatch(/dataActions is not empty/);
    });

    it("is one definition, assignable at each listed subscription and assigned to the identity at each", () => {
      const twice = withModule("reader-role", (t) => {
        const resources = t.resources as Record<string, ArmResource>;
        resources.second = structuredClone(resources.readerRole!);
      });
      expect(checkReaderRole(twice).join()).toMatch(/expected exactly one custom role definition, found 2/);
      const oneScope = definition({
        "properties.copy": undefined,
        "properties.assignableScopes": ["[subscription().id]"],
      });
      expect(checkReaderRole(oneScope).join()).toMatch(/assignable scopes are/);
      const fewer = withText(
        '"count":"[length(variables(\'readerSubscriptionIds\'))]"',
        '"count":"[length(variables(\'vaultResourceGroupIdList\'))]"',
      );
      expect(checkReaderRole(fewer).join()).toMatch(/is not deployed once at each listed subscription/);
      const elsewhere = withText(
        '"subscriptionId":"[variables(\'readerSubscriptionIds\')[copyIndex()]]"',
        '"subscriptionId":"[subscription().subscriptionId]"',
      );
      expect(checkReaderRole(elsewhere).join()).toMatch(/is not deployed once at each listed subscription/);
      const narrower = withModule("subscription-reader", (t) => {
        for (const r of resourceList(t)) r.scope = "[resourceGroup().id]";
      });
      expect(checkReaderRole(narrower).join()).toMatch(/is not assigned at the whole subscription/);
      const noWait = withText(
        /,"\[subscriptionResourceId\(if\(empty\(variables\('readerSubscriptionIds'\)\)[^"]*reader-role-[^"]*"/,
        "",
      );
      expect(checkReaderRole(noWait).join()).toMatch(/does not wait for the role definition/);
    });

    it("is assigned by the GUID of its own definition", () => {
      const other = withText(
        '"roleDefinitionName":{"value":"[variables(\'readerRoleDefinitionName\')]"}},"template":{"$schema":"https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#","contentVersion":"1.0.0.0","metadata":{"_generator"',
        '"roleDefinitionName":{"value":"[guid(\'another role\')]"}},"template":{"$schema":"https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#","contentVersion":"1.0.0.0","metadata":{"_generator"',
      );
      expect(checkReaderRole(other).join()).toMatch(/backup-pulse reader is never assigned/);
      expect(checkRoleAssignments(other).join()).toMatch(/backup-pulse reader .* is not assigned/);
    });
  });

  describe("app settings", () => {
    it("sizes the JavaScript heap to the instance, as the benchmarks of the daily run measure it", () => {
      const settings = appSettings(INFRA);
      // 1,280 MB of heap on a 2,048 MB instance (the default), 2,560 MB on a 4,096 MB one
      expect(show(settings.get("languageWorkers__node__arguments") ?? null)).toBe(
        "--max-old-space-size=${if(equals(parameters('instanceMemoryMB'), 4096), 2560, 1280)}",
      );
      expect(INFRA.main).toMatchObject({ parameters: { instanceMemoryMB: { defaultValue: 2048 } } });
      expect(FUNCTION_APP_NODE_ARGS).toEqual(["--max-old-space-size=1280"]);
    });

    it("sets every setting the app reads, except the documented intentionally-unset ones", () => {
      const settings = appSettings(INFRA);
      for (const name of SETTING_NAMES) {
        if (name in INTENTIONALLY_UNSET) expect(settings.has(name), name).toBe(false);
        else expect(settings.has(name), name).toBe(true);
      }
      expect(show(settings.get("PULSE_TABLES_URL") ?? null)).toMatch(
        /^reference\(Microsoft\.Storage\/storageAccounts stpulse.+\)\.primaryEndpoints\.table$/,
      );
    });

    it("each intentionally-unset setting has a reason", () => {
      for (const reason of Object.values(INTENTIONALLY_UNSET)) expect(reason.length).toBeGreaterThan(20);
    });

    it("fails when a setting the app reads is not set", () => {
      const missing = withText("'PULSE_LOOKBACK_DAYS', string(parameters('lookbackDays')), ", "");
      expect(checkSettingsCoverage(missing, SETTING_NAMES)).toEqual([
        "PULSE_LOOKBACK_DAYS is read by the app (SETTING_NAMES) but the template never sets it",
      ]);
      expect(checkSettingsCoverage(INFRA, [...SETTING_NAMES, "PULSE_SOMETHING_NEW"])).toEqual([
        "PULSE_SOMETHING_NEW is read by the app (SETTING_NAMES) but the template never sets it",
      ]);
    });

    it("fails when the table connection string is set in Azure", () => {
      const withConn = withText("'PULSE_TABLES_URL',", "'PULSE_TABLES_CONNECTION',");
      const problems = checkSettingsCoverage(withConn, SETTING_NAMES).join("\n");
      expect(problems).toMatch(/PULSE_TABLES_CONNECTION must not be set in Azure/);
      expect(problems).toMatch(/PULSE_TABLES_URL is read by the app/);
    });

    it("fails when the allow-list names a setting the app no longer reads", () => {
      const names = SETTING_NAMES.filter((n) => n !== "PULSE_TABLES_CONNECTION");
      expect(checkSettingsCoverage(INFRA, names).join()).toMatch(/no longer reads it/);
    });
  });

  describe("e-mail digests (emailTo)", () => {
    it("an Azure-managed domain linked to Communication Services, only when emailTo is given, and the sender role on it", () => {
      expect(checkEmail(INFRA)).toEqual([]);
      expect(checkRoleAssignments(INFRA)).toEqual([]);
      const settings = appSettings(INFRA);
      expect(show(settings.get("PULSE_EMAIL_TO") ?? null)).toMatch(
        /^join\(filter\(map\(split\(parameters\('emailTo'\)/,
      );
      expect(show(settings.get("PULSE_EMAIL_ENDPOINT") ?? null)).toMatch(
        /^https:\/\/\$\{reference\(Microsoft\.Communication\/communicationServices acs-pulse-/,
      );
    });

    it("fails a customer-managed domain, an unlinked resource, an unconditional module and a wrong endpoint", () => {
      expect(
        checkEmail(
          withText('"domainManagement":"AzureManaged"', '"domainManagement":"CustomerManaged"'),
        ).join(),
      ).toMatch(/domainManagement is CustomerManaged, expected AzureManaged/);
      expect(checkEmail(withText(/"linkedDomains":\["[^"]*"\]/, '"linkedDomains":[]')).join()).toMatch(
        /is not linked to the e-mail domain/,
      );
      expect(
        checkEmail(
          withText(`"condition": "[not(empty(variables('emailToList')))]",`.replace(" ", ""), ""),
        ).join(),
      ).toMatch(/is created whether or not emailTo is given/);
      expect(
        checkEmail(
          withText("'PULSE_EMAIL_ENDPOINT', ", "'PULSE_EMAIL_ENDPOINT', 'https://mail.example.com', 'X', "),
        ).join(),
      ).toMatch(/PULSE_EMAIL_ENDPOINT is https:\/\/mail\.example\.com, expected/);
      expect(
        checkRoleAssignments(
          withText(
            `"communicationAndEmailServiceOwner":"09976791-48a7-449e-bb21-39d1a415f350"`,
            `"communicationAndEmailServiceOwner":"b24988ac-6180-42a0-ab88-20f7382dd24c"`,
          ),
        ).join(),
      ).toMatch(/b24988ac-6180-42a0-ab88-20f7382dd24c/);
    });
  });

  describe("runtime", () => {
    it("runs Node 22 on the Flex Consumption plan, without the app settings Flex does not use", () => {
      const site = (property: string, value: unknown): Infra =>
        withResources("Microsoft.Web/sites", { [`properties.${property}`]: value });
      expect(checkRuntime(site("functionAppConfig.runtime.version", "20")).join()).toMatch(
        /runtime\.version is 20, expected 22/,
      );
      expect(checkRuntime(withResources("Microsoft.Web/serverfarms", { "sku.name": "Y1" })).join()).toMatch(
        /FC1/,
      );
      const legacy = withText(
        "'AZURE_TOKEN_CREDENTIALS', 'ManagedIdentityCredential'",
        "'AZURE_TOKEN_CREDENTIALS', 'ManagedIdentityCredential', 'FUNCTIONS_EXTENSION_VERSION', '~4'",
      );
      expect(checkRuntime(legacy).join()).toMatch(
        /FUNCTIONS_EXTENSION_VERSION is not used by Flex Consumption/,
      );
    });
  });

  describe("parameters", () => {
    it("compiles the parameters' types, secure flags, defaults and decorators", () => {
      const params = INFRA.main.parameters ?? {};
      expect(params.webhookUrl).toMatchObject({ type: "securestring" });
      expect(params.webhookUrl).not.toHaveProperty("defaultValue");
      expect(params.lookbackDays).toMatchObject({
        type: "int",
        defaultValue: 2,
        minValue: 0,
        maxValue: 14,
      });
      expect(params.recoveryPoints).toMatchObject({
        allowedValues: ["off", "warnings", "all"],
        defaultValue: "warnings",
      });
      expect(params.subscriptionIds).toMatchObject({ type: "string", defaultValue: "" });
      expect(params.readerRoleName).toMatchObject({ defaultValue: "backup-pulse reader" });
    });

    it("checks the parameters file against main.bicep", () => {
      expect(
        checkParametersFile(withFile("parametersFile", '"alertRules"', '"alertRulez"')).join("\n"),
      ).toMatch(/"alertRulez" is not a parameter/);
      expect(
        checkParametersFile(
          withFile("parametersFile", /\s*"webhookSecret": \{ "value": "[^"]*" \},/, ""),
        ).join(),
      ).toMatch(/required parameter "webhookSecret" is not mapped/);
    });
  });

  describe("ARM expressions (how the checks read the compiled JSON)", () => {
    const scope: EvalScope = {
      parameter: (name) => (name === "b" ? "B" : new Opaque(`parameters('${name}')`)),
      variable: (name) => new Opaque(`variables('${name}')`),
      resource: (symbol) =>
        symbol === "id"
          ? { type: "Microsoft.ManagedIdentity/userAssignedIdentities", name: "id-1" }
          : undefined,
      moduleOutput: (deployment, output) =>
        deployment === "storage" && output === "tableEndpoint" ? "https://t/" : undefined,
    };

    it("evaluates objects, conditions, formats and module outputs, and keeps the unknown as text", () => {
      const v = evaluate(
        parseExpression(
          "[union(createObject('a', parameters('b'), 'q', 'it''s'), if(equals(parameters('c'), 'x'), createObject('d', format('{0}/{1}', reference('id').clientId, 'z')), createObject()), createObject('t', reference(resourceId('Microsoft.Resources/deployments', 'storage'), '2025-04-01').outputs.tableEndpoint.value))]",
        ),
        scope,
      );
      expect(v).toEqual({
        a: "B",
        q: "it's",
        d: new Opaque("${reference(Microsoft.ManagedIdentity/userAssignedIdentities 'id-1').clientId}/z"),
        t: "https://t/",
      });
    });

    it("refuses what is not an expression", () => {
      expect(() => parseExpression("plain")).toThrow(/not an ARM expression/);
      expect(() => parseExpression("[concat('a', ]")).toThrow(/ARM expression/);
    });
  });

  describe("vault diagnostics", () => {
    it("uses resource-specific mode with every event backup-pulse reads, on the vaults", () => {
      const mode = withResources(
        "Microsoft.Insights/diagnosticSettings",
        { "properties.logAnalyticsDestinationType": "AzureDiagnostics" },
        undefined,
        "vaultDiagnostics",
      );
      expect(checkVaultDiagnostics(mode).join()).toMatch(/resource-specific mode/);
      expect(
        checkVaultDiagnostics(withText('"AddonAzureBackupJobs",', "", "vaultDiagnostics")).join(),
      ).toMatch(/AddonAzureBackupJobs is not enabled/);
      const legacy = withText(
        '"AddonAzureBackupAlerts"',
        '"AddonAzureBackupAlerts","AzureBackupReport"',
        "vaultDiagnostics",
      );
      expect(checkVaultDiagnostics(legacy).join()).toMatch(/legacy AzureBackupReport/);
      const unscoped = withResources(
        "Microsoft.Insights/diagnosticSettings",
        { scope: undefined },
        undefined,
        "vaultDiagnostics",
      );
      expect(checkVaultDiagnostics(unscoped).join()).toMatch(/is not scoped to the vaults/);
    });
  });

  describe("azure.yaml", () => {
    it("reads as one function service in TypeScript from the project root", () => {
      const doc = readSimpleYaml(INFRA.azureYaml);
      expect(doc).toMatchObject({
        name: "backup-pulse",
        services: { pulse: { project: ".", language: "ts", host: "function" } },
      });
    });

    it("fails on a wrong host, language, service name or malformed line", () => {
      expect(checkAzureYaml(withFile("azureYaml", "host: function", "host: appservice")).join()).toMatch(
        /host: function/,
      );
      expect(checkAzureYaml(withFile("azureYaml", "language: ts", "language: python")).join()).toMatch(
        /language: ts/,
      );
      expect(checkAzureYaml(withFile("azureYaml", "  pulse:", "  api:")).join()).toMatch(
        /azd-service-name tag "pulse"/,
      );
      expect(checkAzureYaml(withFile("azureYaml", "    host: function", "    host function")).join()).toMatch(
        /expected "key: value"/,
      );
    });
  });

  describe("broken Bicep, compiled", () => {
    it("an undeclared name, a wrong module call and a leaked secret fail the build; an unused parameter is a warning", () => {
      const build = BROKEN.build.diagnostics.join("\n");
      expect(BROKEN.build.status).not.toBe(0);
      expect(build).toMatch(/main\.bicep.*Error BCP057: The name "alertRule" does not exist/);
      expect(build).toMatch(/main\.bicep.*"colour" is not allowed/);
      expect(build).toMatch(/main\.bicep.*missing the following required properties: "name"/);
      expect(build).toMatch(/key-vault\.bicep.*Error outputs-should-not-contain-secrets/);
      expect(build).toMatch(
        /main\.bicep.*Warning no-unused-params: Parameter "alertRules" is declared but never used/,
      );
    });

    it("a weakened module reaches the compiled JSON, and an old API version is a linter warning", () => {
      expect(WEAKENED.build.status).toBe(0);
      expect(checkStorageHardening(infraOf(WEAKENED)).join()).toMatch(
        /allowSharedKeyAccess is true, expected false/,
      );
      expect(WEAKENED.build.diagnostics.join("\n")).toMatch(
        /storage\.bicep.*Warning use-recent-api-versions/,
      );
      // The lint command that finds the shipped templates clean does read them: here it finds the warning.
      expect(WEAKENED.lint?.diagnostics.join("\n")).toMatch(
        /modules\/storage\.bicep.*Warning use-recent-api-versions/,
      );
    });
  });
});

describe('the custom role "backup-pulse reader", as documented', () => {
  const doc = (name: string): string => readFileSync(join(ROOT, "docs", name), "utf8");
  const actionsIn = (text: string): string[] =>
    [...text.matchAll(/"?`?(Microsoft\.[A-Za-z]+\/[A-Za-z/]+\/(?:read|action))`?"?/g)].map((m) => m[1] ?? "");

  it("deploy.md and connect.md list exactly the actions the role definition holds", () => {
    const deploy = doc("deploy.md");
    const table = deploy.slice(
      deploy.indexOf('### The custom role "backup-pulse reader"'),
      deploy.indexOf("### How the templates"),
    );
    expect(actionsIn(table).sort()).toEqual([...READER_ACTIONS].sort());
    const connect = doc("connect.md");
    const json = /cat > backup-pulse-reader\.json <<'JSON'\n([\s\S]*?)\nJSON/.exec(connect)?.[1] ?? "{}";
    const role = JSON.parse(json) as { Name: string; Actions: string[]; NotActions: string[] };
    expect(role.Name).toBe("backup-pulse reader");
    expect([...role.Actions].sort()).toEqual([...READER_ACTIONS].sort());
    expect(role.NotActions).toEqual([]);
    const source = readFileSync(join(ROOT, "infra", "modules", "reader-role.bicep"), "utf8");
    expect(actionsIn(source).sort()).toEqual([...READER_ACTIONS].sort());
  });

  it("would notice a documented action the role does not hold", () => {
    const extra =
      "`Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/restore/action`";
    expect(actionsIn(`| ${extra} | restore |`)).not.toEqual([]);
    expect(READER_ACTIONS as readonly string[]).not.toContain(actionsIn(extra)[0]);
  });
});
