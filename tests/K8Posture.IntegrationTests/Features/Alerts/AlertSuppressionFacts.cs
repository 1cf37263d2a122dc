using K8Posture.Shared.Http;
using System.Net;
using System.Security.Claims;
using System.Text.Json;
using K8Posture.Features.Alerts;
using K8Posture.Features.Policy;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using K8Posture.Shared;

namespace K8Posture.IntegrationTests.Features.Alerts;

/// <summary>A suppression added later hides what already arrived, and removing it shows it again; only Security admins may do either.</summary>
public sealed class AlertSuppressionFacts
{
    private static ClaimsPrincipal Person(string role) =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, role + " person"), new Claim(ClaimTypes.Role, role)], "test", ClaimTypes.Name, ClaimTypes.Role));

    private static async Task<int> VisibleAsync(HttpClient reader)
    {
        var body = JsonDocument.Parse(await reader.GetStringAsync("/api/v1/alerts?pageSize=100")).RootElement;
        return body.GetProperty("total").GetInt32();
    }

    [Fact]
    public async Task A_suppression_added_later_hides_stored_alerts_and_removing_it_shows_them_again()
    {
        await using var app = new K8PostureAppFactory();
        var ingest = app.CreateApiClient(await app.CreateApiKeyAsync("ingest"));
        var pushed = await AlertIngestFacts.OutcomeAsync(await AlertIngestFacts.PushAsync(ingest, TestFixtures.Read("falco/falco-regression-single_rule_with_cat_write.jsonl"), "cluster=lab"));
        Assert.True(pushed.Created > 0);
        var reader = await app.SignedInClientAsync(Roles.SecurityAnalyst);
        var before = await VisibleAsync(reader);
        var rule = await app.WithDbAsync(db => db.RuntimeAlerts.Select(a => a.Rule).FirstAsync());
        var ofRule = await app.WithDbAsync(db => db.RuntimeAlerts.CountAsync(a => a.Rule == rule));

        // An analyst may not; nothing changes.
        var refused = await Assert.ThrowsAsync<ProblemException>(() => app.AsSystemAsync(s =>
            s.GetRequiredService<AlertSuppressionService>().AddAsync(Person(Roles.SecurityAnalyst), new AlertSuppression { RuleId = rule, Reason = "noise" }, CancellationToken.None)));
        Assert.Equal(StatusCodes.Status403Forbidden, refused.StatusCode);
        Assert.Equal(before, await VisibleAsync(reader));

        var hidden = await app.AsSystemAsync(s =>
            s.GetRequiredService<AlertSuppressionService>().AddAsync(Person(Roles.SecurityAdmin), new AlertSuppression { RuleId = rule, Cluster = "lab", Reason = "Known lab noise" }, CancellationToken.None));

        Assert.Equal(ofRule, hidden);
        Assert.Equal(before - ofRule, await VisibleAsync(reader));
        Assert.Equal(ofRule, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts WHERE SuppressedBy IS NOT NULL"));
        var policy = await app.AsSystemAsync(s => s.GetRequiredService<PolicyStore>().GetCurrentAsync(CancellationToken.None));
        var suppression = Assert.Single(policy.Document.AlertSuppressions);
        Assert.Equal("Known lab noise", suppression.Reason);
        Assert.Equal(1, await app.ScalarAsync("SELECT COUNT(*) FROM AuditEvents WHERE Action LIKE 'policy%'"));

        // A suppression of everything is refused.
        var everything = await Assert.ThrowsAsync<ProblemException>(() => app.AsSystemAsync(s =>
            s.GetRequiredService<AlertSuppressionService>().AddAsync(Person(Roles.SecurityAdmin), new AlertSuppression { Reason = "all" }, CancellationToken.None)));
        Assert.Equal(StatusCodes.Status400BadRequest, everything.StatusCode);

        var shown = await app.AsSystemAsync(s =>
            s.GetRequiredService<AlertSuppressionService>().RemoveAsync(Person(Roles.SecurityAdmin), suppression.Key, CancellationToken.None));

        Assert.Equal(ofRule, shown);
        Assert.Equal(before, await VisibleAsync(reader));
        Assert.Equal(0, await app.ScalarAsync("SELECT COUNT(*) FROM RuntimeAlerts WHERE SuppressedBy IS NOT NULL"));
    }
}
