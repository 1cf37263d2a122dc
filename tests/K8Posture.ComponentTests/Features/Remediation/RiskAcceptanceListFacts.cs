using Bunit;
using K8Posture.Data;
using K8Posture.Features.Remediation;
using K8Posture.Security;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace K8Posture.ComponentTests.Features.Remediation;

public sealed class RiskAcceptanceListFacts
{
    private static async Task<(TestPortal Portal, long OwnId, long OtherId)> PortalWithTwoPendingAsync()
    {
        var portal = new TestPortal();
        portal.Context.Services.AddSingleton(TimeProvider.System);
        portal.Context.Services.AddSingleton<AuditLog>();
        portal.Context.Services.AddSingleton(Options.Create(new RemediationOptions()));
        portal.Context.Services.AddSingleton<RiskAcceptanceService>();
        long own, other;
        await using (var db = portal.CreateSystemContext())
        {
            var team = new Team { Name = "Payments" };
            db.Teams.Add(team);
            await db.SaveChangesAsync();
            RiskAcceptance Pending(string by) => new()
            {
                RuleId = "CVE-2025-1", OwnerTeamId = team.Id, Severity = FindingSeverity.High, Reason = "a reason long enough",
                RequestedAt = DateTimeOffset.UtcNow, RequestedBy = by, RequestedBySubject = "local:" + by, ExpiresAt = DateTimeOffset.UtcNow.AddDays(10),
            };
            var mine = Pending("Sam Analyst");
            var theirs = Pending("Payments member");
            db.RiskAcceptances.AddRange(mine, theirs);
            await db.SaveChangesAsync();
            (own, other) = (mine.Id, theirs.Id);
        }
        return (portal, own, other);
    }

    [Fact]
    public async Task An_analyst_gets_no_approve_button_on_their_own_request_but_does_on_others()
    {
        var (portal, own, other) = await PortalWithTwoPendingAsync();
        await using var _ = portal;
        portal.SignIn("Sam Analyst", Roles.SecurityAnalyst);

        var list = portal.Context.Render<RiskAcceptanceList>();

        var rows = list.FindAll("[data-testid=approval-row]");
        Assert.Equal(2, rows.Count);
        var ownRow = rows.Single(r => r.QuerySelector("td")!.TextContent.Trim() == own.ToString());
        var otherRow = rows.Single(r => r.QuerySelector("td")!.TextContent.Trim() == other.ToString());
        Assert.NotNull(ownRow.QuerySelector("[data-testid=own-request]"));
        Assert.Null(ownRow.QuerySelector("[data-testid=approve]"));
        Assert.NotNull(otherRow.QuerySelector("[data-testid=approve]"));
    }

    [Fact]
    public async Task An_app_team_member_sees_the_list_but_no_approval_queue()
    {
        var (portal, _, _) = await PortalWithTwoPendingAsync();
        await using var __ = portal;
        int teamId;
        await using (var db = portal.CreateSystemContext())
        {
            teamId = db.Teams.Single().Id;
        }
        portal.SignIn("Payments member", Roles.AppTeamMember, teamId);

        var list = portal.Context.Render<RiskAcceptanceList>();

        Assert.Empty(list.FindAll("[data-testid=approval-queue]"));
        Assert.Equal(2, list.FindAll("[data-testid=acceptance-status]").Count);
    }
}
