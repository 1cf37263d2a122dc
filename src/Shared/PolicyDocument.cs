using K8Posture.Shared.Http;
using System.Text.Json;
using System.Text.Json.Serialization;
using K8Posture.Data;
using K8Posture.Features.Ingestion;

namespace K8Posture.Shared;

/// <summary>
/// A suppression of runtime alerts: a rule (empty or "*": any rule), narrowed to an image (a repository matches every tag;
/// a trailing * is a prefix), a namespace, a cluster and/or a process name. Every given criterion must match; one with no
/// criterion at all matches nothing. Suppressed alerts are stored, only hidden.
/// </summary>
public sealed class AlertSuppression
{
    public string RuleId { get; set; } = "";
    public string? Image { get; set; }
    public string? Namespace { get; set; }
    public string? Cluster { get; set; }
    public string? Process { get; set; }
    public string? Reason { get; set; }

    /// <summary>Stable id from the criteria (not the reason), recorded on the alerts it hides; not stored in the policy JSON.</summary>
    [JsonIgnore]
    public string Key => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(
        string.Join("\u001f", Norm(RuleId) is "*" ? "" : Norm(RuleId), Norm(Image), Norm(Namespace), Norm(Cluster), Norm(Process)))))[..16];

    private static string Norm(string? value) => (value ?? "").Trim().ToLowerInvariant();
}

/// <summary>
/// The Security Team's policy, stored as JSON in each <see cref="PolicyVersion"/>. Only Security admins change it; every
/// change is a new version with a comment and an audit event.
/// </summary>
/// <remarks>
/// Default allowed registries: vendor-curated sources an enterprise usually trusts from day one — Microsoft's
/// (mcr.microsoft.com), the Kubernetes project's (registry.k8s.io), Google's distroless images (gcr.io/distroless) and
/// Chainguard's (cgr.dev/chainguard). docker.io is deliberately absent: the study guide's advice is to pull public images
/// through a build pipeline that makes trusted "golden" images in the internal registry. The Security Team adds that
/// internal registry (e.g. "contoso.azurecr.io") and, where the business needs it, specific public repositories
/// ("docker.io/library/nginx").
/// </remarks>
public sealed class PolicyDocument
{
    /// <summary>Registry hosts ("mcr.microsoft.com") or registry/repository prefixes ("ghcr.io/contoso").</summary>
    public List<string> AllowedRegistries { get; set; } = ["mcr.microsoft.com", "registry.k8s.io", "gcr.io/distroless", "cgr.dev/chainguard"];

    /// <summary>Days to fix a finding, by severity.</summary>
    public Dictionary<FindingSeverity, int> SlaDays { get; set; } = new()
    {
        [FindingSeverity.Critical] = 7,
        [FindingSeverity.High] = 30,
        [FindingSeverity.Medium] = 90,
        [FindingSeverity.Low] = 180,
    };

    /// <summary>
    /// Days to fix a finding on CISA's Known Exploited Vulnerabilities catalog, counted from when it was first seen or added to
    /// the catalog, whichever is later; it only ever shortens the severity's SLA. Null: KEV findings keep their severity's SLA.
    /// </summary>
    public int? KevSlaDays { get; set; }

    /// <summary>Rule id → enabled. A rule not listed is enabled.</summary>
    public Dictionary<string, bool> RuleSwitches { get; set; } = [];

    /// <summary>Rule id → the severity the Security Team wants instead of the rule's default.</summary>
    public Dictionary<string, FindingSeverity> SeverityOverrides { get; set; } = [];

    /// <summary><c>/api/v1/evaluate</c> fails when a finding is at least this severe.</summary>
    public FindingSeverity EvaluateFailThreshold { get; set; } = FindingSeverity.High;

    public List<AlertSuppression> AlertSuppressions { get; set; } = [];

    /// <summary>How collection decides which team owns a namespace of a cluster.</summary>
    public NamespaceOwnershipRules NamespaceOwnership { get; set; } = new();

    public static PolicyDocument Default() => new();

    public bool IsEnabled(string ruleId) => !RuleSwitches.TryGetValue(ruleId, out var enabled) || enabled;

    public FindingSeverity SeverityOf(string ruleId, FindingSeverity defaultSeverity) =>
        SeverityOverrides.TryGetValue(ruleId, out var severity) ? severity : defaultSeverity;

    /// <summary>True when the image's registry, or its registry/repository, starts with an allowed entry.</summary>
    public bool AllowsImage(ImageReference image)
    {
        var full = image.FullRepository;
        foreach (var entry in AllowedRegistries)
        {
            var allowed = entry.Trim().TrimEnd('/').ToLowerInvariant();
            if (allowed.Length == 0)
            {
                continue;
            }
            if (string.Equals(image.Registry, allowed, StringComparison.OrdinalIgnoreCase)
                || string.Equals(full, allowed, StringComparison.OrdinalIgnoreCase)
                || full.StartsWith(allowed + "/", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }
        return false;
    }

    public string ToJson() => JsonSerializer.Serialize(this, HttpJson.Indented);

    public static PolicyDocument FromJson(string json) =>
        JsonSerializer.Deserialize<PolicyDocument>(json, HttpJson.Indented) ?? throw new JsonException("The policy document is null.");

    public PolicyDocument Clone() => FromJson(ToJson());

    public const int MaxListEntries = 1000;
    public const int MaxTextLength = 1000;

    /// <summary>
    /// What a document sent over the API can hold that the type cannot: nulls where lists and maps belong, null entries,
    /// undefined enum numbers, lists and texts too long to be honest. Each problem names its JSON pointer under
    /// <paramref name="root"/>. <see cref="Normalised"/> may be called only on a document without any.
    /// </summary>
    public IReadOnlyList<string> ShapeProblems(string root = "/document")
    {
        var problems = new List<string>();
        void Texts(string pointer, IReadOnlyCollection<string?>? values)
        {
            if (values is null)
            {
                problems.Add($"{pointer} must be a list (use [] for none), not null");
                return;
            }
            if (values.Count > MaxListEntries)
            {
                problems.Add($"{pointer} has {values.Count} entries; at most {MaxListEntries}");
                return;
            }
            var index = 0;
            foreach (var value in values)
            {
                if (value is null)
                {
                    problems.Add($"{pointer}/{index} is null");
                }
                else if (value.Length > MaxTextLength)
                {
                    problems.Add($"{pointer}/{index} is longer than {MaxTextLength} characters");
                }
                index++;
            }
        }
        bool Map<TValue>(string pointer, IDictionary<string, TValue>? map)
        {
            if (map is null)
            {
                problems.Add($"{pointer} must be an object (use {{}} for none), not null");
                return false;
            }
            if (map.Count > MaxListEntries)
            {
                problems.Add($"{pointer} has {map.Count} entries; at most {MaxListEntries}");
                return false;
            }
            foreach (var key in map.Keys.Where(k => k.Length > MaxTextLength))
            {
                problems.Add($"{pointer} has a key longer than {MaxTextLength} characters");
            }
            return true;
        }
        static bool Defined(FindingSeverity severity) => Enum.IsDefined(severity);

        Texts($"{root}/allowedRegistries", AllowedRegistries);
        if (SlaDays is null)
        {
            problems.Add($"{root}/slaDays must be an object of days by severity, not null");
        }
        else if (SlaDays.Keys.Any(k => !Defined(k)))
        {
            problems.Add($"{root}/slaDays has a key that is not a severity (Info, Low, Medium, High, Critical)");
        }
        if (KevSlaDays is < 1 or > 3650)
        {
            problems.Add($"{root}/kevSlaDays is a number of days from 1 to 3650, or null for none");
        }
        Map($"{root}/ruleSwitches", RuleSwitches);
        if (Map($"{root}/severityOverrides", SeverityOverrides) && SeverityOverrides.Values.Any(v => !Defined(v)))
        {
            problems.Add($"{root}/severityOverrides has a value that is not a severity (Info, Low, Medium, High, Critical)");
        }
        if (!Defined(EvaluateFailThreshold))
        {
            problems.Add($"{root}/evaluateFailThreshold is not a severity (Info, Low, Medium, High, Critical)");
        }
        if (AlertSuppressions is null)
        {
            problems.Add($"{root}/alertSuppressions must be a list (use [] for none), not null");
        }
        else if (AlertSuppressions.Count > MaxListEntries)
        {
            problems.Add($"{root}/alertSuppressions has {AlertSuppressions.Count} entries; at most {MaxListEntries}");
        }
        else
        {
            for (var i = 0; i < AlertSuppressions.Count; i++)
            {
                if (AlertSuppressions[i] is not { } suppression)
                {
                    problems.Add($"{root}/alertSuppressions/{i} is null");
                    continue;
                }
                if (new[] { suppression.RuleId, suppression.Image, suppression.Namespace, suppression.Cluster, suppression.Process, suppression.Reason }.Any(t => t?.Length > MaxTextLength))
                {
                    problems.Add($"{root}/alertSuppressions/{i} has a field longer than {MaxTextLength} characters");
                }
            }
        }
        if (NamespaceOwnership is not { } ownership)
        {
            problems.Add($"{root}/namespaceOwnership must be an object, not null");
        }
        else
        {
            Texts($"{root}/namespaceOwnership/labelKeys", ownership.LabelKeys);
            Texts($"{root}/namespaceOwnership/annotationKeys", ownership.AnnotationKeys);
            if (Map($"{root}/namespaceOwnership/explicit", ownership.Explicit))
            {
                foreach (var (key, team) in ownership.Explicit)
                {
                    if (team is null || team.Length > MaxTextLength)
                    {
                        problems.Add($"{root}/namespaceOwnership/explicit/{key} must name a team (at most {MaxTextLength} characters)");
                    }
                }
            }
        }
        return problems;
    }

    /// <summary>Stable form for storage and diffs: sorted keys, trimmed and de-duplicated registries.</summary>
    public PolicyDocument Normalised() => new()
    {
        AllowedRegistries = AllowedRegistries.Select(r => r.Trim().TrimEnd('/').ToLowerInvariant()).Where(r => r.Length > 0).Distinct().ToList(),
        SlaDays = SlaDays.OrderByDescending(p => p.Key).ToDictionary(p => p.Key, p => p.Value),
        KevSlaDays = KevSlaDays,
        RuleSwitches = RuleSwitches.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value),
        SeverityOverrides = SeverityOverrides.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key, p => p.Value),
        EvaluateFailThreshold = EvaluateFailThreshold,
        AlertSuppressions = AlertSuppressions.ToList(),
        NamespaceOwnership = new NamespaceOwnershipRules
        {
            LabelKeys = NamespaceOwnership.LabelKeys.Select(k => k.Trim()).Where(k => k.Length > 0).Distinct().ToList(),
            AnnotationKeys = NamespaceOwnership.AnnotationKeys.Select(k => k.Trim()).Where(k => k.Length > 0).Distinct().ToList(),
            Explicit = NamespaceOwnership.Explicit.OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary(p => p.Key.Trim(), p => p.Value.Trim()),
        },
    };
}

/// <summary>
/// The Security Team's rules for namespace ownership, first match wins: an explicit mapping
/// ("cluster/namespace" or "*/namespace" → team name), then the label keys, then the annotation keys,
/// whose value names a team.
/// </summary>
public sealed class NamespaceOwnershipRules
{
    public List<string> LabelKeys { get; set; } = ["team"];
    public List<string> AnnotationKeys { get; set; } = [];
    public Dictionary<string, string> Explicit { get; set; } = [];

    /// <summary>The team name the rules give, or null when none applies.</summary>
    public string? OwnerOf(string cluster, string @namespace, IDictionary<string, string>? labels, IDictionary<string, string>? annotations)
    {
        if (Explicit.TryGetValue($"{cluster}/{@namespace}", out var exact) || Explicit.TryGetValue($"*/{@namespace}", out exact))
        {
            return exact;
        }
        foreach (var key in LabelKeys)
        {
            if (labels is not null && labels.TryGetValue(key, out var team) && !string.IsNullOrWhiteSpace(team))
            {
                return team;
            }
        }
        foreach (var key in AnnotationKeys)
        {
            if (annotations is not null && annotations.TryGetValue(key, out var team) && !string.IsNullOrWhiteSpace(team))
            {
                return team;
            }
        }
        return null;
    }
}
