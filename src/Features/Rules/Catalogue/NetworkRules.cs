using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using K8Posture.Data;
using static K8Posture.Features.Ingestion.Parsers.ComplianceMappings;

namespace K8Posture.Features.Rules.Catalogue;

internal static class NetworkPolicies
{
    public static bool SelectsAllPods(JsonElement policy)
    {
        var selector = policy.Obj("spec")?.Obj("podSelector");
        return selector is null
            || (!(selector.Value.Obj("matchLabels")?.EnumerateObject().Any() ?? false) && !selector.Value.Arr("matchExpressions").Any()
                && !selector.Value.EnumerateObject().Any(p => p.Name is not "matchLabels" and not "matchExpressions"));
    }

    public static bool HasType(JsonElement policy, string type)
    {
        var spec = policy.Obj("spec");
        var types = spec?.StringList("policyTypes") ?? [];
        if (types.Count > 0)
        {
            return types.Contains(type);
        }
        // Without policyTypes, Ingress always applies and Egress applies when egress rules are given.
        return type == "Ingress" || spec?.Prop("egress") is not null;
    }

    /// <summary>
    /// Whether a label selector selects the labels, as Kubernetes reads it: every matchLabels pair and every matchExpression
    /// (In, NotIn, Exists, DoesNotExist) must hold, and an empty or absent selector selects everything. A selector Kubernetes
    /// would refuse (an unknown operator, In/NotIn without values, Exists/DoesNotExist with values) selects nothing.
    /// </summary>
    public static bool Selects(JsonElement? selector, JsonElement? labels)
    {
        string? Label(string key) => labels?.Str(key) ?? (labels?.Prop(key) is { ValueKind: JsonValueKind.String } ? "" : null);

        if (selector is not { } value || value.ValueKind != JsonValueKind.Object)
        {
            return true;
        }
        if (value.Obj("matchLabels") is { } matchLabels
            && matchLabels.EnumerateObject().Any(pair => Label(pair.Name) != (pair.Value.AsString() ?? "")))
        {
            return false;
        }
        foreach (var expression in value.Arr("matchExpressions"))
        {
            var key = expression.Str("key");
            var values = expression.StringList("values");
            if (key is null)
            {
                return false;
            }
            var label = Label(key);
            var holds = expression.Str("operator") switch
            {
                "In" when values.Count > 0 => label is not null && values.Contains(label),
                "NotIn" when values.Count > 0 => label is null || !values.Contains(label),
                "Exists" when values.Count == 0 => label is not null,
                "DoesNotExist" when values.Count == 0 => label is null,
                _ => false,
            };
            if (!holds)
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Namespaces the set puts pods in, or declares.</summary>
    public static IEnumerable<string> NamespacesOf(ManifestContext context) =>
        context.Namespaces.Select(n => n.Name).Concat(context.Workloads.Select(w => w.EffectiveNamespace)).Distinct(StringComparer.Ordinal);
}

public sealed class MissingDefaultDenyRule() : RuleBase(new RuleInfo(
    "K8P-NET-001", "Namespace without a default-deny NetworkPolicy", FindingCategory.NetworkPolicyMisconfiguration, FindingSeverity.Medium, NetworkSegmentation, null,
    "Without a default-deny policy every pod accepts traffic from every other pod in the cluster, so one compromised workload reaches all others (Kubernetes Goat's namespace bypass).",
    "Add a NetworkPolicy with podSelector: {} and policyTypes: [Ingress, Egress] to the namespace, then allow the flows each workload needs.",
    ["kubescape:C-0260", "kubescape:C-0054"]))
{
    public override IEnumerable<RuleViolation> Evaluate(ManifestContext context)
    {
        foreach (var ns in NetworkPolicies.NamespacesOf(context))
        {
            var denies = context.NetworkPolicies.Any(p => p.Namespace == ns && NetworkPolicies.SelectsAllPods(p.Element)
                && NetworkPolicies.HasType(p.Element, "Ingress") && !p.Element.Obj("spec").Arr("ingress").Any());
            if (!denies)
            {
                yield return new RuleViolation(new ResourceRef("Namespace", null, ns), $"namespace {ns} has no default-deny ingress NetworkPolicy in this manifest set.");
            }
        }
    }
}

/// <summary>
/// kube-score's pod-networkpolicy, to the letter: a pod is covered in a direction when a NetworkPolicy of its namespace in the
/// same evaluated set selects its labels and applies to that direction (policyTypes; without them Ingress always, and Egress
/// when egress rules are given). A pod missing either direction is reported, naming what is missing.
/// </summary>
public sealed class PodNetworkPolicyRule() : WorkloadRule(new RuleInfo(
    "K8P-NET-003", "Pod not selected by a NetworkPolicy", FindingCategory.NetworkPolicyMisconfiguration, FindingSeverity.Medium, NetworkSegmentation, null,
    "A pod no NetworkPolicy selects accepts traffic from, and sends traffic to, anything the network reaches: a compromised neighbour can talk to it and it can talk to anything.",
    "Add a NetworkPolicy in the pod's namespace whose podSelector matches the pod's labels (podSelector: {} for the whole namespace), with policyTypes: [Ingress, Egress].",
    ["kube-score:pod-networkpolicy"]))
{
    protected override IEnumerable<(string? Container, string Message)> Check(PodWorkload workload, ManifestContext context)
    {
        var ingress = false;
        var egress = false;
        var labels = workload.PodMetadata?.Obj("labels");
        foreach (var policy in context.NetworkPoliciesIn(workload.EffectiveNamespace))
        {
            var spec = policy.Element.Obj("spec");
            if (!NetworkPolicies.Selects(spec?.Prop("podSelector"), labels))
            {
                continue;
            }
            var types = spec?.StringList("policyTypes") ?? [];
            if (types.Count == 0)
            {
                ingress = true;
                egress |= spec?.Arr("egress").Any() == true;
            }
            else
            {
                ingress |= types.Contains("Ingress");
                egress |= types.Contains("Egress");
            }
        }
        var missing = (ingress, egress) switch
        {
            (true, true) => null,
            (true, false) => "no NetworkPolicy in this set restricts the pod's egress.",
            (false, true) => "no NetworkPolicy in this set restricts the pod's ingress.",
            _ => $"no NetworkPolicy of namespace {workload.EffectiveNamespace} in this set selects the pod.",
        };
        if (missing is not null)
        {
            yield return (null, missing);
        }
    }
}

public sealed class MetadataEgressRule() : RuleBase(new RuleInfo(
    "K8P-NET-002", "Egress to the cloud metadata API not blocked", FindingCategory.NetworkPolicyMisconfiguration, FindingSeverity.Medium, "K08", null,
    "Pods that reach 169.254.169.254 can read the node's cloud credentials and pivot from the cluster into the cloud account.",
    "Restrict egress with a NetworkPolicy whose ipBlock allows 0.0.0.0/0 except 169.254.169.254/32 (or only the destinations needed).",
    ["kubescape:C-0049"]))
{
    private static readonly IPAddress Metadata = IPAddress.Parse("169.254.169.254");

    public override IEnumerable<RuleViolation> Evaluate(ManifestContext context)
    {
        foreach (var ns in context.Workloads.Select(w => w.EffectiveNamespace).Distinct(StringComparer.Ordinal))
        {
            var egressPolicies = context.NetworkPolicies.Where(p => p.Namespace == ns && NetworkPolicies.HasType(p.Element, "Egress")).ToList();
            if (egressPolicies.Count == 0)
            {
                yield return new RuleViolation(new ResourceRef("Namespace", null, ns), $"namespace {ns} has no egress NetworkPolicy: its pods can reach the cloud metadata API (169.254.169.254).");
                continue;
            }
            foreach (var policy in egressPolicies)
            {
                var index = 0;
                foreach (var rule in policy.Element.Obj("spec").Arr("egress"))
                {
                    if (AllowsMetadata(rule))
                    {
                        yield return new RuleViolation(policy.Ref(), $"egress[{index}] allows traffic to 169.254.169.254 (cloud metadata).");
                    }
                    index++;
                }
            }
        }
    }

    private static bool AllowsMetadata(JsonElement rule)
    {
        var ports = rule.Arr("ports").ToList();
        if (ports.Count > 0 && !ports.Any(p => p.Prop("port")?.AsInteger() is null or 80))
        {
            return false;
        }
        var peers = rule.Arr("to").ToList();
        if (peers.Count == 0)
        {
            return true;
        }
        foreach (var peer in peers)
        {
            if (peer.Obj("ipBlock") is { } block && block.Str("cidr") is { } cidr && Contains(cidr, Metadata)
                && !block.StringList("except").Any(e => Contains(e, Metadata)))
            {
                return true;
            }
        }
        return false;
    }

    internal static bool Contains(string cidr, IPAddress address)
    {
        var slash = cidr.IndexOf('/', StringComparison.Ordinal);
        if (!IPAddress.TryParse(slash < 0 ? cidr : cidr[..slash], out var network) || network.AddressFamily != AddressFamily.InterNetwork)
        {
            return false;
        }
        var bits = 32;
        if (slash >= 0 && (!int.TryParse(cidr.AsSpan(slash + 1), System.Globalization.CultureInfo.InvariantCulture, out bits) || bits is < 0 or > 32))
        {
            return false;
        }
        var mask = bits == 0 ? 0u : uint.MaxValue << (32 - bits);
        var a = BitConverter.ToUInt32(network.GetAddressBytes().Reverse().ToArray());
        var b = BitConverter.ToUInt32(address.GetAddressBytes().Reverse().ToArray());
        return (a & mask) == (b & mask);
    }
}

public sealed class ExposedServiceRule() : RuleBase(new RuleInfo(
    "K8P-SVC-001", "Service exposed outside the cluster (LoadBalancer or NodePort)", FindingCategory.NetworkPolicyMisconfiguration, FindingSeverity.Medium, "K06", null,
    "LoadBalancer and NodePort services open the workload to networks beyond the cluster, often to the internet.",
    "Use ClusterIP behind the organisation's ingress/WAF, or an internal load balancer annotation when exposure inside the VNet/VPC is intended.",
    ["kube-score:service-type"]))
{
    /// <summary>Annotations (value compared case-insensitively) that keep a LoadBalancer inside the VNet/VPC: not exposed.</summary>
    public static readonly IReadOnlyList<(string Annotation, string Value)> InternalLoadBalancerAnnotations =
    [
        ("service.beta.kubernetes.io/azure-load-balancer-internal", "true"),
        ("service.beta.kubernetes.io/aws-load-balancer-internal", "true"),
        ("service.beta.kubernetes.io/aws-load-balancer-scheme", "internal"),
        ("networking.gke.io/load-balancer-type", "Internal"),
        ("cloud.google.com/load-balancer-type", "Internal"),
    ];

    public override IEnumerable<RuleViolation> Evaluate(ManifestContext context)
    {
        foreach (var service in context.Services)
        {
            var type = service.Element.Obj("spec")?.Str("type");
            if (type is not ("LoadBalancer" or "NodePort"))
            {
                continue;
            }
            var annotations = service.Element.Obj("metadata")?.Obj("annotations");
            if (type == "LoadBalancer" && InternalLoadBalancerAnnotations.Any(i => string.Equals(annotations?.Str(i.Annotation), i.Value, StringComparison.OrdinalIgnoreCase)))
            {
                continue;
            }
            yield return new RuleViolation(service.Ref(), $"type {type} exposes the service outside the cluster.");
        }
    }
}
