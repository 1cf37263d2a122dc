using K8Posture.Features.Alerts;
using K8Posture.Features.Policy;
using K8Posture.Shared;

namespace K8Posture.UnitTests.Features.Alerts;

public sealed class AlertDedupeAndSuppressionFacts
{
    private static readonly DateTimeOffset At = new(2026, 1, 31, 10, 15, 20, TimeSpan.Zero);

    [Fact]
    public void Same_event_within_a_minute_is_one_key()
    {
        var first = AlertDedupe.KeyOf("falco", null, "r", "c", "ns", "pod", "ctr", "nc", At);
        var later = AlertDedupe.KeyOf("falco", null, "r", "c", "ns", "pod", "ctr", "nc", At.AddSeconds(39));

        Assert.Equal(first, later);
    }

    [Fact]
    public void Next_minute_other_pod_or_other_process_is_another_key()
    {
        var key = AlertDedupe.KeyOf("falco", null, "r", "c", "ns", "pod", "ctr", "nc", At);

        Assert.NotEqual(key, AlertDedupe.KeyOf("falco", null, "r", "c", "ns", "pod", "ctr", "nc", At.AddSeconds(40)));
        Assert.NotEqual(key, AlertDedupe.KeyOf("falco", null, "r", "c", "ns", "pod-2", "ctr", "nc", At));
        Assert.NotEqual(key, AlertDedupe.KeyOf("falco", null, "r", "c", "ns", "pod", "ctr", "curl", At));
        Assert.NotEqual(key, AlertDedupe.KeyOf("falco", null, "r", "other-cluster", "ns", "pod", "ctr", "nc", At));
    }

    [Fact]
    public void A_source_id_is_the_identity_whatever_the_time()
    {
        Assert.Equal(
            AlertDedupe.KeyOf("stackrox", "id-1", "r", "c", "ns", "pod", null, null, At),
            AlertDedupe.KeyOf("stackrox", "id-1", "renamed policy", "c", "ns", "pod", null, null, At.AddDays(3)));
        Assert.NotEqual(
            AlertDedupe.KeyOf("stackrox", "id-1", "r", null, null, null, null, null, At),
            AlertDedupe.KeyOf("crowdstrike", "id-1", "r", null, null, null, null, null, At));
    }

    private static readonly SuppressionSubject Alert = new("Terminal shell in container", "docker.io/library/nginx:1.27", "ops", "prod-aks-weu", "/bin/bash");

    [Theory]
    [InlineData("Terminal shell in container", "docker.io/library/nginx", null, null, null, true)]    // image + rule, any tag
    [InlineData("Terminal shell in container", "docker.io/library/*", null, null, null, true)]        // image prefix
    [InlineData("Terminal shell in container", "docker.io/library/redis", null, null, null, false)]
    [InlineData("terminal shell in container", null, "ops", null, null, true)]                       // namespace + rule
    [InlineData("Terminal shell in container", null, "payments", null, null, false)]
    [InlineData("Terminal shell in container", null, null, "prod-aks-weu", null, true)]              // cluster + rule
    [InlineData("Terminal shell in container", null, null, "dc1", null, false)]
    [InlineData("", null, null, null, "bash", true)]                                                 // process, any rule
    [InlineData("*", null, "ops", null, "bash", true)]
    [InlineData("Other rule", null, "ops", null, null, false)]
    [InlineData("", null, null, null, null, false)]                                                  // no criterion: matches nothing
    public void Suppression_criteria_must_all_match(string rule, string? image, string? ns, string? cluster, string? process, bool expected)
    {
        var suppression = new AlertSuppression { RuleId = rule, Image = image, Namespace = ns, Cluster = cluster, Process = process };

        Assert.Equal(expected, AlertSuppressionMatcher.Matches(suppression, Alert));
    }

    [Fact]
    public void Suppression_key_is_stable_and_ignores_the_reason()
    {
        var a = new AlertSuppression { RuleId = "R", Namespace = "ops", Reason = "noisy" };
        var b = new AlertSuppression { RuleId = "r", Namespace = "OPS", Reason = "other reason" };
        var c = new AlertSuppression { RuleId = "R", Namespace = "dev" };

        Assert.Equal(a.Key, b.Key);
        Assert.NotEqual(a.Key, c.Key);
        var policy = new PolicyDocument { AlertSuppressions = [a] };
        Assert.DoesNotContain("\"key\"", policy.ToJson(), StringComparison.Ordinal);
        Assert.Equal(a.Key, Assert.Single(PolicyDocument.FromJson(policy.ToJson()).AlertSuppressions).Key);
    }
}
