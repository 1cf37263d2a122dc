using System.Text.RegularExpressions;

namespace K8Posture.Features.Alerts;

/// <summary>What the classifier looks at: the sensor's rule name and the evidence it sent.</summary>
public sealed record IocInput(
    string Rule,
    string? Output = null,
    string? Process = null,
    string? ParentProcess = null,
    string? CommandLine = null,
    string? FilePath = null,
    IReadOnlyList<KeyValuePair<string, string>>? Fields = null);

public readonly record struct IocVerdict(IocClass Class, string? Evidence);

/// <summary>
/// Sorts a runtime alert into the study guide's six IOC classes (docs/ARCHITECTURE.md, Runtime IOC classes). The sensor's rule or policy name decides
/// first (the sensor author knew what the rule detects); otherwise evidence in the fields decides, most specific first:
/// a metadata-API address says more than the curl that reached it. Pure: no I/O, no clock.
/// </summary>
public static partial class IocClassifier
{
    public static readonly IReadOnlyList<string> SuspiciousTools = ["nc", "ncat", "netcat", "ssh", "scp", "sudo", "curl", "wget"];

    public static readonly IReadOnlyList<string> MetadataEndpoints =
        ["169.254.169.254", "metadata.google.internal", "metadata.azure.com", "169.254.170.2", "fd00:ec2::254", "100.100.100.200", "metadata.tencentyun.com"];

    public const string ServiceAccountTokenPath = "/var/run/secrets/kubernetes.io/serviceaccount";

    public static readonly IReadOnlyList<string> RuntimeSockets = ["docker.sock", "containerd.sock", "crio.sock", "cri-dockerd.sock", "podman.sock"];

    private static readonly string[] KubeApiHosts = ["kubernetes.default.svc", "kubernetes.default", "kubernetes_service_host"];

    private static readonly string[] ContainerSpawners = ["docker", "runc", "ctr", "crictl", "nerdctl", "podman", "containerd-shim"];

    private static readonly string[] SystemDirectories = ["/etc/", "/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/", "/usr/local/bin/", "/usr/local/sbin/"];

    private static readonly string[] WritingCommands = ["touch", "cp", "mv", "tee", "install", "dd", "chmod", "chown", "rm", "ln", "truncate"];

    // Rule and policy names of Falco (falcosecurity/rules), StackRox/ACS default policies and CrowdStrike detect names.
    private static readonly (IocClass Class, Regex Pattern)[] RulePatterns =
    [
        (IocClass.HostMount, HostMountRule()),
        (IocClass.PrivilegedContainerSpawn, PrivilegedRule()),
        (IocClass.ServiceAccountTokenAccess, ServiceAccountRule()),
        (IocClass.CloudMetadataAccess, MetadataRule()),
        (IocClass.WriteBelowSystemDirectory, WriteBelowRule()),
        (IocClass.SuspiciousTool, ToolRule()),
    ];

    public static IocVerdict Classify(IocInput input)
    {
        foreach (var (iocClass, pattern) in RulePatterns)
        {
            if (pattern.IsMatch(input.Rule))
            {
                return new IocVerdict(iocClass, $"rule \"{input.Rule}\"");
            }
        }
        return ByEvidence(input) ?? new IocVerdict(IocClass.Other, null);
    }

    private static IocVerdict? ByEvidence(IocInput input)
    {
        var values = EvidenceValues(input).ToList();

        foreach (var (key, value) in values)
        {
            if (MetadataEndpoints.FirstOrDefault(m => value.Contains(m, StringComparison.OrdinalIgnoreCase)) is { } endpoint)
            {
                return new IocVerdict(IocClass.CloudMetadataAccess, $"{key} reaches {endpoint}");
            }
        }
        foreach (var (key, value) in values)
        {
            if (value.Contains(ServiceAccountTokenPath, StringComparison.OrdinalIgnoreCase)
                || value.Contains("/run/secrets/kubernetes.io/serviceaccount", StringComparison.OrdinalIgnoreCase))
            {
                return new IocVerdict(IocClass.ServiceAccountTokenAccess, $"{key} reads the service-account token");
            }
            if (KubeApiHosts.FirstOrDefault(h => value.Contains(h, StringComparison.OrdinalIgnoreCase)) is { } host)
            {
                return new IocVerdict(IocClass.ServiceAccountTokenAccess, $"{key} queries the Kubernetes API ({host})");
            }
        }
        if (BaseName(input.Process) == "kubectl" || BaseName(FirstToken(input.CommandLine)) == "kubectl")
        {
            return new IocVerdict(IocClass.ServiceAccountTokenAccess, "kubectl run in a container (Kubernetes API queried)");
        }
        foreach (var (key, value) in values)
        {
            if (RuntimeSockets.FirstOrDefault(s => value.Contains(s, StringComparison.OrdinalIgnoreCase)) is { } socket)
            {
                return new IocVerdict(IocClass.PrivilegedContainerSpawn, $"{key} uses the container runtime socket {socket}");
            }
        }
        var privileged = values.Any(v => v.Key.Contains("privileged", StringComparison.OrdinalIgnoreCase) && v.Value.Equals("true", StringComparison.OrdinalIgnoreCase));
        var process = BaseName(input.Process) ?? BaseName(FirstToken(input.CommandLine));
        if (privileged && process is not null && ContainerSpawners.Contains(process))
        {
            return new IocVerdict(IocClass.PrivilegedContainerSpawn, $"privileged container runs {process}");
        }
        foreach (var (key, value) in values)
        {
            if ((key.Contains("mount", StringComparison.OrdinalIgnoreCase) || key.Contains("hostpath", StringComparison.OrdinalIgnoreCase))
                && SensitiveHostPath().Match(value) is { Success: true } match)
            {
                return new IocVerdict(IocClass.HostMount, $"{key} mounts host path {match.Groups["path"].Value}");
            }
        }
        if (input.FilePath is { } path && SystemDirectories.Any(d => path.StartsWith(d, StringComparison.Ordinal)) && IsWrite(input, values))
        {
            return new IocVerdict(IocClass.WriteBelowSystemDirectory, $"write to {path}");
        }
        if (process is not null && SuspiciousTools.Contains(process))
        {
            return new IocVerdict(IocClass.SuspiciousTool, $"process {process}");
        }
        if (BaseName(input.ParentProcess) is { } parent && SuspiciousTools.Contains(parent))
        {
            return new IocVerdict(IocClass.SuspiciousTool, $"parent process {parent}");
        }
        return null;
    }

    private static bool IsWrite(IocInput input, List<KeyValuePair<string, string>> values)
    {
        if (WriteWords().IsMatch(input.Rule) || (input.Output is { } output && WriteWords().IsMatch(output)))
        {
            return true;
        }
        if (values.Any(v => v.Key.Contains("flags", StringComparison.OrdinalIgnoreCase) && WriteFlags().IsMatch(v.Value)))
        {
            return true;
        }
        return BaseName(FirstToken(input.CommandLine)) is { } command && WritingCommands.Contains(command);
    }

    private static IEnumerable<KeyValuePair<string, string>> EvidenceValues(IocInput input)
    {
        if (input.FilePath is not null) yield return new("file", input.FilePath);
        if (input.CommandLine is not null) yield return new("command line", input.CommandLine);
        if (input.Process is not null) yield return new("process", input.Process);
        foreach (var field in input.Fields ?? [])
        {
            yield return field;
        }
        if (input.Output is not null) yield return new("output", input.Output);
    }

    private static string? FirstToken(string? commandLine)
    {
        if (string.IsNullOrWhiteSpace(commandLine))
        {
            return null;
        }
        var trimmed = commandLine.Trim();
        var space = trimmed.IndexOfAny([' ', '\t']);
        return space < 0 ? trimmed : trimmed[..space];
    }

    private static string? BaseName(string? process)
    {
        if (string.IsNullOrWhiteSpace(process))
        {
            return null;
        }
        var name = process.Trim();
        var slash = name.LastIndexOfAny(['/', '\\']);
        name = slash >= 0 ? name[(slash + 1)..] : name;
        return name.EndsWith(".exe", StringComparison.OrdinalIgnoreCase) ? name[..^4].ToLowerInvariant() : name.ToLowerInvariant();
    }

    [GeneratedRegex(@"sensitive\s+(host\s+)?mount|host\s*path|host\s+mount|mount\s+launched|host\s+root|sensitive\s+host|host\s+system\s+directories", RegexOptions.IgnoreCase)]
    private static partial Regex HostMountRule();

    [GeneratedRegex(@"privileged\s+(container|pod)|container\s+runtime\s+socket|docker\s+socket|docker\.sock|containerd\.sock|crio\.sock|spawn\w*\s+container", RegexOptions.IgnoreCase)]
    private static partial Regex PrivilegedRule();

    [GeneratedRegex(@"service\s*account\s+token|serviceaccount\s+token|k8s\s+api|kubernetes\s+api|kube[\s-]?api|kubectl", RegexOptions.IgnoreCase)]
    private static partial Regex ServiceAccountRule();

    [GeneratedRegex(@"metadata\s+(service|api|server|endpoint)|instance\s+metadata|cloud\s+metadata|\bimds\b", RegexOptions.IgnoreCase)]
    private static partial Regex MetadataRule();

    [GeneratedRegex(@"\b(write|writ\w*|modif\w*|creat\w*)\b.*\b(etc|bin|binary|sbin)\b(\s+dirs?|\s+directory)?", RegexOptions.IgnoreCase)]
    private static partial Regex WriteBelowRule();

    [GeneratedRegex(@"\b(netcat|ncat|nc|ssh|sudo|curl|wget|remote\s+file\s+copy)\b", RegexOptions.IgnoreCase)]
    private static partial Regex ToolRule();

    [GeneratedRegex(@"(^|[\s,;=""'(\[])(?<path>/|/etc|/proc|/root|/var/run|/run|/var/lib/kubelet|/var/lib/docker|/home|/boot|/dev|/sys)(?=[:\s,;)""'\]]|$)")]
    private static partial Regex SensitiveHostPath();

    [GeneratedRegex(@"\b(writ\w*|modif\w*|creat\w*|renam\w*|delet\w*|remov\w*|chmod\w*)\b", RegexOptions.IgnoreCase)]
    private static partial Regex WriteWords();

    [GeneratedRegex(@"O_WRONLY|O_RDWR|O_CREAT|O_TRUNC")]
    private static partial Regex WriteFlags();
}
