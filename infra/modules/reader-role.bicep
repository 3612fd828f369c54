// The custom role "backup-pulse reader": exactly the Azure Resource Manager read actions backup-pulse calls
// on vaults, VMs and the Activity Log, and nothing else (no restore, no backup, no write). One definition
// for the tenant (a custom role's name is unique in its tenant), assignable at each listed subscription;
// deployed at the first of them. The assignments are made by subscription-reader.bicep.
targetScope = 'subscription'

@description('GUID naming the role definition; the same GUID is used by each assignment.')
param roleDefinitionName string

@description('Display name of the role; unique in the tenant.')
param roleName string

@minLength(1)
@description('Subscription IDs where the role can be assigned (its assignable scopes).')
param subscriptionIds string[]

// Each action and the call that needs it (Microsoft.RecoveryServices, Microsoft.Compute, Microsoft.Insights).
var readActions = [
  // List the recovery points of a protected item: their consistency (application, file-system, crash).
  'Microsoft.RecoveryServices/Vaults/backupFabrics/protectionContainers/protectedItems/recoveryPoints/read'
  // List a vault's backup policies.
  'Microsoft.RecoveryServices/Vaults/backupPolicies/read'
  // List a vault's protected items.
  'Microsoft.RecoveryServices/Vaults/backupProtectedItems/read'
  // Read a backup job's details (extended error information).
  'Microsoft.RecoveryServices/Vaults/backupJobs/read'
  // Read a VM and its instance view (VM agent and extension status).
  'Microsoft.Compute/virtualMachines/read'
  'Microsoft.Compute/virtualMachines/instanceView/read'
  // Read the subscription's Activity Log (management events).
  'Microsoft.Insights/eventtypes/values/read'
]

resource readerRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleDefinitionName
  properties: {
    roleName: roleName
    description: 'backup-pulse: reads recovery points, backup policies, protected items and job details of Recovery Services vaults, VM instance views and the Activity Log. No write, backup or restore actions.'
    type: 'CustomRole'
    permissions: [
      {
        actions: readActions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [for subscriptionId in subscriptionIds: '/subscriptions/${subscriptionId}']
  }
}
