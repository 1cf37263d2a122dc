using K8Posture.Data;

namespace K8Posture.Features.Alerts.Parsing;

/// <summary>One alert as a sensor described it, before dedupe, ownership and suppression.</summary>
public sealed record ParsedAlert
{
    public required string Source { get; init; }
    public string? SourceId { get; init; }
    public required string Rule { get; init; }
    public string? Priority { get; init; }
    public FindingSeverity Severity { get; init; }
    public string? Output { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    public DateTimeOffset? OccurredAt { get; init; }
    public string? ClusterName { get; init; }
    public string? Namespace { get; init; }
    public string? Workload { get; init; }
    public string? Pod { get; init; }
    public string? Container { get; init; }
    public string? Image { get; init; }
    public string? Process { get; init; }
    public string? ParentProcess { get; init; }
    public string? CommandLine { get; init; }
    public string? FilePath { get; init; }
    public string? User { get; init; }
    public string? Hostname { get; init; }
    /// <summary>Flattened evidence the classifier reads (field name → value).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Evidence { get; init; } = [];
    /// <summary>The sensor's evidence as JSON, stored with the alert.</summary>
    public string? FieldsJson { get; init; }
    /// <summary>Where in the payload the alert came from (JSON pointer or line).</summary>
    public required string Pointer { get; init; }

    public IocInput ToIocInput() => new(Rule, Output, Process, ParentProcess, CommandLine, FilePath, Evidence);
}

/// <summary>A parsed push: its format name, the alerts, and how many events were skipped as not alerts (with why).</summary>
public sealed record AlertParseResult(string Format, string Source, IReadOnlyList<ParsedAlert> Alerts, int Ignored = 0);

/// <summary>A well-formed payload this endpoint deliberately does not take (e.g. a deploy-time check), with where it belongs.</summary>
