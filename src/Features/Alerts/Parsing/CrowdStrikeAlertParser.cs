using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Alerts.Parsing;

/// <summary>
/// CrowdStrike Falcon detection events as the Event Streams API and the Falcon SIEM Connector deliver them: one
/// <c>{"metadata": {"eventType": …, "eventCreationTime": …}, "event": {…}}</c> object per event (an array or NDJSON for many).
/// <c>DetectionSummaryEvent</c> and <c>EppDetectionSummaryEvent</c> become alerts; other event types (audit, authentication,
/// incident summaries) are counted as ignored. The fields read are listed in README.md ("CrowdStrike fields").
/// </summary>
public sealed class CrowdStrikeAlertParser : IAlertParser
{
    private static readonly HashSet<string> DetectionEvents = new(StringComparer.OrdinalIgnoreCase) { "DetectionSummaryEvent", "EppDetectionSummaryEvent" };

    public bool CanParse(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object
        && item.Object("metadata") is { } metadata && metadata.String("eventType") is not null
        && item.Object("event") is not null;

    public string FormatOf(JsonElement item, bool ndjson) => "crowdstrike-event-stream";

    public IEnumerable<ParsedAlert> Parse(JsonElement item, string pointer, AlertParseContext context)
    {
        var metadata = item.Object("metadata")!.Value;
        var detection = item.Object("event")!.Value;
        if (!DetectionEvents.Contains(metadata.String("eventType")!))
        {
            context.Ignored++;
            yield break;
        }
        var tactic = detection.String("Tactic");
        var technique = detection.String("Technique");
        var rule = detection.String("DetectName") ?? detection.String("Name") ?? (tactic is null ? null : $"{tactic}: {technique}")
            ?? throw new ScanParseException($"The CrowdStrike detection at {Where(pointer)} has no DetectName, Name or Tactic.", pointer + "/event/DetectName");
        var severityName = detection.String("SeverityName") ?? SeverityName(detection.Integer("Severity"));
        var tags = new List<string>();
        foreach (var name in (string[])["Tactic", "TacticId", "Technique", "TechniqueId", "Objective"])
        {
            if (detection.String(name) is { } value)
            {
                tags.Add(value);
            }
        }
        var evidence = new List<KeyValuePair<string, string>>();
        AlertJson.Flatten(detection, "", evidence);

        yield return new ParsedAlert
        {
            Source = "crowdstrike",
            SourceId = detection.String("DetectId") ?? detection.String("CompositeId"),
            Rule = rule,
            Priority = severityName,
            Severity = AlertJson.SeverityOf(severityName),
            Output = detection.String("DetectDescription") ?? detection.String("Description"),
            Tags = tags,
            OccurredAt = metadata.Time("eventCreationTime") ?? detection.Time("ProcessStartTime") ?? detection.Time("Timestamp"),
            ClusterName = detection.String("ClusterName"),
            Namespace = detection.String("PodNamespace"),
            Pod = detection.String("PodName"),
            Container = detection.String("ContainerId"),
            Image = detection.String("ImageName"),
            Process = detection.String("FileName"),
            ParentProcess = BaseName(detection.String("ParentImageFileName")),
            CommandLine = detection.String("CommandLine"),
            User = detection.String("UserName"),
            Hostname = detection.String("ComputerName") ?? detection.String("Hostname"),
            Evidence = evidence,
            FieldsJson = detection.GetRawText(),
            Pointer = pointer,
        };
    }

    /// <summary>Falcon's numeric severity (1–5) where SeverityName is absent.</summary>
    private static string? SeverityName(int? severity) => severity switch
    {
        >= 5 => nameof(FindingSeverity.Critical),
        4 => nameof(FindingSeverity.High),
        3 => nameof(FindingSeverity.Medium),
        2 => nameof(FindingSeverity.Low),
        1 => "Informational",
        _ => null,
    };

    private static string? BaseName(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }
        var slash = path.LastIndexOfAny(['/', '\\']);
        return slash >= 0 ? path[(slash + 1)..] : path;
    }

    private static string Where(string pointer) => pointer.Length == 0 ? "the top level" : pointer;
}
