// Key Vault for the two secrets backup-pulse needs: the webhook URL (it carries a signature
// token) and the HMAC key for generic payloads. RBAC mode, soft delete and purge protection on.
// A secret is written only when a value is given; the app settings refer to it by URI.

@description('Key Vault name (3-24 letters, digits and hyphens, globally unique).')
param name string

@description('Azure region of the vault.')
param location string

@description('Tags applied to the vault.')
param tags { *: string }

@secure()
@description('Webhook URL to store; empty to store none.')
param webhookUrl string

@secure()
@description('HMAC key to store; empty to store none.')
param webhookSecret string

@description('Secret name for the webhook URL.')
param webhookUrlSecretName string

@description('Secret name for the HMAC key.')
param webhookSecretSecretName string

resource vault 'Microsoft.KeyVault/vaults@2025-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource webhookUrlSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(webhookUrl)) {
  parent: vault
  name: webhookUrlSecretName
  properties: {
    value: webhookUrl
    contentType: 'text/uri-list'
  }
}

resource webhookSecretSecret 'Microsoft.KeyVault/vaults/secrets@2025-05-01' = if (!empty(webhookSecret)) {
  parent: vault
  name: webhookSecretSecretName
  properties: {
    value: webhookSecret
  }
}

output name string = vault.name
output vaultUri string = vault.properties.vaultUri
