using Microsoft.Azure.SignalR;

namespace K8Posture;

/// <summary>Switches for running several instances; each is off until its configuration is set.</summary>
public static class ScaleOut
{
    public const string AzureSignalRConnectionString = "Azure:SignalR:ConnectionString";

    /// <summary>
    /// Azure SignalR Service carries the Blazor circuits' connections when its connection string is set, so instances
    /// scale without each holding every browser's WebSocket.
    /// </summary>
    public static WebApplicationBuilder AddAzureSignalRWhenConfigured(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration[AzureSignalRConnectionString];
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            return builder;
        }
        builder.Services.AddSignalR().AddAzureSignalR(options =>
        {
            options.ConnectionString = connectionString;
            // A circuit's state lives in the instance that started it: the service must bring the browser back there.
            options.ServerStickyMode = ServerStickyMode.Required;
        });
        return builder;
    }
}
