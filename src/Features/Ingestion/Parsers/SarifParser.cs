using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using K8Posture.Data;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>
/// SARIF 2.1.0 from any tool (Trivy, Checkov, KICS, kube-linter, …). Each run's tool.driver.name becomes the
/// report's source (<see cref="ScanParseResult.SourceTool"/>); rules give title, description, help link, tags and
/// security-severity; results give the location and, for Trivy, the package and versions in the message.
/// </summary>
public sealed partial class SarifParser : IScanParser
{
    public const string FormatName = "sarif";

    private static readonly HashSet<string> VulnerabilityScanners = new(StringComparer.OrdinalIgnoreCase)
    {
        "grype", "osv-scanner", "snyk", "snyk open source", "snyk container", "dependency-check", "govulncheck", "npm audit", "clair", "anchore",
    };

    public string Format => FormatName;
    public IReadOnlyList<string> Aliases => ["sarif-2.1.0"];
    public string SourceTool => "sarif";

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        var (names, strings) = ParserSupport.TopLevel(payload);
        if (!names.Contains("runs") || names.Contains("SchemaVersion"))
        {
            return false;
        }
        return (strings.TryGetValue("version", out var version) && version.StartsWith("2.1", StringComparison.Ordinal))
            || (strings.TryGetValue("$schema", out var schema) && schema.Contains("sarif", StringComparison.OrdinalIgnoreCase));
    }

    public ScanParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonPayload.Parse(payload, "SARIF");
        var root = ParserSupport.RequireRootObject(document, "SARIF");
        if (root.String("version") is { } version && version != "2.1.0")
        {
            throw new ScanParseException($"Only SARIF 2.1.0 is supported; this log has version {version}.", "/version");
        }
        if (!root.TryGetProperty("runs", out _))
        {
            throw new ScanParseException("A SARIF log has a 'runs' array; this payload has none.", "/runs");
        }

        var findings = new List<NormalisedFinding>();
        var tools = new List<string>();
        string? toolVersion = null;
        ScanScopeHint? hint = null;
        foreach (var (run, runPointer) in root.Array("runs", ""))
        {
            ParserSupport.RequireObject(run, runPointer, "entry of 'runs'");
            var driver = run.Object("tool")?.Object("driver");
            var toolName = driver?.String("name") ?? "sarif";
            if (!tools.Contains(toolName.ToLowerInvariant()))
            {
                tools.Add(toolName.ToLowerInvariant());
            }
            toolVersion ??= driver?.String("version") ?? driver?.String("semanticVersion");

            var runHint = ReadScopeHint(run);
            if (hint is null || (hint.Image is null && runHint.Image is not null) || (hint.ArtifactName is null && runHint.ArtifactName is not null))
            {
                hint = runHint;
            }

            var rules = ReadRules(driver, runPointer + "/tool/driver");
            var vulnerabilityTool = VulnerabilityScanners.Contains(toolName);
            foreach (var (result, resultPointer) in run.Array("results", runPointer))
            {
                if (ReadResult(result, resultPointer, rules, vulnerabilityTool, runHint.Image) is { } finding)
                {
                    findings.Add(finding);
                }
            }
        }
        return new ScanParseResult(hint ?? new ScanScopeHint(ScanArtifactKind.Unknown, null, null), findings, toolVersion)
        {
            SourceTool = tools.Count == 0 ? null : string.Join('+', tools),
        };
    }

    /// <summary>SARIF levels when a rule carries no security-severity: error high, warning medium, note low, none info.</summary>
    public static FindingSeverity MapLevel(string? level) => level?.Trim().ToLowerInvariant() switch
    {
        "error" => FindingSeverity.High,
        "warning" => FindingSeverity.Medium,
        "note" => FindingSeverity.Low,
        "none" => FindingSeverity.Info,
        _ => FindingSeverity.Unknown,
    };

    private sealed record Rules(IReadOnlyList<JsonElement> ByIndex, IReadOnlyDictionary<string, JsonElement> ById);

    private static Rules ReadRules(JsonElement? driver, string driverPointer)
    {
        var byIndex = new List<JsonElement>();
        var byId = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        if (driver is not { } d)
        {
            return new Rules(byIndex, byId);
        }
        foreach (var (rule, pointer) in d.Array("rules", driverPointer))
        {
            ParserSupport.RequireObject(rule, pointer, "rule");
            byIndex.Add(rule);
            if (rule.String("id") is { } id)
            {
                byId.TryAdd(id, rule);
            }
        }
        return new Rules(byIndex, byId);
    }

    private static JsonElement? FindRule(JsonElement result, string? ruleId, Rules rules)
    {
        var index = result.Integer("ruleIndex") ?? result.Object("rule")?.Integer("index");
        if (index is >= 0 && index < rules.ByIndex.Count)
        {
            return rules.ByIndex[index.Value];
        }
        if (ruleId is null)
        {
            return null;
        }
        if (rules.ById.TryGetValue(ruleId, out var rule))
        {
            return rule;
        }
        // Hierarchical ids ("CA2000/1") name a sub-rule of the rule before the slash.
        var slash = ruleId.IndexOf('/', StringComparison.Ordinal);
        return slash > 0 && rules.ById.TryGetValue(ruleId[..slash], out var parent) ? parent : null;
    }

    private static NormalisedFinding? ReadResult(JsonElement result, string pointer, Rules rules, bool vulnerabilityTool, ImageReference? image)
    {
        ParserSupport.RequireObject(result, pointer, "entry of 'results'");
        var kind = result.String("kind")?.ToLowerInvariant();
        if (kind is "pass" or "notapplicable" || string.Equals(result.String("baselineState"), "absent", StringComparison.OrdinalIgnoreCase) || IsSuppressed(result))
        {
            return null;
        }
        var ruleId = result.String("ruleId") ?? result.Object("rule")?.String("id");
        var rule = FindRule(result, ruleId, rules);
        ruleId ??= rule?.String("id")
            ?? throw new ScanParseException($"The result at {pointer} names no rule (ruleId, rule.id or ruleIndex).", pointer + "/ruleId");

        var properties = rule?.Object("properties");
        var tags = properties?.Strings("tags") ?? [];
        var severity = properties?.Number("security-severity") is { } securitySeverity
            ? ParserSupport.FromCvssScore(securitySeverity)
            : MapLevel(result.String("level") ?? rule?.Object("defaultConfiguration")?.String("level") ?? "warning");

        var message = result.Object("message")?.String("text");
        var shortDescription = rule?.Object("shortDescription")?.String("text");
        var fullDescription = rule?.Object("fullDescription")?.String("text");
        var helpUri = rule?.String("helpUri");
        var title = shortDescription ?? rule?.String("name") ?? FirstLine(message) ?? ruleId;

        var location = result.TryGetProperty("locations", out var locations) && locations.ValueKind == JsonValueKind.Array && locations.GetArrayLength() > 0
            ? locations[0]
            : default;
        var physical = location.ValueKind == JsonValueKind.Object ? location.Object("physicalLocation") : null;
        var uri = physical?.Object("artifactLocation")?.String("uri");
        var startLine = physical?.Object("region")?.Integer("startLine");
        var logical = FirstLogicalLocation(result) ?? FirstLogicalLocation(location);

        var cwes = tags.Select(CweOf).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var references = helpUri is null ? new List<string>() : [helpUri];

        var isSecret = tags.Any(t => t.Equals("secret", StringComparison.OrdinalIgnoreCase));
        var isVulnerability = !isSecret && (VulnerabilityId().IsMatch(ruleId) || vulnerabilityTool
            || tags.Any(t => t.Equals("vulnerability", StringComparison.OrdinalIgnoreCase)));

        NormalisedFinding finding;
        if (isVulnerability)
        {
            var fields = MessageFields(message);
            var (package, installed) = PackageFromLocation(location);
            finding = new NormalisedFinding
            {
                IdentityKind = FindingIdentityKind.Vulnerability,
                Category = FindingCategory.Vulnerability,
                Severity = severity,
                Title = title,
                Description = fullDescription ?? message,
                VulnerabilityId = ruleId,
                CvssScore = properties?.Number("cvssv3_baseScore"),
                CvssVector = properties?.String("cvssv3_vector"),
                PackageName = fields.GetValueOrDefault("Package") ?? package,
                InstalledVersion = fields.GetValueOrDefault("Installed Version") ?? installed,
                FixedVersion = fields.GetValueOrDefault("Fixed Version"),
                Target = uri,
                StartLine = startLine,
            };
        }
        else if (isSecret)
        {
            var where = startLine is { } line ? string.Create(CultureInfo.InvariantCulture, $" at line {line}") : "";
            // The message of a secret result quotes the (partly masked) match; it is not kept.
            finding = new NormalisedFinding
            {
                IdentityKind = FindingIdentityKind.Secret,
                Category = FindingCategory.ContainerMisconfiguration,
                Severity = severity,
                Title = title,
                Description = $"A secret ({title}) is stored in {uri ?? "the scanned artifact"}{where}. The matched text is not kept.",
                RuleId = ruleId,
                Target = uri,
                ResourceName = uri,
                StartLine = startLine,
            };
        }
        else
        {
            var mapping = ComplianceMappings.ForRule(ruleId);
            var category = MisconfigurationCategory(uri);
            if (category == FindingCategory.KubernetesMisconfiguration && mapping?.OwaspK8s == ComplianceMappings.NetworkSegmentation)
            {
                category = FindingCategory.NetworkPolicyMisconfiguration;
            }
            finding = new NormalisedFinding
            {
                IdentityKind = FindingIdentityKind.Misconfiguration,
                Category = category,
                Severity = severity,
                Title = title,
                Description = ParserSupport.JoinText("\n\n", message, fullDescription == message ? null : fullDescription),
                RuleId = ruleId,
                Target = uri,
                StartLine = startLine,
                ResourceKind = logical?.String("kind"),
                ResourceName = logical?.String("fullyQualifiedName") ?? logical?.String("name") ?? uri,
            }.WithCompliance(category == FindingCategory.CloudIamVpcMisconfiguration ? null : mapping);
        }
        return (finding with
        {
            Cwe = cwes.Count == 0 ? null : string.Join(",", cwes),
            PrimaryUrl = helpUri,
            References = references,
        }).WithImage(image);
    }

    private static bool IsSuppressed(JsonElement result)
    {
        if (!result.TryGetProperty("suppressions", out var suppressions) || suppressions.ValueKind != JsonValueKind.Array)
        {
            return false;
        }
        // A suppression without a status is accepted (SARIF §3.35.3); under review or rejected ones do not hide the result.
        return suppressions.EnumerateArray().Any(s => s.ValueKind == JsonValueKind.Object
            && (s.String("status") is null || string.Equals(s.String("status"), "accepted", StringComparison.OrdinalIgnoreCase)));
    }

    private static JsonElement? FirstLogicalLocation(JsonElement owner)
    {
        if (owner.ValueKind != JsonValueKind.Object || !owner.TryGetProperty("logicalLocations", out var logical)
            || logical.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        foreach (var item in logical.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Object && (item.String("name") is not null || item.String("fullyQualifiedName") is not null))
            {
                return item;
            }
        }
        return null;
    }

    private static FindingCategory MisconfigurationCategory(string? uri)
    {
        var path = uri?.ToLowerInvariant() ?? "";
        var fileName = path[(path.LastIndexOf('/') + 1)..];
        if (fileName.Contains("dockerfile", StringComparison.Ordinal) || fileName.Contains("containerfile", StringComparison.Ordinal))
        {
            return FindingCategory.ContainerMisconfiguration;
        }
        if (fileName.EndsWith(".tf", StringComparison.Ordinal) || fileName.EndsWith(".tf.json", StringComparison.Ordinal)
            || fileName.EndsWith(".tfvars", StringComparison.Ordinal) || fileName.EndsWith(".bicep", StringComparison.Ordinal))
        {
            return FindingCategory.CloudIamVpcMisconfiguration;
        }
        // YAML and Helm manifests, and everything else a Kubernetes posture report is about.
        return FindingCategory.KubernetesMisconfiguration;
    }

    private static ScanScopeHint ReadScopeHint(JsonElement run)
    {
        var properties = run.Object("properties");
        var imageName = properties?.String("imageName");
        var repoTags = properties?.Strings("repoTags") ?? [];
        var repoDigests = properties?.Strings("repoDigests") ?? [];
        var image = ParserSupport.ResolveImage([imageName, .. repoTags, .. repoDigests], repoDigests);
        if (image is not null)
        {
            return new ScanScopeHint(ScanArtifactKind.ContainerImage, imageName ?? repoTags.FirstOrDefault(), image);
        }
        foreach (var (provenance, _) in run.Array("versionControlProvenance", ""))
        {
            if (provenance.String("repositoryUri") is { } repository)
            {
                return new ScanScopeHint(ScanArtifactKind.Repository, repository, null);
            }
        }
        return new ScanScopeHint(ScanArtifactKind.Unknown, imageName, null);
    }

    /// <summary>"Key: value" lines of a result message, as Trivy writes them ("Package: openssl", "Installed Version: 1.1.1c-r0").</summary>
    private static Dictionary<string, string> MessageFields(string? message)
    {
        var fields = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (message is null)
        {
            return fields;
        }
        foreach (var line in message.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && colon < line.Length - 1)
            {
                var value = line[(colon + 1)..].Trim();
                if (value.Length > 0)
                {
                    fields.TryAdd(line[..colon].Trim(), value);
                }
            }
        }
        return fields;
    }

    /// <summary>Trivy's location message "target: package@version".</summary>
    private static (string? Package, string? Version) PackageFromLocation(JsonElement location)
    {
        var text = location.ValueKind == JsonValueKind.Object ? location.Object("message")?.String("text") : null;
        if (text is null)
        {
            return (null, null);
        }
        var colon = text.LastIndexOf(": ", StringComparison.Ordinal);
        var packageAndVersion = colon >= 0 ? text[(colon + 2)..] : text;
        var at = packageAndVersion.LastIndexOf('@');
        return at > 0 && at < packageAndVersion.Length - 1 && !packageAndVersion.Contains(' ', StringComparison.Ordinal)
            ? (packageAndVersion[..at], packageAndVersion[(at + 1)..])
            : (null, null);
    }

    private static string? FirstLine(string? text) =>
        text is null ? null : text.Split('\n', 2)[0].Trim() is { Length: > 0 } line ? line : null;

    private static string? CweOf(string tag) =>
        CweTag().Match(tag) is { Success: true } match ? "CWE-" + match.Groups[1].Value : null;

    [GeneratedRegex(@"^(?:CVE-\d{4}-\d+|GHSA(?:-[23456789cfghjmpqrvwx]{4}){3}|RUSTSEC-\d{4}-\d+|PYSEC-\d{4}-\d+|GO-\d{4}-\d+|OSV-\d{4}-\d+)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex VulnerabilityId();

    // "CWE-79", "cwe-79" and CodeQL's "external/cwe/cwe-079".
    [GeneratedRegex(@"(?:^|/)cwe-0*(\d+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CweTag();
}
