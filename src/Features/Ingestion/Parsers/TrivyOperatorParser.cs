using System.Text.Json;
using K8Posture.Data;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>
/// Trivy Operator's reports (aquasecurity.github.io/v1alpha1), YAML or JSON, one object, several documents or a List:
/// VulnerabilityReport and ClusterVulnerabilityReport (report.vulnerabilities), ConfigAuditReport, RbacAssessmentReport,
/// InfraAssessmentReport and their Cluster… forms (report.checks, failed only), ExposedSecretReport (report.secrets,
/// never the matched text), SbomReport and ClusterSbomReport (report.components, a CycloneDX BOM: the image's components,
/// no findings). The object comes from the trivy-operator.resource.* labels, else the owner reference.
/// A push describes everything it holds, cluster-wide; the cluster is the pushing query's unless a report names it.
/// </summary>
public sealed class TrivyOperatorParser : IScanParser
{
    public const string FormatName = "trivy-operator";
    public const string ApiGroup = "aquasecurity.github.io";

    private const string LabelPrefix = "trivy-operator.";

    private static readonly HashSet<string> VulnerabilityKinds = new(StringComparer.Ordinal) { "VulnerabilityReport", "ClusterVulnerabilityReport" };

    private static readonly HashSet<string> CheckKinds = new(StringComparer.Ordinal)
    {
        "ConfigAuditReport", "ClusterConfigAuditReport", "RbacAssessmentReport", "ClusterRbacAssessmentReport",
        "InfraAssessmentReport", "ClusterInfraAssessmentReport",
    };

    private static readonly HashSet<string> SecretKinds = new(StringComparer.Ordinal) { "ExposedSecretReport" };

    private static readonly HashSet<string> SbomKinds = new(StringComparer.Ordinal) { "SbomReport", "ClusterSbomReport" };

    public string Format => FormatName;
    public IReadOnlyList<string> Aliases => ["trivy-operator-crd", "aquasecurity"];
    public string SourceTool => "trivy-operator";

    public static bool IsReportKind(string? kind) =>
        kind is not null && (VulnerabilityKinds.Contains(kind) || CheckKinds.Contains(kind) || SecretKinds.Contains(kind) || SbomKinds.Contains(kind));

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        var (apiVersion, kind) = KubernetesDocuments.Sniff(payload);
        return apiVersion is not null && apiVersion.StartsWith(ApiGroup + "/", StringComparison.Ordinal) && IsReportKind(kind);
    }

    public ScanParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        using var documents = KubernetesDocuments.Parse(payload, "Trivy Operator");
        var findings = new List<NormalisedFinding>();
        var subjects = new List<ReportSubject>();
        var workloadImages = new List<ObservedWorkloadImage>();
        var sboms = new List<SbomDocument>();
        string? version = null;
        string? clusterName = null;
        foreach (var report in documents.Objects)
        {
            var kind = report.Kind;
            if (report.ApiVersion is not { } apiVersion || !apiVersion.StartsWith(ApiGroup + "/", StringComparison.Ordinal) || !IsReportKind(kind))
            {
                throw new ScanParseException(
                    $"Expected a Trivy Operator report ({ApiGroup}), but {Where(report.Pointer)} is {report.ApiVersion ?? "(no apiVersion)"} {kind ?? "(no kind)"}.",
                    report.Pointer + "/kind");
            }
            var body = report.Element.Object("report")
                ?? throw new ScanParseException($"The {kind} at {Where(report.Pointer)} has no 'report'.", report.Pointer + "/report");
            var pointer = report.Pointer + "/report";
            version ??= body.Object("scanner")?.String("version");
            clusterName ??= report.Element.Object("metadata")?.Object("labels")?.String(LabelPrefix + "cluster.name");
            var resource = ReadResource(report.Element, kind!);
            // One report object per scanned resource (and container): the report covers that subject and nothing else.
            resource = resource with { Subject = new ReportSubject(string.Join('/', kind, resource.Namespace, resource.Kind, resource.Name, resource.Container)) };
            subjects.Add(resource.Subject!);

            if (VulnerabilityKinds.Contains(kind!) || SbomKinds.Contains(kind!))
            {
                var image = ReadImage(body);
                if (image is not null && resource is { Namespace: { } ns, Kind: { } workloadKind, Name: { } workloadName })
                {
                    workloadImages.Add(new ObservedWorkloadImage(ns, workloadKind, workloadName, resource.Container ?? "", image));
                }
                if (SbomKinds.Contains(kind!))
                {
                    // An SBOM without a named image would land on the push's scope and be replaced by the next one: skipped.
                    if (image is not null && body.Object("components") is { } bom)
                    {
                        var specVersion = bom.String("specVersion");
                        sboms.Add(new SbomDocument(specVersion is null ? "CycloneDX" : $"CycloneDX {specVersion}", image, image.Tag is null ? image.FullRepository : $"{image.FullRepository}:{image.Tag}",
                            CycloneDxParser.ReadComponents(bom, pointer + "/components")));
                    }
                    continue;
                }
                foreach (var (item, itemPointer) in body.Array("vulnerabilities", pointer))
                {
                    findings.Add(ReadVulnerability(item, itemPointer, resource, image));
                }
            }
            else if (CheckKinds.Contains(kind!))
            {
                foreach (var (item, itemPointer) in body.Array("checks", pointer))
                {
                    if (ReadCheck(item, itemPointer, resource) is { } finding)
                    {
                        findings.Add(finding);
                    }
                }
            }
            else
            {
                var image = ReadImage(body);
                foreach (var (item, itemPointer) in body.Array("secrets", pointer))
                {
                    findings.Add(ReadSecret(item, itemPointer, resource, image));
                }
            }
        }
        var hint = new ScanScopeHint(ScanArtifactKind.Cluster, clusterName, null, clusterName);
        return new ScanParseResult(hint, findings, version) { Subjects = subjects, WorkloadImages = workloadImages, ImageSboms = sboms.Count > 0 ? sboms : null };
    }

    private sealed record Resource(string? Kind, string? Namespace, string? Name, string? Container, ReportSubject? Subject = null);

    /// <summary>
    /// The scanned object: trivy-operator.resource.kind/name/namespace and trivy-operator.container.name labels (the name
    /// also as an annotation when it is too long or not a label value, e.g. "system:controller:token-cleaner"), else the
    /// controlling owner reference and the report's namespace.
    /// </summary>
    private static Resource ReadResource(JsonElement report, string reportKind)
    {
        var metadata = report.Object("metadata");
        var labels = metadata?.Object("labels");
        var annotations = metadata?.Object("annotations");
        var owner = metadata is { } m
            ? m.Array("ownerReferences", "").Select(o => o.Item).Where(o => o.ValueKind == JsonValueKind.Object)
                .OrderByDescending(o => o.TryGetProperty("controller", out var c) && c.ValueKind == JsonValueKind.True)
                .Cast<JsonElement?>().FirstOrDefault()
            : null;
        var kind = labels?.String(LabelPrefix + "resource.kind") ?? owner?.String("kind");
        var name = labels?.String(LabelPrefix + "resource.name") ?? annotations?.String(LabelPrefix + "resource.name") ?? owner?.String("name");
        var clusterScoped = reportKind.StartsWith("Cluster", StringComparison.Ordinal);
        var ns = labels?.String(LabelPrefix + "resource.namespace") ?? (clusterScoped ? null : metadata?.String("namespace"));
        var container = labels?.String(LabelPrefix + "container.name");
        return new Resource(kind, ns, name, container);
    }

    /// <summary>report.registry.server + report.artifact (repository, tag, digest); Docker Hub's index host reads as docker.io.</summary>
    private static ImageReference? ReadImage(JsonElement body)
    {
        var artifact = body.Object("artifact");
        var repository = artifact?.String("repository");
        if (repository is null)
        {
            return null;
        }
        var server = body.Object("registry")?.String("server");
        var reference = server is null ? repository : $"{server}/{repository}";
        var parsed = ImageReference.TryParse(reference);
        return parsed is null ? null : parsed with { Tag = artifact?.String("tag") ?? parsed.Tag, Digest = artifact?.String("digest") ?? parsed.Digest };
    }

    private static NormalisedFinding ReadVulnerability(JsonElement item, string pointer, Resource resource, ImageReference? image)
    {
        ParserSupport.RequireObject(item, pointer, "vulnerability");
        var id = item.String("vulnerabilityID")
            ?? throw new ScanParseException($"The vulnerability at {pointer} has no vulnerabilityID.", pointer + "/vulnerabilityID");
        var primary = item.String("primaryLink");
        var links = item.Strings("links");
        var severity = TrivyJsonParser.MapSeverity(item.String("severity"));
        var score = item.Number("score");
        if (severity == FindingSeverity.Unknown && score is { } s)
        {
            severity = ParserSupport.FromCvssScore(s);
        }
        return new NormalisedFinding
        {
            Subject = resource.Subject,
            IdentityKind = FindingIdentityKind.Vulnerability,
            Category = FindingCategory.Vulnerability,
            Severity = severity,
            Title = item.String("title") ?? id,
            Description = item.String("description"),
            VulnerabilityId = id,
            CvssScore = score,
            PackageName = item.String("resource") ?? item.String("pkgName"),
            PackageType = item.String("packageType"),
            Purl = item.String("pkgPURL"),
            InstalledVersion = item.String("installedVersion"),
            FixedVersion = item.String("fixedVersion"),
            PrimaryUrl = primary,
            References = primary is null || links.Contains(primary) ? links : [primary, .. links],
            Target = item.String("target") ?? item.String("pkgPath"),
            NamespaceName = resource.Namespace,
            ResourceKind = resource.Kind,
            ResourceName = resource.Name,
            Container = resource.Container,
        }.WithImage(image);
    }

    private static NormalisedFinding? ReadCheck(JsonElement item, string pointer, Resource resource)
    {
        ParserSupport.RequireObject(item, pointer, "check");
        if (!item.TryGetProperty("success", out var success) || success.ValueKind != JsonValueKind.False)
        {
            return null;
        }
        var checkId = item.String("checkID") ?? item.String("id")
            ?? throw new ScanParseException($"The check at {pointer} has no checkID.", pointer + "/checkID");
        // A check scoped to one container ("scope: {type: Container, value: nginx}") is that container's finding.
        var scope = item.Object("scope");
        var container = string.Equals(scope?.String("type"), "Container", StringComparison.OrdinalIgnoreCase) ? scope?.String("value") : null;
        container ??= TrivyResources.FromMessage(item.Strings("messages").FirstOrDefault())?.Container;
        var remediation = item.String("remediation");
        var messages = item.Strings("messages");
        var url = checkId.StartsWith("KSV", StringComparison.OrdinalIgnoreCase) || checkId.StartsWith("AVD-", StringComparison.OrdinalIgnoreCase)
            ? "https://avd.aquasec.com/misconfig/" + checkId.ToLowerInvariant().Replace("avd-", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal)
            : null;
        return new NormalisedFinding
        {
            Subject = resource.Subject,
            IdentityKind = FindingIdentityKind.Misconfiguration,
            Category = FindingCategory.KubernetesMisconfiguration,
            Severity = TrivyJsonParser.MapSeverity(item.String("severity")),
            Title = item.String("title") ?? messages.FirstOrDefault() ?? checkId,
            Description = ParserSupport.JoinText("\n\n", string.Join("\n", messages), item.String("description"),
                remediation is null ? null : "Remediation: " + remediation),
            RuleId = checkId,
            NamespaceName = resource.Namespace,
            ResourceKind = resource.Kind,
            ResourceName = resource.Name,
            Container = container,
            PrimaryUrl = url,
            References = url is null ? [] : [url],
        }.WithCompliance(ComplianceMappings.ForRule(checkId) ?? LegacyCheckMapping(checkId));
    }

    /// <summary>Starboard-era check ids (Polaris names) that some ConfigAuditReports still carry.</summary>
    private static ComplianceMappings.Mapping? LegacyCheckMapping(string checkId) => checkId switch
    {
        "hostPIDSet" or "hostIPCSet" or "hostNetworkSet" => new(ComplianceMappings.InsecureWorkload, ComplianceMappings.PssHostNamespaces),
        "privilegeEscalationAllowed" => new(ComplianceMappings.InsecureWorkload, ComplianceMappings.PssPrivilegeEscalation),
        "runAsPrivileged" => new(ComplianceMappings.InsecureWorkload, ComplianceMappings.PssPrivileged),
        "runAsRootAllowed" => new(ComplianceMappings.InsecureWorkload, ComplianceMappings.PssRunAsNonRoot),
        "notReadOnlyRootFilesystem" => new(ComplianceMappings.InsecureWorkload),
        "dangerousCapabilities" or "insecureCapabilities" => new(ComplianceMappings.InsecureWorkload, ComplianceMappings.PssBaselineCapabilities),
        _ => null,
    };

    private static NormalisedFinding ReadSecret(JsonElement item, string pointer, Resource resource, ImageReference? image)
    {
        ParserSupport.RequireObject(item, pointer, "secret");
        var ruleId = item.String("ruleID")
            ?? throw new ScanParseException($"The secret at {pointer} has no ruleID.", pointer + "/ruleID");
        var title = item.String("title") ?? ruleId;
        var target = item.String("target");
        var category = item.String("category");
        // 'match' holds the secret itself (partly masked at best): never stored.
        return new NormalisedFinding
        {
            Subject = resource.Subject,
            IdentityKind = FindingIdentityKind.Secret,
            Category = FindingCategory.ContainerMisconfiguration,
            Severity = TrivyJsonParser.MapSeverity(item.String("severity")),
            Title = title,
            Description = $"{category ?? "A"} secret ({title}) is stored in {target ?? "the image"}{(image is null ? "" : " of " + image.FullRepository)}. The matched text is redacted and not kept.",
            RuleId = ruleId,
            Target = target,
            NamespaceName = resource.Namespace,
            ResourceKind = resource.Kind,
            ResourceName = resource.Name,
            Container = resource.Container,
        }.WithImage(image).WithCompliance(new ComplianceMappings.Mapping(ComplianceMappings.SecretsManagement));
    }

    private static string Where(string pointer) => pointer.Length == 0 ? "the payload" : pointer;
}
