using K8Posture.Data;
using K8Posture.Features.Tickets;

namespace K8Posture.UnitTests.Features.Tickets;

public sealed class TicketGroupsFacts
{
    private static TicketFindingFacts Vulnerability(long id, string cve, FindingSeverity severity = FindingSeverity.High, string repository = "library/nginx", string tag = "1.25") =>
        new(id, "flaw", severity, FindingCategory.Vulnerability, cve, null, "openssl", "3.0.1", "3.0.8", repository, tag, 1, "web", "Deployment", "frontend");

    private static TicketFindingFacts Misconfiguration(long id, string rule, string workload = "frontend") =>
        new(id, "Privileged container", FindingSeverity.Critical, FindingCategory.KubernetesMisconfiguration, null, rule, null, null, null, null, null, 1, "web", "Deployment", workload);

    [Fact]
    public void By_default_the_vulnerabilities_of_one_image_share_a_ticket_titled_by_the_upgrade()
    {
        var members = new[] { Vulnerability(1, "CVE-2024-1", FindingSeverity.Critical), Vulnerability(2, "CVE-2024-2", FindingSeverity.Critical), Vulnerability(3, "CVE-2024-3"), Vulnerability(4, "CVE-2024-3") };

        var keys = members.Select(m => TicketGroups.Key(TicketGrouping.ImageOrWorkloadFix, m)).Distinct().ToList();

        Assert.Equal(["image|library/nginx:1.25"], keys);
        Assert.Equal("Upgrade library/nginx:1.25 → fixes 3 CVEs (2 critical)", TicketGroups.Title(keys[0], members));
    }

    [Fact]
    public void Another_tag_of_the_same_image_is_another_fix_and_another_ticket()
    {
        Assert.NotEqual(TicketGroups.Key(TicketGrouping.ImageOrWorkloadFix, Vulnerability(1, "CVE-1", tag: "1.25")),
            TicketGroups.Key(TicketGrouping.ImageOrWorkloadFix, Vulnerability(2, "CVE-1", tag: "1.26")));
    }

    [Fact]
    public void Misconfigurations_group_by_workload_and_per_rule_grouping_groups_by_rule_across_workloads()
    {
        var a = Misconfiguration(1, "K8P-001", "frontend");
        var b = Misconfiguration(2, "K8P-002", "frontend");
        var c = Misconfiguration(3, "K8P-001", "backend");

        Assert.Equal(TicketGroups.Key(TicketGrouping.ImageOrWorkloadFix, a), TicketGroups.Key(TicketGrouping.ImageOrWorkloadFix, b));
        Assert.Equal("Harden Deployment web/frontend → fixes 2 findings (2 critical)", TicketGroups.Title(TicketGroups.Key(TicketGrouping.ImageOrWorkloadFix, a), [a, b]));
        Assert.Equal(TicketGroups.Key(TicketGrouping.Rule, a), TicketGroups.Key(TicketGrouping.Rule, c));
        Assert.NotEqual(TicketGroups.Key(TicketGrouping.Rule, a), TicketGroups.Key(TicketGrouping.Rule, b));
    }

    [Fact]
    public void Per_finding_and_per_cve_grouping_split_as_named()
    {
        var x = Vulnerability(1, "CVE-2024-9", repository: "a/one");
        var y = Vulnerability(2, "CVE-2024-9", repository: "b/two");

        Assert.Equal(TicketGroups.Key(TicketGrouping.Cve, x), TicketGroups.Key(TicketGrouping.Cve, y));
        Assert.NotEqual(TicketGroups.Key(TicketGrouping.Finding, x), TicketGroups.Key(TicketGrouping.Finding, y));
        Assert.Equal("Fix CVE-2024-9 in 2 places", TicketGroups.Title(TicketGroups.Key(TicketGrouping.Cve, x), [x, y]));
    }

    [Fact]
    public void The_group_label_is_stable_per_mapping_and_valid_as_a_jira_label()
    {
        var label = TicketGroups.Label(7, "image|library/nginx:1.25");

        Assert.Equal(label, TicketGroups.Label(7, "image|library/nginx:1.25"));
        Assert.NotEqual(label, TicketGroups.Label(8, "image|library/nginx:1.25"));
        Assert.Matches("^k8p-[0-9a-f]{16}$", label);
    }
}
