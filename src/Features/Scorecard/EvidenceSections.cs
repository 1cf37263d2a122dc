using K8Posture.Data;
using K8Posture.Features.Alerts;
using K8Posture.Features.Inventory;
using K8Posture.Features.Raci;
using K8Posture.Features.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Scorecard;

/// <summary>Tenancy assessments and the RACI matrix, the governance half of "single- or multi-tenant" and "the public cloud".</summary>
public sealed class GovernanceSection(RaciService raci)
{
    public async Task<IReadOnlyList<ScorecardItem>> AnswerAsync(ScorecardFacts facts, CancellationToken cancellationToken)
    {
        var assessments = await facts.Db.TenancyAssessments.AsNoTracking()
            .GroupBy(a => a.Status).Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        var approved = assessments.Where(a => a.Key == AssessmentStatus.Approved).Sum(a => a.Count);
        var pending = assessments.Where(a => a.Key == AssessmentStatus.Submitted).Sum(a => a.Count);
        var overdue = await facts.Db.TenancyAssessments.AsNoTracking()
            .CountAsync(a => a.Status == AssessmentStatus.Approved && a.ReassessDueAt != null && a.ReassessDueAt < facts.Now, cancellationToken);
        var mismatches = facts.Open(TenancyMismatchJob.RuleId);
        var tenancy = new ScorecardItem("tenancy-assessments", TenancySection.Name,
            "Are applications placed by an approved tenancy-risk assessment (co-tenant risk, data, legal scope)?",
            approved + pending == 0 ? ScorecardStatus.Unknown : mismatches.Open > 0 || overdue > 0 ? ScorecardStatus.Gap : ScorecardStatus.Covered,
            [
                $"{approved} approved assessment(s), {pending} waiting for the Security Team, {overdue} past their re-assessment date.",
                $"{mismatches.Open} application(s) run less isolated than their assessment recommends ({TenancyMismatchJob.RuleId}).",
            ],
            "/governance/tenancy", "Tenancy assessments");

        var matrix = await raci.GetCurrentAsync(cancellationToken);
        var violations = matrix.Violations;
        var cloudIam = facts.Category(FindingCategory.CloudIamVpcMisconfiguration);
        var raciItem = new ScorecardItem("raci", PublicCloudSection.Name, "What is the RACI and how does it support the cloud IAM model?",
            matrix.Version == 0 && violations.Count == 0 ? ScorecardStatus.Unknown : violations.Count > 0 ? ScorecardStatus.Gap : ScorecardStatus.Covered,
            [
                violations.Count == 0
                    ? "Every activity of the RACI matrix has exactly one Accountable and at least one Responsible party."
                    : $"{violations.Count} RACI violation(s): {string.Join("; ", violations.Take(3).Select(v => v.ActivityName + " — " + v.Detail))}{(violations.Count > 3 ? "; …" : "")}.",
                $"Open cloud IAM/VPC findings: {RuleEvidence.Count(cloudIam.Open.Open)}.",
            ],
            "/governance/raci", "RACI matrix");
        return [tenancy, raciItem];
    }
}

/// <summary>"How do I build an inventory of Docker/K8?"</summary>
public sealed class InventorySection
{
    public const string Name = "Inventory";

    public async Task<IReadOnlyList<ScorecardItem>> AnswerAsync(ScorecardFacts facts, CancellationToken cancellationToken)
    {
        var kinds = await facts.Db.InventoryRecords.AsNoTracking().GroupBy(r => r.Kind)
            .Select(g => new { g.Key, Count = g.Count(), Recent = g.Count(r => r.LastSeenAt >= facts.Since30Days) })
            .ToDictionaryAsync(g => g.Key, cancellationToken);
        int Count(InventoryKind kind) => kinds.TryGetValue(kind, out var k) ? k.Count : 0;
        int Recent(InventoryKind kind) => kinds.TryGetValue(kind, out var k) ? k.Recent : 0;
        var discovered = facts.Clusters.Count(c => !c.IsManaged);
        var dockerHub = await facts.Db.EgressDaily.AsNoTracking()
            .Where(e => e.Registry == "docker-hub" && e.Day >= DateOnly.FromDateTime(facts.Since30Days.UtcDateTime))
            .SumAsync(e => (long?)e.Requests, cancellationToken) ?? 0;

        ScorecardItem Item(string id, string question, InventoryKind kind, string found, bool gap, string? gapText = null) => new(id, Name, question,
            Count(kind) == 0 ? ScorecardStatus.Unknown : gap ? ScorecardStatus.Gap : ScorecardStatus.Covered,
            Count(kind) == 0 ? ["Nothing of this kind has been pushed to POST /api/v1/ingest/inventory yet."]
                : gap && gapText is not null ? [found, gapText] : [found],
            "/inventory", "Inventory");

        return
        [
            Item("inventory-cloud", "Are the public cloud APIs scripted to list every managed Kubernetes cluster?", InventoryKind.CloudCluster,
                $"{Count(InventoryKind.CloudCluster)} cloud cluster(s) listed, {Recent(InventoryKind.CloudCluster)} seen in the last 30 days.",
                discovered > 0, $"{discovered} cluster(s) found by inventory match no registered cluster (discovered, unmanaged)."),
            Item("inventory-desktops", "Is device management searched for Docker running on desktops?", InventoryKind.Desktop,
                $"{Count(InventoryKind.Desktop)} desktop(s) running a container engine.", false),
            Item("inventory-egress", "Are netflow and proxy logs watched for docker.io and Helm pulls?", InventoryKind.EgressPull,
                $"{Count(InventoryKind.EgressPull)} host → registry pair(s) seen; {dockerHub:N0} Docker Hub request(s) in the last 30 days.",
                dockerHub > 0, "Hosts still pull from Docker Hub directly rather than through the pipeline's golden images."),
            Item("inventory-scans", "Are networks scanned for the well-known Kubernetes, OpenShift and Rancher ports?", InventoryKind.NetworkEndpoint,
                $"{Count(InventoryKind.NetworkEndpoint)} endpoint(s) answer on a Kubernetes port.", false),
        ];
    }
}

/// <summary>"What about detection of IOC in K8?" — one question per IOC class of the study guide.</summary>
public sealed class DetectionSection
{
    public const string Name = "Detection of IOC";

    private static readonly (IocClass Class, string Question)[] Questions =
    [
        (IocClass.PrivilegedContainerSpawn, "Privileged containers spawning more containers"),
        (IocClass.HostMount, "Attempts to mount local volumes to root directories of the host"),
        (IocClass.WriteBelowSystemDirectory, "Attempts to read or overwrite /etc or /bin"),
        (IocClass.ServiceAccountTokenAccess, "Attempts to read the pod's service-account credentials and query the kube API"),
        (IocClass.CloudMetadataAccess, "Attempts to reach the public cloud metadata API"),
        (IocClass.SuspiciousTool, "netcat, ssh, sudo, curl or wget run inside a container"),
    ];

    public async Task<IReadOnlyList<ScorecardItem>> AnswerAsync(ScorecardFacts facts, CancellationToken cancellationToken)
    {
        var sources = await facts.Db.RuntimeAlerts.AsNoTracking().Where(a => a.LastSeenAt >= facts.Since30Days)
            .Select(a => a.Source).Distinct().ToListAsync(cancellationToken);
        var byClass = await facts.Db.RuntimeAlerts.AsNoTracking()
            .Where(a => a.LastSeenAt >= facts.Since30Days && a.SuppressedBy == null)
            .GroupBy(a => a.IocClass)
            .Select(g => new { g.Key, Count = g.Count(), Untriaged = g.Count(a => a.Triage == AlertTriageState.New) })
            .ToDictionaryAsync(g => g.Key, cancellationToken);
        var items = new List<ScorecardItem>
        {
            new("ioc-sensors", Name, "Are sensors on the platform (StackRox, Falco, CrowdStrike Falcon) pointing back to one place and the SIEM?",
                sources.Count == 0 ? ScorecardStatus.Unknown : ScorecardStatus.Covered,
                sources.Count == 0 ? ["No runtime sensor has reported in the last 30 days."] : [$"Sensors reporting in the last 30 days: {string.Join(", ", sources.Order())}."],
                "/alerts", "Alerts"),
        };
        foreach (var (iocClass, question) in Questions)
        {
            var counts = byClass.GetValueOrDefault(iocClass);
            var status = sources.Count == 0 ? ScorecardStatus.Unknown : counts is { Untriaged: > 0 } ? ScorecardStatus.Gap : ScorecardStatus.Covered;
            items.Add(new ScorecardItem("ioc-" + iocClass.ToString().ToLowerInvariant(), Name, question + "?", status,
                sources.Count == 0 ? ["No runtime sensor data, so this is not watched."]
                    : counts is null ? ["Sensors report; none of this class in the last 30 days."]
                    : [$"{counts.Count} alert(s) of this class in the last 30 days, {counts.Untriaged} not yet triaged."],
                "/alerts", "Alerts"));
        }
        return items;
    }
}
