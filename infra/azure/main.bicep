// K8Posture on Azure App Service for Linux: the web app with its managed identity, Azure SQL (Entra-only),
// Key Vault for the Data Protection certificate, Log Analytics + Application Insights, optional Azure SignalR.
// See README.md beside this file for the steps ARM cannot do (the database user, the certificate, the app registration).
targetScope = 'resourceGroup'

@description('Azure region of every resource.')
param location string = resourceGroup().location

@description('Short environment name, part of every resource name.')
@allowed([
  'dev'
  'prod'
])
param environmentName string

@description('Short workload name, part of every resource name.')
@minLength(2)
@maxLength(8)
param workloadName string = 'k8p'

@description('Entra tenant that people sign in with.')
param entraTenantId string = tenant().tenantId

@description('Application (client) id of the K8Posture app registration (redirect URI https://<host>/signin-oidc).')
@minLength(36)
@maxLength(36)
param entraClientId string

@description('Display name of the Entra group that administers the SQL server and may create the Key Vault certificate.')
@minLength(1)
param adminGroupName string

@description('Object id of that Entra group.')
@minLength(36)
@maxLength(36)
param adminGroupObjectId string

@description('Object id, in this tenant, of the "Microsoft Azure App Service" service principal (application id abfa0a7c-a6b6-4736-8310-5855508787cd); it imports the Data Protection certificate from Key Vault.')
@minLength(36)
@maxLength(36)
param appServiceResourceProviderObjectId string

@description('Name of the Key Vault certificate that protects the Data Protection key ring. Empty on the first deployment, before the certificate exists; the app does not start outside Development without it.')
param dataProtectionCertificateName string = ''

@description('After a rotation: thumbprints of the earlier Data Protection certificates (imported into the app under their own names), which only decrypt.')
param previousDataProtectionCertificateThumbprints string[] = []

@description('The portal\'s public address, used in links of SLA digests; empty means https://<app name>.azurewebsites.net.')
param publicBaseUrl string = ''

@description('App Service plan SKU (Always On needs B1 or higher; P1v3 or higher for production).')
param appServicePlanSku string

@description('Web app instances. More than one needs ARR affinity (on) and shares the key ring through the database.')
@minValue(1)
@maxValue(30)
param instanceCount int

@description('App Service Linux runtime stack.')
param linuxFxVersion string = 'DOTNETCORE|10.0'

@description('Apply pending migrations when the app starts (Database:MigrateAtStart); otherwise run the migrate verb as a deployment step.')
param migrateAtStart bool

@description('Azure SQL database SKU.')
param databaseSku object

@description('Serverless databases only: minutes idle before pausing, -1 for never.')
param databaseAutoPauseDelayMinutes int = -1

@description('Days of point-in-time restore of the database.')
@minValue(1)
@maxValue(35)
param databaseBackupRetentionDays int

@description('Backup storage redundancy of the database.')
@allowed([
  'Local'
  'Zone'
  'Geo'
])
param databaseBackupStorageRedundancy string

@description('Spread the database over availability zones (General Purpose and above, in regions with zones).')
param databaseZoneRedundant bool = false

@description('Let Azure services through the SQL firewall; the App Service app has no VNet integration in this template.')
param sqlAllowAzureServices bool = true

@description('Days Log Analytics keeps logs.')
@minValue(30)
@maxValue(730)
param logRetentionDays int = 30

@description('Days a deleted Key Vault or secret can be recovered.')
@minValue(7)
@maxValue(90)
param keyVaultSoftDeleteRetentionDays int = 90

@description('Deploy Azure SignalR Service so that Blazor circuits scale out across instances.')
param enableSignalR bool = false

@description('Azure SignalR Service SKU.')
param signalRSku string = 'Standard_S1'

@description('Azure SignalR Service units.')
@minValue(1)
param signalRCapacity int = 1

param tags object = {
  workload: 'k8posture'
  environment: environmentName
}

var namePrefix = '${workloadName}-${environmentName}'
var uniqueSuffix = take(uniqueString(resourceGroup().id), 6)
var appName = '${namePrefix}-${uniqueSuffix}'
var databaseName = 'k8posture'

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    namePrefix: namePrefix
    tags: tags
    retentionInDays: logRetentionDays
  }
}

module keyVault 'modules/keyVault.bicep' = {
  name: 'keyVault'
  params: {
    location: location
    name: '${workloadName}-${environmentName}-kv-${uniqueSuffix}'
    tags: tags
    workspaceId: monitoring.outputs.workspaceId
    adminGroupObjectId: adminGroupObjectId
    softDeleteRetentionInDays: keyVaultSoftDeleteRetentionDays
  }
}

// Before the app: App Service reads the certificate from the vault when it imports it.
module appServiceProviderVaultAccess 'modules/keyVaultAccess.bicep' = {
  name: 'appServiceProviderVaultAccess'
  params: {
    keyVaultName: keyVault.outputs.name
    readerPrincipalIds: [
      appServiceResourceProviderObjectId
    ]
  }
}

module sql 'modules/sql.bicep' = {
  name: 'sql'
  params: {
    location: location
    serverName: '${namePrefix}-sql-${uniqueSuffix}'
    databaseName: databaseName
    tags: tags
    adminGroupName: adminGroupName
    adminGroupObjectId: adminGroupObjectId
    databaseSku: databaseSku
    autoPauseDelayMinutes: databaseAutoPauseDelayMinutes
    backupRetentionDays: databaseBackupRetentionDays
    backupStorageRedundancy: databaseBackupStorageRedundancy
    zoneRedundant: databaseZoneRedundant
    allowAzureServices: sqlAllowAzureServices
    workspaceId: monitoring.outputs.workspaceId
  }
}

module signalR 'modules/signalR.bicep' = if (enableSignalR) {
  name: 'signalR'
  params: {
    location: location
    name: '${namePrefix}-signalr-${uniqueSuffix}'
    tags: tags
    skuName: signalRSku
    capacity: signalRCapacity
  }
}

var databaseSettings = {
  Database__Provider: 'SqlServer'
  // The managed identity signs in to Azure SQL: no password in the connection string or anywhere else.
  ConnectionStrings__K8Posture: 'Server=tcp:${sql.outputs.serverFqdn},1433;Database=${databaseName};Authentication=Active Directory Managed Identity;Encrypt=True;TrustServerCertificate=False;Connection Timeout=30'
  Database__MigrateAtStart: string(migrateAtStart)
  Hangfire__Storage: 'SqlServer'
}

var signInSettings = {
  Auth__Mode: 'EntraId'
  AzureAd__TenantId: entraTenantId
  AzureAd__ClientId: entraClientId
}

var k8postureSettings = union(databaseSettings, signInSettings, {
  Demo__Seed: 'false'
  Remediation__PublicBaseUrl: empty(publicBaseUrl) ? 'https://${appName}.azurewebsites.net' : publicBaseUrl
  APPLICATIONINSIGHTS_CONNECTION_STRING: monitoring.outputs.appInsightsConnectionString
}, enableSignalR ? {
  // Microsoft.Azure.SignalR's connection string with the app's managed identity instead of an access key.
  Azure__SignalR__ConnectionString: 'Endpoint=https://${signalR!.outputs.hostName};AuthType=azure.msi;Version=1.0;'
} : {})

module app 'modules/appService.bicep' = {
  name: 'appService'
  params: {
    location: location
    appName: appName
    planName: '${namePrefix}-plan'
    tags: tags
    planSkuName: appServicePlanSku
    instanceCount: instanceCount
    linuxFxVersion: linuxFxVersion
    aspNetCoreEnvironment: 'Production'
    settings: k8postureSettings
    keyVaultId: keyVault.outputs.id
    dataProtectionCertificateName: dataProtectionCertificateName
    previousDataProtectionCertificateThumbprints: previousDataProtectionCertificateThumbprints
    workspaceId: monitoring.outputs.workspaceId
  }
  dependsOn: [
    appServiceProviderVaultAccess
  ]
}

module appVaultAccess 'modules/keyVaultAccess.bicep' = {
  name: 'appVaultAccess'
  params: {
    keyVaultName: keyVault.outputs.name
    readerPrincipalIds: [
      app.outputs.principalId
    ]
  }
}

resource signalRService 'Microsoft.SignalRService/signalR@2024-03-01' existing = if (enableSignalR) {
  name: '${namePrefix}-signalr-${uniqueSuffix}'
}

var signalRAppServer = subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '420fcaa2-552c-430f-98ca-3264be4806c7')

resource appIsSignalRAppServer 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (enableSignalR) {
  name: guid(signalRService.id, appName, signalRAppServer)
  scope: signalRService
  properties: {
    roleDefinitionId: signalRAppServer
    principalId: app.outputs.principalId
    principalType: 'ServicePrincipal'
  }
}

@description('Run this once in the database as a member of the admin group (ARM cannot create contained users): the app\'s managed identity becomes a database user that may read, write and migrate.')
output sqlGrantScript string = join([
  'CREATE USER [${appName}] FROM EXTERNAL PROVIDER;'
  'ALTER ROLE db_datareader ADD MEMBER [${appName}];'
  'ALTER ROLE db_datawriter ADD MEMBER [${appName}];'
  'ALTER ROLE db_ddladmin ADD MEMBER [${appName}];'
], '\n')

output appName string = app.outputs.name
output appUrl string = 'https://${app.outputs.defaultHostName}'
output appPrincipalId string = app.outputs.principalId
output sqlServerFqdn string = sql.outputs.serverFqdn
output databaseName string = sql.outputs.databaseName
output keyVaultName string = keyVault.outputs.name
output keyVaultUri string = keyVault.outputs.uri
