// backup-pulse: everything one `azd up` creates. Subscription scope: it makes the resource group,
// then grants the app's identity read access where the backup data lives: Log Analytics Reader on each
// workspace, and the custom role "backup-pulse reader" on each subscription holding vaults (or, narrower,
// Backup Reader on listed resource groups), possibly in other resource groups and subscriptions.
// Operator guide: docs/deploy.md (parameters, what is created, costs) and docs/connect.md.
targetScope = 'subscription'

// ---------- environment ----------

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds unique resource names.')
param environmentName string

@minLength(1)
@description('Azure region for every resource; it must offer the Flex Consumption plan.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Resource group to create; empty means rg-<environmentName>.')
param resourceGroupName string = ''

// ---------- where the backup data is ----------

@minLength(36)
@description('Comma-separated Log Analytics workspace IDs (GUIDs, "Workspace ID" in the portal) that receive the vaults\' backup reports (PULSE_WORKSPACE_IDS).')
param workspaceIds string

@minLength(1)
@description('Comma-separated resource IDs of the same workspaces; the identity gets Log Analytics Reader on each.')
param workspaceResourceIds string

@description('Comma-separated IDs of the subscriptions holding the Recovery Services vaults and VMs; the identity gets the custom role "backup-pulse reader" (recovery points, policies, protected items, job details, VM instance view, Activity Log; read only) on each. Empty: the subscription deployed to. "none": no subscription-wide role (then list vaultResourceGroupIds, or set recoveryPoints to off).')
param subscriptionIds string = ''

@minLength(1)
@maxLength(128)
@description('Display name of that custom role. Role names are unique in a tenant: give a second backup-pulse deployment in the same tenant its own name.')
param readerRoleName string = 'backup-pulse reader'

@description('Narrower alternative to subscriptionIds: comma-separated resource IDs (/subscriptions/<id>/resourceGroups/<name>) of resource groups holding vaults; the identity gets the built-in Backup Reader on each. Empty: none.')
param vaultResourceGroupIds string = ''

@description('Recovery-point look-ups (PULSE_RECOVERY_POINTS): off, warnings (only jobs whose consistency is in doubt) or all.')
@allowed([
  'off'
  'warnings'
  'all'
])
param recoveryPoints string = 'warnings'

// ---------- delivery ----------

@description('Payload format of the webhook (PULSE_WEBHOOK_FORMAT).')
@allowed([
  'teams'
  'slack'
  'generic'
])
param webhookFormat string = 'generic'

@secure()
@description('Webhook URL for digests and alerts, kept in Key Vault (PULSE_WEBHOOK_URL). "none" for no webhook: the digest then only goes to the function log.')
param webhookUrl string

@secure()
@description('HMAC-SHA256 key for signed generic payloads, kept in Key Vault (PULSE_WEBHOOK_SECRET). "none" for unsigned payloads.')
param webhookSecret string

@description('Comma-separated e-mail addresses that get the daily digest by e-mail (PULSE_EMAIL_TO). Empty: no e-mail; given: an Azure Communication Services resource with an Azure-managed e-mail domain is created, and the identity may send through it.')
param emailTo string = ''

@description('Where Communication Services keeps the e-mail data at rest, e.g. "Europe", "United States", "Japan" (only used with emailTo).')
param emailDataLocation string = 'Europe'

// ---------- behaviour ----------

@description('NCRONTAB (six fields, UTC) of the daily digest timer (PULSE_DIGEST_SCHEDULE).')
param digestSchedule string = '0 0 7 * * *'

@description('NCRONTAB (six fields, UTC) of the alert evaluation timer (PULSE_ALERT_SCHEDULE).')
param alertSchedule string = '0 15 * * * *'

@description('Alert rules (PULSE_ALERT_RULES), e.g. "consecutive-failures:3,consistency-downgrade,vss,cooldown:12h", or "off". Empty: the default rules.')
param alertRules string = ''

@description('Comma-separated Linux VM names or *-patterns that run pre/post scripts, so application consistency is expected of them (PULSE_LINUX_APP_CONSISTENT_VMS).')
param linuxAppConsistentVms string = ''

@description('Previous days re-read on every run, because late job rows can still change them (PULSE_LOOKBACK_DAYS).')
@minValue(0)
@maxValue(14)
param lookbackDays int = 2

@description('IANA time zone whose calendar days the digest, trends and "no job" judgements use, e.g. "Europe/Berlin" (PULSE_TIMEZONE). The timers still fire on UTC schedules.')
param timeZone string = 'UTC'

@description('Language of the digest and the alerts (PULSE_LOCALE): en or ja.')
@allowed([
  'en'
  'ja'
])
param locale string = 'en'

@description('Log Analytics query endpoint ending in /v1 (PULSE_LOGS_ENDPOINT); change only for sovereign clouds.')
param logsEndpoint string = 'https://api.loganalytics.io/v1'

@description('Token scope for Log Analytics (PULSE_LOGS_SCOPE); change only for sovereign clouds.')
param logsScope string = 'https://api.loganalytics.io/.default'

@description('Azure Resource Manager endpoint for recovery-point look-ups (PULSE_ARM_ENDPOINT).')
param armEndpoint string = environment().resourceManager

// ---------- hosting ----------

@description('Memory of each Flex Consumption instance, in MB.')
@allowed([
  2048
  4096
])
param instanceMemoryMB int = 2048

@description('Upper bound on Flex Consumption instances.')
@maxValue(1000)
param maximumInstanceCount int = 40

// ---------- names ----------

var serviceName = 'pulse'
var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = {
  'azd-env-name': environmentName
}
var functionAppName = 'func-pulse-${resourceToken}'
var deploymentContainerName = 'app-package-${resourceToken}'
var webhookUrlSecretName = 'pulse-webhook-url'
var webhookSecretSecretName = 'pulse-webhook-secret'

// Comma-separated parameters (azd passes environment values as strings) to clean lists.
var workspaceIdList = filter(map(split(workspaceIds, ','), id => trim(id)), id => !empty(id))
var workspaceResourceIdList = filter(map(split(workspaceResourceIds, ','), id => trim(id)), id => !empty(id))
var vaultResourceGroupIdList = filter(map(split(vaultResourceGroupIds, ','), id => trim(id)), id => !empty(id))
var listedSubscriptionIds = filter(map(split(subscriptionIds, ','), id => trim(id)), id => !empty(id))
var readerSubscriptionIds = toLower(trim(subscriptionIds)) == 'none'
  ? []
  : (empty(listedSubscriptionIds) ? [subscription().subscriptionId] : listedSubscriptionIds)
// One GUID for the one custom role definition, the same in every subscription it is assigned at.
var readerRoleDefinitionName = guid(tenant().tenantId, readerRoleName)

var emailToList = filter(map(split(emailTo, ','), a => trim(a)), a => !empty(a))

// "none" (or empty) means: no such secret, and no app setting pointing at one.
var webhookUrlValue = toLower(trim(webhookUrl)) == 'none' ? '' : trim(webhookUrl)
var webhookSecretValue = toLower(trim(webhookSecret)) == 'none' ? '' : trim(webhookSecret)

resource rg 'Microsoft.Resources/resourceGroups@2025-04-01' = {
  name: !empty(resourceGroupName) ? resourceGroupName : 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-pulse-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-pulse-${resourceToken}'
    applicationInsightsName: 'appi-pulse-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'stpulse${resourceToken}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module keyVault 'modules/key-vault.bicep' = {
  name: 'key-vault'
  scope: rg
  params: {
    name: 'kv-pulse-${take(resourceToken, 13)}'
    location: location
    tags: tags
    webhookUrl: webhookUrlValue
    webhookSecret: webhookSecretValue
    webhookUrlSecretName: webhookUrlSecretName
    webhookSecretSecretName: webhookSecretSecretName
  }
}

module appRoles 'modules/app-roles.bicep' = {
  name: 'app-roles'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: keyVault.outputs.name
    applicationInsightsName: monitoring.outputs.applicationInsightsName
  }
}

// Log Analytics Reader on each backup workspace, in that workspace's own resource group.
module workspaceReaders 'modules/workspace-reader.bicep' = [
  for (workspaceResourceId, i) in workspaceResourceIdList: {
    name: 'workspace-reader-${i}-${resourceToken}'
    scope: resourceGroup(split(workspaceResourceId, '/')[2], split(workspaceResourceId, '/')[4])
    params: {
      workspaceName: last(split(workspaceResourceId, '/'))
      principalId: identity.outputs.principalId
    }
  }
]

// The custom role "backup-pulse reader": defined once (at the first listed subscription, assignable at all
// of them), then assigned to the identity at each subscription.
module readerRole 'modules/reader-role.bicep' = if (!empty(readerSubscriptionIds)) {
  name: 'reader-role-${resourceToken}'
  scope: subscription(empty(readerSubscriptionIds) ? subscription().subscriptionId : readerSubscriptionIds[0])
  params: {
    roleDefinitionName: readerRoleDefinitionName
    roleName: readerRoleName
    subscriptionIds: readerSubscriptionIds
  }
}

module subscriptionReaders 'modules/subscription-reader.bicep' = [
  for (subscriptionId, i) in readerSubscriptionIds: {
    name: 'subscription-reader-${i}-${resourceToken}'
    scope: subscription(subscriptionId)
    params: {
      principalId: identity.outputs.principalId
      roleDefinitionName: readerRoleDefinitionName
    }
    dependsOn: [
      readerRole
    ]
  }
]

// The narrower option: Backup Reader on each listed resource group that holds vaults.
module backupReaders 'modules/backup-reader.bicep' = [
  for (vaultResourceGroupId, i) in vaultResourceGroupIdList: {
    name: 'backup-reader-${i}-${resourceToken}'
    scope: resourceGroup(split(vaultResourceGroupId, '/')[2], split(vaultResourceGroupId, '/')[4])
    params: {
      principalId: identity.outputs.principalId
    }
  }
]

// E-mail digests: only when emailTo lists someone.
module email 'modules/email.bicep' = if (!empty(emailToList)) {
  name: 'email'
  scope: rg
  params: {
    emailServiceName: 'ecs-pulse-${resourceToken}'
    communicationServiceName: 'acs-pulse-${resourceToken}'
    dataLocation: emailDataLocation
    tags: tags
    principalId: identity.outputs.principalId
  }
}

// Every setting src/config.ts reads (SETTING_NAMES), except PULSE_TABLES_CONNECTION: in Azure the
// tables are reached with the managed identity through PULSE_TABLES_URL, never a key.
var pulseSettings = {
  PULSE_WORKSPACE_IDS: join(workspaceIdList, ',')
  PULSE_LOGS_ENDPOINT: logsEndpoint
  PULSE_LOGS_SCOPE: logsScope
  PULSE_ARM_ENDPOINT: armEndpoint
  PULSE_RECOVERY_POINTS: recoveryPoints
  PULSE_TABLES_URL: storage.outputs.tableEndpoint
  PULSE_WEBHOOK_FORMAT: webhookFormat
  PULSE_DIGEST_SCHEDULE: digestSchedule
  PULSE_ALERT_SCHEDULE: alertSchedule
  PULSE_LINUX_APP_CONSISTENT_VMS: linuxAppConsistentVms
  PULSE_LOOKBACK_DAYS: string(lookbackDays)
  PULSE_ALERT_RULES: alertRules
  PULSE_TIMEZONE: timeZone
  PULSE_LOCALE: locale
}

// Secrets: Key Vault references, resolved by the platform with the user-assigned identity.
var webhookUrlSetting = empty(webhookUrlValue)
  ? {}
  : { PULSE_WEBHOOK_URL: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.vaultUri}secrets/${webhookUrlSecretName})' }
var emailSettings = empty(emailToList)
  ? {}
  : {
      PULSE_EMAIL_TO: join(emailToList, ',')
      PULSE_EMAIL_FROM: email!.outputs.senderAddress
      PULSE_EMAIL_ENDPOINT: email!.outputs.endpoint
    }
var webhookSecretSetting = empty(webhookSecretValue)
  ? {}
  : {
      PULSE_WEBHOOK_SECRET: '@Microsoft.KeyVault(SecretUri=${keyVault.outputs.vaultUri}secrets/${webhookSecretSecretName})'
    }

module functionApp 'modules/function-app.bicep' = {
  name: 'function-app'
  scope: rg
  params: {
    name: functionAppName
    planName: 'plan-pulse-${resourceToken}'
    location: location
    tags: tags
    serviceName: serviceName
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    deploymentContainerName: deploymentContainerName
    applicationInsightsName: monitoring.outputs.applicationInsightsName
    pulseSettings: union(pulseSettings, webhookUrlSetting, webhookSecretSetting, emailSettings)
    instanceMemoryMB: instanceMemoryMB
    maximumInstanceCount: maximumInstanceCount
  }
  dependsOn: [
    appRoles
  ]
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output AZURE_FUNCTION_APP_URL string = 'https://${functionApp.outputs.defaultHostName}'
output AZURE_KEY_VAULT_NAME string = keyVault.outputs.name
output PULSE_TABLES_URL string = storage.outputs.tableEndpoint
output PULSE_IDENTITY_PRINCIPAL_ID string = identity.outputs.principalId
