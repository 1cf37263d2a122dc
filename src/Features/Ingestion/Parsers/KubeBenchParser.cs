using System.Text.Json;
using K8Posture.Data;

namespace K8Posture.Features.Ingestion.Parsers;

/// <summary>
/// kube-bench's JSON output, both <c>{"Controls": [...], "Totals": {...}}</c> and the bare array of controls.
/// Every FAIL or WARN test result is a finding (PASS and INFO are not); the per-section and total counters are
/// ignored because trimmed reports do not match them. Placeholders ("" for audit, type, actual_value…) are expected.
/// </summary>
public sealed class KubeBenchParser : IScanParser
{
    public const string FormatName = "kube-bench";
    public const string BenchmarkUrl = "https://www.cisecurity.org/benchmark/kubernetes";

    public string Format => FormatName;
    public IReadOnlyList<string> Aliases => ["kube-bench-json"];
    public string SourceTool => "kube-bench";

    public bool CanParse(ReadOnlySpan<byte> payload)
    {
        switch (ParserSupport.FirstToken(payload))
        {
            case JsonTokenType.StartObject:
                var (names, _) = ParserSupport.TopLevel(payload);
                return names.Contains("Controls") && !names.Contains("SchemaVersion") && !names.Contains("runs");
            case JsonTokenType.StartArray:
                var head = payload.Length > 64 * 1024 ? payload[..(64 * 1024)] : payload;
                return head.IndexOf("\"node_type\""u8) >= 0 && head.IndexOf("\"tests\""u8) >= 0;
            default:
                return false;
        }
    }

    public ScanParseResult Parse(ReadOnlyMemory<byte> payload)
    {
        using var document = JsonPayload.Parse(payload, "kube-bench JSON");
        var root = document.RootElement;
        IEnumerable<(JsonElement Item, string Pointer)> controls = root.ValueKind switch
        {
            JsonValueKind.Object when root.TryGetProperty("Controls", out _) => root.Array("Controls", ""),
            JsonValueKind.Object => throw new ScanParseException("A kube-bench report has a 'Controls' array; this object has none.", "/Controls"),
            JsonValueKind.Array => root.EnumerateArray().Select((item, index) => (item, "/" + index.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            _ => throw new ScanParseException($"A kube-bench report is an object or an array, but this payload is {JsonPayload.Describe(root.ValueKind)}.", ""),
        };

        var findings = new List<NormalisedFinding>();
        var subjects = new Dictionary<string, ReportSubject>(StringComparer.Ordinal);
        foreach (var (control, controlPointer) in controls)
        {
            ParserSupport.RequireObject(control, controlPointer, "control");
            var nodeType = control.String("node_type");
            // kube-bench runs per node and reports its node type's checks (master, node, etcd, controlplane, policies):
            // a report covers the node types it ran, so a worker node's report leaves the control plane's findings alone.
            var subjectKey = "kube-bench/" + (nodeType ?? "");
            if (!subjects.TryGetValue(subjectKey, out var subject))
            {
                subjects[subjectKey] = subject = new ReportSubject(subjectKey);
            }
            var benchmark = BenchmarkName(control.String("version"));
            foreach (var (test, testPointer) in control.Array("tests", controlPointer))
            {
                ParserSupport.RequireObject(test, testPointer, "test group");
                foreach (var (result, resultPointer) in test.Array("results", testPointer))
                {
                    if (ReadResult(result, resultPointer, nodeType, benchmark) is { } finding)
                    {
                        findings.Add(finding with { Subject = subject });
                    }
                }
            }
        }
        return new ScanParseResult(new ScanScopeHint(ScanArtifactKind.Cluster, "kube-bench", null), findings) { Subjects = [.. subjects.Values] };
    }

    private static NormalisedFinding? ReadResult(JsonElement result, string pointer, string? nodeType, string? benchmark)
    {
        ParserSupport.RequireObject(result, pointer, "test result");
        var status = result.String("status")?.ToUpperInvariant();
        if (status is not ("FAIL" or "WARN"))
        {
            return null;
        }
        var testNumber = result.String("test_number")
            ?? throw new ScanParseException($"The {status} result at {pointer} has no test_number.", pointer + "/test_number");
        // "scored": false marks a manual / not scored check; a missing flag counts as scored.
        var scored = !result.TryGetProperty("scored", out var scoredValue) || scoredValue.ValueKind != JsonValueKind.False;
        var mapping = ComplianceMappings.ForCisCheck(testNumber);
        var expected = result.String("expected_result");
        var reason = result.String("reason");
        var benchmarkText = benchmark is null ? "CIS Kubernetes Benchmark" : $"CIS Kubernetes Benchmark ({benchmark})";
        return new NormalisedFinding
        {
            IdentityKind = FindingIdentityKind.Misconfiguration,
            Category = mapping?.OwaspK8s == ComplianceMappings.NetworkSegmentation
                ? FindingCategory.NetworkPolicyMisconfiguration
                : FindingCategory.KubernetesMisconfiguration,
            Severity = status == "FAIL" && scored ? FindingSeverity.High : FindingSeverity.Medium,
            Title = result.String("test_desc") ?? $"{benchmarkText} {testNumber}",
            Description = ParserSupport.JoinText("\n\n", result.String("remediation"),
                expected is null ? null : "Expected: " + expected,
                reason is null ? null : "Reason: " + reason),
            RuleId = testNumber,
            ResourceKind = nodeType,
            ResourceName = benchmark,
            PrimaryUrl = BenchmarkUrl,
            References = [$"{benchmarkText} {testNumber}", BenchmarkUrl],
        }.WithCompliance(mapping);
    }

    /// <summary>"1.6" → "cis-1.6"; already named benchmarks ("cis-1.8", "eks-1.2.0", "gke-1.0") are kept.</summary>
    private static string? BenchmarkName(string? version) => version switch
    {
        null => null,
        _ when char.IsAsciiDigit(version[0]) => "cis-" + version,
        _ => version,
    };
}
