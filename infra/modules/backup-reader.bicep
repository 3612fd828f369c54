// Backup Reader on one resource group that holds Recovery Services vaults, so that backup-pulse can
// read recovery points (their consistency type). Backup Reader is granted at vault or resource
// group level; one assignment per group covers every vault in it.

@description('Principal (object) ID of the managed identity.')
param principalId string

var backupReader = 'a795c7a0-d4a2-40c1-ae25-d81f01202912'

resource vaultGroupAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, backupReader)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', backupReader)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
