using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;

namespace K8Posture.Features.Tickets;

/// <summary>What <see cref="TicketConnection.SecretProtected"/> holds once decrypted: the API token or PAT, and the webhook secret.</summary>
public sealed record TicketConnectionSecret(string Token, string WebhookSecret);

/// <summary>Encrypts ticket connection secrets with Data Protection (keys in the database), as cluster connections are.</summary>
public sealed class TicketConnectionSecrets(IDataProtectionProvider dataProtection)
{
    public const string Purpose = "K8Posture.TicketConnection.v1";

    private readonly IDataProtector _protector = dataProtection.CreateProtector(Purpose);

    public string Protect(TicketConnectionSecret secret) => _protector.Protect(JsonSerializer.Serialize(secret));

    public TicketConnectionSecret Unprotect(string protectedSecret)
    {
        try
        {
            return JsonSerializer.Deserialize<TicketConnectionSecret>(_protector.Unprotect(protectedSecret))
                ?? throw new TicketRemoteException("The stored connection secret is empty; save the connection's token again.", permanent: true);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            throw new TicketRemoteException("The stored connection secret cannot be decrypted (Data Protection keys changed); save the connection's token again.", permanent: true);
        }
    }

    /// <summary>What a remote call needs: the system, the base URL and the decrypted credentials.</summary>
    public TicketEndpoint Endpoint(TicketConnection connection) =>
        new(connection.System, new Uri(connection.BaseUrl.TrimEnd('/') + "/"), connection.UserEmail, Unprotect(connection.SecretProtected).Token,
            connection.System == TicketSystem.AzureDevOps && connection.UsesAppIdentity);
}

/// <summary>A connection ready to call. <see cref="ToString"/> never shows the token.</summary>
/// <param name="AppIdentity">Azure DevOps with the app's Entra identity: a bearer token from the app registration, <paramref name="Token"/> unused.</param>
public sealed record TicketEndpoint(TicketSystem System, Uri BaseUrl, string? UserEmail, string Token, bool AppIdentity = false)
{
    public override string ToString() => $"{System} {OutboundOrigin}";

    private string OutboundOrigin => Security.OutboundHttpLogging.Origin(BaseUrl);
}
