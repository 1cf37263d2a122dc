using K8Posture.Data;
using K8Posture.Features.Alerts;
using K8Posture.Features.Alerts.Parsing;
using K8Posture.Features.Ingestion;

namespace K8Posture.UnitTests.Features.Alerts;

/// <summary>
/// Central's <c>/api/splunk/ta/violations</c> feed. The two fixtures are StackRox's own golden responses; the inline
/// PROCESS_EVENT and K8S_EVENT violations are written by the field names of proto/api/integrations/splunk_service.proto
/// with the values of the process and exec-into-pod alerts in central/splunk/violations_test.go (no golden JSON of those
/// two kinds exists in the StackRox repository).
/// </summary>
public sealed class StackRoxSplunkViolationsParserFacts
{
    private static readonly DateTimeOffset ViolationTime = new(2024, 6, 14, 20, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Generic_violations_become_one_alert_each_with_their_violation_ids()
    {
        var result = AlertFixtures.Parse("stackrox/stackrox-splunk-generic-violations.json");

        Assert.Equal("stackrox-splunk-ta", result.Format);
        Assert.Equal("stackrox", result.Source);
        Assert.Equal(2, result.Alerts.Count);
        var kubeEvent = result.Alerts[0];
        Assert.Equal("f073c9f5-c766-5dc4-b7cb-aa8ac8f2d445", kubeEvent.SourceId);
        Assert.Equal("This is a kube event violation", kubeEvent.Output);
        Assert.Equal("nginx", kubeEvent.Pod);
        Assert.Equal("nginx", kubeEvent.Container);
        Assert.Equal(ViolationTime, kubeEvent.OccurredAt);
        Assert.Equal("/violations/0", kubeEvent.Pointer);
        Assert.Contains("violation:GENERIC", kubeEvent.Tags);
        // Central's serialization fixture alert has no policy: the rule says what it is rather than inventing a name.
        Assert.Equal("StackRox generic violation", kubeEvent.Rule);
        Assert.Equal(FindingSeverity.Unknown, kubeEvent.Severity);

        var squashed = result.Alerts[1];
        Assert.Equal("aeaaaaaa-bbbb-4011-0000-111111111111", squashed.SourceId); // squashed deploy-time violations carry the alert id
        Assert.Equal("Deployment is affected by 'CVE-2017-15670'", squashed.Output);
        Assert.Null(squashed.Pod);
        Assert.Null(squashed.ClusterName);
        Assert.Null(squashed.Workload);
        Assert.Equal(IocClass.Other, IocClassifier.Classify(squashed.ToIocInput()).Class);
    }

    [Fact]
    public void A_file_access_violation_maps_policy_deployment_process_and_file_and_is_a_write_below_etc()
    {
        var result = AlertFixtures.Parse("stackrox/stackrox-splunk-file-access-violation.json");

        Assert.Equal("stackrox-splunk-ta", result.Format);
        var alert = Assert.Single(result.Alerts);
        Assert.Equal("stackrox", alert.Source);
        Assert.Equal("26c0771b-4274-5aaf-8f18-60b023458d20", alert.SourceId);
        Assert.Equal("File Access: /etc/passwd", alert.Rule);
        Assert.Equal("HIGH_SEVERITY", alert.Priority);
        Assert.Equal(FindingSeverity.High, alert.Severity);
        Assert.Equal("'/etc/passwd' opened (writable)", alert.Output);
        Assert.Equal(ViolationTime, alert.OccurredAt);
        Assert.Null(alert.ClusterName); // the fixture names the cluster by id only; ?cluster= names it
        Assert.Equal("default", alert.Namespace);
        Assert.Equal("Deployment/nginx", alert.Workload);
        Assert.Equal("vi", alert.Process);
        Assert.Equal("/usr/bin/vi /etc/passwd", alert.CommandLine);
        Assert.Equal("/etc/passwd", alert.FilePath);
        Assert.Equal("0", alert.User);
        Assert.Equal("node-1", alert.Hostname);
        Assert.Contains("lifecycle:RUNTIME", alert.Tags);
        Assert.Contains("violation:FILE_ACCESS", alert.Tags);
        Assert.Contains("\"fileAccessInfo\"", alert.FieldsJson);

        var verdict = IocClassifier.Classify(alert.ToIocInput());
        Assert.Equal(IocClass.WriteBelowSystemDirectory, verdict.Class);
        Assert.Equal("write to /etc/passwd", verdict.Evidence);
    }

    private const string ProcessViolation = """
        {"violationInfo": {"violationId": "8472f6e2-53d2-4ddf-ad59-ecc43a8d98d2", "violationMessage": "Binary '/usr/bin/nmap' executed with arguments '-v -A localhost' under user ID 0",
           "violationType": "PROCESS_EVENT", "violationTime": "2021-02-01T17:18:49.421852357Z", "podId": "debian-test", "podUid": "e20f2691-1371-588f-ae6d-bd0ef24af78b",
           "containerName": "debian-test", "containerStartTime": "2021-02-01T16:17:32Z", "containerId": "111bf6d5e461"},
         "alertInfo": {"alertId": "fb0ee2d4-2c32-4e38-b3fb-b9b4c85b2b7f", "lifecycleStage": "RUNTIME"},
         "processInfo": {"processViolationId": "8472f6e2-53d2-4ddf-ad59-ecc43a8d98d2", "processSignalId": "2569b112-64b1-11eb-9541-f65aedf20953",
           "processCreationTime": "2021-02-01T17:18:49.421852357Z", "processName": "nmap", "processArgs": "-v -A localhost", "execFilePath": "/usr/bin/nmap",
           "pid": 64307, "processUid": 0, "processGid": 0, "processLineageInfo": [{"parentExecFilePath": "/bin/bash"}]},
         "deploymentInfo": {"deploymentId": "0f709d63-f2cc-4825-a984-b9cfd25b02cd", "deploymentName": "debian-test", "deploymentType": "Pod", "deploymentNamespace": "stackrox",
           "deploymentNamespaceId": "dff6a17e-f246-4dc0-98b3-c70ee59c3cea", "deploymentLabels": {"run": "debian-test"}, "clusterId": "098e0e05-a96b-43ca-95af-3ef72cd32828",
           "clusterName": "remote", "deploymentContainers": [{"image": {"id": "sha256:b16f66714660c4b3ea14d273ad8c35079b81b35d65d1e206072d226c7ff78299",
             "name": {"registry": "docker.io", "remote": "library/debian", "tag": "latest", "fullName": "docker.io/library/debian:latest"}}, "name": "debian-test"}]},
         "policyInfo": {"policyId": "fb0ee2d4-2c32-4e38-b3fb-b9b4c85b2b7f", "policyName": "Unauthorized Process Execution", "policyCategories": ["Anomalous Activity"],
           "policyLifecycleStages": ["RUNTIME"], "policySeverity": "HIGH_SEVERITY", "policyVersion": "1.1"}}
        """;

    [Fact]
    public void A_process_violation_maps_pod_container_image_process_and_parent()
    {
        var result = AlertFixtures.ParseText($$"""{"violations": [{{ProcessViolation}}], "newCheckpoint": "2021-02-01T17:18:49.421852357Z"}""");

        var alert = Assert.Single(result.Alerts);
        Assert.Equal("8472f6e2-53d2-4ddf-ad59-ecc43a8d98d2", alert.SourceId); // the process indicator's id
        Assert.Equal("Unauthorized Process Execution", alert.Rule);
        Assert.Equal(FindingSeverity.High, alert.Severity);
        Assert.Equal("remote", alert.ClusterName);
        Assert.Equal("stackrox", alert.Namespace);
        Assert.Equal("Pod/debian-test", alert.Workload);
        Assert.Equal("debian-test", alert.Pod);
        Assert.Equal("debian-test", alert.Container);
        Assert.Equal("docker.io/library/debian:latest", alert.Image);
        Assert.Equal("nmap", alert.Process);
        Assert.Equal("/bin/bash", alert.ParentProcess);
        Assert.Equal("/usr/bin/nmap -v -A localhost", alert.CommandLine);
        Assert.Equal("0", alert.User);
        Assert.Equal(new DateTimeOffset(2021, 2, 1, 17, 18, 49, TimeSpan.Zero).AddTicks(4218523), alert.OccurredAt);
        Assert.Equal(["Anomalous Activity", "lifecycle:RUNTIME", "violation:PROCESS_EVENT"], alert.Tags);
    }

    [Fact]
    public void The_process_decides_the_ioc_class_when_the_policy_name_does_not()
    {
        var metadataCurl = ProcessViolation
            .Replace("\"processName\": \"nmap\"", "\"processName\": \"curl\"")
            .Replace("\"processArgs\": \"-v -A localhost\"", "\"processArgs\": \"-s http://169.254.169.254/latest/meta-data/iam/security-credentials/\"")
            .Replace("\"execFilePath\": \"/usr/bin/nmap\"", "\"execFilePath\": \"/usr/bin/curl\"");
        var nmap = Assert.Single(AlertFixtures.ParseText(ProcessViolation).Alerts);
        var curl = Assert.Single(AlertFixtures.ParseText(metadataCurl).Alerts);

        Assert.Equal(IocClass.Other, IocClassifier.Classify(nmap.ToIocInput()).Class);
        var verdict = IocClassifier.Classify(curl.ToIocInput());
        Assert.Equal(IocClass.CloudMetadataAccess, verdict.Class);
        Assert.Contains("169.254.169.254", verdict.Evidence);
    }

    [Fact]
    public void A_kubernetes_event_reads_pod_container_user_and_command_from_its_attributes()
    {
        const string execIntoPod = """
            {"violations": [{"violationInfo": {"violationId": "0b4c6f8e-5b0a-5f7d-9d55-2f1f3c5a9e11",
               "violationMessage": "Kubernetes API received exec 'cat /var/run/secrets/kubernetes.io/serviceaccount/token' request into pod 'central-6c8f4d4d8d-9hxpt' container 'central'",
               "violationMessageAttributes": [{"key": "pod", "value": "central-6c8f4d4d8d-9hxpt"}, {"key": "container", "value": "central"},
                 {"key": "commands", "value": "cat /var/run/secrets/kubernetes.io/serviceaccount/token"}, {"key": "Username", "value": "kubernetes-admin"}],
               "violationType": "K8S_EVENT", "violationTime": "2021-02-15T19:04:36.843302212Z", "podId": "central-6c8f4d4d8d-9hxpt", "containerName": "central"},
             "alertInfo": {"alertId": "90e0feed-662c-4593-b414-e55d1eaff017", "lifecycleStage": "RUNTIME"},
             "deploymentInfo": {"deploymentName": "central", "deploymentType": "Deployment", "deploymentNamespace": "stackrox", "clusterName": "remote",
               "deploymentContainers": [{"image": {"name": {"registry": "docker.io", "remote": "stackrox/main", "tag": "3.0.55.x-118-gec7dc725f2-dirty"}}, "name": "central"}]},
             "policyInfo": {"policyName": "Kubernetes Actions: Exec into Pod", "policyCategories": ["Kubernetes Events"], "policySeverity": "HIGH_SEVERITY"}}],
             "newCheckpoint": "2021-02-15T19:04:36.843302212Z"}
            """;

        var alert = Assert.Single(AlertFixtures.ParseText(execIntoPod).Alerts);

        Assert.Equal("central-6c8f4d4d8d-9hxpt", alert.Pod);
        Assert.Equal("central", alert.Container);
        Assert.Equal("docker.io/stackrox/main:3.0.55.x-118-gec7dc725f2-dirty", alert.Image); // no fullName: built from its parts
        Assert.Equal("cat /var/run/secrets/kubernetes.io/serviceaccount/token", alert.CommandLine);
        Assert.Equal("kubernetes-admin", alert.User);
        Assert.Null(alert.Process); // a request to the API server, not a process seen in the container
        Assert.Equal(IocClass.ServiceAccountTokenAccess, IocClassifier.Classify(alert.ToIocInput()).Class);
    }

    [Fact]
    public void A_resource_violation_names_its_resource_as_the_workload()
    {
        const string secret = """
            {"violations": [{"violationInfo": {"violationId": "5d1c5a3e-0c3e-5e8b-a1f7-5a8f2c1d9b20", "violationMessage": "Access to secret \"db-password\" in \"payments\"",
               "violationType": "K8S_EVENT", "violationTime": "2024-06-14T20:00:00Z"},
             "alertInfo": {"alertId": "a1", "lifecycleStage": "RUNTIME"},
             "resourceInfo": {"resourceType": "Secrets", "name": "db-password", "clusterId": "c1", "clusterName": "prod-1", "namespace": "payments"},
             "policyInfo": {"policyName": "Kubernetes Actions: Access secret", "policySeverity": "MEDIUM_SEVERITY"}}], "newCheckpoint": "2024-06-14T20:00:00Z"}
            """;

        var alert = Assert.Single(AlertFixtures.ParseText(secret).Alerts);

        Assert.Equal(("prod-1", "payments", "Secrets/db-password"), (alert.ClusterName, alert.Namespace, alert.Workload));
        Assert.Equal(FindingSeverity.Medium, alert.Severity);
    }

    [Fact]
    public void Single_violations_as_splunk_stores_them_are_read_as_ndjson_and_as_an_array()
    {
        var ndjson = ProcessViolation.ReplaceLineEndings(" ") + "\n" + ProcessViolation.ReplaceLineEndings(" ").Replace("8472f6e2-53d2-4ddf-ad59-ecc43a8d98d2", "cfc994d5-11bd-4471-a82e-b1735ad94e06") + "\n";

        var fromLines = AlertFixtures.ParseText(ndjson);
        var fromArray = AlertFixtures.ParseText("[" + ProcessViolation + "]");

        Assert.Equal("stackrox-splunk-ta", fromLines.Format);
        Assert.Equal(["8472f6e2-53d2-4ddf-ad59-ecc43a8d98d2", "cfc994d5-11bd-4471-a82e-b1735ad94e06"], fromLines.Alerts.Select(a => a.SourceId));
        Assert.Equal(["line 1", "line 2"], fromLines.Alerts.Select(a => a.Pointer));
        Assert.Equal("/0", Assert.Single(fromArray.Alerts).Pointer);
    }

    [Theory]
    [InlineData("{\"violations\": [], \"newCheckpoint\": \"2024-06-26T22:00:00Z\"}")]
    [InlineData("{\"newCheckpoint\": \"2024-06-26T22:00:00Z\"}")] // protobuf JSON leaves the empty list out
    public void A_pull_with_nothing_new_is_no_alerts_not_an_error(string body)
    {
        var result = AlertFixtures.ParseText(body);

        Assert.Equal("stackrox-splunk-ta", result.Format);
        Assert.Empty(result.Alerts);
    }

    [Theory]
    [InlineData("{\"violations\": [{\"violationInfo\": {\"violationId\": \"a\"}}, {\"alertInfo\": {\"alertId\": \"b\"}}], \"newCheckpoint\": \"x\"}", "/violations/1/violationInfo")]
    [InlineData("{\"violations\": [{\"violationInfo\": {\"violationId\": \"a\"}}, 42], \"newCheckpoint\": \"x\"}", "/violations/1")]
    [InlineData("{\"violations\": {\"violationInfo\": {}}, \"newCheckpoint\": \"x\"}", "/violations")]
    [InlineData("{\"violations\": [{\"violationInfo\": {\"violationId\": \"a\", \"violationTime\": \"yesterday\"}}], \"newCheckpoint\": \"x\"}", "/violations/0/violationInfo/violationTime")]
    [InlineData("{\"violations\": [{\"violationInfo\": {\"violationId\": \"a\", \"violationMessageAttributes\": \"pod\"}}], \"newCheckpoint\": \"x\"}", "/violations/0/violationInfo/violationMessageAttributes")]
    public void A_malformed_violation_is_an_error_with_a_pointer(string body, string pointer)
    {
        var error = Assert.Throws<ScanParseException>(() => AlertFixtures.ParseText(body));

        Assert.Equal(pointer, error.Pointer);
        Assert.Contains(pointer, error.Message);
    }

    [Fact]
    public void The_stackrox_alert_formats_are_still_read_by_the_alert_parser()
    {
        Assert.Equal("stackrox-alert", AlertFixtures.Parse("stackrox/stackrox-alert-misuse-of-iptables-runtime.json").Format);
        Assert.Equal("stackrox-alerts-list", AlertFixtures.Parse("stackrox/stackrox-alerts-list.json").Format);
        Assert.False(new StackRoxSplunkViolationsParser().CanParse(System.Text.Json.JsonDocument.Parse(AlertFixtures.Read("stackrox/stackrox-alert-misuse-of-iptables-runtime.json")).RootElement));
    }
}
