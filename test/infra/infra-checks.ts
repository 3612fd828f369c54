/**
 * Checks on the deployment as Bicep compiles it: the ARM JSON of infra/main.bicep (with every module's
 * nested template) and of infra/vault-diagnostics.bicep, plus infra/main.parameters.json and azure.yaml.
 * Each check returns the problems it finds (empty: fine), so that the tests can run it on the real
 * compiled templates (must pass) and on deliberately broken copies (must fail).
 */
import {
  callsIn,
  evaluate,
  interpolate,
  isExpression,
  Opaque,
  parseExpression,
  type Value,
} from "./arm-expression.js";
import {
  callValue,
  deployments,
  nameOf,
  prop,
  resourcesOfType,
  text,
  where,
  type ArmTemplate,
  type Deployment,
  type Placed,
} from "./arm-template.js";

export interface Infra {
  /** Compiled infra/main.bicep. */
  main: ArmTemplate;
  /** Compiled infra/vault-diagnostics.bicep. */
  vaultDiagnostics: ArmTemplate;
  /** Text of infra/main.parameters.json. */
  parametersFile: string;
  /** Text of azure.yaml. */
  azureYaml: string;
}

export const PARAMETERS = "infra/main.parameters.json";
export const AZURE_YAML = "azure.yaml";

/** Settings the product reads that the template deliberately does not set in Azure, and why. */
export const INTENTIONALLY_UNSET: Readonly<Record<string, string>> = {
  PULSE_TABLES_CONNECTION:
    "a connection string carries an account key; in Azure the tables are reached with the managed identity through PULSE_TABLES_URL (and the storage account refuses shared keys)",
};

/** Settings only set when the operator gives a value (the Key Vault secret exists only then). */
export const SET_WHEN_GIVEN = ["PULSE_WEBHOOK_URL", "PULSE_WEBHOOK_SECRET"] as const;

/** Where a role is assigned: on one resource of a type, on a resource group, or on a subscription. */
export type RoleScope = { resourceType: string } | "resourceGroup" | "subscription";

/** The built-in roles backup-pulse's identity gets, by definition GUID, each at its scope. */
export const ROLES = {
  "Log Analytics Reader": {
    id: "73c42c96-874c-492b-b04d-ab87d138a893",
    scope: { resourceType: "Microsoft.OperationalInsights/workspaces" },
  },
  "Backup Reader": { id: "a795c7a0-d4a2-40c1-ae25-d81f01202912", scope: "resourceGroup" },
  "Storage Table Data Contributor": {
    id: "0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3",
    scope: { resourceType: "Microsoft.Storage/storageAccounts" },
  },
  "Storage Blob Data Owner": {
    id: "b7e6dc6d-f1e8-4753-8033-0f276bb0955b",
    scope: { resourceType: "Microsoft.Storage/storageAccounts" },
  },
  "Storage Queue Data Contributor": {
    id: "974c5e8b-45b9-4653-ba55-5f855dd0db88",
    scope: { resourceType: "Microsoft.Storage/storageAccounts" },
  },
  "Key Vault Secrets User": {
    id: "4633458b-17de-408a-b874-0445c86b69e6",
    scope: { resourceType: "Microsoft.KeyVault/vaults" },
  },
  "Communication and Email Service Owner": {
    id: "09976791-48a7-449e-bb21-39d1a415f350",
    scope: { resourceType: "Microsoft.Communication/communicationServices" },
  },
  "Monitoring Metrics Publisher": {
    id: "3913510d-42f4-4e42-8a64-420c390055eb",
    scope: { resourceType: "Microsoft.Insights/components" },
  },
} as const satisfies Record<string, { id: string; scope: RoleScope }>;

/** The custom role: its default name and exactly the ARM read actions the product calls. */
export const READER_ROLE_NAME = "backup-pulse reader";
export const READER_ACTIONS = [
  "Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/read",
  "Microsoft.RecoveryServices/Vaults/backupPolicies/read",
  "Microsoft.RecoveryServices/Vaults/backupProtectedItems/read",
  "Microsoft.RecoveryServices/Vaults/backupJobs/read",
  "Microsoft.Compute/virtualMachines/read",
  "Microsoft.Compute/virtualMachines/instanceView/read",
  "Microsoft.Insights/eventtypes/values/read",
] as const;

export const BACKUP_EVENTS = [
  "CoreAzureBackup",
  "AddonAzureBackupJobs",
  "AddonAzureBackupPolicy",
  "AddonAzureBackupProtectedInstance",
  "AddonAzureBackupStorage",
  "AddonAzureBackupAlerts",
] as const;

const BROAD_ROLES: Record<string, string> = {
  "8e3af657-a8ff-443c-a75c-2fe8c4bcb635": "Owner",
  "b24988ac-6180-42a0-ab88-20f7382dd24c": "Contributor",
  "acdd72a7-3385-48ef-bd42-f606fba81ae7": "Reader",
  "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9": "User Access Administrator",
  "17d1049b-9a84-46fb-8f53-869881c3d3ab": "Storage Account Contributor",
};

/** What the identity's client ID, principal ID and resource ID evaluate to once module outputs are followed. */
const IDENTITY_CLIENT_ID = /^reference\(Microsoft\.ManagedIdentity\/userAssignedIdentities .+\)\.clientId$/;
const IDENTITY_PRINCIPAL_ID =
  /^reference\(Microsoft\.ManagedIdentity\/userAssignedIdentities .+\)\.principalId$/;
const IDENTITY_RESOURCE_ID = /^resourceId\('Microsoft\.ManagedIdentity\/userAssignedIdentities', .+\)$/;

function mainDeployments(infra: Infra): Deployment[] {
  return deployments(infra.main, "main");
}

function allDeployments(infra: Infra): Deployment[] {
  return [...mainDeployments(infra), ...deployments(infra.vaultDiagnostics, "vault-diagnostics")];
}

function isSecureType(type: string): boolean {
  return /^secure(string|object)$/i.test(type);
}

/** Each listed property must evaluate to exactly the given value on every resource of the type. */
function requireProps(all: Deployment[], type: string, expected: Record<string, string | boolean>): string[] {
  const found = resourcesOfType(all, type);
  if (found.length === 0) return [`no ${type} resource is declared`];
  return found.flatMap((p) =>
    Object.entries(expected)
      .filter(([path, want]) => prop(p, path) !== want)
      .map(([path, want]) => `${where(p)}: ${path} is ${text(prop(p, path))}, expected ${String(want)}`),
  );
}

/** Every string in a JSON value (keys included). */
function strings(value: unknown): string[] {
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value !== null && typeof value === "object")
    return Object.entries(value).flatMap(([k, v]) => [k, ...strings(v)]);
  return [];
}

// ---------------------------------------------------------------------------------------------
// App settings

/** Name → evaluated value of every app setting of the Function App (both branches of a condition). */
export function appSettings(infra: Infra): Map<string, Value> {
  const out = new Map<string, Value>();
  for (const p of resourcesOfType(mainDeployments(infra), "Microsoft.Web/sites/config")) {
    if (!nameOf(p).endsWith("/appsettings")) continue;
    const props = prop(p, "properties");
    if (props === null || typeof props !== "object" || Array.isArray(props) || props instanceof Opaque)
      throw new Error(`${where(p)}: app settings do not evaluate to an object: ${text(props)}`);
    for (const [k, v] of Object.entries(props)) out.set(k, v);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Secrets

export function checkNoSecrets(infra: Infra): string[] {
  const problems: string[] = [];
  const texts: Record<string, RegExp> = {
    "an AccountKey= connection string": /AccountKey=/i,
    "an InstrumentationKey= connection string": /InstrumentationKey=/i,
    "a SharedAccessKey= connection string": /SharedAccessKey=/i,
  };
  for (const [file, template] of [
    ["main", infra.main],
    ["vault-diagnostics", infra.vaultDiagnostics],
  ] as const) {
    for (const s of strings(template)) {
      for (const [what, re] of Object.entries(texts))
        if (re.test(s)) problems.push(`${file}: contains ${what}: ${s.slice(0, 120)}`);
      if (!isExpression(s)) continue;
      for (const c of callsIn(parseExpression(s)))
        if (/^list/i.test(c.name))
          problems.push(`${file}: calls ${c.name}() (keys or secrets in the deployment): ${s.slice(0, 120)}`);
    }
  }
  const settings = appSettings(infra);
  if (settings.has("APPINSIGHTS_INSTRUMENTATIONKEY"))
    problems.push("app setting APPINSIGHTS_INSTRUMENTATIONKEY is set (an instrumentation key)");
  if (settings.has("AzureWebJobsStorage"))
    problems.push("app setting AzureWebJobsStorage is set (an AzureWebJobsStorage connection string)");

  for (const d of allDeployments(infra)) {
    const params = d.template.parameters ?? {};
    for (const [name, p] of Object.entries(params)) {
      const secure = isSecureType(p.type);
      if (/(secret|password|token|key|webhookUrl)$/i.test(name) && !secure)
        problems.push(`${d.path}: parameter "${name}" holds a secret but is not @secure() (type ${p.type})`);
      if (secure && "defaultValue" in p)
        problems.push(`${d.path}: secure parameter "${name}" has a default value`);
    }
    for (const [name, o] of Object.entries(d.template.outputs ?? {})) {
      for (const s of strings(o.value).filter(isExpression))
        for (const c of callsIn(parseExpression(s))) {
          const arg = c.args[0];
          if (
            c.name.toLowerCase() === "parameters" &&
            arg?.kind === "string" &&
            isSecureType(params[arg.value]?.type ?? "")
          )
            problems.push(`${d.path}: output "${name}" exposes secure parameter "${arg.value}"`);
        }
    }
  }
  // A secret may reach the parameters file only as an environment reference, never as a value.
  const parsed = JSON.parse(infra.parametersFile) as { parameters: Record<string, { value?: unknown }> };
  for (const name of ["webhookUrl", "webhookSecret"]) {
    const v = parsed.parameters[name]?.value;
    if (v !== undefined && !(typeof v === "string" && /^\$\{[A-Z0-9_]+\}$/.test(v)))
      problems.push(`${PARAMETERS}: "${name}" must be an \${ENV} reference, not a literal value`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Security baseline

export function checkStorageHardening(infra: Infra): string[] {
  return requireProps(mainDeployments(infra), "Microsoft.Storage/storageAccounts", {
    "properties.allowSharedKeyAccess": false,
    "properties.minimumTlsVersion": "TLS1_2",
    "properties.supportsHttpsTrafficOnly": true,
    "properties.allowBlobPublicAccess": false,
  });
}

export function checkFunctionAppHardening(infra: Infra): string[] {
  const all = mainDeployments(infra);
  const problems = requireProps(all, "Microsoft.Web/sites", {
    "properties.httpsOnly": true,
    "properties.siteConfig.minTlsVersion": "1.2",
  });
  // Flex Consumption sites reject siteConfig.ftpsState (ARM error 51021) and have no FTP endpoint.
  for (const p of resourcesOfType(all, "Microsoft.Web/sites"))
    if (prop(p, "properties.siteConfig.ftpsState") !== null)
      problems.push(`${where(p)}: has siteConfig.ftpsState (rejected by Flex Consumption sites)`);
  const policies = resourcesOfType(all, "Microsoft.Web/sites/basicPublishingCredentialsPolicies");
  for (const [policy, what] of [
    ["ftp", "FTP publishing switched off (basicPublishingCredentialsPolicies ftp, allow: false)"],
    [
      "scm",
      "basic-auth (scm) publishing switched off (basicPublishingCredentialsPolicies scm, allow: false)",
    ],
  ] as const) {
    const p = policies.find((x) => nameOf(x).endsWith(`/${policy}`));
    if (!p || prop(p, "properties.allow") !== false) problems.push(`the Function App lacks ${what}`);
  }
  return problems;
}

export function checkIdentity(infra: Infra): string[] {
  const all = mainDeployments(infra);
  const problems: string[] = [];
  if (resourcesOfType(all, "Microsoft.ManagedIdentity/userAssignedIdentities").length === 0)
    problems.push("no user-assigned managed identity is declared");
  const sites = resourcesOfType(all, "Microsoft.Web/sites");
  if (sites.length === 0) problems.push("no Microsoft.Web/sites resource is declared");
  for (const site of sites) {
    if (prop(site, "identity.type") !== "UserAssigned")
      problems.push(
        `${where(site)}: does not run as a user-assigned identity (identity.type ${text(prop(site, "identity.type"))})`,
      );
    const identities = prop(site, "identity.userAssignedIdentities");
    const keys =
      identities && typeof identities === "object" && !(identities instanceof Opaque)
        ? Object.keys(identities)
        : [];
    if (keys.length !== 1 || !IDENTITY_RESOURCE_ID.test(keys[0] ?? ""))
      problems.push(
        `${where(site)}: its user-assigned identity is not the identity the template creates (${keys.join(", ")})`,
      );
    const kvIdentity = text(prop(site, "properties.keyVaultReferenceIdentity"));
    if (!IDENTITY_RESOURCE_ID.test(kvIdentity))
      problems.push(
        `${where(site)}: keyVaultReferenceIdentity is ${kvIdentity}, not the user-assigned identity (Key Vault references resolved with it)`,
      );
    const auth = "properties.functionAppConfig.deployment.storage.authentication";
    if (
      prop(site, `${auth}.type`) !== "UserAssignedIdentity" ||
      !IDENTITY_RESOURCE_ID.test(text(prop(site, `${auth}.userAssignedIdentityResourceId`)))
    )
      problems.push(
        `${where(site)}: the deployment storage is not authenticated with the user-assigned identity`,
      );
  }
  const settings = appSettings(infra);
  const storageNames = resourcesOfType(all, "Microsoft.Storage/storageAccounts").map(nameOf);
  const clientId = settings.get("AZURE_CLIENT_ID") ?? null;
  const expect: Record<string, (v: string) => boolean> = {
    AzureWebJobsStorage__accountName: (v) => storageNames.includes(v),
    AzureWebJobsStorage__credential: (v) => v === "managedidentity",
    AzureWebJobsStorage__clientId: (v) => IDENTITY_CLIENT_ID.test(v),
    AZURE_CLIENT_ID: (v) => IDENTITY_CLIENT_ID.test(v),
    AZURE_TOKEN_CREDENTIALS: (v) => v === "ManagedIdentityCredential",
    APPLICATIONINSIGHTS_CONNECTION_STRING: (v) =>
      /^reference\(Microsoft\.Insights\/components .+\)\.ConnectionString$/.test(v),
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: (v) =>
      IDENTITY_CLIENT_ID.test(text(clientId)) && v === `Authorization=AAD;ClientId=${interpolate(clientId)}`,
  };
  for (const [name, ok] of Object.entries(expect)) {
    const v = settings.get(name);
    if (v === undefined) problems.push(`app setting ${name} is not set`);
    else if (!ok(text(v)))
      problems.push(`app setting ${name} is ${text(v)}, which is not what the managed identity needs`);
  }
  problems.push(
    ...requireProps(all, "Microsoft.Insights/components", { "properties.DisableLocalAuth": true }),
  );
  return problems;
}

export function checkKeyVault(infra: Infra): string[] {
  const all = mainDeployments(infra);
  const problems = requireProps(all, "Microsoft.KeyVault/vaults", {
    "properties.enableRbacAuthorization": true,
    "properties.enableSoftDelete": true,
    "properties.enablePurgeProtection": true,
  });
  // Secret values come only from secure parameters.
  const secrets = resourcesOfType(all, "Microsoft.KeyVault/vaults/secrets");
  for (const p of secrets) {
    const raw = p.resource.properties?.value;
    const m = typeof raw === "string" ? /^\[parameters\('([^']+)'\)\]$/.exec(raw) : null;
    const param = m?.[1] ? p.deployment.template.parameters?.[m[1]] : undefined;
    if (!param || !isSecureType(param.type))
      problems.push(
        `${where(p)}: takes its value from something other than a @secure() parameter (${String(raw)})`,
      );
  }
  const secretNames = secrets.map((p) => nameOf(p).split("/").at(-1));
  const settings = appSettings(infra);
  for (const name of SET_WHEN_GIVEN) {
    const v = settings.get(name);
    if (v === undefined) continue;
    const m =
      /^@Microsoft\.KeyVault\(SecretUri=\$\{reference\(Microsoft\.KeyVault\/vaults .+\)\.vaultUri\}secrets\/([A-Za-z0-9-]+)\)$/.exec(
        text(v),
      );
    if (!m)
      problems.push(
        `app setting ${name} must be a Key Vault reference (@Microsoft.KeyVault(SecretUri=...)), is ${text(v)}`,
      );
    else if (!secretNames.includes(m[1]))
      problems.push(`app setting ${name} refers to secret ${m[1]}, which the template does not write`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Roles

interface Assignment {
  placed: Placed;
  /** The role definition GUID, or the expression naming the custom role. */
  role: string;
}

function assignments(all: Deployment[]): Assignment[] {
  return resourcesOfType(all, "Microsoft.Authorization/roleAssignments").map((placed) => {
    const id = text(prop(placed, "properties.roleDefinitionId"));
    const m = /^subscriptionResourceId\('Microsoft\.Authorization\/roleDefinitions', (.+)\)$/.exec(id);
    const role = m?.[1]?.replace(/^'([0-9a-f-]{36})'$/i, "$1").toLowerCase() ?? id;
    return { placed, role };
  });
}

/** Where an assignment sits: the resource type it is scoped to, or the level of its deployment. */
function scopeOf(a: Assignment): { resourceType: string } | string {
  const scope = a.placed.resource.scope;
  if (scope === undefined) return a.placed.deployment.level;
  const m = /^resourceId\('([^']+)', /.exec(text(prop(a.placed, "scope")));
  return m?.[1] ? { resourceType: m[1] } : text(prop(a.placed, "scope"));
}

function sameScope(a: { resourceType: string } | string, b: RoleScope): boolean {
  return typeof a === "string" || typeof b === "string"
    ? a === b
    : a.resourceType.toLowerCase() === b.resourceType.toLowerCase();
}

const showScope = (s: { resourceType: string } | string): string =>
  typeof s === "string" ? s : `a ${s.resourceType}`;

export function checkRoleAssignments(infra: Infra): string[] {
  const all = mainDeployments(infra);
  const problems: string[] = [];
  const found = assignments(all);
  const customRole = resourcesOfType(all, "Microsoft.Authorization/roleDefinitions").map((p) =>
    text(prop(p, "name")),
  );
  const known = new Map<string, { name: string; scope: RoleScope }>(
    Object.entries(ROLES).map(([name, r]) => [r.id, { name, scope: r.scope }]),
  );
  for (const id of customRole) known.set(id.toLowerCase(), { name: READER_ROLE_NAME, scope: "subscription" });

  for (const [name, { id, scope }] of [
    ...Object.entries(ROLES),
    [
      READER_ROLE_NAME,
      { id: customRole[0]?.toLowerCase() ?? "(no definition)", scope: "subscription" },
    ] as const,
  ]) {
    const mine = found.filter((a) => a.role === id);
    if (mine.length === 0) problems.push(`${name} (${id}) is not assigned`);
    for (const a of mine)
      if (!sameScope(scopeOf(a), scope))
        problems.push(
          `${where(a.placed)}: ${name} is assigned at ${showScope(scopeOf(a))}, expected ${showScope(scope)}`,
        );
  }
  for (const a of found) {
    const at = where(a.placed);
    const broad = BROAD_ROLES[a.role];
    if (broad) problems.push(`${at}: assigns the broad role ${broad}`);
    else if (!known.has(a.role))
      problems.push(`${at}: role ${a.role} is not one of the roles backup-pulse needs`);
    if (prop(a.placed, "properties.principalType") !== "ServicePrincipal")
      problems.push(`${at}: lacks principalType: 'ServicePrincipal'`);
    const principal = text(prop(a.placed, "properties.principalId"));
    if (!IDENTITY_PRINCIPAL_ID.test(principal))
      problems.push(`${at}: is granted to ${principal}, not the app's managed identity`);
    // guid(scope, principal, role): one assignment per scope, principal and role, stable across runs.
    const name = a.placed.resource.name;
    const parts = isExpression(name) ? parseExpression(name) : undefined;
    const args = parts?.kind === "call" && parts.name === "guid" ? parts.args : [];
    const argTexts = args.map((x) => text(evaluate(x, a.placed.scope)));
    if (args.length !== 3 || argTexts[1] !== principal || !argTexts[2]?.toLowerCase().includes(a.role))
      problems.push(`${at}: is not named guid(scope, principalId, roleId)`);
  }
  // Log Analytics Reader sits in each workspace's own resource group and subscription.
  for (const a of found.filter((x) => x.role === ROLES["Log Analytics Reader"].id)) {
    const sub = text(callValue(a.placed.deployment, "subscriptionId"));
    const rg = text(callValue(a.placed.deployment, "resourceGroup"));
    const fromList = (n: number) =>
      new RegExp(
        `^split\\(.*parameters\\('workspaceResourceIds'\\).*\\[copyIndex\\(\\)\\], '/'\\)\\[${n}\\]$`,
      );
    if (!fromList(2).test(sub) || !fromList(4).test(rg))
      problems.push(
        `${where(a.placed)}: is not deployed in the workspace's own subscription and resource group (${sub} / ${rg})`,
      );
  }
  return problems;
}

/** The one custom role: exactly the read actions the product calls, assignable and assigned at each listed subscription. */
export function checkReaderRole(infra: Infra): string[] {
  const all = mainDeployments(infra);
  const problems: string[] = [];
  const definitions = resourcesOfType(all, "Microsoft.Authorization/roleDefinitions");
  if (definitions.length !== 1)
    return [`expected exactly one custom role definition, found ${definitions.length}`];
  const def = definitions[0]!;
  const at = where(def);
  if (prop(def, "properties.type") !== "CustomRole") problems.push(`${at}: is not a CustomRole`);
  const roleName = text(prop(def, "properties.roleName"));
  const defaultName = infra.main.parameters?.readerRoleName?.defaultValue;
  if (roleName !== "parameters('readerRoleName')" || defaultName !== READER_ROLE_NAME)
    problems.push(
      `${at}: is named ${roleName} (default ${String(defaultName)}), expected "${READER_ROLE_NAME}" by default`,
    );
  if (def.deployment.level !== "subscription") problems.push(`${at}: is not deployed at a subscription`);
  const permissions = prop(def, "properties.permissions");
  const entries = Array.isArray(permissions) ? permissions : [];
  if (entries.length !== 1) problems.push(`${at}: expected one permissions entry, found ${entries.length}`);
  const entry = (entries[0] ?? {}) as Record<string, Value>;
  const actions = Array.isArray(entry.actions) ? entry.actions.map(text) : [];
  const wanted = new Set(READER_ACTIONS.map((x) => x.toLowerCase()));
  for (const action of actions) {
    if (!wanted.has(action.toLowerCase()))
      problems.push(`${at}: grants ${action}, which backup-pulse does not call`);
    if (action.includes("*")) problems.push(`${at}: grants the wildcard action ${action}`);
  }
  for (const action of READER_ACTIONS)
    if (!actions.some((x) => x.toLowerCase() === action.toLowerCase()))
      problems.push(`${at}: lacks ${action}`);
  for (const key of ["notActions", "dataActions", "notDataActions"]) {
    const v = entry[key];
    if (v !== undefined && !(Array.isArray(v) && v.length === 0)) problems.push(`${at}: ${key} is not empty`);
  }
  // The listed subscriptions: what the assignable scopes and the assignments both iterate over.
  const scopes = text(prop(def, "properties.assignableScopes"));
  const list =
    /^\[for each of length\((.+)\): \/subscriptions\/\$\{(.+)\[copyIndex\('assignableScopes'\)\]\}\]$/.exec(
      scopes,
    );
  if (!list?.[1] || list[1] !== list[2] || !list[1].includes("parameters('subscriptionIds')"))
    problems.push(
      `${at}: assignable scopes are ${scopes}, expected /subscriptions/<id> for each listed subscription`,
    );
  const subscriptions = list?.[1] ?? "(none)";
  const name = text(prop(def, "name"));
  const mine = assignments(all).filter((a) => a.role === name.toLowerCase());
  if (mine.length === 0) problems.push(`${READER_ROLE_NAME} is never assigned`);
  for (const a of mine) {
    const d = a.placed.deployment;
    if (d.level !== "subscription" || a.placed.resource.scope !== undefined)
      problems.push(`${where(a.placed)}: is not assigned at the whole subscription`);
    const count = text(callValue(d, "copy.count"));
    const sub = text(callValue(d, "subscriptionId"));
    if (count !== `length(${subscriptions})` || sub !== `${subscriptions}[copyIndex()]`)
      problems.push(
        `${where(a.placed)}: is not deployed once at each listed subscription (count ${count}, subscription ${sub})`,
      );
    const dependsOn = strings(d.call?.dependsOn);
    const defCall = def.deployment.call?.name ?? "";
    if (!dependsOn.some((x) => x.includes(defCall.replace(/^\[|\]$/g, ""))))
      problems.push(`${where(a.placed)}: does not wait for the role definition`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// App settings and runtime

export function checkSettingsCoverage(infra: Infra, settingNames: readonly string[]): string[] {
  const problems: string[] = [];
  const settings = appSettings(infra);
  for (const name of settingNames) {
    const reason = INTENTIONALLY_UNSET[name];
    if (reason !== undefined) {
      if (settings.has(name)) problems.push(`${name} must not be set in Azure: ${reason}`);
    } else if (!settings.has(name)) {
      problems.push(`${name} is read by the app (SETTING_NAMES) but the template never sets it`);
    }
  }
  for (const name of Object.keys(INTENTIONALLY_UNSET))
    if (!settingNames.includes(name))
      problems.push(`${name} is in the intentionally-unset list but the app no longer reads it`);
  const tables = settings.get("PULSE_TABLES_URL");
  if (
    tables !== undefined &&
    !/^reference\(Microsoft\.Storage\/storageAccounts .+\)\.primaryEndpoints\.table$/.test(text(tables))
  )
    problems.push(`PULSE_TABLES_URL is ${text(tables)}, expected the storage account's table endpoint`);
  return problems;
}

/**
 * E-mail digests: an Azure-managed e-mail domain linked to the Communication Services resource, created only
 * when `emailTo` is given, and the app settings pointing at that resource's endpoint and the domain's sender
 * (no connection string: checkNoSecrets refuses list*() calls and keys).
 */
export function checkEmail(infra: Infra): string[] {
  const all = mainDeployments(infra);
  const problems = requireProps(all, "Microsoft.Communication/emailServices/domains", {
    "properties.domainManagement": "AzureManaged",
  });
  for (const p of resourcesOfType(all, "Microsoft.Communication/communicationServices")) {
    const linked = prop(p, "properties.linkedDomains");
    if (
      !Array.isArray(linked) ||
      !linked.some((d) => /Microsoft\.Communication\/emailServices\/domains/.test(text(d)))
    )
      problems.push(
        `${where(p)}: is not linked to the e-mail domain (properties.linkedDomains is ${text(linked)})`,
      );
    const d = p.deployment;
    const condition = d.call?.condition;
    if (typeof condition !== "string" || !/emailToList/.test(condition))
      problems.push(`${where(p)}: is created whether or not emailTo is given`);
  }
  if (resourcesOfType(all, "Microsoft.Communication/communicationServices").length === 0)
    problems.push("no Microsoft.Communication/communicationServices resource is declared");
  const settings = appSettings(infra);
  const endpoint = settings.get("PULSE_EMAIL_ENDPOINT");
  if (
    endpoint !== undefined &&
    !/^https:\/\/\$\{reference\(Microsoft\.Communication\/communicationServices .+\)\.hostName\}$/.test(
      text(endpoint),
    )
  )
    problems.push(
      `PULSE_EMAIL_ENDPOINT is ${text(endpoint)}, expected https:// and the Communication Services host name`,
    );
  const from = settings.get("PULSE_EMAIL_FROM");
  if (
    from !== undefined &&
    !/^DoNotReply@\$\{reference\(Microsoft\.Communication\/emailServices\/domains .+\/AzureManagedDomain\)\.mailFromSenderDomain\}$/.test(
      text(from),
    )
  )
    problems.push(
      `PULSE_EMAIL_FROM is ${text(from)}, expected DoNotReply@ the managed domain's sender domain`,
    );
  return problems;
}

export function checkRuntime(infra: Infra): string[] {
  const all = mainDeployments(infra);
  const problems = requireProps(all, "Microsoft.Web/sites", {
    "properties.functionAppConfig.runtime.name": "node",
    "properties.functionAppConfig.runtime.version": "22",
    "properties.functionAppConfig.deployment.storage.type": "blobContainer",
  });
  problems.push(
    ...requireProps(all, "Microsoft.Web/serverfarms", {
      "sku.tier": "FlexConsumption",
      "sku.name": "FC1",
      "properties.reserved": true,
    }),
  );
  // On Flex Consumption the runtime and host version are not app settings: the platform sets the
  // host version, and the worker runtime lives in functionAppConfig.runtime.
  const settings = appSettings(infra);
  for (const name of [
    "FUNCTIONS_WORKER_RUNTIME",
    "FUNCTIONS_EXTENSION_VERSION",
    "WEBSITE_NODE_DEFAULT_VERSION",
    "WEBSITE_RUN_FROM_PACKAGE",
  ])
    if (settings.has(name))
      problems.push(
        `app setting ${name} is not used by Flex Consumption apps; set the runtime in functionAppConfig`,
      );
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Parameters file

/** The parameters file names only parameters main.bicep declares, and every required one. */
export function checkParametersFile(infra: Infra): string[] {
  const problems: string[] = [];
  const given = Object.keys(
    (JSON.parse(infra.parametersFile) as { parameters: Record<string, unknown> }).parameters,
  );
  const wanted = infra.main.parameters ?? {};
  for (const name of given)
    if (!(name in wanted)) problems.push(`${PARAMETERS}: "${name}" is not a parameter of main.bicep`);
  for (const [name, p] of Object.entries(wanted))
    if (!("defaultValue" in p) && !given.includes(name))
      problems.push(`${PARAMETERS}: required parameter "${name}" is not mapped`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Vault diagnostics

export function checkVaultDiagnostics(infra: Infra): string[] {
  const all = deployments(infra.vaultDiagnostics, "vault-diagnostics");
  const problems: string[] = [];
  const settings = resourcesOfType(all, "Microsoft.Insights/diagnosticSettings");
  if (settings.length === 0) problems.push("vault-diagnostics: no diagnostic setting is declared");
  for (const p of settings) {
    if (prop(p, "properties.logAnalyticsDestinationType") !== "Dedicated")
      problems.push(
        `${where(p)}: is not in resource-specific mode (logAnalyticsDestinationType: 'Dedicated')`,
      );
    if (!/^resourceId\('Microsoft\.RecoveryServices\/vaults', /i.test(text(prop(p, "scope"))))
      problems.push(`${where(p)}: is not scoped to the vaults (scope ${text(prop(p, "scope"))})`);
    const logs = prop(p, "properties.logs");
    const enabled = (Array.isArray(logs) ? logs : [])
      .map((l) => l as Record<string, Value>)
      .filter((l) => l.enabled === true)
      .map((l) => text(l.category ?? null));
    for (const event of BACKUP_EVENTS)
      if (!enabled.includes(event)) problems.push(`${where(p)}: event ${event} is not enabled`);
    if (enabled.includes("AzureBackupReport"))
      problems.push(`${where(p)}: the legacy AzureBackupReport event works only in Azure Diagnostics mode`);
  }
  return problems;
}

// ---------------------------------------------------------------------------------------------
// azure.yaml

/** A minimal reader for the block-style YAML azure.yaml uses: nested mappings of scalars. */
export function readSimpleYaml(yaml: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  const stack: { indent: number; node: Record<string, unknown> }[] = [{ indent: -1, node: root }];
  yaml.split(/\r?\n/).forEach((raw, index) => {
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

export function checkAzureYaml(infra: Infra): string[] {
  let doc: Record<string, unknown>;
  try {
    doc = readSimpleYaml(infra.azureYaml);
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
  // azd finds the Function App by its azd-service-name tag.
  const tags = resourcesOfType(mainDeployments(infra), "Microsoft.Web/sites").map((p) => prop(p, "tags"));
  const tagged = tags.map((t) =>
    t && typeof t === "object" && !Array.isArray(t) && !(t instanceof Opaque)
      ? t["azd-service-name"]
      : undefined,
  );
  if (!tagged.includes(serviceName))
    problems.push(
      `${AZURE_YAML}: service "${serviceName}" does not match the app's azd-service-name tag "${tagged.map((t) => (t === undefined ? "(none)" : text(t))).join(", ")}"`,
    );
  return problems;
}

/** All checks together. */
export function checkInfra(infra: Infra, settingNames: readonly string[]): string[] {
  return [
    ...checkNoSecrets(infra),
    ...checkStorageHardening(infra),
    ...checkFunctionAppHardening(infra),
    ...checkIdentity(infra),
    ...checkKeyVault(infra),
    ...checkRoleAssignments(infra),
    ...checkReaderRole(infra),
    ...checkSettingsCoverage(infra, settingNames),
    ...checkEmail(infra),
    ...checkRuntime(infra),
    ...checkParametersFile(infra),
    ...checkVaultDiagnostics(infra),
    ...checkAzureYaml(infra),
  ];
}
