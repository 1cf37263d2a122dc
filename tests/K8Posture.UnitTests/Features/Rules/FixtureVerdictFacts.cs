using K8Posture.Features.Rules;

namespace K8Posture.UnitTests.Features.Rules;

/// <summary>
/// Each polaris, kube-score and kubesec fixture against the verdict its source states (tests/fixtures/SOURCES.md): a
/// failure fixture yields a finding whose rule references the source's check; a success fixture yields none for it.
/// </summary>
public sealed class FixtureVerdictFacts
{
    public static TheoryData<string, string, bool> Verdicts => new()
    {
        // polaris: test/checks/<check>/failure.* must fail the check, success.* must pass it.
        { "polaris/clusterrolebindingClusterAdmin.failure.default_clusteradmin_clusterrole.yaml", "polaris:clusterrolebindingClusterAdmin", true },
        { "polaris/clusterrolebindingClusterAdmin.success.explicit_verbs.yaml", "polaris:clusterrolebindingClusterAdmin", false },
        { "polaris/cpuLimitsMissing.failure.yaml", "polaris:cpuLimitsMissing", true },
        { "polaris/cpuLimitsMissing.success.yaml", "polaris:cpuLimitsMissing", false },
        { "polaris/hostPIDSet.failure.yaml", "polaris:hostPIDSet", true },
        { "polaris/hostPIDSet.success.yaml", "polaris:hostPIDSet", false },
        { "polaris/hostPathSet.failure.yaml", "polaris:hostPathSet", true },
        { "polaris/hostPathSet.success.yaml", "polaris:hostPathSet", false },
        { "polaris/notReadOnlyRootFilesystem.failure.yaml", "polaris:notReadOnlyRootFilesystem", true },
        { "polaris/notReadOnlyRootFilesystem.success.yaml", "polaris:notReadOnlyRootFilesystem", false },
        { "polaris/privilegeEscalationAllowed.failure.yaml", "polaris:privilegeEscalationAllowed", true },
        { "polaris/privilegeEscalationAllowed.success.yaml", "polaris:privilegeEscalationAllowed", false },
        { "polaris/runAsPrivileged.failure.yaml", "polaris:runAsPrivileged", true },
        { "polaris/runAsPrivileged.success.yaml", "polaris:runAsPrivileged", false },
        { "polaris/runAsRootAllowed.failure.yaml", "polaris:runAsRootAllowed", true },
        { "polaris/runAsRootAllowed.success.yaml", "polaris:runAsRootAllowed", false },
        { "polaris/tagNotSpecified.failure.latest.yaml", "polaris:tagNotSpecified", true },
        { "polaris/tagNotSpecified.success.yaml", "polaris:tagNotSpecified", false },

        // kube-score: score/*_test.go grades.
        { "kube-score/networkpolicy-not-matching.yaml", "kube-score:pod-networkpolicy", true },
        { "kube-score/pod-image-tag-fixed.yaml", "kube-score:container-image-tag", false },
        { "kube-score/pod-image-tag-latest.yaml", "kube-score:container-image-tag", true },
        { "kube-score/pod-security-context-all-good.yaml", "kube-score:container-security-context-user-group-id", false },
        { "kube-score/pod-security-context-all-good.yaml", "kube-score:container-security-context-privileged", false },
        { "kube-score/pod-security-context-all-good.yaml", "kube-score:container-security-context-readonlyrootfilesystem", false },
        { "kube-score/pod-security-context-low-user-id.yaml", "kube-score:container-security-context-user-group-id", true },
        { "kube-score/pod-security-context-privileged.yaml", "kube-score:container-security-context-privileged", true },
        { "kube-score/pod-test-resources-limits-and-requests.yaml", "kube-score:container-resources", false },
        { "kube-score/pod-test-resources-none.yaml", "kube-score:container-resources", true },

        // kubesec: test/1_cli.bats (score < 0 fails on a critical check; score > 0 earns points for the hardening shown).
        { "kubesec/allowPrivilegeEscalation.yaml", "kubesec:AllowPrivilegeEscalation", true },
        { "kubesec/score-0-cap-sys-admin.yml", "kubesec:CapSysAdmin", true },
        { "kubesec/score-0-daemonset-host-pid.yml", "kubesec:HostPID", true },
        { "kubesec/score-0-daemonset-securitycontext-privileged.yml", "kubesec:Privileged", true },
        { "kubesec/score-0-statefulset-no-sec.yml", "kubesec:RunAsNonRoot", true },
        { "kubesec/score-0-statefulset-no-sec.yml", "kubesec:ReadOnlyRootFilesystem", true },
        { "kubesec/score-0-statefulset-no-sec.yml", "kubesec:CapDropAll", true },
        { "kubesec/score-0-statefulset-no-sec.yml", "kubesec:LimitsCPU", true },
        { "kubesec/score-1-cap-drop-all.yml", "kubesec:CapDropAll", false },
        { "kubesec/score-1-dep-ro-root-fs.yml", "kubesec:ReadOnlyRootFilesystem", false },
        { "kubesec/score-2-dep-serviceaccount.yml", "kubesec:ServiceAccountName", false },
    };

    [Theory]
    [MemberData(nameof(Verdicts))]
    public void EvaluateAgreesWithTheSourcesVerdict(string fixture, string reference, bool expectFinding)
    {
        var result = RuleTesting.EvaluateFixture(fixture);

        var matching = result.Findings.Where(f => f.References.Contains(reference)).ToList();
        if (expectFinding)
        {
            Assert.True(matching.Count > 0, $"{fixture} should yield a finding referencing {reference}; got: {Describe(result)}");
        }
        else
        {
            Assert.True(matching.Count == 0, $"{fixture} should yield no finding referencing {reference}; got: {Describe(matching)}");
        }
    }

    [Fact]
    public void EveryReferencedCheckOfTheTableIsInTheCatalogue()
    {
        var references = new RuleCatalogue().Rules.SelectMany(r => r.References).ToHashSet();
        foreach (var row in Verdicts)
        {
            Assert.Contains((string)row[1], references);
        }
    }

    private static string Describe(EvaluationResult result) => Describe(result.Findings);

    private static string Describe(IEnumerable<EvaluatedFinding> findings) =>
        string.Join("; ", findings.Select(f => $"{f.RuleId} {f.Resource.Kind}/{f.Resource.Name}/{f.Resource.Container}: {f.Message}"));
}
