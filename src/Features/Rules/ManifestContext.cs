using System.Text.Json;
using K8Posture.Features.Ingestion;
using K8Posture.Shared;

namespace K8Posture.Features.Rules;

/// <summary>One Kubernetes object of the evaluated set.</summary>
public sealed record ManifestObject(JsonElement Element, string Kind, string? Namespace, string Name)
{
    public ResourceRef Ref(string? container = null) => new(Kind, Namespace, Name, container);
}

/// <summary>A pod spec and the object that carries it (Pod, Deployment, CronJob, …).</summary>
public sealed class PodWorkload
{
    public required ManifestObject Owner { get; init; }
    public required JsonElement Spec { get; init; }
    /// <summary>The pod's own metadata (the template's for controllers): labels and annotations.</summary>
    public JsonElement? PodMetadata { get; init; }
    public IReadOnlyList<ContainerView> Containers { get; internal set; } = [];

    public JsonElement? SecurityContext => Spec.Obj("securityContext");

    /// <summary>Namespace the pods run in; objects without one are taken to be in "default".</summary>
    public string EffectiveNamespace => Owner.Namespace ?? "default";

    public string ServiceAccountName => Spec.Str("serviceAccountName") ?? Spec.Str("serviceAccount") ?? "default";

    public string? Annotation(string name) => PodMetadata?.Obj("annotations")?.Str(name);
}

/// <summary>A container with its pod: effective security settings read container first, then pod.</summary>
public sealed class ContainerView
{
    public required PodWorkload Pod { get; init; }
    public required JsonElement Element { get; init; }
    public required string Name { get; init; }
    /// <summary>"containers", "initContainers" or "ephemeralContainers".</summary>
    public required string Section { get; init; }
    public string? Image { get; init; }
    public ImageReference? ImageRef { get; init; }

    public JsonElement? SecurityContext => Element.Obj("securityContext");

    /// <summary>A securityContext field, the container's own value first, then the pod's (runAsUser, runAsNonRoot, seccompProfile, …).</summary>
    public JsonElement? Effective(string field)
    {
        if (SecurityContext?.Prop(field) is { } own && own.ValueKind != JsonValueKind.Null)
        {
            return own;
        }
        return Pod.SecurityContext?.Prop(field) is { } pod && pod.ValueKind != JsonValueKind.Null ? pod : null;
    }
}

/// <summary>
/// The whole manifest set being evaluated, indexed once: pod specs of every workload kind, RBAC, network policies,
/// services, service accounts and namespaces, plus the Security Team's policy (allowed registries).
/// </summary>
public sealed class ManifestContext
{
    private static readonly string[] ContainerSections = ["containers", "initContainers", "ephemeralContainers"];

    private ManifestContext(PolicyDocument policy) => Policy = policy;

    public PolicyDocument Policy { get; }
    public List<ManifestObject> Objects { get; } = [];
    public List<PodWorkload> Workloads { get; } = [];
    public List<ManifestObject> Roles { get; } = [];
    public List<ManifestObject> Bindings { get; } = [];
    public List<ManifestObject> NetworkPolicies { get; } = [];
    public List<ManifestObject> Services { get; } = [];
    public List<ManifestObject> ServiceAccounts { get; } = [];
    public List<ManifestObject> Namespaces { get; } = [];

    /// <summary>Kinds that live in a namespace (the rest — ClusterRole, ClusterRoleBinding, Namespace, … — do not).</summary>
    public static bool IsClusterScoped(string kind) => kind is "Namespace" or "ClusterRole" or "ClusterRoleBinding" or "Node"
        or "PersistentVolume" or "CustomResourceDefinition" or "StorageClass" or "PriorityClass" or "ValidatingWebhookConfiguration"
        or "MutatingWebhookConfiguration" or "ClusterPolicy" or "ValidatingAdmissionPolicy";

    public static ManifestContext Create(IEnumerable<JsonElement> objects, PolicyDocument policy)
    {
        var context = new ManifestContext(policy);
        foreach (var element in objects)
        {
            context.Add(element);
        }
        return context;
    }

    private void Add(JsonElement element)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return;
        }
        var kind = element.Str("kind") ?? "Unknown";
        var metadata = element.Obj("metadata");
        var name = metadata?.Str("name") ?? metadata?.Str("generateName") ?? "(unnamed)";
        var ns = IsClusterScoped(kind) ? null : metadata?.Str("namespace") ?? "default";
        var item = new ManifestObject(element, kind, ns, name);
        Objects.Add(item);

        switch (kind)
        {
            case "Pod":
                AddWorkload(item, element.Obj("spec"), metadata);
                break;
            case "Deployment" or "ReplicaSet" or "StatefulSet" or "DaemonSet" or "Job" or "ReplicationController" or "PodTemplate":
                var template = kind == "PodTemplate" ? element.Obj("template") : element.Obj("spec")?.Obj("template");
                AddWorkload(item, template?.Obj("spec"), template?.Obj("metadata"));
                break;
            case "CronJob":
                var podTemplate = element.Obj("spec")?.Obj("jobTemplate")?.Obj("spec")?.Obj("template");
                AddWorkload(item, podTemplate?.Obj("spec"), podTemplate?.Obj("metadata"));
                break;
            case "Role" or "ClusterRole":
                Roles.Add(item);
                break;
            case "RoleBinding" or "ClusterRoleBinding":
                Bindings.Add(item);
                break;
            case "NetworkPolicy":
                NetworkPolicies.Add(item);
                break;
            case "Service":
                Services.Add(item);
                break;
            case "ServiceAccount":
                ServiceAccounts.Add(item);
                break;
            case "Namespace":
                Namespaces.Add(item);
                break;
        }
    }

    private void AddWorkload(ManifestObject owner, JsonElement? spec, JsonElement? podMetadata)
    {
        if (spec is not { } podSpec)
        {
            return;
        }
        var workload = new PodWorkload { Owner = owner, Spec = podSpec, PodMetadata = podMetadata };
        var containers = new List<ContainerView>();
        foreach (var section in ContainerSections)
        {
            var index = 0;
            foreach (var container in podSpec.Arr(section))
            {
                if (container.ValueKind == JsonValueKind.Object)
                {
                    var image = container.Str("image");
                    containers.Add(new ContainerView
                    {
                        Pod = workload,
                        Element = container,
                        Name = container.Str("name") ?? $"{section}[{index}]",
                        Section = section,
                        Image = image,
                        ImageRef = ImageReference.TryParse(image),
                    });
                }
                index++;
            }
        }
        workload.Containers = containers;
        Workloads.Add(workload);
    }

    private Dictionary<(string Kind, string? Namespace, string Name), ManifestObject>? _rolesByKey;
    private ILookup<string?, ManifestObject>? _networkPoliciesByNamespace;

    /// <summary>The NetworkPolicies of a namespace (indexed once per set).</summary>
    public IEnumerable<ManifestObject> NetworkPoliciesIn(string ns)
    {
        _networkPoliciesByNamespace ??= NetworkPolicies.ToLookup(p => p.Namespace, StringComparer.Ordinal);
        return _networkPoliciesByNamespace[ns];
    }
    private ILookup<(string Namespace, string Name), ManifestObject>? _bindingsByServiceAccount;

    /// <summary>The Role or ClusterRole a binding refers to, when the set has it.</summary>
    public ManifestObject? RoleOf(ManifestObject binding)
    {
        var roleRef = binding.Element.Obj("roleRef");
        var name = roleRef?.Str("name");
        if (name is null)
        {
            return null;
        }
        var kind = roleRef?.Str("kind") ?? "ClusterRole";
        _rolesByKey ??= Roles
            .GroupBy(r => (r.Kind, r.Kind == "ClusterRole" ? null : r.Namespace, r.Name))
            .ToDictionary(g => g.Key, g => g.First());
        return _rolesByKey.GetValueOrDefault((kind, kind == "ClusterRole" ? null : binding.Namespace, name));
    }

    /// <summary>Bindings that name the service account as a subject (indexed once per set).</summary>
    public IEnumerable<ManifestObject> BindingsOf(string serviceAccountNamespace, string serviceAccount)
    {
        _bindingsByServiceAccount ??= Bindings
            .SelectMany(b => b.Element.Arr("subjects")
                .Where(s => s.Str("kind") == "ServiceAccount" && s.Str("name") is not null)
                .Select(s => (Key: (s.Str("namespace") ?? b.Namespace ?? "default", s.Str("name")!), Binding: b)))
            .ToLookup(x => x.Key, x => x.Binding);
        return _bindingsByServiceAccount[(serviceAccountNamespace, serviceAccount)];
    }
}

/// <summary>Tolerant reads of JSON elements: a missing or mistyped field is null, never an exception.</summary>
public static class ManifestJson
{
    public static JsonElement? Prop(this JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) ? value : null;

    public static JsonElement? Obj(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Object } value ? value : null;

    public static string? Str(this JsonElement element, string name) => element.Prop(name) is { } value ? AsString(value) : null;

    public static string? AsString(this JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() is { Length: > 0 } text ? text : null,
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    /// <summary>true/false (YAML booleans and the strings "true"/"false"); null when absent or anything else.</summary>
    public static bool? Flag(this JsonElement element, string name) => element.Prop(name) is { } value ? AsFlag(value) : null;

    public static bool? AsFlag(this JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String when bool.TryParse(value.GetString(), out var parsed) => parsed,
        _ => null,
    };

    public static long? AsInteger(this JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number when value.TryGetInt64(out var number) => number,
        JsonValueKind.String when long.TryParse(value.GetString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var parsed) => parsed,
        _ => null,
    };

    public static IEnumerable<JsonElement> Arr(this JsonElement element, string name) =>
        element.Prop(name) is { ValueKind: JsonValueKind.Array } array ? array.EnumerateArray() : [];

    public static IEnumerable<JsonElement> Arr(this JsonElement? element, string name) =>
        element is { } value ? value.Arr(name) : [];

    public static IReadOnlyList<string> StringList(this JsonElement element, string name) =>
        element.Arr(name).Select(AsString).OfType<string>().ToList();
}
