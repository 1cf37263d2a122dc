using K8Posture.Data;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Scorecard;

/// <summary>"What about vulnerability management?" — the five areas, and who owns the policies.</summary>
public sealed class VulnerabilitySection
{
    public const string Name = "Vulnerability management";

    public Task<IReadOnlyList<ScorecardItem>> AnswerAsync(ScorecardFacts facts, CancellationToken cancellationToken)
    {
        var items = new List<ScorecardItem>();
        foreach (var category in Enum.GetValues<FindingCategory>())
        {
            var c = facts.Category(category);
            var label = category.Label();
            // Unknown: nothing reports this area (recently); Gap: High or Critical work is past its SLA; else covered.
            var status = c.ReportedLast30Days == 0 && c.Open.Open == 0 ? ScorecardStatus.Unknown
                : c.Open.Overdue > 0 && c.Open.HighOrWorse > 0 ? ScorecardStatus.Gap
                : ScorecardStatus.Covered;
            items.Add(new ScorecardItem("area-" + category.ToString().ToLowerInvariant(), Name, $"{label}: is it scanned for and fixed in time?",
                status,
                [
                    c.Reported == 0 ? "Nothing has reported on this area yet." : $"{RuleEvidence.Count(c.Reported)} finding(s) reported in all, {RuleEvidence.Count(c.ReportedLast30Days)} seen in the last 30 days.",
                    $"Open: {RuleEvidence.Count(c.Open.Open)}, of which {RuleEvidence.Count(c.Open.HighOrWorse)} High or Critical; {RuleEvidence.Count(c.Open.Overdue)} past their SLA.",
                ],
                "/findings?category=" + category, "Findings"));
        }
        var policy = facts.Policy;
        items.Add(new ScorecardItem("policy-ownership", Name, "Are the policies owned by the Security Team, and do results come back to one central place?",
            policy.Version == 0 ? ScorecardStatus.Gap : ScorecardStatus.Covered,
            policy.Version == 0
                ? ["The Security Team has not saved a policy yet: the built-in defaults apply. Only Security admins can change it (the server checks)."]
                : [$"Policy version {policy.Version}, saved by {policy.CreatedBy} on {policy.CreatedAt:yyyy-MM-dd}. Only Security admins can change it; app teams read it."],
            "/policy", "Policy"));
        return Task.FromResult<IReadOnlyList<ScorecardItem>>(items);
    }
}

/// <summary>"What are the other important things to learn?" — each answered by the rules that check it.</summary>
public sealed class LearningSection
{
    public const string Name = "Other things to learn";

    public async Task<IReadOnlyList<ScorecardItem>> AnswerAsync(ScorecardFacts facts, CancellationToken cancellationToken)
    {
        var collected = facts.Clusters.Where(c => c.LastSuccessAt is not null).ToList();
        var architecture = new ScorecardItem("architecture", Name, "What's the architecture of K8?",
            collected.Count == 0 ? ScorecardStatus.Unknown : ScorecardStatus.Covered,
            collected.Count == 0
                ? ["No cluster has been collected: nodes, namespaces, workloads and versions are not known."]
                : [$"{collected.Count} cluster(s) collected; versions: {string.Join(", ", collected.Select(c => c.ServerVersion ?? "?").Distinct().Order().Take(6))}."],
            "/clusters", "Clusters");

        var owaspOpen = await facts.Db.Findings.Where(f => f.Status == FindingStatus.Open && f.Resolution == FindingResolution.None && f.OwaspK8s != null)
            .Select(f => f.OwaspK8s!).Distinct().CountAsync(cancellationToken);
        var owasp = new ScorecardItem("owasp", Name, "What does OWASP have to say (Kubernetes Top 10, 2025)?",
            !facts.RulesEvaluated && owaspOpen == 0 ? ScorecardStatus.Unknown : owaspOpen > 0 ? ScorecardStatus.Gap : ScorecardStatus.Covered,
            [$"Every built-in rule maps to an OWASP Kubernetes Top 10 (2025) item; {owaspOpen} of the ten have open findings."],
            "/rules", "Rules");

        return
        [
            architecture,
            owasp,
            RuleEvidence.Judge(facts, "best-practices", Name, "What are K8 security best practices (Pod Security Standards)?", "the Pod Security Standards",
                "K8P-PSS-001", "K8P-PSS-002", "K8P-PSS-003", "K8P-PSS-004", "K8P-PSS-005", "K8P-PSS-016", "K8P-PSS-017"),
            RuleEvidence.Judge(facts, "authentication", Name, "How do you authenticate to K8 (tokens, service accounts)?", "no token is mounted where it is not needed",
                "K8P-RBAC-005", "K8P-RBAC-006"),
            RuleEvidence.Judge(facts, "authorisation", Name, "How do you get authorised on K8 (RBAC)?", "no wildcard or cluster-admin grants",
                "K8P-RBAC-001", "K8P-RBAC-002", "K8P-RBAC-003", "K8P-RBAC-004"),
            RuleEvidence.Judge(facts, "storage", Name, "What are my storage options and how do I secure them?", "no host paths or disallowed volume types",
                "K8P-HOST-001", "K8P-HOST-002", "K8P-PSS-012"),
            RuleEvidence.Judge(facts, "privilege-escalation", Name, "How do I limit privileged access and privilege escalation?", "no privileged, root or escalating containers",
                "K8P-PSS-002", "K8P-PSS-013", "K8P-PSS-014", "K8P-PSS-015", "K8P-CTR-001"),
            RuleEvidence.Judge(facts, "lateral-movement", Name, "How do I limit lateral movement within the virtual network?", "default-deny network policies and no needless exposure",
                "K8P-NET-001", "K8P-SVC-001"),
            RuleEvidence.Judge(facts, "registry-lockdown", Name, "How can I lock down my K8 to a specific registry?", "images only from the allow-list, pinned and tagged",
                "K8P-IMG-001", "K8P-IMG-002", "K8P-IMG-003"),
            RuleEvidence.Judge(facts, "secrets", Name, "How can I manage secrets in K8?", "no secrets in environment variables",
                "K8P-SEC-001", "K8P-SEC-002"),
            RuleEvidence.Judge(facts, "service-authentication", Name, "How can I authenticate my application services?", "each workload has its own identity, without powerful tokens",
                "K8P-RBAC-005", "K8P-RBAC-006"),
        ];
    }
}
