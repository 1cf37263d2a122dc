using System.Globalization;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>
/// Trivy's JSON report (SchemaVersion 2): image, filesystem, repository and config scans with
/// Results[].Vulnerabilities, Misconfigurations and Secrets. Unknown or missing fields are tolerated;
/// a value of the wrong shape where structure is needed is reported with its JSON pointer.
/// </summary>
public sealed class TrivyJsonParser : IScanParser
{
    public const string FormatName = "trivy-json";

    public string Format => FormatName;
    public IReadOnlyList<string> Aliases => ["trivy"];
    public string SourceTool => "trivy";

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        var names = JsonPayload.TopLevelPropertyNames(payload);
        return names.Contains("SchemaVersion")
            && (names.Contains("ArtifactName") || names.Contains("ArtifactType") || names.Contains("Results") || names.Contains("Trivy"));
    }

    public ScanParseResult Parse(ReadOnlyMemory<byte> payload) => ParseItemByItem(payload) ?? ParseWhole(payload);

    /// <summary>
    /// A spooled report, read as a stream: a bad finding or broken JSON refuses it here, with its pointer or line and
    /// position. Only a report not in Trivy's order (or not SchemaVersion 2) is read into memory whole, as any other format is.
    /// </summary>
    public ScanParseResult ParseReport(IReportBytes report) =>
        ParseItemByItem(report, DeferFindingsFromBytes, refuseBadInput: true) ?? ParseWhole(report.ReadAllBytes(FormatName));

    /// <summary>
    /// From this size on a report's findings stay in the payload (<see cref="DeferredFindings{TContext}"/>); a smaller
    /// report keeps them as objects, which is cheaper than reading them again (20,000 findings, 15 MB: ~0.15 s).
    /// </summary>
    internal const int DeferFindingsFromBytes = 32 * 1024 * 1024;

    /// <summary>The top-level properties the scope hint and the tool version are read from.</summary>
    private static readonly HashSet<string> HeadProperties = new(StringComparer.Ordinal) { "SchemaVersion", "ArtifactName", "ArtifactType", "Metadata", "Trivy" };

    private static readonly JsonReaderOptions ReaderOptions = new() { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 };

    private static readonly JsonDocumentOptions ValueOptions = new() { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 256 };

    internal static ScanParseResult? ParseItemByItem(ReadOnlyMemory<byte> payload, int deferFindingsFromBytes = DeferFindingsFromBytes) =>
        ParseItemByItem(new PayloadBytes(JsonPayload.WithoutBom(payload)), deferFindingsFromBytes, refuseBadInput: false);

    /// <summary>
    /// Reads a report in the order Trivy writes it (the artifact before Results; each result's Target and Type before its
    /// findings) one finding at a time, so memory holds one finding's JSON at a time instead of a document of the whole
    /// report (a 100,000-vulnerability report is ~90 MB of JSON). Null when the report is not in that order; when it is not
    /// well-formed or a finding is bad, null too unless <paramref name="refuseBadInput"/> (a spooled report, which cannot
    /// be read whole): then the <see cref="ScanParseException"/> <see cref="ParseWhole"/> would give for the same item.
    /// </summary>
    internal static ScanParseResult? ParseItemByItem(IReportBytes report, long deferFindingsFromBytes, bool refuseBadInput,
        int readBufferBytes = ReportJsonReader.DefaultBufferSize)
    {
        Span<byte> bom = stackalloc byte[3];
        var from = report.Length >= 3 && report.ReadAt(0, bom) == 3 && bom.SequenceEqual((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]) ? 3 : 0;
        using var reader = new ReportJsonReader(report, from, ReaderOptions, readBufferBytes);
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            var headBuffer = new System.Buffers.ArrayBufferWriter<byte>();
            using var head = new Utf8JsonWriter(headBuffer);
            head.WriteStartObject();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            JsonDocument? headDocument = null;
            ScanScopeHint? hint = null;
            IReadOnlyList<NormalisedFinding>? findings = null;
            try
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var name = reader.PropertyName!;
                    if (!seen.Add(name))
                    {
                        return null;
                    }
                    if (name == "Results")
                    {
                        head.WriteEndObject();
                        head.Flush();
                        headDocument = JsonDocument.Parse(headBuffer.WrittenMemory);
                        var root = headDocument.RootElement;
                        if (root.TryGetProperty("SchemaVersion", out var schema) && schema.ValueKind != JsonValueKind.Null
                            && !(schema.ValueKind == JsonValueKind.Number && schema.TryGetInt32(out var version) && version == 2))
                        {
                            return null;
                        }
                        hint = ReadScopeHint(root);
                        findings = ReadResults(reader, report, hint.Image, defer: report.Length >= deferFindingsFromBytes);
                        if (findings is null)
                        {
                            return null;
                        }
                        continue;
                    }
                    if (findings is not null && HeadProperties.Contains(name))
                    {
                        return null;
                    }
                    var value = reader.ReadValue(out _);
                    if (HeadProperties.Contains(name))
                    {
                        head.WritePropertyName(name);
                        using var document = JsonDocument.Parse(value, ValueOptions);
                        document.RootElement.WriteTo(head);
                    }
                }
                if (reader.TokenType != JsonTokenType.EndObject || reader.Read() || findings is null || headDocument is null || hint is null)
                {
                    return null;
                }
                return new ScanParseResult(hint, findings, headDocument.RootElement.Object("Trivy")?.String("Version"));
            }
            finally
            {
                headDocument?.Dispose();
            }
        }
        catch (ScanParseException) when (refuseBadInput)
        {
            throw;
        }
        catch (JsonException ex) when (refuseBadInput)
        {
            throw JsonPayload.Malformed(ex, "Trivy JSON");
        }
        catch (Exception ex) when (ex is JsonException or ScanParseException or InvalidOperationException)
        {
            return null;
        }
    }

    /// <summary>A findings array of one result: what its items are read under.</summary>
    internal sealed record ItemContext(string Pointer, string ArrayName, string? Target, string? ResultType, ImageReference? Image);

    /// <summary>
    /// Results[], each result's findings in the order <see cref="ParseWhole"/> gives them; null when out of order or of the
    /// wrong shape. Every finding is read once here (so a bad one refuses the push now, naming its pointer) and then kept
    /// only as where it stands in <paramref name="report"/>: see <see cref="DeferredFindings{TContext}"/>.
    /// </summary>
    private static IReadOnlyList<NormalisedFinding>? ReadResults(ReportJsonReader reader, IReportBytes report, ImageReference? image, bool defer)
    {
        // Each finding's location, and the finding itself unless it is deferred (then only the locations: 32 bytes a finding).
        var locations = new List<DeferredFindings<ItemContext>.Location>();
        var objects = defer ? null : new List<NormalisedFinding>();
        var contexts = new List<ItemContext>();
        reader.Read();
        if (reader.TokenType == JsonTokenType.Null)
        {
            return [];
        }
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            return null;
        }
        for (var index = 0; reader.Read() && reader.TokenType != JsonTokenType.EndArray; index++)
        {
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            var pointer = string.Create(CultureInfo.InvariantCulture, $"/Results/{index}");
            string? target = null, resultType = null;
            var seen = new HashSet<string>(StringComparer.Ordinal);
            var sawFindings = false;
            List<(DeferredFindings<ItemContext>.Location, NormalisedFinding?)> misconfigurations = [], secrets = [];
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.PropertyName!;
                if (!seen.Add(name))
                {
                    return null;
                }
                switch (name)
                {
                    case "Target" or "Type" when sawFindings:
                        return null;
                    case "Target" or "Type":
                        using (var value = JsonDocument.Parse(reader.ReadValue(out _), ValueOptions))
                        {
                            if (name == "Target")
                            {
                                target = value.RootElement.Text();
                            }
                            else
                            {
                                resultType = value.RootElement.Text();
                            }
                        }
                        break;
                    case "Vulnerabilities" or "Misconfigurations" or "Secrets":
                        sawFindings = true;
                        reader.Read();
                        if (reader.TokenType == JsonTokenType.Null)
                        {
                            break;
                        }
                        if (reader.TokenType != JsonTokenType.StartArray)
                        {
                            return null;
                        }
                        var context = new ItemContext($"{pointer}/{name}", name, target, resultType, image);
                        contexts.Add(context);
                        var later = name switch { "Vulnerabilities" => null, "Misconfigurations" => misconfigurations, _ => secrets };
                        for (var item = 0; ; item++)
                        {
                            var value = reader.ReadValue(out var start);
                            if (reader.TokenType == JsonTokenType.EndArray)
                            {
                                break;
                            }
                            using var document = JsonDocument.Parse(value, ValueOptions);
                            if (ReadAccepted(document.RootElement, context, item) is { } finding)
                            {
                                var location = new DeferredFindings<ItemContext>.Location(start, value.Length, contexts.Count - 1, item, finding.NamespaceName);
                                if (later is null)
                                {
                                    locations.Add(location);
                                    objects?.Add(finding);
                                }
                                else
                                {
                                    later.Add((location, defer ? null : finding));
                                }
                            }
                        }
                        break;
                    default:
                        reader.ReadValue(out _);
                        break;
                }
            }
            // As the whole-document reader lists them: a result's vulnerabilities, then its misconfigurations, then its secrets.
            foreach (var (location, finding) in misconfigurations.Concat(secrets))
            {
                locations.Add(location);
                objects?.Add(finding!);
            }
        }
        return objects ?? (IReadOnlyList<NormalisedFinding>)new DeferredFindings<ItemContext>(report, locations, contexts, ReadItem);
    }

    /// <summary>One item of a findings array as a finding; null for a misconfiguration that passed (not a finding).</summary>
    private static NormalisedFinding? ReadAccepted(JsonElement value, ItemContext context, int index)
    {
        var itemPointer = string.Create(CultureInfo.InvariantCulture, $"{context.Pointer}/{index}");
        return context.ArrayName switch
        {
            "Vulnerabilities" => ReadVulnerability(value, itemPointer, context.Target, context.ResultType, context.Image),
            "Misconfigurations" => ReadMisconfiguration(value, itemPointer, context.Target, context.ResultType, context.Image),
            _ => ReadSecret(value, itemPointer, context.Target, context.Image),
        };
    }

    private static NormalisedFinding ReadItem(JsonElement value, ItemContext context, int index) =>
        ReadAccepted(value, context, index) ?? throw new InvalidOperationException($"{context.Pointer}/{index} was accepted as a finding when the report was received.");

    internal static ScanParseResult ParseWhole(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonPayload.Parse(payload, "Trivy JSON");
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ScanParseException($"A Trivy JSON report is an object, but this payload is {JsonPayload.Describe(root.ValueKind)}.", "");
        }
        if (root.TryGetProperty("SchemaVersion", out var schema) && schema.ValueKind != JsonValueKind.Null
            && !(schema.ValueKind == JsonValueKind.Number && schema.TryGetInt32(out var version) && version == 2))
        {
            throw new ScanParseException($"Only Trivy JSON SchemaVersion 2 is supported; this report has {schema.GetRawText()}.", "/SchemaVersion");
        }

        var hint = ReadScopeHint(root);
        var image = hint.Image;
        var findings = new List<NormalisedFinding>();
        foreach (var (result, pointer) in root.Array("Results", ""))
        {
            if (result.ValueKind != JsonValueKind.Object)
            {
                throw new ScanParseException($"Each entry of 'Results' should be an object but {pointer} is {JsonPayload.Describe(result.ValueKind)}.", pointer);
            }
            var target = result.String("Target");
            var resultType = result.String("Type");
            foreach (var (vulnerability, itemPointer) in result.Array("Vulnerabilities", pointer))
            {
                findings.Add(ReadVulnerability(vulnerability, itemPointer, target, resultType, image));
            }
            foreach (var (misconfiguration, itemPointer) in result.Array("Misconfigurations", pointer))
            {
                if (ReadMisconfiguration(misconfiguration, itemPointer, target, resultType, image) is { } finding)
                {
                    findings.Add(finding);
                }
            }
            foreach (var (secret, itemPointer) in result.Array("Secrets", pointer))
            {
                findings.Add(ReadSecret(secret, itemPointer, target, image));
            }
        }
        return new ScanParseResult(hint, findings, root.Object("Trivy")?.String("Version"));
    }

    public static FindingSeverity MapSeverity(string? severity) => severity?.Trim().ToUpperInvariant() switch
    {
        "CRITICAL" => FindingSeverity.Critical,
        "HIGH" => FindingSeverity.High,
        "MEDIUM" or "MODERATE" => FindingSeverity.Medium,
        "LOW" => FindingSeverity.Low,
        "INFO" or "INFORMATIONAL" or "NEGLIGIBLE" => FindingSeverity.Info,
        _ => FindingSeverity.Unknown,
    };

    private static ScanScopeHint ReadScopeHint(JsonElement root)
    {
        var artifactName = root.String("ArtifactName");
        var artifactType = root.String("ArtifactType");
        var metadata = root.Object("Metadata");
        var repoTags = metadata?.Strings("RepoTags") ?? [];
        var repoDigests = metadata?.Strings("RepoDigests") ?? [];

        var kind = artifactType switch
        {
            "container_image" => ScanArtifactKind.ContainerImage,
            "repository" => ScanArtifactKind.Repository,
            "filesystem" => ScanArtifactKind.Filesystem,
            null when repoTags.Count > 0 || repoDigests.Count > 0 => ScanArtifactKind.ContainerImage,
            _ => ScanArtifactKind.Unknown,
        };

        ImageReference? image = null;
        if (kind == ScanArtifactKind.ContainerImage)
        {
            // ArtifactName is what the pipeline asked for; an archive path ("image.tar.gz") is not an image name, so fall back to the tags.
            image = ImageReference.TryParse(artifactName)
                ?? repoTags.Select(ImageReference.TryParse).FirstOrDefault(i => i is not null)
                ?? repoDigests.Select(ImageReference.TryParse).FirstOrDefault(i => i is not null);
            if (image is { Digest: null })
            {
                var digest = repoDigests
                    .Select(ImageReference.TryParse)
                    .OfType<ImageReference>()
                    .OrderByDescending(d => d.FullRepository == image.FullRepository)
                    .Select(d => d.Digest)
                    .FirstOrDefault(d => d is not null);
                image = image with { Digest = digest };
            }
        }
        return new ScanScopeHint(kind, artifactName, image);
    }

    internal static NormalisedFinding ReadVulnerability(JsonElement item, string pointer, string? target, string? resultType, ImageReference? image)
    {
        RequireObject(item, pointer, "Vulnerabilities");
        var vulnerabilityId = item.String("VulnerabilityID")
            ?? throw new ScanParseException($"The vulnerability at {pointer} has no VulnerabilityID.", pointer + "/VulnerabilityID");
        var (score, vector) = ReadCvss(item.Object("CVSS"));
        var cwes = item.Strings("CweIDs");
        return new NormalisedFinding
        {
            IdentityKind = FindingIdentityKind.Vulnerability,
            Category = FindingCategory.Vulnerability,
            Severity = MapSeverity(item.String("Severity")),
            Title = item.String("Title") ?? vulnerabilityId,
            Description = item.String("Description"),
            VulnerabilityId = vulnerabilityId,
            Cwe = cwes.Count == 0 ? null : string.Join(",", cwes),
            CvssScore = score,
            CvssVector = vector,
            PackageName = item.String("PkgName") ?? item.String("PkgID"),
            PackageType = resultType,
            Purl = item.Object("PkgIdentifier")?.String("PURL"),
            InstalledVersion = item.String("InstalledVersion"),
            FixedVersion = item.String("FixedVersion"),
            PrimaryUrl = item.String("PrimaryURL"),
            References = item.Strings("References"),
            Target = target,
            ImageRegistry = image?.Registry,
            ImageRepository = image?.Repository,
            ImageTag = image?.Tag,
            ImageDigest = image?.Digest,
        };
    }

    /// <summary>The NVD v3 score first (the common yardstick), then any vendor's v3, then v4, then v2.</summary>
    internal static (double? Score, string? Vector) ReadCvss(JsonElement? cvss)
    {
        if (cvss is not { } sources)
        {
            return (null, null);
        }
        if (sources.Object("nvd") is { } nvd && nvd.Number("V3Score") is { } nvdScore)
        {
            return (nvdScore, nvd.String("V3Vector"));
        }
        var vendors = sources.EnumerateObject().Where(p => p.Value.ValueKind == JsonValueKind.Object).Select(p => p.Value).ToList();
        foreach (var (scoreName, vectorName) in new[] { ("V3Score", "V3Vector"), ("V40Score", "V40Vector"), ("V2Score", "V2Vector") })
        {
            if (vendors.FirstOrDefault(v => v.Number(scoreName) is not null) is { ValueKind: JsonValueKind.Object } vendor)
            {
                return (vendor.Number(scoreName), vendor.String(vectorName));
            }
        }
        return (null, null);
    }

    internal static NormalisedFinding? ReadMisconfiguration(JsonElement item, string pointer, string? target, string? resultType, ImageReference? image)
    {
        RequireObject(item, pointer, "Misconfigurations");
        var status = item.String("Status");
        if (status is not null && !status.Equals("FAIL", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }
        var avdId = item.String("AVDID");
        // AVD ids outlive Trivy's renumbering of check ids (KSV001 → KSV-0001), so they make the steadier rule id.
        var ruleId = (avdId is not null && avdId.StartsWith("AVD-", StringComparison.OrdinalIgnoreCase) ? avdId[4..] : avdId)
            ?? item.String("ID")
            ?? throw new ScanParseException($"The misconfiguration at {pointer} has neither ID nor AVDID.", pointer + "/ID");
        var cause = item.Object("CauseMetadata");
        var provider = cause?.String("Provider");
        var message = item.String("Message");
        var description = item.String("Description");
        var resolution = item.String("Resolution");
        var text = string.Join("\n\n", new[] { message, description, resolution is null ? null : "Resolution: " + resolution }.OfType<string>());
        // The Kubernetes object: "Kind/name" in CauseMetadata.Resource or the Target (trivy k8s), else the kind the message names.
        var resource = TrivyResources.FromReference(cause?.String("Resource")) ?? TrivyResources.FromReference(target);
        var kind = resource?.Kind ?? TrivyResources.FromMessage(message)?.Kind;
        return new NormalisedFinding
        {
            IdentityKind = FindingIdentityKind.Misconfiguration,
            Category = MisconfigurationCategory(resultType, provider),
            Severity = MapSeverity(item.String("Severity")),
            Title = item.String("Title") ?? ruleId,
            Description = text.Length == 0 ? null : text,
            RuleId = ruleId,
            PrimaryUrl = item.String("PrimaryURL"),
            References = item.Strings("References"),
            Target = target,
            ResourceKind = kind,
            NamespaceName = resource?.Namespace,
            ResourceName = resource?.Name ?? cause?.String("Resource") ?? target,
            StartLine = cause?.Integer("StartLine"),
            ImageRegistry = image?.Registry,
            ImageRepository = image?.Repository,
            ImageTag = image?.Tag,
            ImageDigest = image?.Digest,
        }.WithCompliance(ComplianceMappings.ForRule(item.String("ID")) ?? ComplianceMappings.ForRule(avdId));
    }

    private static FindingCategory MisconfigurationCategory(string? resultType, string? provider) => resultType?.ToLowerInvariant() switch
    {
        "dockerfile" or "containerfile" => FindingCategory.ContainerMisconfiguration,
        "kubernetes" or "helm" => FindingCategory.KubernetesMisconfiguration,
        "terraform" or "terraformplan" or "cloudformation" or "azure-arm" or "bicep" => FindingCategory.CloudIamVpcMisconfiguration,
        _ when string.Equals(provider, "Kubernetes", StringComparison.OrdinalIgnoreCase) => FindingCategory.KubernetesMisconfiguration,
        _ when string.Equals(provider, "Dockerfile", StringComparison.OrdinalIgnoreCase) => FindingCategory.ContainerMisconfiguration,
        _ => FindingCategory.KubernetesMisconfiguration,
    };

    internal static NormalisedFinding ReadSecret(JsonElement item, string pointer, string? target, ImageReference? image)
    {
        RequireObject(item, pointer, "Secrets");
        var ruleId = item.String("RuleID")
            ?? throw new ScanParseException($"The secret at {pointer} has no RuleID.", pointer + "/RuleID");
        var title = item.String("Title") ?? ruleId;
        var startLine = item.Integer("StartLine");
        var secretCategory = item.String("Category");
        // The Match and Code lines hold the secret itself (Trivy masks only the matched part); never store them.
        var where = startLine is { } line ? string.Create(CultureInfo.InvariantCulture, $" at line {line}") : "";
        return new NormalisedFinding
        {
            IdentityKind = FindingIdentityKind.Secret,
            Category = FindingCategory.ContainerMisconfiguration,
            Severity = MapSeverity(item.String("Severity")),
            Title = title,
            Description = $"{(secretCategory is null ? "A" : secretCategory)} secret ({title}) is stored in {target ?? "the scanned artifact"}{where}. The matched text is redacted and not kept.",
            RuleId = ruleId,
            Target = target,
            ResourceName = target,
            StartLine = startLine,
            ImageRegistry = image?.Registry,
            ImageRepository = image?.Repository,
            ImageTag = image?.Tag,
            ImageDigest = image?.Digest,
        };
    }

    private static void RequireObject(JsonElement item, string pointer, string arrayName)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            throw new ScanParseException($"Each entry of '{arrayName}' should be an object but {pointer} is {JsonPayload.Describe(item.ValueKind)}.", pointer);
        }
    }
}
