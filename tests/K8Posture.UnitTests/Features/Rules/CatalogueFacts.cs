using K8Posture.Features.Ingestion.Parsers;
using K8Posture.Features.Rules;

namespace K8Posture.UnitTests.Features.Rules;

public sealed class CatalogueFacts
{
    private static readonly RuleCatalogue Catalogue = new();

    /// <summary>Every control of the Pod Security Standards, baseline and restricted (Kubernetes documentation).</summary>
    public static readonly string[] PssControls =
    [
        "baseline/host-process", "baseline/host-namespaces", "baseline/privileged-containers", "baseline/capabilities",
        "baseline/host-path-volumes", "baseline/host-ports", "baseline/apparmor", "baseline/selinux", "baseline/proc-mount",
        "baseline/seccomp", "baseline/sysctls",
        "restricted/volume-types", "restricted/privilege-escalation", "restricted/running-as-non-root",
        "restricted/running-as-non-root-user", "restricted/seccomp", "restricted/capabilities",
    ];

    [Fact]
    public void Every_pod_security_standards_control_has_a_rule()
    {
        var covered = Catalogue.Rules.Select(r => r.PssControl).OfType<string>().ToHashSet();
        Assert.All(PssControls, control => Assert.Contains(control, covered));
    }

    [Fact]
    public void Rules_have_well_formed_metadata()
    {
        Assert.True(Catalogue.Rules.Count >= 35, $"catalogue has {Catalogue.Rules.Count} rules");
        Assert.All(Catalogue.Rules, rule =>
        {
            Assert.Matches("^K8P-[A-Z]+-[0-9]{3}$", rule.Id);
            Assert.Matches("^K(0[1-9]|10)$", rule.OwaspK8s);
            Assert.Contains("owasp-k8s-2025:" + rule.OwaspK8s, rule.References);
            if (rule.PssControl is not null)
            {
                Assert.Contains(rule.PssControl, PssControls);
                Assert.Contains("pss:" + rule.PssControl, rule.References);
            }
            Assert.False(string.IsNullOrWhiteSpace(rule.Title));
            Assert.False(string.IsNullOrWhiteSpace(rule.Description));
            Assert.False(string.IsNullOrWhiteSpace(rule.Remediation));
            Assert.True(rule.GetType().IsSealed, $"{rule.GetType().Name} should be sealed");
        });
    }

    [Fact]
    public void Pss_control_names_match_the_ingestion_mappings()
    {
        Assert.Contains(ComplianceMappings.PssHostPath, PssControls);
        Assert.Contains(ComplianceMappings.PssRestrictedCapabilities, PssControls);
    }
}
