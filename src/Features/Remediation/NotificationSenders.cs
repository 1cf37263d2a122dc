using System.Net.Http.Json;
using MailKit.Net.Smtp;
using MailKit.Security;
using Microsoft.Extensions.Options;
using MimeKit;

namespace K8Posture.Features.Remediation;

/// <summary>Bound from <c>Notifications:Smtp</c>.</summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Notifications:Smtp";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public string From { get; set; } = "k8posture@localhost";
    public string? UserName { get; set; }
    public string? Password { get; set; }
    /// <summary>STARTTLS (or TLS on connect for port 465); false only for a relay on a trusted network or a test listener.</summary>
    public bool UseTls { get; set; } = true;
}

public interface IDigestSender
{
    NotificationChannelKind Kind { get; }

    Task SendAsync(string address, TeamDigest digest, CancellationToken cancellationToken);
}

public sealed class SmtpDigestSender(IOptions<SmtpOptions> options) : IDigestSender
{
    public NotificationChannelKind Kind => NotificationChannelKind.Email;

    public async Task SendAsync(string address, TeamDigest digest, CancellationToken cancellationToken)
    {
        var smtp = options.Value;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            throw new InvalidOperationException("Notifications:Smtp:Host is not configured.");
        }
        var message = new MimeMessage();
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(address));
        message.Subject = digest.Subject;
        message.Body = new BodyBuilder { TextBody = digest.PlainText(), HtmlBody = digest.Html() }.ToMessageBody();

        using var client = new SmtpClient { Timeout = 30_000 };
        var security = !smtp.UseTls ? SecureSocketOptions.None : smtp.Port == 465 ? SecureSocketOptions.SslOnConnect : SecureSocketOptions.StartTls;
        await client.ConnectAsync(smtp.Host, smtp.Port, security, cancellationToken);
        if (!string.IsNullOrEmpty(smtp.UserName))
        {
            await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
        }
        await client.SendAsync(message, cancellationToken);
        await client.DisconnectAsync(quit: true, cancellationToken);
    }
}

public sealed class SlackDigestSender(IHttpClientFactory http) : IDigestSender
{
    public const string HttpClientName = "notifications";

    public NotificationChannelKind Kind => NotificationChannelKind.Slack;

    public async Task SendAsync(string address, TeamDigest digest, CancellationToken cancellationToken)
    {
        using var response = await http.CreateClient(HttpClientName).PostAsJsonAsync(address, digest.SlackMessage(), cancellationToken);
        WebhookStatus.ThrowIfFailed(response);
    }
}

public sealed class TeamsDigestSender(IHttpClientFactory http) : IDigestSender
{
    public NotificationChannelKind Kind => NotificationChannelKind.Teams;

    public async Task SendAsync(string address, TeamDigest digest, CancellationToken cancellationToken)
    {
        using var response = await http.CreateClient(SlackDigestSender.HttpClientName).PostAsJsonAsync(address, digest.TeamsMessageCard(), cancellationToken);
        WebhookStatus.ThrowIfFailed(response);
    }
}

internal static class WebhookStatus
{
    /// <summary>The status only: the URL is a secret and must not reach logs or the target's LastError.</summary>
    public static void ThrowIfFailed(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException($"The webhook answered HTTP {(int)response.StatusCode} {response.ReasonPhrase}.", null, response.StatusCode);
        }
    }
}
