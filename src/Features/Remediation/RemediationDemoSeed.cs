using System.Security.Claims;
using K8Posture.Data;
using K8Posture.Features.Demo;
using K8Posture.Security;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Remediation;

/// <summary>
/// The remediation part of the demo: findings aged across their SLA (some overdue, some due soon), the closures of the
/// upgrade re-scans spread over that time, work in progress with
/// assignees and comments, a pending and two approved risk acceptances (one about to expire), and 90 days of metrics.
/// </summary>
public sealed class RemediationDemoSeed : IDemoSeedContributor
{
    public int Order => 50;

    private static readonly (FindingSeverity Severity, int SlaDays)[] Slas =
        [(FindingSeverity.Critical, 7), (FindingSeverity.High, 30), (FindingSeverity.Medium, 90), (FindingSeverity.Low, 180)];

    /// <summary>Age as a share of the SLA, by finding id modulo 10: about a fifth overdue and a tenth due within days.</summary>
    private static readonly double[] AgeShares = [0.05, 0.15, 0.3, 0.45, 0.6, 0.75, 0.85, 0.95, 1.25, 1.8];

    private static readonly string[] People = ["Priya Shah", "Tom Becker", "Aiko Tanaka", "Luis Romero", "Nora Lind"];

    public async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var clock = services.GetRequiredService<TimeProvider>();
        var now = clock.GetUtcNow();
        await using (var db = await services.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync(cancellationToken))
        {
            // Scans were all pushed just now; spread first-seen dates so due dates fall before and after today.
            foreach (var (severity, slaDays) in Slas)
            {
                for (var bucket = 0; bucket < AgeShares.Length; bucket++)
                {
                    var firstSeen = now.AddHours(-Math.Round(AgeShares[bucket] * slaDays * 24));
                    var due = firstSeen.AddDays(slaDays);
                    var b = bucket;
                    await db.Findings.Where(f => f.Severity == severity && f.Id % 10 == b)
                        .ExecuteUpdateAsync(s => s.SetProperty(f => f.FirstSeenAt, firstSeen).SetProperty(f => f.SlaDueAt, due), cancellationToken);
                    // The history starts when the finding was first seen, before the work on it.
                    await db.FindingEvents.Where(e => e.Kind == FindingEventKind.Created && e.Finding!.Severity == severity && e.FindingId % 10 == b)
                        .ExecuteUpdateAsync(s => s.SetProperty(e => e.At, firstSeen), cancellationToken);
                }
            }

            // The upgrade re-scans closed some findings just now; spread those closures between first seen and today.
            var closedRandom = new Random(11);
            var closed = await db.Findings.Where(f => f.Status == FindingStatus.Closed && f.ClosedAt != null).ToDictionaryAsync(f => f.Id, cancellationToken);
            foreach (var finding in closed.Values)
            {
                var closedAt = finding.FirstSeenAt + (now - finding.FirstSeenAt) * (0.3 + 0.7 * closedRandom.NextDouble());
                finding.ClosedAt = closedAt;
                finding.LastSeenAt = closedAt;
            }
            var closedIds = closed.Keys.ToList();
            foreach (var closedEvent in await db.FindingEvents.Where(e => e.Kind == FindingEventKind.Closed && closedIds.Contains(e.FindingId)).ToListAsync(cancellationToken))
            {
                closedEvent.At = closed[closedEvent.FindingId].ClosedAt!.Value;
            }

            var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Name, t => t.Id, cancellationToken);
            var random = new Random(7);
            foreach (var teamName in new[] { "Payments", "Storefront", "Payroll", "Platform" })
            {
                if (!teams.TryGetValue(teamName, out var teamId))
                {
                    continue;
                }
                var work = await db.Findings.Where(f => f.OwnerTeamId == teamId && f.Status == FindingStatus.Open && f.Severity >= FindingSeverity.High)
                    .OrderByDescending(f => f.Severity).ThenBy(f => f.SlaDueAt).Take(4).ToListAsync(cancellationToken);
                for (var i = 0; i < work.Count; i++)
                {
                    var finding = work[i];
                    var person = People[random.Next(People.Length)];
                    var at = now.AddDays(-random.Next(1, 6)).AddHours(-random.Next(0, 8));
                    if (at < finding.FirstSeenAt)
                    {
                        at = finding.FirstSeenAt + ((now - finding.FirstSeenAt) / 2);
                    }
                    finding.Assignee = person;
                    finding.Workflow = i == 3 ? FindingWorkflow.Resolved : FindingWorkflow.InProgress;
                    db.FindingEvents.Add(new FindingEvent { FindingId = finding.Id, Kind = FindingEventKind.AssigneeChanged, At = at, Actor = $"{teamName} member", Detail = $"assigned to {person}" });
                    db.FindingEvents.Add(new FindingEvent { FindingId = finding.Id, Kind = FindingEventKind.WorkflowChanged, At = at.AddMinutes(5), Actor = person, Detail = $"Open → {finding.Workflow}" });
                    var text = i == 3
                        ? "Rebuilt on the patched base image and redeployed; waiting for the nightly scan to confirm."
                        : finding.FixedVersion is { Length: > 0 } fix
                            ? $"Bumping {finding.PackageName} to {fix} in the base image; PR is in review."
                            : "No upstream fix yet; evaluating a distroless base image to drop the package entirely.";
                    db.FindingComments.Add(new FindingComment { FindingId = finding.Id, At = at.AddMinutes(6), Author = person, Text = text });
                    db.FindingEvents.Add(new FindingEvent { FindingId = finding.Id, Kind = FindingEventKind.Commented, At = at.AddMinutes(6), Actor = person, Detail = text });
                }
            }
            await db.SaveChangesAsync(cancellationToken);
        }

        await SeedRiskAcceptancesAsync(services, now, cancellationToken);
        await DemoPersonas.RunJobAsync<RemediationMetricsJob>(services, job => job.RunAsync(cancellationToken));
        await BackfillMetricsAsync(services, cancellationToken);
    }

    private static ClaimsPrincipal Person(string name, string role, int? teamId = null) => DemoPersonas.Person(name, role, teamId);

    private static async Task SeedRiskAcceptancesAsync(IServiceProvider services, DateTimeOffset now, CancellationToken cancellationToken)
    {
        Task<T> Act<T>(ClaimsPrincipal person, Func<RiskAcceptanceService, ClaimsPrincipal, Task<T>> act) => DemoPersonas.ActAsync(services, person, act);
        await using var db = await services.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Name, t => t.Id, cancellationToken);
        async Task<Finding?> PickAsync(string team, FindingSeverity severity) => teams.TryGetValue(team, out var id)
            ? await db.Findings.AsNoTracking().Where(f => f.OwnerTeamId == id && f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None
                    && f.Workflow == FindingWorkflow.Open && f.Severity == severity && f.VulnerabilityId != null)
                .OrderBy(f => f.Id).FirstOrDefaultAsync(cancellationToken)
            : null;
        var analyst = Person("Sam Analyst", Roles.SecurityAnalyst);

        if (await PickAsync("Payments", FindingSeverity.High) is { } pending)
        {
            await Act(Person("Payments member", Roles.AppTeamMember, pending.OwnerTeamId), (acceptances, me) => acceptances.RequestAsync(me,
                new RiskAcceptanceRequest(pending.Id, null, null, null, null, null,
                    $"{pending.VulnerabilityId} is in a package the payments API never loads at runtime (build tooling only); the image is rebuilt on the Q1 base image upgrade.",
                    now.AddDays(60)), cancellationToken));
        }
        if (await PickAsync("Storefront", FindingSeverity.Medium) is { } nearExpiry)
        {
            var id = await Act(Person("Storefront member", Roles.AppTeamMember, nearExpiry.OwnerTeamId), (acceptances, me) => acceptances.RequestAsync(me,
                new RiskAcceptanceRequest(nearExpiry.Id, null, null, null, null, null,
                    "Only reachable with a crafted local file; the web shop container runs read-only with no shell. Vendor fix expected this quarter.",
                    now.AddDays(5)), cancellationToken));
            await Act(analyst, (acceptances, me) => acceptances.DecideAsync(me, id, approve: true, "Accepted until the vendor release; re-check then.", cancellationToken));
            await db.RiskAcceptances.Where(r => r.Id == id).ExecuteUpdateAsync(s => s.SetProperty(r => r.RequestedAt, now.AddDays(-40)).SetProperty(r => r.DecidedAt, now.AddDays(-38)), cancellationToken);
        }
        if (await PickAsync("Platform", FindingSeverity.Low) is { } platform && platform.VulnerabilityId is { } cve)
        {
            var id = await Act(Person("Platform member", Roles.AppTeamMember, platform.OwnerTeamId), (acceptances, me) => acceptances.RequestAsync(me,
                new RiskAcceptanceRequest(null, cve, null, null, null, platform.OwnerTeamId,
                    $"{cve} affects a CLI utility in the CI runner images that only runs in ephemeral build pods without network policy exceptions.",
                    now.AddDays(120)), cancellationToken));
            await Act(Person("Ada Admin", Roles.SecurityAdmin), (acceptances, me) => acceptances.DecideAsync(me, id, approve: true, "Accepted for the CI runners only.", cancellationToken));
        }
    }

    /// <summary>Ninety believable days leading to today's real snapshot.</summary>
    private static async Task BackfillMetricsAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var db = await services.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync(cancellationToken);
        var today = await db.RemediationMetricSnapshots.Where(s => s.TeamId != null).ToListAsync(cancellationToken);
        var rows = new List<RemediationMetricSnapshot>();
        foreach (var current in today)
        {
            var random = new Random(current.TeamId!.Value * 31);
            // The history leads to today's real figures: backlogs shrinking slowly, compliance improving, MTTR falling, with
            // noise. A team that closed nothing today closed nothing before either, so no figure is made up for today.
            var compliance = current.SlaCompliancePercent;
            var mttr = current.MttrHours;
            for (var back = 90; back >= 1; back--)
            {
                var remaining = back / 90.0;
                var noise = 1 + ((random.NextDouble() - 0.5) * 0.08);
                var open = (int)Math.Round(current.Open * (1 + (0.35 * remaining)) * noise);
                var overdue = (int)Math.Round(Math.Max(current.Overdue, 1) * (1 + (0.6 * remaining)) * noise);
                var closed = Math.Max(0, (int)Math.Round(current.ClosedInPeriod * (0.8 + (0.4 * random.NextDouble()))));
                rows.Add(new RemediationMetricSnapshot
                {
                    Day = current.Day.AddDays(-back),
                    TeamId = current.TeamId,
                    Open = open,
                    Overdue = Math.Min(open, overdue),
                    ClosedInPeriod = closed,
                    MttrHours = mttr is { } hours ? Math.Round(hours * (1 + (0.6 * remaining)) * (0.9 + (0.2 * random.NextDouble())), 1) : null,
                    SlaCompliancePercent = compliance is { } percent ? Math.Round(Math.Clamp(percent - (15 * remaining) + ((random.NextDouble() - 0.5) * 6), 0, 100), 1) : null,
                });
            }
        }
        db.RemediationMetricSnapshots.AddRange(rows);
        await db.SaveChangesAsync(cancellationToken);
    }
}
