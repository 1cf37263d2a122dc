using K8Posture.Data;
using K8Posture.Features.Landscape;
using K8Posture.Features.Policy;
using K8Posture.Features.Raci;
using K8Posture.Features.Rules;
using K8Posture.Features.Scorecard;
using K8Posture.Security;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.ComponentTests.Features.Scorecard;

/// <summary>Issue 22, item 2: every figure on a live page follows the data it shows; the scorecard's runtime answers follow alerts.</summary>
public sealed class ScorecardPageFacts
{
    [Fact]
    public async Task An_open_scorecard_answers_the_sensor_question_again_when_an_alert_arrives()
    {
        await using var portal = new TestPortal();
        portal.Context.Services.AddSingleton(TimeProvider.System);
        portal.Context.Services.AddSingleton<AuditLog>();
        portal.Context.Services.AddSingleton<RaciChangeNotifier>();
        portal.Context.Services.AddSingleton<RaciService>();
        portal.Context.Services.AddSingleton<RuleCatalogue>();
        portal.Context.Services.AddSingleton<PolicyStore>();
        portal.Context.Services.AddScorecard();
        portal.SignIn("lee", Roles.LeadershipViewer);
        var cut = portal.Context.Render<ScorecardPage>();
        cut.WaitForAssertion(() => Assert.Equal("Unknown", cut.Find("[data-testid=scorecard-ioc-sensors]").GetAttribute("data-status")));

        await using (var db = portal.CreateSystemContext())
        {
            var now = DateTimeOffset.UtcNow;
            db.RuntimeAlerts.Add(new K8Posture.Features.Alerts.RuntimeAlert
            {
                Source = "falco", DedupeKey = Guid.NewGuid().ToString("N"), Rule = "Terminal shell in container",
                OccurredAt = now, FirstSeenAt = now, LastSeenAt = now, ReceivedAt = now,
            });
            await db.SaveChangesAsync();
        }
        portal.Context.Services.GetRequiredService<RuntimeSignalsChangeNotifier>().NotifyRuntimeSignalsChanged();

        cut.WaitForAssertion(() => Assert.Equal("Covered", cut.Find("[data-testid=scorecard-ioc-sensors]").GetAttribute("data-status")));
        Assert.Contains("falco", cut.Find("[data-testid=scorecard-ioc-sensors]").TextContent, StringComparison.Ordinal);
    }
}
