/**
 * Checks on the deployment templates (infra/*.bicep, infra/main.parameters.json, azure.yaml).
 * Each check takes the file texts and returns the problems it finds (empty: fine), so that the tests
 * can run it on the real files and on mutated copies that must fail.
 */
import {
  bodyText,
  declarations,
  isObjectKey,
  moduleParams,
  objectEntries,
  parseBicep,
  undeclaredAndUnused,
  type BicepSource,
  type Entry,
} from "./bicep-text.js";

/** Relative path → file text. */
export type InfraFiles = Record<string, string>;

export const MAIN = "infra/main.bicep";
export const FUNCTION_APP = "infra/modules/function-app.bicep";
export const VAULT_DIAGNOSTICS = "infra/vault-diagnostics.bicep";
export const PARAMETERS = "infra/main.parameters.json";
export const AZURE_YAML = "azure.yaml";

/** Settings the product reads that the template deliberately does not set in Azure, and why. */
export const INTENTIONALLY_UNSET: Readonly<Record<string, string>> = {
  PULSE_TABLES_CONNECTION:
    "a connection string carries an account key; in Azure the tables are reached with the managed identity through PULSE_TABLES_URL (and the storage account refuses shared keys)",
};

/** Settings only set when the operator gives a value (the Key Vault secret exists only then). */
export const SET_WHEN_GIVEN = ["PULSE_WEBHOOK_URL", "PULSE_WEBHOOK_SECRET"] as const;

export const ROLES = {
  "Log Analytics Reader": {
    id: "73c42c96-874c-492b-b04d-ab87d138a893",
    file: "infra/modules/workspace-reader.bicep",
  },
  "Backup Reader": { id: "a795c7a0-d4a2-40c1-ae25-d81f01202912", file: "infra/modules/backup-reader.bicep" },
  "Storage Table Data Contributor": {
    id: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    file: "infra/modules/app-roles.bicep",
  },
  "Storage Blob Data Owner": {
    id: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    file: "infra/modules/app-roles.bicep",
  },
  "Storage Queue Data Contributor": {
    id: "974c5e8b-45b9-4653-ba55-5f855dd0db88",
    file: "infra/modules/app-roles.bicep",
  },
  "Key Vault Secrets User": {
    id: "4633458b-17de-408a-b874-0445c86b69e6",
    file: "infra/modules/app-roles.bicep",
  },
  "Monitoring Metrics Publisher": {
    id: "3913510d-42f4-4e42-8a64-420c390055eb",
    file: "infra/modules/app-roles.bicep",
  },
} as const;

export const BACKUP_EVENTS = [
  "CoreAzureBackup",
  "AddonAzureBackupJobs",
  "AddonAzureBackupPolicy",
  "AddonAzureBackupProtectedInstance",
  "AddonAzureBackupStorage",
  "AddonAzureBackupAlerts",
] as const;

const GUID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;

function bicepFiles(files: InfraFiles): BicepSource[] {
  return Object.entries(files)
    .filter(([path]) => path.endsWith(".bicep"))
    .map(([path, text]) => parseBicep(path, text));
}

function source(files: InfraFiles, path: string): BicepSource {
  const text = files[path];
  if (text === undefined) throw new Error(`${path} is missing`);
  return parseBicep(path, text);
}

function resourcesOfType(src: BicepSource, typePrefix: string) {
  return declarations(src).resources.filter(
    (r) => !r.existing && r.type.toLowerCase().startsWith(typePrefix.toLowerCase()),
  );
}

/** Every `requirement` regex must match the body of every (non-existing) resource of the type. */
function requireInBodies(
  files: InfraFiles,
  typePrefix: string,
  requirements: Record<string, RegExp>,
  forbidden: Record<string, RegExp> = {},
): string[] {
  const problems: string[] = [];
  let found = 0;
  for (const src of bicepFiles(files)) {
    for (const r of resourcesOfType(src, typePrefix)) {
      found++;
      const body = bodyText(src, r);
      for (const [what, re] of Object.entries(requirements)) {
        if (!re.test(body)) problems.push(`${src.path}:${r.line}: ${r.name} (${typePrefix}) lacks ${what}`);
      }
      for (const [what, re] of Object.entries(forbidden)) {
        if (re.test(body)) problems.push(`${src.path}:${r.line}: ${r.name} (${typePrefix}) has ${what}`);
      }
    }
  }
  if (found === 0) problems.push(`no ${typePrefix} resource is declared`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Secrets

export function checkNoSecrets(files: InfraFiles): string[] {
  const problems: string[] = [];
  const patterns: Record<string, RegExp> = {
    "a listKeys() call (account keys in the deployment)": /\blistKeys\s*\(/i,
    "a listSecrets()/list*() key call": /\blist(Secrets|ConnectionStrings|AccountSas|ServiceSas)\s*\(/i,
    "an AccountKey= connection string": /AccountKey=/i,
    "an InstrumentationKey= connection string": /InstrumentationKey=/i,
    "an APPINSIGHTS_INSTRUMENTATIONKEY setting": /APPINSIGHTS_INSTRUMENTATIONKEY/i,
    "a SharedAccessKey= connection string": /SharedAccessKey=/i,
    "an AzureWebJobsStorage connection-string setting": /\bAzureWebJobsStorage\s*:/,
  };
  for (const src of bicepFiles(files)) {
    for (const [what, re] of Object.entries(patterns)) {
      if (re.test(src.code)) problems.push(`${src.path}: contains ${what}`);
    }
    const d = declarations(src);
    for (const p of d.params.values()) {
      const looksSecret = /(secret|password|token|key|webhookUrl)$/i.test(p.name);
      if (looksSecret && !p.secure)
        problems.push(`${src.path}:${p.line}: parameter "${p.name}" holds a secret but is not @secure()`);
      if (p.secure && p.hasDefault)
        problems.push(`${src.path}:${p.line}: secure parameter "${p.name}" has a default value`);
    }
    // No output may carry a secure parameter.
    const secure = [...d.params.values()].filter((p) => p.secure).map((p) => p.name);
    for (const o of d.outputs.values()) {
      const used = src.tokens
        .slice(o.valueStart, o.valueEnd)
        .filter((t) => t.kind === "ident")
        .map((t) => t.text);
      for (const s of secure)
        if (used.includes(s))
          problems.push(`${src.path}:${o.line}: output "${o.name}" exposes secure parameter "${s}"`);
    }
  }
  // A secret may reach the parameters file only as an environment reference, never as a value.
  const params = files[PARAMETERS];
  if (params !== undefined) {
    const parsed = JSON.parse(params) as { parameters: Record<string, { value?: unknown }> };
    for (const name of ["webhookUrl", "webhookSecret"]) {
      const v = parsed.parameters[name]?.value;
      if (v !== undefined && !(typeof v === "string" && /^\$\{[A-Z0-9_]+\}$/.test(v))) {
        problems.push(`${PARAMETERS}: "${name}" must be an \${ENV} reference, not a literal value`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Security baseline

export function checkStorageHardening(files: InfraFiles): string[] {
  return requireInBodies(files, "Microsoft.Storage/storageAccounts@", {
    "allowSharedKeyAccess: false": /\ballowSharedKeyAccess:\s*false\b/,
    "minimumTlsVersion: 'TLS1_2'": /\bminimumTlsVersion:\s*'TLS1_2'/,
    "supportsHttpsTrafficOnly: true": /\bsupportsHttpsTrafficOnly:\s*true\b/,
    "allowBlobPublicAccess: false": /\ballowBlobPublicAccess:\s*false\b/,
  });
}

export function checkFunctionAppHardening(files: InfraFiles): string[] {
  const problems = requireInBodies(
    files,
    "Microsoft.Web/sites@",
    {
      "httpsOnly: true": /\bhttpsOnly:\s*true\b/,
      "minTlsVersion: '1.2'": /\bminTlsVersion:\s*'1\.2'/,
      "FTP publishing switched off (basicPublishingCredentialsPolicies ftp, allow: false)":
        /resource\s+\w+\s+'basicPublishingCredentialsPolicies'\s*=\s*\{\s*name:\s*'ftp'\s*properties:\s*\{\s*allow:\s*false\s*\}/,
      "basic-auth (scm) publishing switched off":
        /resource\s+\w+\s+'basicPublishingCredentialsPolicies'\s*=\s*\{\s*name:\s*'scm'\s*properties:\s*\{\s*allow:\s*false\s*\}/,
    },
    {
      // Flex Consumption sites reject siteConfig.ftpsState (ARM error 51021) and have no FTP endpoint.
      "siteConfig.ftpsState (rejected by Flex Consumption sites)": /\bftpsState\s*:/,
    },
  );
  return problems;
}

export function checkIdentity(files: InfraFiles): string[] {
  const problems: string[] = [];
  const all = bicepFiles(files);
  if (!all.some((s) => resourcesOfType(s, "Microsoft.ManagedIdentity/userAssignedIdentities@").length > 0)) {
    problems.push("no user-assigned managed identity is declared");
  }
  problems.push(
    ...requireInBodies(files, "Microsoft.Web/sites@", {
      "a user-assigned identity": /identity:\s*\{\s*type:\s*'UserAssigned'/,
      "keyVaultReferenceIdentity (Key Vault references resolved with the user-assigned identity)":
        /\bkeyVaultReferenceIdentity:\s*identityId\b/,
      "deployment storage authenticated with the user-assigned identity":
        /authentication:\s*\{\s*type:\s*'UserAssignedIdentity'\s*userAssignedIdentityResourceId:\s*identityId\s*\}/,
    }),
  );
  const settings = appSettings(files);
  const expect: Record<string, RegExp> = {
    AzureWebJobsStorage__accountName: /./,
    AzureWebJobsStorage__credential: /^'managedidentity'$/,
    AzureWebJobsStorage__clientId: /^identityClientId$/,
    AZURE_CLIENT_ID: /^identityClientId$/,
    AZURE_TOKEN_CREDENTIALS: /^'ManagedIdentityCredential'$/,
    APPLICATIONINSIGHTS_CONNECTION_STRING: /ConnectionString$/,
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: /^'Authorization=AAD;ClientId=\$\{identityClientId\}'$/,
  };
  for (const [name, re] of Object.entries(expect)) {
    const v = settings.get(name);
    if (v === undefined) problems.push(`app setting ${name} is not set`);
    else if (!re.test(v)) problems.push(`app setting ${name} is ${v}, expected ${String(re)}`);
  }
  problems.push(
    ...requireInBodies(files, "Microsoft.Insights/components@", {
      "DisableLocalAuth: true (Entra ID ingestion only)": /\bDisableLocalAuth:\s*true\b/,
    }),
  );
  return problems;
}

export function checkKeyVault(files: InfraFiles): string[] {
  const problems = requireInBodies(files, "Microsoft.KeyVault/vaults@", {
    "enableRbacAuthorization: true": /\benableRbacAuthorization:\s*true\b/,
    "enableSoftDelete: true": /\benableSoftDelete:\s*true\b/,
    "enablePurgeProtection: true": /\benablePurgeProtection:\s*true\b/,
  });
  // Secret values come only from secure parameters.
  for (const src of bicepFiles(files)) {
    const d = declarations(src);
    for (const r of resourcesOfType(src, "Microsoft.KeyVault/vaults/secrets@")) {
      const m = /\bvalue:\s*(\w+)\s*$/m.exec(bodyText(src, r));
      const p = m?.[1] ? d.params.get(m[1]) : undefined;
      if (!p?.secure)
        problems.push(
          `${src.path}:${r.line}: secret ${r.name} takes its value from something other than a @secure() parameter`,
        );
    }
  }
  const settings = appSettings(files);
  for (const name of SET_WHEN_GIVEN) {
    const v = settings.get(name);
    if (v !== undefined && !/^'@Microsoft\.KeyVault\(SecretUri=\$\{[^']+\)'$/.test(v)) {
      problems.push(
        `app setting ${name} must be a Key Vault reference (@Microsoft.KeyVault(SecretUri=...)), is ${v}`,
      );
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Roles

export function checkRoleAssignments(files: InfraFiles): string[] {
  const problems: string[] = [];
  const allowed = new Set<string>(Object.values(ROLES).map((r) => r.id));
  for (const [role, { id, file }] of Object.entries(ROLES)) {
    const text = files[file];
    if (text === undefined) {
      problems.push(`${file} (${role}) is missing`);
      continue;
    }
    if (!parseBicep(file, text).code.toLowerCase().includes(id))
      problems.push(`${file}: ${role} (${id}) is not assigned`);
  }
  const broad: Record<string, string> = {
    "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
    "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
    "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
    "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
    "17d1049b-9a84-46fb-8f53-869881c3d3ab": "Storage Account Contributor",
  };
  for (const src of bicepFiles(files)) {
    const assignments = resourcesOfType(src, "Microsoft.Authorization/roleAssignments@");
    if (assignments.length === 0) continue;
    for (const guid of src.code.match(GUID) ?? []) {
      const g = guid.toLowerCase();
      if (broad[g]) problems.push(`${src.path}: assigns the broad role ${broad[g]}`);
      else if (!allowed.has(g))
        problems.push(`${src.path}: role ${g} is not one of the roles backup-pulse needs`);
    }
    for (const r of assignments) {
      const body = bodyText(src, r);
      if (!/\bprincipalType:\s*'ServicePrincipal'/.test(body))
        problems.push(`${src.path}:${r.line}: ${r.name} lacks principalType: 'ServicePrincipal'`);
      if (!/\bname:\s*guid\([^,()]+(\(\))?(\.id)?,\s*principalId,\s*\w+\)/.test(body)) {
        problems.push(`${src.path}:${r.line}: ${r.name} is not named guid(scope, principalId, roleId)`);
      }
      if (
        !/\broleDefinitionId:\s*subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions',\s*\w+\)/.test(
          body,
        )
      ) {
        problems.push(`${src.path}:${r.line}: ${r.name} does not name its role by definition GUID`);
      }
      // Resource-level roles are scoped to the resource; only Backup Reader sits on a resource group.
      if (!src.path.endsWith("backup-reader.bicep") && !/\bscope:\s*\w+/.test(body)) {
        problems.push(`${src.path}:${r.line}: ${r.name} is not scoped to a resource`);
      }
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// App settings

/** Name → value text of every app setting, followed from the site's appsettings into main.bicep. */
export function appSettings(files: InfraFiles): Map<string, string> {
  const app = source(files, FUNCTION_APP);
  const main = source(files, MAIN);
  const out = new Map<string, string>();
  const appDecl = declarations(app);
  const config = appDecl.resources.find(
    (r) => r.type === "config" && /name:\s*'appsettings'/.test(bodyText(app, r)),
  );
  if (!config) return out;
  const props = objectEntries(app, config.bodyStart).get("properties");
  if (!props) return out;
  const mainDecl = declarations(main);
  const call = mainDecl.modules.find((m) => m.type === "modules/function-app.bicep");
  const passed = call ? moduleParams(main, call) : new Map<string, Entry>();

  const visit = (src: BicepSource, start: number, end: number, seen: Set<string>): void => {
    const d = declarations(src);
    for (let k = start; k < end; k++) {
      const t = src.tokens[k];
      if (!t) continue;
      if (t.kind === "punct" && t.text === "{") {
        for (const [key, value] of objectEntries(src, k)) out.set(key, value.text);
      }
      if (t.kind !== "ident" || isObjectKey(src.tokens, k) || seen.has(`${src.path}#${t.text}`)) continue;
      const prev = src.tokens[k - 1];
      if (prev?.kind === "punct" && prev.text === ".") continue;
      seen.add(`${src.path}#${t.text}`);
      const v = d.vars.get(t.text);
      if (v) visit(src, v.valueStart, v.valueEnd, seen);
      const p = src === app ? passed.get(t.text) : undefined;
      if (p && d.params.has(t.text)) visit(main, p.start, p.end, seen);
    }
  };
  visit(app, props.start, props.end, new Set());
  return out;
}

export function checkSettingsCoverage(files: InfraFiles, settingNames: readonly string[]): string[] {
  const problems: string[] = [];
  const settings = appSettings(files);
  for (const name of settingNames) {
    const reason = INTENTIONALLY_UNSET[name];
    if (reason !== undefined) {
      if (settings.has(name)) problems.push(`${name} must not be set in Azure: ${reason}`);
    } else if (!settings.has(name)) {
      problems.push(`${name} is read by the app (SETTING_NAMES) but the template never sets it`);
    }
  }
  for (const name of Object.keys(INTENTIONALLY_UNSET)) {
    if (!settingNames.includes(name))
      problems.push(`${name} is in the intentionally-unset list but the app no longer reads it`);
  }
  const tables = settings.get("PULSE_TABLES_URL");
  if (tables !== undefined && !/tableEndpoint$/.test(tables))
    problems.push(`PULSE_TABLES_URL is ${tables}, expected the storage table endpoint`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Runtime

export function checkRuntime(files: InfraFiles): string[] {
  const problems = requireInBodies(files, "Microsoft.Web/sites@", {
    "functionAppConfig.runtime node 22": /\bruntime:\s*\{\s*name:\s*'node'\s*version:\s*'22'\s*\}/,
    "a Flex Consumption deployment container": /\bdeployment:\s*\{\s*storage:\s*\{\s*type:\s*'blobContainer'/,
  });
  problems.push(
    ...requireInBodies(files, "Microsoft.Web/serverfarms@", {
      "the Flex Consumption SKU (FC1)": /\bsku:\s*\{\s*tier:\s*'FlexConsumption'\s*name:\s*'FC1'\s*\}/,
      "a Linux plan (reserved: true)": /\breserved:\s*true\b/,
    }),
  );
  // On Flex Consumption the runtime and host version are not app settings: the platform sets the
  // host version, and the worker runtime lives in functionAppConfig.runtime.
  const settings = appSettings(files);
  for (const name of [
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_EXTENSION_VERSION",
    "WEBSITE_NODE_DEFAULT_VERSION",
    "WEBSITE_RUN_FROM_PACKAGE",
  ]) {
    if (settings.has(name))
      problems.push(
        `app setting ${name} is not used by Flex Consumption apps; set the runtime in functionAppConfig`,
      );
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Declarations and modules

export function checkDeclarations(files: InfraFiles): string[] {
  const problems: string[] = [];
  const all = bicepFiles(files);
  for (const src of all) {
    problems.push(...undeclaredAndUnused(src));
    const dir = src.path.slice(0, src.path.lastIndexOf("/") + 1);
    for (const m of declarations(src).modules) {
      const target = dir + m.type;
      const text = files[target];
      if (text === undefined) {
        problems.push(`${src.path}:${m.line}: module ${m.name} points at ${target}, which does not exist`);
        continue;
      }
      const wanted = declarations(parseBicep(target, text)).params;
      const given = moduleParams(src, m);
      for (const name of given.keys()) {
        if (!wanted.has(name))
          problems.push(
            `${src.path}:${m.line}: module ${m.name} passes "${name}", which ${target} does not declare`,
          );
      }
      for (const p of wanted.values()) {
        if (!p.hasDefault && !given.has(p.name))
          problems.push(
            `${src.path}:${m.line}: module ${m.name} does not pass required "${p.name}" of ${target}`,
          );
      }
    }
  }
  // The parameters file names only parameters main.bicep declares, and every required one.
  const params = files[PARAMETERS];
  if (params !== undefined) {
    const given = Object.keys((JSON.parse(params) as { parameters: Record<string, unknown> }).parameters);
    const wanted = declarations(source(files, MAIN)).params;
    for (const name of given)
      if (!wanted.has(name)) problems.push(`${PARAMETERS}: "${name}" is not a parameter of ${MAIN}`);
    for (const p of wanted.values()) {
      if (!p.hasDefault && !given.includes(p.name))
        problems.push(`${PARAMETERS}: required parameter "${p.name}" is not mapped`);
    }
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Vault diagnostics

export function checkVaultDiagnostics(files: InfraFiles): string[] {
  const src = source(files, VAULT_DIAGNOSTICS);
  const problems: string[] = [];
  const settings = resourcesOfType(src, "Microsoft.Insights/diagnosticSettings@");
  if (settings.length === 0) problems.push(`${VAULT_DIAGNOSTICS}: no diagnostic setting is declared`);
  for (const r of settings) {
    const body = bodyText(src, r);
    if (!/\blogAnalyticsDestinationType:\s*'Dedicated'/.test(body)) {
      problems.push(
        `${VAULT_DIAGNOSTICS}:${r.line}: ${r.name} is not in resource-specific mode (logAnalyticsDestinationType: 'Dedicated')`,
      );
    }
    if (!/\bscope:\s*vaults\[/.test(body))
      problems.push(`${VAULT_DIAGNOSTICS}:${r.line}: ${r.name} is not scoped to the vaults`);
  }
  for (const event of BACKUP_EVENTS) {
    if (!new RegExp(`'${event}'`).test(src.code))
      problems.push(`${VAULT_DIAGNOSTICS}: event ${event} is not enabled`);
  }
  if (/AzureBackupReport/.test(src.code))
    problems.push(
      `${VAULT_DIAGNOSTICS}: the legacy AzureBackupReport event works only in Azure Diagnostics mode`,
    );
  if (!/Microsoft\.RecoveryServices\/vaults@/.test(src.code))
    problems.push(`${VAULT_DIAGNOSTICS}: the vaults are not referenced`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// azure.yaml

/** A minimal reader for the block-style YAML azure.yaml uses: nested mappings of scalars. */
export function readSimpleYaml(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const stack: { indent: number; node: Record<string, unknown> }[] = [{ indent: -1, node: root }];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.replace(/(^|\s)#.*$/, "");
    if (line.trim() === "") return;
    const indent = line.length - line.trimStart().length;
    const m = /^([A-Za-z0-9_.-]+):(?:\s+(.*))?$/.exec(line.trim());
    if (!m?.[1]) throw new Error(`azure.yaml line ${index + 1}: expected "key: value", got "${raw.trim()}"`);
    while (stack.length > 1 && (stack.at(-1)?.indent ?? -1) >= indent) stack.pop();
    const parent = stack.at(-1)?.node ?? root;
    const value = m[2]?.trim();
    if (value === undefined || value === "") {
      const child: Record<string, unknown> = {};
      parent[m[1]] = child;
      stack.push({ indent, node: child });
    } else {
      parent[m[1]] = value.replace(/^(['"])(.*)\1$/, "$2");
    }
  });
  return root;
}

export function checkAzureYaml(files: InfraFiles): string[] {
  const text = files[AZURE_YAML];
  if (text === undefined) return [`${AZURE_YAML} is missing`];
  let doc: Record<string, unknown>;
  try {
    doc = readSimpleYaml(text);
  } catch (e) {
    return [(e as Error).message];
  }
  const problems: string[] = [];
  if (typeof doc.name !== "string" || doc.name === "") problems.push(`${AZURE_YAML}: no project name`);
  const services = doc.services;
  const entries =
    services && typeof services === "object" ? Object.entries(services as Record<string, unknown>) : [];
  if (entries.length !== 1)
    problems.push(`${AZURE_YAML}: expected exactly one service, found ${entries.length}`);
  const [serviceName, service] = entries[0] ?? ["", {}];
  const s = service as Record<string, unknown>;
  if (s.host !== "function") problems.push(`${AZURE_YAML}: service ${serviceName} must have host: function`);
  if (s.language !== "ts") problems.push(`${AZURE_YAML}: service ${serviceName} must have language: ts`);
  if (s.project !== ".") problems.push(`${AZURE_YAML}: service ${serviceName} must have project: .`);
  // azd finds the Function App by its azd-service-name tag, which main.bicep sets from serviceName.
  const main = files[MAIN] ?? "";
  const tagged = /var serviceName = '([^']+)'/.exec(main)?.[1];
  if (tagged !== serviceName)
    problems.push(
      `${AZURE_YAML}: service "${serviceName}" does not match the app's azd-service-name tag "${tagged ?? "(none)"}"`,
    );
  return problems;
}

/** All checks together. */
export function checkInfra(files: InfraFiles, settingNames: readonly string[]): string[] {
  return [
    ...checkNoSecrets(files),
    ...checkStorageHardening(files),
    ...checkFunctionAppHardening(files),
    ...checkIdentity(files),
    ...checkKeyVault(files),
    ...checkRoleAssignments(files),
    ...checkSettingsCoverage(files, settingNames),
    ...checkRuntime(files),
    ...checkDeclarations(files),
    ...checkVaultDiagnostics(files),
    ...checkAzureYaml(files),
  ];
}
