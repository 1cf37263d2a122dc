using 'main.bicep'

// Ids come from the environment so that no tenant's ids live in the repository (compiling fails when one
// is missing): K8P_ENTRA_CLIENT_ID, K8P_ADMIN_GROUP_NAME, K8P_ADMIN_GROUP_OBJECT_ID, K8P_APPSERVICE_RP_OBJECT_ID; optional:
//   K8P_DATAPROTECTION_CERTIFICATE (empty on the first deployment), K8P_PUBLIC_BASE_URL.
param environmentName = 'prod'
param entraClientId = readEnvironmentVariable('K8P_ENTRA_CLIENT_ID')
param adminGroupName = readEnvironmentVariable('K8P_ADMIN_GROUP_NAME')
param adminGroupObjectId = readEnvironmentVariable('K8P_ADMIN_GROUP_OBJECT_ID')
param appServiceResourceProviderObjectId = readEnvironmentVariable('K8P_APPSERVICE_RP_OBJECT_ID')
param dataProtectionCertificateName = readEnvironmentVariable('K8P_DATAPROTECTION_CERTIFICATE', '')
param publicBaseUrl = readEnvironmentVariable('K8P_PUBLIC_BASE_URL', '')

param appServicePlanSku = 'P1v3'
param instanceCount = 2
// Several instances: the pipeline runs the migrate verb before the new version takes traffic.
param migrateAtStart = false
param databaseSku = {
  name: 'GP_Gen5'
  tier: 'GeneralPurpose'
  family: 'Gen5'
  capacity: 2
}
param databaseBackupRetentionDays = 35
param databaseBackupStorageRedundancy = 'Geo'
param databaseZoneRedundant = true
param logRetentionDays = 90
param enableSignalR = true
param signalRSku = 'Standard_S1'
param signalRCapacity = 1
