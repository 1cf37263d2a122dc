using System.Text.RegularExpressions;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>
/// Maps well-known rule ids to the OWASP Kubernetes Top 10 (2025) and to Pod Security Standards controls.
/// Deliberately small: a rule is listed only when its meaning is unambiguous and stable across tool versions.
/// </summary>
/// <remarks>
/// OWASP Kubernetes Top 10 (2025): K01 insecure workload configurations, K02 overly permissive authorization,
/// K03 secrets management failures, K04 lack of cluster-level policy enforcement, K05 missing network segmentation,
/// K06 overly exposed components, K07 misconfigured and vulnerable cluster components, K08 cluster-to-cloud lateral
/// movement, K09 broken authentication, K10 inadequate logging and monitoring.
/// PSS controls are written "level/control" as in the Kubernetes documentation (e.g. "baseline/host-path-volumes").
/// </remarks>
public static partial class ComplianceMappings
{
    public const string InsecureWorkload = "K01";
    public const string PermissiveAuthorization = "K02";
    public const string SecretsManagement = "K03";
    public const string NetworkSegmentation = "K05";
    public const string MisconfiguredComponents = "K07";
    public const string BrokenAuthentication = "K09";
    public const string LoggingAndMonitoring = "K10";

    public const string PssPrivileged = "baseline/privileged-containers";
    public const string PssHostNamespaces = "baseline/host-namespaces";
    public const string PssHostPath = "baseline/host-path-volumes";
    public const string PssHostPorts = "baseline/host-ports";
    public const string PssBaselineCapabilities = "baseline/capabilities";
    public const string PssAppArmor = "baseline/apparmor";
    public const string PssHostProcess = "baseline/host-process";
    public const string PssProcMount = "baseline/proc-mount";
    public const string PssSeLinux = "baseline/selinux";
    public const string PssBaselineSeccomp = "baseline/seccomp";
    public const string PssSysctls = "baseline/sysctls";
    public const string PssVolumeTypes = "restricted/volume-types";
    public const string PssRunAsNonRootUser = "restricted/running-as-non-root-user";
    public const string PssPrivilegeEscalation = "restricted/privilege-escalation";
    public const string PssRunAsNonRoot = "restricted/running-as-non-root";
    public const string PssRestrictedSeccomp = "restricted/seccomp";
    public const string PssRestrictedCapabilities = "restricted/capabilities";

    /// <summary>An OWASP Kubernetes Top 10 id and, where one applies, a PSS control.</summary>
    public sealed record Mapping(string OwaspK8s, string? PssControl = null);

    // Trivy (defsec/trivy-checks) Kubernetes checks, keyed by number so "KSV001", "KSV-0001" and "AVD-KSV-0001" all match.
    private static readonly Dictionary<int, Mapping> Trivy = new()
    {
        [1] = new(InsecureWorkload, PssPrivilegeEscalation),     // Process can elevate its own privileges (allowPrivilegeEscalation)
        [2] = new(InsecureWorkload, PssAppArmor),                // Default AppArmor profile not set
        [3] = new(InsecureWorkload, PssRestrictedCapabilities),  // Default capabilities not dropped (drop ALL)
        [5] = new(InsecureWorkload, PssBaselineCapabilities),    // SYS_ADMIN capability added
        [6] = new(InsecureWorkload, PssHostPath),                // hostPath volume mounts docker.sock
        [8] = new(InsecureWorkload, PssHostNamespaces),          // Access to host IPC namespace
        [9] = new(InsecureWorkload, PssHostNamespaces),          // Access to host network
        [10] = new(InsecureWorkload, PssHostNamespaces),         // Access to host PID
        [12] = new(InsecureWorkload, PssRunAsNonRoot),           // Runs as root user (runAsNonRoot)
        [14] = new(InsecureWorkload),                            // Root file system is not read-only
        [17] = new(InsecureWorkload, PssPrivileged),             // Privileged container
        [22] = new(InsecureWorkload, PssBaselineCapabilities),   // Non-default capabilities added
        [23] = new(InsecureWorkload, PssHostPath),               // hostPath volumes mounted
        [24] = new(InsecureWorkload, PssHostPorts),              // Access to host ports
        [30] = new(InsecureWorkload, PssRestrictedSeccomp),      // Runtime/Default seccomp profile not set
        [41] = new(PermissiveAuthorization),                     // Manage secrets (RBAC)
        [44] = new(PermissiveAuthorization),                     // Wildcard verbs on all resources
        [45] = new(PermissiveAuthorization),                     // Wildcard verb roles
        [46] = new(PermissiveAuthorization),                     // Manage all resources
        [111] = new(PermissiveAuthorization),                    // Binding to cluster-admin
    };

    // Kubescape controls.
    private static readonly Dictionary<string, Mapping> Kubescape = new(StringComparer.OrdinalIgnoreCase)
    {
        ["C-0057"] = new(InsecureWorkload, PssPrivileged),             // Privileged container
        ["C-0048"] = new(InsecureWorkload, PssHostPath),               // HostPath mount
        ["C-0045"] = new(InsecureWorkload, PssHostPath),               // Writable hostPath mount
        ["C-0041"] = new(InsecureWorkload, PssHostNamespaces),         // HostNetwork access
        ["C-0038"] = new(InsecureWorkload, PssHostNamespaces),         // Host PID/IPC privileges
        ["C-0044"] = new(InsecureWorkload, PssHostPorts),              // Container hostPort
        ["C-0046"] = new(InsecureWorkload, PssBaselineCapabilities),   // Insecure capabilities
        ["C-0013"] = new(InsecureWorkload, PssRunAsNonRoot),           // Non-root containers
        ["C-0016"] = new(InsecureWorkload, PssPrivilegeEscalation),    // Allow privilege escalation
        ["C-0017"] = new(InsecureWorkload),                            // Immutable container filesystem
        ["C-0035"] = new(PermissiveAuthorization),                     // Cluster-admin binding
        ["C-0015"] = new(PermissiveAuthorization),                     // List Kubernetes secrets
        ["C-0187"] = new(PermissiveAuthorization),                     // Minimize wildcard use in Roles and ClusterRoles
        ["C-0012"] = new(SecretsManagement),                           // Applications credentials in configuration files
        ["C-0049"] = new(NetworkSegmentation),                         // Network mapping (no network policy)
        ["C-0054"] = new(NetworkSegmentation),                         // Cluster internal networking
        ["C-0260"] = new(NetworkSegmentation),                         // Missing network policy
    };

    // Kyverno's Pod Security Standards policies (kyverno/policies, pod-security/baseline and pod-security/restricted),
    // by policy name: each implements exactly one PSS control.
    private static readonly Dictionary<string, Mapping> KyvernoPodSecurity = new(StringComparer.OrdinalIgnoreCase)
    {
        ["disallow-capabilities"] = new(InsecureWorkload, PssBaselineCapabilities),
        ["disallow-host-namespaces"] = new(InsecureWorkload, PssHostNamespaces),
        ["disallow-host-path"] = new(InsecureWorkload, PssHostPath),
        ["disallow-host-ports"] = new(InsecureWorkload, PssHostPorts),
        ["disallow-host-process"] = new(InsecureWorkload, PssHostProcess),
        ["disallow-privileged-containers"] = new(InsecureWorkload, PssPrivileged),
        ["disallow-proc-mount"] = new(InsecureWorkload, PssProcMount),
        ["disallow-selinux"] = new(InsecureWorkload, PssSeLinux),
        ["restrict-apparmor-profiles"] = new(InsecureWorkload, PssAppArmor),
        ["restrict-seccomp"] = new(InsecureWorkload, PssBaselineSeccomp),
        ["restrict-sysctls"] = new(InsecureWorkload, PssSysctls),
        ["disallow-capabilities-strict"] = new(InsecureWorkload, PssRestrictedCapabilities),
        ["disallow-privilege-escalation"] = new(InsecureWorkload, PssPrivilegeEscalation),
        ["require-run-as-nonroot"] = new(InsecureWorkload, PssRunAsNonRoot),
        ["require-run-as-non-root-user"] = new(InsecureWorkload, PssRunAsNonRootUser),
        ["restrict-seccomp-strict"] = new(InsecureWorkload, PssRestrictedSeccomp),
        ["restrict-volume-types"] = new(InsecureWorkload, PssVolumeTypes),
    };

    // kube-bench / CIS Kubernetes Benchmark: by section, because check numbers inside sections move between benchmark
    // versions while the sections themselves have kept their meaning.
    private static readonly (string Prefix, Mapping Mapping)[] CisSections =
    [
        ("5.1.", new(PermissiveAuthorization)),   // RBAC and Service Accounts
        ("5.3.", new(NetworkSegmentation)),       // Network Policies and CNI
        ("5.4.", new(SecretsManagement)),         // Secrets Management
        ("3.1.", new(BrokenAuthentication)),      // Authentication and Authorization
        ("3.2.", new(LoggingAndMonitoring)),      // Logging
        ("1.", new(MisconfiguredComponents)),     // Control plane components
        ("2.", new(MisconfiguredComponents)),     // etcd
        ("4.", new(MisconfiguredComponents)),     // Worker nodes
    ];

    /// <summary>A Trivy Kubernetes check id in any of its spellings: "KSV001", "KSV-0001", "AVD-KSV-0001".</summary>
    [GeneratedRegex(@"^(?:AVD-)?KSV-?0*(\d{1,4})$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex TrivyKubernetesId();

    /// <summary>The mapping for a Trivy (KSV…) or Kubescape (C-00xx) rule id; null when the rule is not clearly mapped.</summary>
    public static Mapping? ForRule(string? ruleId)
    {
        if (string.IsNullOrWhiteSpace(ruleId))
        {
            return null;
        }
        var id = ruleId.Trim();
        if (TrivyKubernetesId().Match(id) is { Success: true } match
            && int.TryParse(match.Groups[1].ValueSpan, System.Globalization.CultureInfo.InvariantCulture, out var number))
        {
            return Trivy.GetValueOrDefault(number);
        }
        return Kubescape.GetValueOrDefault(id);
    }

    /// <summary>The mapping for a CIS Kubernetes Benchmark check number (kube-bench "1.2.3", Kubescape "CIS-5.3.2").</summary>
    public static Mapping? ForCisCheck(string? checkNumber)
    {
        if (string.IsNullOrWhiteSpace(checkNumber))
        {
            return null;
        }
        var number = checkNumber.Trim();
        if (number.StartsWith("CIS-", StringComparison.OrdinalIgnoreCase))
        {
            number = number[4..];
        }
        number += ".";
        foreach (var (prefix, mapping) in CisSections)
        {
            if (number.StartsWith(prefix, StringComparison.Ordinal))
            {
                return mapping;
            }
        }
        return null;
    }

    /// <summary>The mapping for a Kyverno Pod Security Standards policy ("disallow-privileged-containers"); null for other policies.</summary>
    public static Mapping? ForKyvernoPolicy(string? policy) =>
        string.IsNullOrWhiteSpace(policy) ? null : KyvernoPodSecurity.GetValueOrDefault(policy.Trim());
}
