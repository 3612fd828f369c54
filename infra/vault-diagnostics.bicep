// Optional, separate from main.bicep: turns on the diagnostic setting that makes Recovery Services
// vaults send their backup reports to a Log Analytics workspace, in resource-specific mode
// (logAnalyticsDestinationType 'Dedicated'), with the events backup-pulse reads. These events
// arrive only in resource-specific mode; sent in the legacy Azure Diagnostics mode, nothing arrives.
//
// Deploy once per resource group that holds vaults:
//   az deployment group create -g <vault-resource-group> -f infra/vault-diagnostics.bicep \
//     -p vaultNames='["rsv-prod-1","rsv-prod-2"]' workspaceResourceId=<workspace resource ID>
// Alternative at scale: assign the built-in policy "Deploy Diagnostic Settings for Recovery Services
// Vault to Log Analytics workspace for resource specific categories"
// (c717fb0c-d118-4c43-ab3d-ece30ac81fb3); see docs/connect.md.
targetScope = 'resourceGroup'

@minLength(1)
@description('Names of the Recovery Services vaults in this resource group.')
param vaultNames string[]

@description('Resource ID of the Log Analytics workspace that receives the backup reports.')
param workspaceResourceId string

@description('Name of the diagnostic setting created on each vault.')
param settingName string = 'backup-pulse'

var backupEvents = [
  'CoreAzureBackup'
  'AddonAzureBackupJobs'
  'AddonAzureBackupPolicy'
  'AddonAzureBackupProtectedInstance'
  'AddonAzureBackupStorage'
  'AddonAzureBackupAlerts'
]

resource vaults 'Microsoft.RecoveryServices/vaults@2025-08-01' existing = [
  for vaultName in vaultNames: {
    name: vaultName
  }
]

// 2021-05-01-preview is the newest diagnosticSettings API; the only GA version, 2016-09-01, is the older
// single 'service' setting without logAnalyticsDestinationType, so it cannot ask for resource-specific mode.
#disable-next-line use-recent-api-versions
resource backupReports 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = [
  for i in range(0, length(vaultNames)): {
    name: settingName
    scope: vaults[i]
    properties: {
      workspaceId: workspaceResourceId
      logAnalyticsDestinationType: 'Dedicated'
      logs: [
        for event in backupEvents: {
          category: event
          enabled: true
        }
      ]
    }
  }
]
