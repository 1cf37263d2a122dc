using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using K8Posture.Data;

namespace K8Posture.Features.Tickets;

/// <summary>The fields of a finding that decide its ticket group and its line in the ticket body.</summary>
public sealed record TicketFindingFacts(long Id, string Title, FindingSeverity Severity, FindingCategory Category, string? VulnerabilityId, string? RuleId,
    string? PackageName, string? InstalledVersion, string? FixedVersion, string? ImageRepository, string? ImageTag, int? ClusterId, string? NamespaceName,
    string? ResourceKind, string? ResourceName);

/// <summary>
/// Which ticket a finding belongs to. By default one ticket per image (vulnerabilities: upgrading the image is the fix) or per
/// workload (misconfigurations: hardening the workload is the fix); or one per finding, per CVE, per rule.
/// </summary>
public static class TicketGroups
{
    public static string Key(TicketGrouping grouping, TicketFindingFacts f) => grouping switch
    {
        TicketGrouping.Finding => "finding|" + f.Id.ToString(CultureInfo.InvariantCulture),
        TicketGrouping.Cve when f.VulnerabilityId is { Length: > 0 } cve => "cve|" + cve,
        TicketGrouping.Rule or TicketGrouping.Cve when f.RuleId is { Length: > 0 } rule => "rule|" + rule,
        TicketGrouping.Rule when f.VulnerabilityId is { Length: > 0 } cve => "cve|" + cve,
        _ when f.VulnerabilityId is not null && f.ImageRepository is { Length: > 0 } repository => $"image|{repository}:{f.ImageTag ?? "latest"}",
        _ when f.ResourceName is { Length: > 0 } name => $"workload|{f.ClusterId}/{f.NamespaceName}/{f.ResourceKind}/{name}",
        _ => "finding|" + f.Id.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>The ticket's title from its group key and current members, e.g. "Upgrade library/nginx:1.25 → fixes 14 CVEs (2 critical)".</summary>
    public static string Title(string groupKey, IReadOnlyCollection<TicketFindingFacts> members)
    {
        var critical = members.Count(m => m.Severity == FindingSeverity.Critical);
        var criticalText = critical > 0 ? $" ({critical} critical)" : "";
        var subject = groupKey.Split('|', 2) is [_, var rest] ? rest : groupKey;
        var title = groupKey.Split('|', 2)[0] switch
        {
            "image" => $"Upgrade {subject} → fixes {Plural(members.Select(m => m.VulnerabilityId).Distinct().Count(), "CVE")}{criticalText}",
            "workload" => $"Harden {Workload(members.FirstOrDefault())} → fixes {Plural(members.Count, "finding")}{criticalText}",
            "cve" => $"Fix {subject} in {Plural(members.Count, "place")}{criticalText}",
            "rule" => $"Fix rule {subject} on {Plural(members.Count, "resource")}{criticalText}",
            _ => members.FirstOrDefault()?.Title ?? "Finding " + subject,
        };
        return K8Posture.Shared.ColumnLengths.Clip(title, TicketColumns.Title);
    }

    /// <summary>The label (Jira) or tag (Azure DevOps) that carries the group on the remote ticket: found again after a crash.</summary>
    public static string Label(int mappingId, string groupKey) =>
        "k8p-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(mappingId.ToString(CultureInfo.InvariantCulture) + "\n" + groupKey)))[..16];

    public static string Line(TicketFindingFacts f)
    {
        var text = new StringBuilder($"[{f.Severity}] ");
        if (f.VulnerabilityId is { Length: > 0 } cve)
        {
            text.Append(cve).Append(' ').Append(f.PackageName).Append(' ').Append(f.InstalledVersion);
            text.Append(f.FixedVersion is { Length: > 0 } fix ? " → " + fix : " (no fix yet)");
        }
        else
        {
            text.Append(f.RuleId).Append(' ').Append(f.Title).Append(" on ").Append(Workload(f));
        }
        return text.ToString();
    }

    private static string Workload(TicketFindingFacts? f) => f is null ? "a workload" : $"{f.ResourceKind} {f.NamespaceName}/{f.ResourceName}";

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";
}
