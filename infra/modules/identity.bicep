// The user-assigned managed identity backup-pulse runs as: the Functions host, the Key Vault
// references and the app's own Azure SDK calls all use it. Roles are granted to it elsewhere.

@description('Name of the user-assigned identity.')
param name string

@description('Azure region of the identity.')
param location string

@description('Tags applied to the identity.')
param tags { *: string }

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2024-11-30' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output clientId string = identity.properties.clientId
output principalId string = identity.properties.principalId
