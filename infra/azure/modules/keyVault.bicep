@description('Azure region of the resources.')
param location string

@description('Key Vault name: 3-24 characters, globally unique.')
@minLength(3)
@maxLength(24)
param name string

param tags object

@description('Log Analytics workspace that receives the vault\'s audit events.')
param workspaceId string

@description('Object id of the Entra group that administers the deployment; it may create the Data Protection certificate.')
param adminGroupObjectId string

@description('Days a deleted vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param softDeleteRetentionInDays int

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    tenantId: tenant().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    // Azure RBAC decides who reads what; no access policies.
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: softDeleteRetentionInDays
    // The key ring's certificate must never be purged early: without it the protected keys cannot be read.
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
    networkAcls: {
      bypass: 'AzureServices'
      defaultAction: 'Allow'
    }
  }
}

var keyVaultCertificatesOfficer = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'a4417e6f-fecd-4de8-b567-7b0420556985')

resource adminCertificatesOfficer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(vault.id, adminGroupObjectId, keyVaultCertificatesOfficer)
  scope: vault
  properties: {
    roleDefinitionId: keyVaultCertificatesOfficer
    principalId: adminGroupObjectId
    principalType: 'Group'
  }
}

resource auditToWorkspace 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: vault
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'audit'
        enabled: true
      }
    ]
  }
}

output id string = vault.id
output name string = vault.name
output uri string = vault.properties.vaultUri
