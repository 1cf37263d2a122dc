@description('Azure region of the resources.')
param location string

@description('SQL logical server name: globally unique, lower case.')
param serverName string

@description('Database name.')
param databaseName string

param tags object

@description('Display name of the Entra group that administers the SQL server.')
param adminGroupName string

@description('Object id of that Entra group.')
param adminGroupObjectId string

@description('Database SKU, such as { name: \'GP_S_Gen5\', tier: \'GeneralPurpose\', family: \'Gen5\', capacity: 1 } or { name: \'S0\', tier: \'Standard\' }.')
param databaseSku object

@description('Serverless only: minutes idle before the database pauses (-1 never).')
param autoPauseDelayMinutes int

@description('Days of point-in-time restore.')
@minValue(1)
@maxValue(35)
param backupRetentionDays int

@description('Where backups are stored: Local, Zone or Geo.')
@allowed([
  'Local'
  'Zone'
  'Geo'
])
param backupStorageRedundancy string

param zoneRedundant bool

@description('Lets Azure services (App Service without VNet integration) reach the server through its firewall.')
param allowAzureServices bool

@description('Log Analytics workspace that receives the SQL audit.')
param workspaceId string

resource server 'Microsoft.Sql/servers@2023-08-01' = {
  name: serverName
  location: location
  tags: tags
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    version: '12.0'
    minimalTlsVersion: '1.2'
    publicNetworkAccess: 'Enabled'
    // Entra-only: no SQL logins and no password anywhere; the admin is a group, the app a managed identity.
    administrators: {
      administratorType: 'ActiveDirectory'
      azureADOnlyAuthentication: true
      login: adminGroupName
      sid: adminGroupObjectId
      principalType: 'Group'
      tenantId: tenant().tenantId
    }
  }
}

resource database 'Microsoft.Sql/servers/databases@2023-08-01' = {
  parent: server
  name: databaseName
  location: location
  tags: tags
  sku: databaseSku
  properties: {
    collation: 'SQL_Latin1_General_CP1_CI_AS'
    zoneRedundant: zoneRedundant
    requestedBackupStorageRedundancy: backupStorageRedundancy
    // Only serverless databases pause; provisioned ones leave the property unset.
    autoPauseDelay: startsWith(string(databaseSku.name), 'GP_S_') ? autoPauseDelayMinutes : null
  }
}

resource backupRetention 'Microsoft.Sql/servers/databases/backupShortTermRetentionPolicies@2023-08-01' = {
  parent: database
  name: 'default'
  properties: {
    retentionDays: backupRetentionDays
  }
}

resource allowAzure 'Microsoft.Sql/servers/firewallRules@2023-08-01' = if (allowAzureServices) {
  parent: server
  name: 'AllowAllWindowsAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

// The server audit goes to Log Analytics through the master database's diagnostic setting.
resource master 'Microsoft.Sql/servers/databases@2023-08-01' existing = {
  parent: server
  name: 'master'
}

resource auditToWorkspace 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'audit-to-log-analytics'
  scope: master
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'SQLSecurityAuditEvents'
        enabled: true
      }
    ]
  }
}

resource auditing 'Microsoft.Sql/servers/auditingSettings@2023-08-01' = {
  parent: server
  name: 'default'
  properties: {
    state: 'Enabled'
    isAzureMonitorTargetEnabled: true
  }
  dependsOn: [
    auditToWorkspace
  ]
}

output serverName string = server.name
output serverFqdn string = server.properties.fullyQualifiedDomainName
output databaseName string = database.name
