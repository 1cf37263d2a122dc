using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MimeKit;

namespace K8Posture.IntegrationTests.Features.Remediation;

/// <summary>The system clock moved by a chosen offset: tests jump days ahead without waiting.</summary>
public sealed class ShiftableClock : TimeProvider
{
    public TimeSpan Offset { get; set; }

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + Offset;
}

public static class RemediationTestSupport
{
    /// <summary>An app whose TimeProvider is <paramref name="clock"/>, with plain-http webhooks allowed and extra settings.</summary>
    public static K8PostureAppFactory AppWithClock(ShiftableClock clock, params (string Key, string Value)[] settings) =>
        new(seedDemo: false, builder =>
        {
            builder.UseSetting("Notifications:AllowHttpWebhooks", "true");
            foreach (var (key, value) in settings)
            {
                builder.UseSetting(key, value);
            }
            builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(clock));
        });

    public static string Unique(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>A finding written straight to the database (as a push would leave it), owned by <paramref name="teamId"/>.</summary>
    public static Task<long> SeedFindingAsync(this K8PostureAppFactory app, int? teamId, string title, FindingSeverity severity = FindingSeverity.High,
        DateTimeOffset? slaDueAt = null, string? vulnerabilityId = null, string? image = null, DateTimeOffset? firstSeenAt = null) => app.WithDbAsync(async db =>
    {
        var now = DateTimeOffset.UtcNow;
        var finding = new Finding
        {
            Fingerprint = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()),
            ContentHash = "0",
            Source = "trivy",
            ScopeKey = "image:" + (image ?? "registry.example.com/test/app"),
            Category = FindingCategory.Vulnerability,
            Severity = severity,
            Title = title,
            VulnerabilityId = vulnerabilityId ?? "CVE-2025-" + Random.Shared.Next(10000, 99999),
            PackageName = "openssl",
            ImageRepository = image ?? "registry.example.com/test/app",
            OwnerTeamId = teamId,
            Status = FindingStatus.Open,
            FirstSeenAt = firstSeenAt ?? now.AddDays(-40),
            LastSeenAt = now,
            SlaDueAt = slaDueAt ?? now.AddDays(-10),
        };
        db.Findings.Add(finding);
        await db.SaveChangesAsync();
        return finding.Id;
    });

    public static Task<Finding> FindingByIdAsync(this K8PostureAppFactory app, long id) =>
        app.WithDbAsync(db => Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.SingleAsync(db.Findings, f => f.Id == id));

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
}

/// <summary>
/// A minimal SMTP server on loopback (RFC 5321 happy path: EHLO, MAIL, RCPT, DATA, QUIT, no TLS): every message received is
/// parsed with MimeKit and kept with its envelope recipients.
/// </summary>
public sealed class SmtpRecorder : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;

    public ConcurrentQueue<(IReadOnlyList<string> Recipients, MimeMessage Message)> Messages { get; } = new();

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>Offer AUTH PLAIN (over plain text, as only a test listener may) and record the credentials given.</summary>
    public bool OfferAuth { get; init; }

    public ConcurrentQueue<(string UserName, string Password)> Logins { get; } = new();

    public SmtpRecorder Start()
    {
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
        return this;
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(() => ServeAsync(client));
        }
    }

    private async Task ServeAsync(TcpClient client)
    {
        using var _ = client;
        var stream = client.GetStream();
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 localhost test SMTP");
        var recipients = new List<string>();
        while (await reader.ReadLineAsync() is { } line)
        {
            var verb = line.Split(' ', 2)[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-localhost");
                    if (OfferAuth)
                    {
                        await writer.WriteLineAsync("250-AUTH PLAIN");
                    }
                    await writer.WriteLineAsync("250 8BITMIME");
                    break;
                case "AUTH" when OfferAuth:
                    var words = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    string? initial = words.Length > 2 ? words[2] : null;
                    if (initial is null)
                    {
                        await writer.WriteLineAsync("334 ");
                        initial = await reader.ReadLineAsync() ?? "";
                    }
                    // PLAIN: authzid NUL authcid NUL password.
                    var plain = Encoding.UTF8.GetString(Convert.FromBase64String(initial)).Split('\0');
                    Logins.Enqueue((plain[^2], plain[^1]));
                    await writer.WriteLineAsync("235 2.7.0 Authentication successful");
                    break;
                case "HELO" or "MAIL" or "RSET" or "NOOP":
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT":
                    recipients.Add(line[(line.IndexOf('<', StringComparison.Ordinal) + 1)..line.IndexOf('>', StringComparison.Ordinal)]);
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync() is { } dataLine && dataLine != ".")
                    {
                        data.Append(dataLine.StartsWith("..", StringComparison.Ordinal) ? dataLine[1..] : dataLine).Append("\r\n");
                    }
                    using (var message = new MemoryStream(Encoding.UTF8.GetBytes(data.ToString())))
                    {
                        Messages.Enqueue((recipients.ToList(), await MimeMessage.LoadAsync(message)));
                    }
                    recipients.Clear();
                    await writer.WriteLineAsync("250 OK queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 Command not implemented");
                    break;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        if (_loop is not null)
        {
            await _loop;
        }
    }
}

/// <summary>Incoming-webhook stand-in on loopback: records each POST's path and JSON body; answers a chosen status.</summary>
public sealed class WebhookRecorder : IAsyncDisposable
{
    private WebApplication? _app;

    public ConcurrentQueue<(string Path, JsonElement Body)> Posts { get; } = new();

    public int StatusCode { get; set; } = 200;

    public Uri Address { get; private set; } = new("http://127.0.0.1");

    public async Task<WebhookRecorder> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.Run(async context =>
        {
            using var body = await JsonDocument.ParseAsync(context.Request.Body);
            Posts.Enqueue((context.Request.Path.Value!, body.RootElement.Clone()));
            context.Response.StatusCode = StatusCode;
            await context.Response.WriteAsync(StatusCode == 200 ? "1" : "no");
        });
        await _app.StartAsync();
        Address = new Uri(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return this;
    }

    public string Url(string path) => new Uri(Address, path).ToString();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}
