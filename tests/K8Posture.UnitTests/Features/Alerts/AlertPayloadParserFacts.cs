using K8Posture.Shared.Http;
using K8Posture.Data;
using K8Posture.Features.Alerts.Parsing;
using K8Posture.Features.Ingestion;

namespace K8Posture.UnitTests.Features.Alerts;

public sealed class AlertPayloadParserFacts
{
    [Fact]
    public void Falco_current_format_single_object()
    {
        var result = AlertFixtures.Parse("falco/falco-read-sensitive-file-untrusted.json");

        Assert.Equal("falco-json", result.Format);
        var alert = Assert.Single(result.Alerts);
        Assert.Equal("falco", alert.Source);
        Assert.Null(alert.SourceId);
        Assert.Equal("Read sensitive file untrusted", alert.Rule);
        Assert.Equal("Warning", alert.Priority);
        Assert.Equal(FindingSeverity.Medium, alert.Severity);
        Assert.Equal("cat", alert.Process);
        Assert.Equal("sudo", alert.ParentProcess);
        Assert.Equal("cat /etc/shadow", alert.CommandLine);
        Assert.Equal("/etc/shadow", alert.FilePath);
        Assert.Equal("root", alert.User);
        Assert.Equal("x86", alert.Hostname);
        Assert.Null(alert.Container); // container.id "host": a host event, not a container
        Assert.Contains("T1555", alert.Tags);
        Assert.Equal(new DateTimeOffset(2025, 5, 7, 12, 50, 34, TimeSpan.Zero).AddTicks(5023098), alert.OccurredAt);
    }

    [Fact]
    public void Falco_2017_format_with_kubernetes_pod()
    {
        var alert = Assert.Single(AlertFixtures.Parse("falco/falco-terminal-shell-in-container-k8s.json").Alerts);

        Assert.Equal("Terminal shell in container", alert.Rule);
        Assert.Equal(FindingSeverity.Low, alert.Severity);
        Assert.Equal("falco-74htl", alert.Pod);
        Assert.Equal("a98c2aa8e670", alert.Container);
        Assert.Equal("bash", alert.Process);
        Assert.Null(alert.ParentProcess); // "proc.pname": null
        Assert.Null(alert.Hostname);
        Assert.Equal(2017, alert.OccurredAt!.Value.Year);
    }

    [Fact]
    public void Falco_ndjson_reads_every_line()
    {
        var result = AlertFixtures.Parse("falco/falco-regression-single_rule_with_cat_write.jsonl");

        Assert.Equal("falco-ndjson", result.Format);
        Assert.Equal(8, result.Alerts.Count);
        Assert.All(result.Alerts, a => Assert.Equal("open_from_cat", a.Rule));
        Assert.All(result.Alerts, a => Assert.Equal("cat", a.Process)); // from proc.cmdline: the sample has no proc.name
        Assert.Equal(["line 1", "line 2", "line 3", "line 4", "line 5", "line 6", "line 7", "line 8"], result.Alerts.Select(a => a.Pointer));
    }

    [Fact]
    public void Falco_array_of_events()
    {
        var one = System.Text.Encoding.UTF8.GetString(AlertFixtures.Read("falco/falcosidekick-write-below-binary-dir.json"));
        var result = AlertFixtures.ParseText($"[{one},{one}]");

        Assert.Equal(2, result.Alerts.Count);
        Assert.Equal("/bin/hack", result.Alerts[0].FilePath);
    }

    [Fact]
    public void Falcosidekick_webhook_reads_uuid_customfields_and_tags()
    {
        var result = AlertFixtures.ParseText("""
            {"uuid":"3a8c1e5e-7c6b-4f0b-9d43-2f5a1c0b9e11","output":"16:31:56.746609046: Error File below a known binary directory opened for writing (user=root command=touch /bin/hack file=/bin/hack)",
             "priority":"Error","rule":"Write below binary dir","time":"2019-05-17T15:31:56.746609046Z","source":"syscall","hostname":"node-1","tags":["filesystem","mitre_persistence"],
             "output_fields":{"evt.time":1507591916746609046,"fd.name":"/bin/hack","proc.cmdline":"touch /bin/hack","user.name":"root","cluster":"prod-aks-weu","k8s.ns.name":"payments","k8s.pod.name":"api-0"}}
            """);

        Assert.Equal("falcosidekick", result.Format);
        var alert = Assert.Single(result.Alerts);
        Assert.Equal("falcosidekick", alert.Source);
        Assert.Equal("3a8c1e5e-7c6b-4f0b-9d43-2f5a1c0b9e11", alert.SourceId);
        Assert.Equal("prod-aks-weu", alert.ClusterName);
        Assert.Equal("payments", alert.Namespace);
        Assert.Equal(["filesystem", "mitre_persistence"], alert.Tags);
        Assert.Equal(FindingSeverity.High, alert.Severity);
    }

    [Fact]
    public void StackRox_2018_runtime_alert_with_process_violation()
    {
        var result = AlertFixtures.Parse("stackrox/stackrox-alert-misuse-of-iptables-runtime.json");

        Assert.Equal("stackrox-alert", result.Format);
        var alert = Assert.Single(result.Alerts);
        Assert.Equal("stackrox", alert.Source);
        Assert.Equal("8aaa344c-6266-4037-bc21-cd9323a54a4b", alert.SourceId);
        Assert.Equal("Misuse of iptables", alert.Rule);
        Assert.Equal("HIGH_SEVERITY", alert.Priority);
        Assert.Equal(FindingSeverity.High, alert.Severity);
        Assert.Equal("remote", alert.ClusterName);
        Assert.Equal("kube-system", alert.Namespace);
        Assert.Equal("DaemonSet/ip-masq-agent", alert.Workload);
        Assert.Equal("ip-masq-agent-1234", alert.Pod);
        Assert.Equal("app", alert.Container);
        Assert.Equal("gcr.io/google-containers/ip-masq-agent-amd64:v2.0.2", alert.Image);
        Assert.Equal("iptables", alert.Process);
        Assert.StartsWith("/sbin/iptables -w2", alert.CommandLine);
        Assert.StartsWith("Detected running process 'iptables'", alert.Output);
        Assert.Contains("lifecycle:RUNTIME", alert.Tags);
    }

    [Fact]
    public void StackRox_current_alert_as_sent_by_a_notifier()
    {
        var result = AlertFixtures.Parse("stackrox/stackrox-alert-latest-tag-sentinel-notifier.json");

        Assert.Equal("stackrox-sentinel", result.Format);
        var alert = Assert.Single(result.Alerts);
        Assert.Equal("1abe30d1-fa3a-4f85-a0eb-781f0a12228a", alert.SourceId);
        Assert.Equal("Latest tag (COPY)", alert.Rule);
        Assert.Equal(FindingSeverity.Critical, alert.Severity);
        Assert.Equal("remote", alert.ClusterName); // the alert's own clusterName wins over the deployment's
        Assert.Equal("stackrox", alert.Namespace);
        Assert.Equal("docker.io/library/nginx:latest", alert.Image);
        Assert.Equal("Container 'nginx' has image with tag 'latest'", alert.Output);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(1722953445).AddTicks(953014), alert.OccurredAt);
    }

    [Fact]
    public void StackRox_generic_webhook_wraps_the_alert()
    {
        var inner = System.Text.Encoding.UTF8.GetString(AlertFixtures.Read("stackrox/stackrox-alert-misuse-of-iptables-runtime.json"));
        var result = AlertFixtures.ParseText($$"""{"alert": {{inner}} }""");

        Assert.Equal("stackrox-webhook", result.Format);
        Assert.Equal("/alert", Assert.Single(result.Alerts).Pointer);
    }

    [Fact]
    public void StackRox_alerts_list()
    {
        var result = AlertFixtures.Parse("stackrox/stackrox-alerts-list.json");

        Assert.Equal("stackrox-alerts-list", result.Format);
        Assert.Equal(3, result.Alerts.Count);
        Assert.Equal(["Misuse of iptables", "00 test scc", "Privileged Container"], result.Alerts.Select(a => a.Rule));
        Assert.Equal(["aaa_remote", "aaa_remote", "zzz_remote"], result.Alerts.Select(a => a.ClusterName));
        Assert.Null(result.Alerts[1].Namespace); // empty namespace of a cluster-scoped resource
        Assert.Equal("SECURITY_CONTEXT_CONSTRAITS/test-scc", result.Alerts[1].Workload);
        Assert.Equal("CronJob/metadata-proxy-v0.1", result.Alerts[2].Workload);
    }

    [Fact]
    public void Roxctl_deployment_check_is_refused_as_not_a_runtime_alert()
    {
        var refused = Assert.Throws<ProblemException>(() => AlertFixtures.Parse("stackrox/roxctl-deployment-check-with-failure.json"));

        Assert.Equal(422, refused.StatusCode);
        Assert.Contains("deploy-time", refused.Message);
        Assert.Contains("/api/v1/evaluate", refused.Message);
    }

    [Fact]
    public void CrowdStrike_detections_become_alerts_and_other_events_are_ignored()
    {
        var result = AlertFixtures.Parse("crowdstrike/falcon-event-stream-detections.ndjson");

        Assert.Equal("crowdstrike-event-stream", result.Format);
        Assert.Equal(2, result.Alerts.Count);
        Assert.Equal(1, result.Ignored);
        var metadata = result.Alerts[0];
        Assert.Equal("crowdstrike", metadata.Source);
        Assert.Equal("ldt:aaaabbbbccccdddd0000000000000001:38684386611", metadata.SourceId);
        Assert.Equal("Cloud Instance Metadata Credential Access", metadata.Rule);
        Assert.Equal("High", metadata.Priority);
        Assert.Equal(FindingSeverity.High, metadata.Severity);
        Assert.Equal("curl", metadata.Process);
        Assert.Equal("sh", metadata.ParentProcess);
        Assert.Equal("payments-api-6c9f7b7d4-x2x8q", metadata.Hostname);
        Assert.Equal("app", metadata.User);
        Assert.Contains("T1552", metadata.Tags);
        Assert.Equal(DateTimeOffset.FromUnixTimeMilliseconds(1764240600000), metadata.OccurredAt);
    }

    [Theory]
    [InlineData("{\"rule\": \"x\", \"output\": ", "line 1")]
    [InlineData("{\"rule\":\"a\",\"output\":\"o\",\"priority\":\"Warning\",\"time\":\"2024-01-01T00:00:00Z\"}\n{\"rule\": broken}\n", "line 2, position")]
    public void Malformed_json_says_where_it_broke(string payload, string where)
    {
        var error = Assert.Throws<ScanParseException>(() => AlertFixtures.ParseText(payload));

        Assert.Contains(where, error.Pointer);
    }

    [Fact]
    public void Unknown_shape_names_what_it_saw_and_what_is_accepted()
    {
        var error = Assert.Throws<ScanParseException>(() => AlertFixtures.ParseText("[{\"rule\":\"a\",\"output\":\"o\"},{\"hello\":1}]"));

        Assert.Equal("/1", error.Pointer);
        Assert.Contains("hello", error.Message);
        Assert.Contains("Falco", error.Message);
    }

    [Fact]
    public void A_bad_time_is_an_error_not_now()
    {
        var error = Assert.Throws<ScanParseException>(() => AlertFixtures.ParseText("{\"rule\":\"a\",\"output\":\"o\",\"time\":\"yesterday\"}"));

        Assert.Equal("/time", error.Pointer);
    }
}
