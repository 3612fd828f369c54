// The Function App on the Flex Consumption plan (FC1, Linux, Node 22), running as the user-assigned
// identity for everything: host storage, deployment package, Key Vault references, telemetry and
// the app's own calls (DefaultAzureCredential goes straight to that identity).
//
// Flex Consumption notes: the runtime lives in functionAppConfig.runtime, not in the
// FUNCTIONS_WORKER_RUNTIME / FUNCTIONS_EXTENSION_VERSION app settings (the platform sets the host
// version itself); siteConfig.ftpsState is rejected by Flex sites, and they offer no FTP endpoint:
// FTP and basic-auth publishing are switched off through the publishing-credential policies below.

@description('Function App name (becomes <name>.azurewebsites.net).')
param name string

@description('Name of the Flex Consumption plan.')
param planName string

@description('Azure region of the plan and the app.')
param location string

@description('Tags applied to the plan and the app.')
param tags { *: string }

@description('azd service name from azure.yaml; azd finds the app by this tag.')
param serviceName string

@description('Resource ID of the user-assigned identity the app runs as.')
param identityId string

@description('Client ID of the same identity.')
param identityClientId string

@description('Storage account for the host and the deployment package.')
param storageAccountName string

@description('Blob container holding the deployment package.')
param deploymentContainerName string

@description('Application Insights resource for the app telemetry.')
param applicationInsightsName string

@description('The backup-pulse settings (PULSE_*), values or Key Vault references.')
param pulseSettings { *: string }

@description('Memory of each instance, in MB.')
@allowed([
  2048
  4096
])
param instanceMemoryMB int

@description('Upper bound on instances the plan scales out to.')
@maxValue(1000)
param maximumInstanceCount int

resource storage 'Microsoft.Storage/storageAccounts@2025-06-01' existing = {
  name: storageAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: applicationInsightsName
}

resource plan 'Microsoft.Web/serverfarms@2025-03-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource site 'Microsoft.Web/sites@2025-03-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': serviceName })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    keyVaultReferenceIdentity: identityId
    siteConfig: {
      minTlsVersion: '1.2'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storage.properties.primaryEndpoints.blob}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        instanceMemoryMB: instanceMemoryMB
        maximumInstanceCount: maximumInstanceCount
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }

  resource appSettings 'config' = {
    name: 'appsettings'
    properties: union(pulseSettings, {
      AzureWebJobsStorage__accountName: storage.name
      AzureWebJobsStorage__credential: 'managedidentity'
      AzureWebJobsStorage__clientId: identityClientId
      APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
      APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'Authorization=AAD;ClientId=${identityClientId}'
      AZURE_CLIENT_ID: identityClientId
      AZURE_TOKEN_CREDENTIALS: 'ManagedIdentityCredential'
      // The JavaScript heap sized to the instance (5/8 of its memory: 1,280 MB of 2,048), so that the garbage
      // collector works within the instance rather than letting a large run outgrow it.
      languageWorkers__node__arguments: '--max-old-space-size=${instanceMemoryMB == 4096 ? 2560 : 1280}'
    })
  }

  resource ftpPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'ftp'
    properties: {
      allow: false
    }
  }

  resource scmPublishing 'basicPublishingCredentialsPolicies' = {
    name: 'scm'
    properties: {
      allow: false
    }
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
