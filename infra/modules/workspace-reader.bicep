// Log Analytics Reader on one backup workspace, for the identity that queries it. Deployed at the
// workspace's own resource group, which may be in another subscription than backup-pulse.

@description('Name of the Log Analytics workspace that receives the vaults\' backup reports.')
param workspaceName string

@description('Principal (object) ID of the managed identity.')
param principalId string

var logAnalyticsReader = '73c42c96-874c-492b-b04d-ab87d138a893'

resource workspace 'Microsoft.OperationalInsights/workspaces@2025-07-01' existing = {
  name: workspaceName
}

resource readerAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(workspace.id, principalId, logAnalyticsReader)
  scope: workspace
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', logAnalyticsReader)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
