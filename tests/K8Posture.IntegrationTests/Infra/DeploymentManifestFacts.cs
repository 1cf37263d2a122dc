using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using K8Posture.Features.Policy;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Security;
using Microsoft.Extensions.DependencyInjection;
using YamlDotNet.RepresentationModel;

namespace K8Posture.IntegrationTests.Infra;

/// <summary>
/// Our own deployment, rendered by kubectl kustomize as an operator would, judged by our own policy engine — through the
/// API and through the <c>evaluate</c> operator verb a pipeline gates on — with no High or Critical finding.
/// </summary>
public sealed class DeploymentManifestFacts(K8PostureAppFactory app) : IClassFixture<K8PostureAppFactory>
{
    public static readonly TheoryData<string> Kustomizations = new() { "base", "overlays/aks-production", "overlays/local", "collector-rbac" };

    /// <summary>The registries the manifests pull from; an organisation adds its own registry to its policy the same way.</summary>
    private static readonly string[] OurRegistries = ["registry.example.com", "acrk8postureprod.azurecr.io", "localhost:5001"];

    private static string RepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "K8Posture.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (K8Posture.sln) is not above the test binaries.");
    }

    private static async Task<string> RenderAsync(string kustomization)
    {
        var start = new ProcessStartInfo("kubectl") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("kustomize");
        start.ArgumentList.Add(Path.Combine(RepositoryRoot(), "infra", "kubernetes", kustomization));
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException("kubectl is not installed; .ci/run installs it (apt-get install kubectl).", e);
        }
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            Assert.True(process.ExitCode == 0, $"kubectl kustomize {kustomization}: {await error}");
            return await output;
        }
    }

    private async Task AllowOurRegistriesAsync() => await app.AsCallerAsync<PolicyStore, int>(Callers.Person(Roles.SecurityAdmin), async store =>
    {
        var current = await store.GetCurrentAsync(CancellationToken.None);
        if (OurRegistries.All(current.Document.AllowedRegistries.Contains))
        {
            return current.Version;
        }
        current.Document.AllowedRegistries.AddRange(OurRegistries.Except(current.Document.AllowedRegistries));
        return await store.SaveNewVersionAsync(Callers.Person(Roles.SecurityAdmin), current.Document, "our own registries", current.Version == 0 ? null : current.Version, CancellationToken.None);
    });

    private async Task<(JsonElement Api, int VerbExit, JsonElement Verb)> EvaluateBothWaysAsync(string manifests)
    {
        await AllowOurRegistriesAsync();
        using var client = app.CreateApiClient(await app.CreateApiKeyAsync("evaluate"));
        var response = await client.PostAsync("/api/v1/evaluate", new StringContent(manifests, Encoding.UTF8, new MediaTypeHeaderValue("application/yaml")));
        var api = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

        var file = Path.Combine(app.DataDirectory, $"manifests-{Guid.NewGuid():N}.yaml");
        await File.WriteAllTextAsync(file, manifests);
        var (exit, stdout, stderr) = await OperatorBinary.RunAsync(app.DataDirectory, null, "evaluate", file);
        Assert.True(exit is 0 or 1, $"evaluate exited {exit}: {stderr}");
        return (api, exit, JsonDocument.Parse(stdout).RootElement.Clone());
    }

    [Theory]
    [MemberData(nameof(Kustomizations))]
    public async Task Our_own_deployment_passes_our_own_policy_with_no_high_or_critical_finding(string kustomization)
    {
        var (api, verbExit, verb) = await EvaluateBothWaysAsync(await RenderAsync(kustomization));

        var findings = api.GetProperty("findings").EnumerateArray()
            .Select(f => $"{f.GetProperty("severity").GetString()} {f.GetProperty("ruleId").GetString()} {f.GetProperty("resource").GetProperty("name").GetString()}: {f.GetProperty("message").GetString()}")
            .ToList();
        Assert.True(api.GetProperty("objects").GetInt32() >= 5);
        Assert.DoesNotContain(findings, f => f.StartsWith("Critical", StringComparison.Ordinal) || f.StartsWith("High", StringComparison.Ordinal));
        Assert.True(api.GetProperty("passed").GetBoolean(), string.Join("\n", findings));
        // The verb a pipeline gates on answers exactly as the API does.
        Assert.Equal(0, verbExit);
        Assert.Equal(api.GetRawText(), verb.GetRawText());
    }

    [Fact]
    public async Task A_privileged_change_to_our_deployment_fails_the_gate_both_ways()
    {
        var manifests = (await RenderAsync("base")).Replace("privileged: false", "privileged: true", StringComparison.Ordinal);

        var (api, verbExit, verb) = await EvaluateBothWaysAsync(manifests);

        Assert.False(api.GetProperty("passed").GetBoolean());
        Assert.Equal(1, verbExit);
        Assert.Equal(api.GetRawText(), verb.GetRawText());
    }

    [Fact]
    public async Task The_evaluate_verb_refuses_what_is_not_manifests()
    {
        var file = Path.Combine(app.DataDirectory, "not-manifests.yaml");
        await File.WriteAllTextAsync(file, "kind: [unclosed");
        var (exit, stdout, stderr) = await OperatorBinary.RunAsync(app.DataDirectory, null, "evaluate", file);
        Assert.Equal(2, exit);
        Assert.Equal("", stdout.Trim());
        Assert.Contains("invalid manifests", stderr);
        var missing = await OperatorBinary.RunAsync(app.DataDirectory, null, "evaluate", Path.Combine(app.DataDirectory, "absent.yaml"));
        Assert.Equal(2, missing.ExitCode);
        Assert.Contains("does not exist", missing.Stderr);
    }

    private static List<YamlMappingNode> Documents(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return stream.Documents.Select(d => (YamlMappingNode)d.RootNode).ToList();
    }

    private static string? Text(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }
            node = next;
        }
        return (node as YamlScalarNode)?.Value;
    }

    private static YamlMappingNode Single(List<YamlMappingNode> documents, string kind, string? name = null) =>
        documents.Single(d => Text(d, "kind") == kind && (name is null || Text(d, "metadata", "name") == name));

    [Fact]
    public async Task Production_runs_two_hardened_replicas_behind_probes_and_a_migrate_job_and_keeps_no_secret_literal()
    {
        var production = Documents(await RenderAsync("overlays/aks-production"));
        var deployment = Single(production, "Deployment");
        Assert.True(int.Parse(Text(deployment, "spec", "replicas")!, System.Globalization.CultureInfo.InvariantCulture) >= 2);
        var pod = (YamlMappingNode)deployment["spec"]["template"]["spec"];
        Assert.Equal("false", Text(pod, "automountServiceAccountToken"));
        var container = (YamlMappingNode)((YamlSequenceNode)pod["containers"]).Children.Single();
        Assert.Equal("/healthz", Text(container, "livenessProbe", "httpGet", "path"));
        Assert.Equal("/readyz", Text(container, "readinessProbe", "httpGet", "path"));
        Assert.Equal("true", Text(container, "securityContext", "readOnlyRootFilesystem"));
        Assert.Equal("false", Text(container, "securityContext", "allowPrivilegeEscalation"));
        Assert.Equal("RuntimeDefault", Text(container, "securityContext", "seccompProfile", "type"));
        Assert.Contains("@sha256:", Text(container, "image"));
        Assert.NotNull(Text(container, "resources", "limits", "memory"));
        Assert.Equal("migrate", ((YamlSequenceNode)((YamlMappingNode)((YamlSequenceNode)Single(production, "Job")["spec"]["template"]["spec"]["containers"]).Children.Single())["args"]).Children.Single().ToString());
        Assert.Contains(production, d => Text(d, "kind") == "NetworkPolicy" && Text(d, "metadata", "name") == "default-deny");
        Assert.Single(production, d => Text(d, "kind") == "PodDisruptionBudget");
        Assert.Single(production, d => Text(d, "kind") == "HorizontalPodAutoscaler");
        Assert.Equal("cookie", Text(Single(production, "Ingress"), "metadata", "annotations", "nginx.ingress.kubernetes.io/affinity"));
        Assert.Equal("SqlServer", Text(Single(production, "ConfigMap"), "data", "Database__Provider"));
        Assert.DoesNotContain(production, d => Text(d, "kind") == "Secret");
        Assert.Single(production, d => Text(d, "kind") == "SecretProviderClass");

        var local = Documents(await RenderAsync("overlays/local"));
        Assert.Equal("1", Text(Single(local, "Deployment"), "spec", "replicas"));
        Assert.Equal("Sqlite", Text(Single(local, "ConfigMap"), "data", "Database__Provider"));
        Assert.DoesNotContain(local, d => Text(d, "kind") is "HorizontalPodAutoscaler" or "PodDisruptionBudget");
    }

    [Fact]
    public async Task The_collector_reads_only_the_kinds_collection_lists()
    {
        var rbac = Documents(await RenderAsync("collector-rbac"));
        var verbs = ((YamlSequenceNode)Single(rbac, "ClusterRole")["rules"]).Children.Cast<YamlMappingNode>()
            .SelectMany(rule => ((YamlSequenceNode)rule["verbs"]).Children.Select(v => v.ToString())).Distinct().Order().ToList();
        Assert.Equal(["get", "list"], verbs);
        var resources = ((YamlSequenceNode)Single(rbac, "ClusterRole")["rules"]).Children.Cast<YamlMappingNode>()
            .Where(rule => rule.Children.ContainsKey(new YamlScalarNode("resources")))
            .SelectMany(rule => ((YamlSequenceNode)rule["resources"]).Children.Select(v => v.ToString())).ToList();
        Assert.DoesNotContain("secrets", resources);
        Assert.DoesNotContain("configmaps", resources);
        Assert.Contains("pods", resources);
        Assert.Contains("vulnerabilityreports", resources);
        Assert.Equal("kubernetes.io/service-account-token", Text(Single(rbac, "Secret"), "type"));
    }
}
