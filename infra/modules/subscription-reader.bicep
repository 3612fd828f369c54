// The custom role "backup-pulse reader" (reader-role.bicep) for the app's identity on one whole subscription,
// so that every vault and VM in it can be read without listing resource groups.
targetScope = 'subscription'

@description('Principal (object) ID of the managed identity.')
param principalId string

@description('GUID of the "backup-pulse reader" role definition.')
param roleDefinitionName string

resource subscriptionAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, roleDefinitionName)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roleDefinitionName)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
