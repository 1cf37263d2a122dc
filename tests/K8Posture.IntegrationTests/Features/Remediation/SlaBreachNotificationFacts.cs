using K8Posture.Shared.Http;
using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Remediation;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static K8Posture.IntegrationTests.Features.Remediation.RemediationTestSupport;

namespace K8Posture.IntegrationTests.Features.Remediation;

/// <summary>The daily SLA-breach digest, delivered to a real SMTP listener and real HTTP webhook listeners on loopback.</summary>
public sealed class SlaBreachNotificationFacts
{
    private static readonly ClaimsPrincipal Admin = new(new ClaimsIdentity(
        [new Claim(ClaimTypes.Name, "Ada Admin"), new Claim(ClaimTypes.Role, Roles.SecurityAdmin)], "test", ClaimTypes.Name, ClaimTypes.Role));

    private static Task<int> AddTargetAsync(K8PostureAppFactory app, int team, NotificationChannelKind kind, string address) =>
        app.AsSystemAsync(sp => sp.GetRequiredService<NotificationTargetService>().AddAsync(Admin, team, kind, address, CancellationToken.None));

    private static Task<int> RunJobAsync(K8PostureAppFactory app) =>
        app.AsJobAsync(sp => sp.GetRequiredService<SlaBreachNotificationJob>().RunAsync(CancellationToken.None));

    [Fact]
    public async Task Each_team_gets_a_digest_of_its_own_breaches_by_email_Teams_and_Slack_once_per_breach()
    {
        await using var smtp = new SmtpRecorder().Start();
        await using var webhooks = await new WebhookRecorder().StartAsync();
        var clock = new ShiftableClock();
        await using var app = AppWithClock(clock,
            ("Notifications:Smtp:Host", "127.0.0.1"), ("Notifications:Smtp:Port", smtp.Port.ToString()), ("Notifications:Smtp:UseTls", "false"),
            ("Notifications:Smtp:From", "k8posture@contoso.test"), ("Remediation:PublicBaseUrl", "https://k8posture.contoso.test"));
        var payments = await app.SeedTeamAsync("Payments");
        var ledger = await app.SeedTeamAsync("Ledger");
        var now = DateTimeOffset.UtcNow;
        var paymentsOverdue = await app.SeedFindingAsync(payments, "openssl: CVE-2025-1111 in payments-api", FindingSeverity.Critical, slaDueAt: now.AddDays(-3));
        var paymentsOverdue2 = await app.SeedFindingAsync(payments, "zlib: CVE-2025-2222 in payments-api", FindingSeverity.High, slaDueAt: now.AddDays(-1));
        await app.SeedFindingAsync(payments, "not yet due", FindingSeverity.High, slaDueAt: now.AddDays(5));
        var accepted = await app.SeedFindingAsync(payments, "accepted, so not a breach", FindingSeverity.High, slaDueAt: now.AddDays(-9));
        await app.WithDbAsync(db => db.Findings.Where(f => f.Id == accepted).ExecuteUpdateAsync(s => s.SetProperty(f => f.Resolution, FindingResolution.RiskAccepted)));
        await app.SeedFindingAsync(ledger, "ledger: CVE-2025-3333 in general-ledger", FindingSeverity.Medium, slaDueAt: now.AddDays(-2));

        await AddTargetAsync(app, payments, NotificationChannelKind.Email, "payments-oncall@contoso.test");
        await AddTargetAsync(app, payments, NotificationChannelKind.Teams, webhooks.Url("/teams/payments-secret"));
        await AddTargetAsync(app, ledger, NotificationChannelKind.Slack, webhooks.Url("/slack/ledger-secret"));

        Assert.Equal(3, await RunJobAsync(app));

        var (recipients, mail) = Assert.Single(smtp.Messages);
        Assert.Equal(["payments-oncall@contoso.test"], recipients);
        Assert.Contains("Payments: 2 finding(s) newly past their SLA", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("openssl: CVE-2025-1111 in payments-api", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("zlib: CVE-2025-2222 in payments-api", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("not yet due", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("accepted, so not a breach", mail.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("ledger", mail.TextBody, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("https://k8posture.contoso.test/remediation", mail.HtmlBody, StringComparison.Ordinal);

        var teams = Assert.Single(webhooks.Posts, p => p.Path == "/teams/payments-secret").Body;
        Assert.Equal("MessageCard", teams.GetProperty("@type").GetString());
        var facts = teams.GetProperty("sections")[0].GetProperty("facts").EnumerateArray().Select(f => f.GetProperty("value").GetString()!).ToList();
        Assert.Equal(2, facts.Count);
        Assert.StartsWith("openssl: CVE-2025-1111", facts[0], StringComparison.Ordinal); // worst first

        var slack = Assert.Single(webhooks.Posts, p => p.Path == "/slack/ledger-secret").Body;
        Assert.Contains("Ledger: 1 finding(s) newly past their SLA", slack.GetProperty("text").GetString(), StringComparison.Ordinal);
        var blocks = string.Join("\n", slack.GetProperty("blocks").EnumerateArray().Select(b => b.GetProperty("text").GetProperty("text").GetString()));
        Assert.Contains("ledger: CVE-2025-3333 in general-ledger", blocks, StringComparison.Ordinal);
        Assert.DoesNotContain("payments", blocks, StringComparison.OrdinalIgnoreCase);

        // Each breach once: the next day's run sends nothing new…
        clock.Offset = TimeSpan.FromDays(1);
        Assert.Equal(0, await RunJobAsync(app));
        Assert.Single(smtp.Messages);
        Assert.Equal(2, webhooks.Posts.Count);
        Assert.Equal(5, await app.ScalarAsync("SELECT COUNT(*) FROM SlaBreachNotifications"));

        // …until another finding breaches: only it is sent, while the total counts both.
        await app.SeedFindingAsync(payments, "curl: CVE-2025-4444 in payments-api", FindingSeverity.High, slaDueAt: DateTimeOffset.UtcNow.AddHours(12));
        Assert.Equal(2, await RunJobAsync(app));
        var second = smtp.Messages.Last().Message;
        Assert.Contains("1 finding(s) newly past their SLA (3 overdue in all)", second.Subject, StringComparison.Ordinal);
        Assert.Contains("curl: CVE-2025-4444", second.TextBody, StringComparison.Ordinal);
        Assert.DoesNotContain("CVE-2025-1111", second.TextBody, StringComparison.Ordinal);
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action = 'sla-breach.notify' AND After LIKE '%\"breaches\":1%' AND After LIKE '%Email%'"));
    }

    [Fact]
    public async Task A_failing_webhook_is_retried_next_run_its_reason_kept_and_the_secret_url_never_shown()
    {
        await using var webhooks = await new WebhookRecorder().StartAsync();
        webhooks.StatusCode = 500;
        var clock = new ShiftableClock();
        await using var app = AppWithClock(clock);
        var team = await app.SeedTeamAsync("Campaigns");
        await app.SeedFindingAsync(team, "overdue one", slaDueAt: DateTimeOffset.UtcNow.AddDays(-1));
        var secretPath = "/slack/T000/B000/very-secret-token";
        var targetId = await AddTargetAsync(app, team, NotificationChannelKind.Slack, webhooks.Url(secretPath));

        Assert.Equal(0, await RunJobAsync(app));
        var target = await app.WithDbAsync(db => db.TeamNotificationTargets.AsNoTracking().SingleAsync(t => t.Id == targetId));
        Assert.Contains("HTTP 500", target.LastError, StringComparison.Ordinal);
        Assert.DoesNotContain("very-secret-token", target.LastError + target.DisplayAddress + target.AddressProtected, StringComparison.Ordinal);
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE After LIKE '%very-secret-token%' OR Before LIKE '%very-secret-token%'"));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM SlaBreachNotifications"));

        webhooks.StatusCode = 200;
        Assert.Equal(1, await RunJobAsync(app));
        Assert.Equal(2, webhooks.Posts.Count);
        Assert.Null((await app.WithDbAsync(db => db.TeamNotificationTargets.AsNoTracking().SingleAsync(t => t.Id == targetId))).LastError);
    }

    [Fact]
    public async Task Only_security_admins_manage_targets_and_webhooks_must_be_https_unless_allowed()
    {
        await using var app = new K8PostureAppFactory();
        var team = await app.SeedTeamAsync("Payroll");
        var analyst = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, "Sam"), new Claim(ClaimTypes.Role, Roles.SecurityAnalyst)], "test", ClaimTypes.Name, ClaimTypes.Role));

        var forbidden = await Assert.ThrowsAsync<ProblemException>(() => app.AsSystemAsync(sp =>
            sp.GetRequiredService<NotificationTargetService>().AddAsync(analyst, team, NotificationChannelKind.Email, "a@contoso.test", CancellationToken.None)));
        var plainHttp = await Assert.ThrowsAsync<ProblemException>(() => AddTargetAsync(app, team, NotificationChannelKind.Slack, "http://hooks.slack.example/services/x"));
        var notMail = await Assert.ThrowsAsync<ProblemException>(() => AddTargetAsync(app, team, NotificationChannelKind.Email, "not an address"));

        Assert.Equal(403, forbidden.StatusCode);
        Assert.Equal(400, plainHttp.StatusCode);
        Assert.Equal(400, notMail.StatusCode);
        var id = await AddTargetAsync(app, team, NotificationChannelKind.Slack, "https://hooks.slack.com/services/T1/B2/abcdefSECRET");
        var row = await app.WithDbAsync(db => db.TeamNotificationTargets.AsNoTracking().SingleAsync(t => t.Id == id));
        Assert.Equal("https://hooks.slack.com/…CRET", row.DisplayAddress);
        Assert.DoesNotContain("abcdefSECRET", row.AddressProtected, StringComparison.Ordinal);
    }
}
