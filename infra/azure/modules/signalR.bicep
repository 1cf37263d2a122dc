@description('Azure region of the resources.')
param location string

@description('Azure SignalR Service name: globally unique.')
param name string

param tags object

@description('SKU, such as Standard_S1 or Premium_P1.')
param skuName string

@description('Units (connections scale by 1,000 per unit).')
param capacity int

resource signalR 'Microsoft.SignalRService/signalR@2024-03-01' = {
  name: name
  location: location
  tags: tags
  kind: 'SignalR'
  sku: {
    name: skuName
    capacity: capacity
  }
  properties: {
    features: [
      {
        // Blazor Server's circuits are hub connections held by the app servers: Default mode.
        flag: 'ServiceMode'
        value: 'Default'
      }
    ]
    // The app connects with its managed identity; access keys stay off.
    disableLocalAuth: true
    publicNetworkAccess: 'Enabled'
    tls: {
      clientCertEnabled: false
    }
  }
}

output hostName string = signalR.properties.hostName
