@description('Name of the Key Vault the principals read.')
param keyVaultName string

@description('Object ids of the service principals (managed identities, the App Service resource provider) that read secrets and certificates.')
param readerPrincipalIds string[]

resource vault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

var keyVaultSecretsUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4633458b-17de-408a-b874-0445c86b69e6')
var keyVaultCertificateUser = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'db79e9a7-68ee-4b58-9aeb-b90e7c24fcba')

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in readerPrincipalIds: {
    name: guid(vault.id, principalId, keyVaultSecretsUser)
    scope: vault
    properties: {
      roleDefinitionId: keyVaultSecretsUser
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]

resource certificateUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = [
  for principalId in readerPrincipalIds: {
    name: guid(vault.id, principalId, keyVaultCertificateUser)
    scope: vault
    properties: {
      roleDefinitionId: keyVaultCertificateUser
      principalId: principalId
      principalType: 'ServicePrincipal'
    }
  }
]
