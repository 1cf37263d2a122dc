using 'main.bicep'

// Ids come from the environment so that no tenant's ids live in the repository (compiling fails when one
// is missing): K8P_ENTRA_CLIENT_ID, K8P_ADMIN_GROUP_NAME, K8P_ADMIN_GROUP_OBJECT_ID, K8P_APPSERVICE_RP_OBJECT_ID; optional:
//   K8P_DATAPROTECTION_CERTIFICATE (empty on the first deployment).
param environmentName = 'dev'
param entraClientId = readEnvironmentVariable('K8P_ENTRA_CLIENT_ID')
param adminGroupName = readEnvironmentVariable('K8P_ADMIN_GROUP_NAME')
param adminGroupObjectId = readEnvironmentVariable('K8P_ADMIN_GROUP_OBJECT_ID')
param appServiceResourceProviderObjectId = readEnvironmentVariable('K8P_APPSERVICE_RP_OBJECT_ID')
param dataProtectionCertificateName = readEnvironmentVariable('K8P_DATAPROTECTION_CERTIFICATE', '')

param appServicePlanSku = 'B1'
param instanceCount = 1
// One instance may migrate itself at start.
param migrateAtStart = true
param databaseSku = {
  name: 'GP_S_Gen5'
  tier: 'GeneralPurpose'
  family: 'Gen5'
  capacity: 1
}
param databaseAutoPauseDelayMinutes = 60
param databaseBackupRetentionDays = 7
param databaseBackupStorageRedundancy = 'Local'
param enableSignalR = false
