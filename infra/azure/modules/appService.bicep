@description('Azure region of the resources.')
param location string

@description('Web app name: globally unique; also the database user of its managed identity.')
param appName string

@description('App Service plan name.')
param planName string

param tags object

@description('App Service plan SKU (B1, P1v3, …); Always On needs Basic or higher.')
param planSkuName string

@description('Instances of the plan.')
@minValue(1)
param instanceCount int

@description('Linux runtime stack of the app.')
param linuxFxVersion string

@description('Environment of the app (ASPNETCORE_ENVIRONMENT); Development is refused here: it turns on the persona sign-in.')
@allowed([
  'Production'
  'Staging'
])
param aspNetCoreEnvironment string

@description('The app settings of K8Posture (docs/configuration.md), as name → value.')
param settings object

@description('Key Vault that holds the Data Protection certificate.')
param keyVaultId string

@description('Name of the Key Vault certificate that protects the Data Protection key ring; empty until it has been created (see README).')
param dataProtectionCertificateName string

@description('Thumbprints of earlier Data Protection certificates, still imported into the app, that only decrypt the key ring after a rotation.')
param previousDataProtectionCertificateThumbprints string[]

@description('Log Analytics workspace that receives the app\'s HTTP, console and platform logs.')
param workspaceId string

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'linux'
  sku: {
    name: planSkuName
    capacity: instanceCount
  }
  properties: {
    reserved: true
  }
}

// App Service imports the Key Vault certificate (as the App Service resource provider, which needs
// read access to the vault) and, with WEBSITE_LOAD_CERTIFICATES, places it in the app as
// /var/ssl/private/<thumbprint>.p12 — on Linux there is no certificate store to look it up in.
resource dataProtectionCertificate 'Microsoft.Web/certificates@2024-04-01' = if (!empty(dataProtectionCertificateName)) {
  name: '${appName}-${dataProtectionCertificateName}'
  location: location
  tags: tags
  properties: {
    keyVaultId: keyVaultId
    keyVaultSecretName: dataProtectionCertificateName
    serverFarmId: plan.id
  }
}

var previousCertificateSettings = toObject(
  range(0, length(previousDataProtectionCertificateThumbprints)),
  i => 'DataProtection__PreviousCertificates__${i}__Path',
  i => '/var/ssl/private/${previousDataProtectionCertificateThumbprints[i]}.p12'
)

var certificateSettings = empty(dataProtectionCertificateName)
  ? {}
  : union(
      {
        WEBSITE_LOAD_CERTIFICATES: join(
          [dataProtectionCertificate!.properties.thumbprint, ...previousDataProtectionCertificateThumbprints],
          ','
        )
        DataProtection__Certificate__Path: '/var/ssl/private/${dataProtectionCertificate!.properties.thumbprint}.p12'
      },
      previousCertificateSettings
    )

var platformSettings = {
  ASPNETCORE_ENVIRONMENT: aspNetCoreEnvironment
  // TLS ends at App Service's front ends, which forward the scheme and client address.
  ASPNETCORE_FORWARDEDHEADERS_ENABLED: 'true'
  ApplicationInsightsAgent_EXTENSION_VERSION: '~3'
}

resource site 'Microsoft.Web/sites@2024-04-01' = {
  name: appName
  location: location
  tags: tags
  kind: 'app,linux'
  identity: {
    type: 'SystemAssigned'
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    // Blazor Server keeps each page's state in a circuit on one instance: requests must return to it.
    clientAffinityEnabled: true
    publicNetworkAccess: 'Enabled'
    siteConfig: {
      linuxFxVersion: linuxFxVersion
      alwaysOn: true
      webSocketsEnabled: true
      http20Enabled: true
      healthCheckPath: '/healthz'
      minTlsVersion: '1.2'
      scmMinTlsVersion: '1.2'
      ftpsState: 'Disabled'
      remoteDebuggingEnabled: false
    }
  }
}

resource siteSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: site
  name: 'appsettings'
  properties: union(platformSettings, settings, certificateSettings)
}

// Deployments authenticate with Entra ID; the basic (user name and password) publishing credentials stay off.
resource ftpCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'ftp'
  properties: {
    allow: false
  }
}

resource scmCredentials 'Microsoft.Web/sites/basicPublishingCredentialsPolicies@2024-04-01' = {
  parent: site
  name: 'scm'
  properties: {
    allow: false
  }
}

resource logsToWorkspace 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  name: 'logs-to-log-analytics'
  scope: site
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        category: 'AppServiceHTTPLogs'
        enabled: true
      }
      {
        category: 'AppServiceConsoleLogs'
        enabled: true
      }
      {
        category: 'AppServiceAppLogs'
        enabled: true
      }
      {
        category: 'AppServicePlatformLogs'
        enabled: true
      }
    ]
  }
}

output name string = site.name
output defaultHostName string = site.properties.defaultHostName
output principalId string = site.identity.principalId
