// E-mail digests (PULSE_EMAIL_TO): an Email Communication Services resource with an Azure-managed domain
// (<random>.azurecomm.net, verified by Azure, sender DoNotReply@ that domain), a Communication Services
// resource linked to it, and the identity's right to send through it: "Communication and Email Service
// Owner" on that one resource. The app signs in with the managed identity; no key or connection string.

@description('Name of the Email Communication Services resource.')
param emailServiceName string

@description('Name of the Communication Services resource.')
param communicationServiceName string

@description('Where the messages\' data is kept at rest (e.g. "Europe", "United States", "Japan").')
param dataLocation string

param tags { *: string }

@description('Principal (object) ID of the managed identity that sends.')
param principalId string

// Built-in "Communication and Email Service Owner": sends e-mail through a Communication Services resource.
var communicationAndEmailServiceOwner = '09976791-48a7-449e-bb21-39d1a415f350'

resource emailService 'Microsoft.Communication/emailServices@2025-09-01' = {
  name: emailServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
  }
}

resource managedDomain 'Microsoft.Communication/emailServices/domains@2025-09-01' = {
  parent: emailService
  name: 'AzureManagedDomain'
  location: 'global'
  tags: tags
  properties: {
    domainManagement: 'AzureManaged'
    userEngagementTracking: 'Disabled'
  }
}

resource communicationService 'Microsoft.Communication/communicationServices@2025-09-01' = {
  name: communicationServiceName
  location: 'global'
  tags: tags
  properties: {
    dataLocation: dataLocation
    linkedDomains: [
      managedDomain.id
    ]
  }
}

resource sendAccess 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(communicationService.id, principalId, communicationAndEmailServiceOwner)
  scope: communicationService
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', communicationAndEmailServiceOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

@description('PULSE_EMAIL_ENDPOINT: the Communication Services endpoint.')
output endpoint string = 'https://${communicationService.properties.hostName}'

@description('PULSE_EMAIL_FROM: the managed domain\'s DoNotReply sender.')
output senderAddress string = 'DoNotReply@${managedDomain.properties.mailFromSenderDomain}'
