using System.Text.Json;
using K8Posture.Data;
using static K8Posture.Features.Ingestion.Parsers.ComplianceMappings;

namespace K8Posture.Features.Rules.Catalogue;

/// <summary>Reading RBAC rules: what a Role or ClusterRole grants.</summary>
internal static class Rbac
{
    public static readonly string[] ReadVerbs = ["get", "list", "watch", "*"];

    public static IEnumerable<(JsonElement Rule, int Index)> RulesOf(ManifestObject role) =>
        role.Element.Arr("rules").Select((rule, index) => (rule, index));

    public static bool Has(JsonElement rule, string field, string value) =>
        rule.StringList(field).Any(v => string.Equals(v, value, StringComparison.OrdinalIgnoreCase));

    public static bool CoreGroup(JsonElement rule)
    {
        var groups = rule.StringList("apiGroups");
        // An absent apiGroups list, or one with "" (parsed as null), is the core group.
        return groups.Count == 0 || groups.Contains("*") || rule.Arr("apiGroups").Any(g => g.ValueKind == JsonValueKind.Null || g.AsString() is null);
    }

    /// <summary>The seven verbs that, all granted on * in every group, amount to cluster-admin (as Polaris reads it).</summary>
    private static readonly string[] EveryVerb = ["get", "list", "watch", "create", "update", "patch", "delete"];

    public static bool IsClusterAdminEquivalent(JsonElement rule) =>
        Has(rule, "resources", "*") && rule.StringList("apiGroups").Contains("*")
        && (Has(rule, "verbs", "*") || EveryVerb.All(v => Has(rule, "verbs", v)));

    /// <summary>
    /// Names the Kubernetes distribution itself gives its bindings and roles (system:…, GKE's calico binding); Polaris leaves
    /// them alone because nobody can remove them, and reporting them in every cluster would bury the findings people can act on.
    /// </summary>
    public static bool IsPlatformDefault(string name) => name.StartsWith("system:", StringComparison.Ordinal) || name == "gce:podsecuritypolicy:calico-sa";

    /// <summary>An explicit core ("") or "*" API group: a rule without apiGroups grants no resource at all.</summary>
    public static bool NamesCoreGroup(JsonElement rule) =>
        rule.Arr("apiGroups").Any(g => g.ValueKind == JsonValueKind.Null || g.AsString() is null or "*");

    public static bool ReadsSecrets(JsonElement rule) =>
        CoreGroup(rule) && (Has(rule, "resources", "secrets") || Has(rule, "resources", "*")) && ReadVerbs.Any(v => Has(rule, "verbs", v));

    /// <summary>pods/exec or pods/attach (or "*") in the core group, with create, get (exec over a websocket) or "*".</summary>
    public static bool ExecOrAttach(JsonElement rule) =>
        NamesCoreGroup(rule)
        && (Has(rule, "resources", "pods/exec") || Has(rule, "resources", "pods/attach") || Has(rule, "resources", "*"))
        && (Has(rule, "verbs", "create") || Has(rule, "verbs", "get") || Has(rule, "verbs", "*"));

    /// <summary>Why a role is powerful enough that a pod holding it is a stepping stone; null when it is not.</summary>
    public static string? PowerOf(ManifestObject? role, string roleRefName)
    {
        if (roleRefName is "cluster-admin" or "admin" or "edit")
        {
            return $"the built-in ClusterRole {roleRefName}";
        }
        if (role is null)
        {
            return null;
        }
        foreach (var (rule, _) in RulesOf(role))
        {
            if (Has(rule, "verbs", "*") || Has(rule, "resources", "*"))
            {
                return $"{role.Kind} {role.Name} with wildcard permissions";
            }
            if (ReadsSecrets(rule))
            {
                return $"{role.Kind} {role.Name} that reads secrets";
            }
            if (ExecOrAttach(rule))
            {
                return $"{role.Kind} {role.Name} that can exec into pods";
            }
        }
        return null;
    }

    public static string Subjects(ManifestObject binding) =>
        string.Join(", ", binding.Element.Arr("subjects").Select(s => $"{s.Str("kind")}/{(s.Str("namespace") is { } ns ? ns + "/" : "")}{s.Str("name")}"));
}

public sealed class RbacWildcardRule() : RuleBase(new RuleInfo(
    "K8P-RBAC-001", "RBAC rule with wildcard verbs or resources", FindingCategory.KubernetesMisconfiguration, FindingSeverity.High, PermissiveAuthorization, null,
    "A \"*\" grants every verb or resource, including ones added to the API later (and secrets): least privilege cannot be reviewed.",
    "List the exact verbs and resources the subject needs.",
    ["trivy:KSV044", "trivy:KSV045", "trivy:KSV046", "kubescape:C-0187"]))
{
    public override IEnumerable<RuleViolation> Evaluate(ManifestContext context)
    {
        foreach (var role in context.Roles)
        {
            foreach (var (rule, index) in Rbac.RulesOf(role))
            {
                var wildcards = new List<string>();
                if (Rbac.Has(rule, "verbs", "*"))
                {
                    wildcards.Add("verbs");
                }
                if (Rbac.Has(rule, "resources", "*"))
                {
                    wildcards.Add("resources");
                }
                if (wildcards.Count > 0)
                {
                    yield return new RuleViolation(role.Ref(), $"rules[{index}] grants \"*\" {string.Join(" and ", wildcards)}.");
                }
            }
        }
    }
}

public sealed class ClusterAdminBindingRule() : RuleBase(new RuleInfo(
    "K8P-RBAC-002", "Binding to cluster-admin", FindingCategory.KubernetesMisconfiguration, FindingSeverity.Critical, PermissiveAuthorization, null,
    "cluster-admin is every permission on every resource in every namespace: a compromised subject owns the cluster.",
    "Bind a role with the exact permissions needed; keep cluster-admin for break-glass accounts managed by the platform team.",
    ["polaris:clusterrolebindingClusterAdmin", "polaris:rolebindingClusterAdminClusterRole", "trivy:KSV111", "kubescape:C-0035"]))
{
    public override IEnumerable<RuleViolation> Evaluate(ManifestContext context)
    {
        foreach (var binding in context.Bindings)
        {
            var roleRef = binding.Element.Obj("roleRef");
            var name = roleRef?.Str("name");
            // The built-in cluster-admin ClusterRoleBinding (group system:masters) is in every cluster, as are system: bindings.
            if (name is null || Rbac.IsPlatformDefault(binding.Name) || (binding.Kind == "ClusterRoleBinding" && binding.Name == "cluster-admin"))
            {
                continue;
            }
            if (roleRef?.Str("kind") == "ClusterRole" && name == "cluster-admin")
            {
                yield return new RuleViolation(binding.Ref(), $"binds ClusterRole cluster-admin to {Rbac.Subjects(binding)}.");
            }
            else if (context.RoleOf(binding) is { } role && Rbac.RulesOf(role).Any(r => Rbac.IsClusterAdminEquivalent(r.Rule)))
            {
                yield return new RuleViolation(binding.Ref(), $"binds {role.Kind} {role.Name}, which grants every verb on every resource in every API group (cluster-admin in all but name), to {Rbac.Subjects(binding)}.");
            }
        }
    }
}

public sealed class PodExecAttachRule() : RuleBase(new RuleInfo(
    "K8P-RBAC-003", "Role allows exec or attach into pods", FindingCategory.KubernetesMisconfiguration, FindingSeverity.High, PermissiveAuthorization, null,
    "pods/exec and pods/attach run commands inside other workloads, with their service-account tokens and secrets.",
    "Remove pods/exec and pods/attach; use ephemeral debug access granted just in time.",
    ["polaris:clusterrolePodExecAttach", "polaris:rolePodExecAttach"]))
{
    public override IEnumerable<RuleViolation> Evaluate(ManifestContext context)
    {
        foreach (var role in context.Roles)
        {
            // The built-in admin, edit and cluster-admin ClusterRoles grant exec by design; binding them is what K8P-RBAC-002/005 judge.
            if (Rbac.IsPlatformDefault(role.Name) || (role.Kind == "ClusterRole" && role.Name is "admin" or "edit" or "cluster-admin"))
            {
                continue;
            }
            foreach (var (rule, index) in Rbac.RulesOf(role))
            {
                if (Rbac.ExecOrAttach(rule))
                {
                    yield return new RuleViolation(role.Ref(), $"rules[{index}] allows pods/exec or pods/attach.");
                }
            }
        }
    }
}

public sealed class SecretsReadRule() : RuleBase(new RuleInfo(
    "K8P-RBAC-004", "Role can read secrets", FindingCategory.KubernetesMisconfiguration, FindingSeverity.High, PermissiveAuthorization, null,
    "get/list/watch on secrets reads every credential in scope — list and watch return the values too (Kubernetes Goat's RBAC scenario).",
    "Grant get on named secrets only (resourceNames), or mount the one secret the workload needs.",
    ["trivy:KSV041", "kubescape:C-0015"]))
{
    public override IEnumerable<RuleViolation> Evaluate(ManifestContext context)
    {
        foreach (var role in context.Roles)
        {
            foreach (var (rule, index) in Rbac.RulesOf(role))
            {
                if (Rbac.ReadsSecrets(rule) && rule.StringList("resourceNames").Count == 0)
                {
                    var scope = role.Kind == "ClusterRole" ? "in every namespace it is bound for" : $"in namespace {role.Namespace}";
                    yield return new RuleViolation(role.Ref(), $"rules[{index}] can {string.Join("/", rule.StringList("verbs"))} {string.Join(",", rule.StringList("resources"))} (secrets) {scope}.");
                }
            }
        }
    }
}

public sealed class PowerfulServiceAccountTokenRule() : WorkloadRule(new RuleInfo(
    "K8P-RBAC-005", "Automounted service-account token with powerful RBAC", FindingCategory.KubernetesMisconfiguration, FindingSeverity.High, PermissiveAuthorization, null,
    "The pod's service-account token is mounted and its account is bound to powerful permissions: anyone who gets code execution in the pod can query the kube API with them.",
    "Set automountServiceAccountToken: false unless the pod calls the API, and give its service account only what it needs.",
    []))
{
    protected override IEnumerable<(string? Container, string Message)> Check(PodWorkload workload, ManifestContext context)
    {
        if (!TokenMounted(workload, context))
        {
            yield break;
        }
        var ns = workload.EffectiveNamespace;
        var account = workload.ServiceAccountName;
        foreach (var binding in context.BindingsOf(ns, account))
        {
            if (binding.Kind == "RoleBinding" && binding.Namespace != ns)
            {
                continue;
            }
            var roleName = binding.Element.Obj("roleRef")?.Str("name") ?? "?";
            if (Rbac.PowerOf(context.RoleOf(binding), roleName) is { } power)
            {
                yield return (null, $"service account {ns}/{account} (token automounted) is bound by {binding.Kind} {binding.Name} to {power}.");
            }
        }
    }

    internal static bool TokenMounted(PodWorkload workload, ManifestContext context)
    {
        if (workload.Spec.Flag("automountServiceAccountToken") is { } podSetting)
        {
            return podSetting;
        }
        var account = context.ServiceAccounts.FirstOrDefault(a => a.Name == workload.ServiceAccountName && a.Namespace == workload.EffectiveNamespace);
        return account?.Element.Flag("automountServiceAccountToken") != false;
    }
}

public sealed class DefaultServiceAccountRule() : WorkloadRule(new RuleInfo(
    "K8P-RBAC-006", "Pod uses the default service account", FindingCategory.KubernetesMisconfiguration, FindingSeverity.Low, PermissiveAuthorization, null,
    "Every pod of the namespace shares the default service account: a permission granted to it for one workload is granted to all of them.",
    "Create a service account per workload and set serviceAccountName (or automountServiceAccountToken: false).",
    ["kubesec:ServiceAccountName"]))
{
    protected override IEnumerable<(string? Container, string Message)> Check(PodWorkload workload, ManifestContext context)
    {
        if (workload.ServiceAccountName == "default" && PowerfulServiceAccountTokenRule.TokenMounted(workload, context))
        {
            yield return (null, "no serviceAccountName: the namespace's default service account token is mounted.");
        }
    }
}
