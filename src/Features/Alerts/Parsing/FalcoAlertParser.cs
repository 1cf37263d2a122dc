using System.Text.Json;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Alerts.Parsing;

/// <summary>
/// Falco's JSON output (<c>json_output: true</c>: one object per event; files and http_output write NDJSON) in the 2017
/// field set (output, priority, rule, time, output_fields) and the current one (plus hostname, source, tags), and the
/// falcosidekick webhook payload (the same object plus <c>uuid</c>; its <c>customfields</c> arrive merged into
/// <c>output_fields</c>, or as a <c>customfields</c> object).
/// </summary>
public sealed class FalcoAlertParser : IAlertParser
{
    public bool CanParse(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object
        && item.TryGetProperty("rule", out var rule) && rule.ValueKind == JsonValueKind.String
        && (item.TryGetProperty("output", out _) || item.TryGetProperty("priority", out _))
        && !item.TryGetProperty("policy", out _);

    public string FormatOf(JsonElement item, bool ndjson) =>
        item.TryGetProperty("uuid", out _) ? "falcosidekick" : ndjson ? "falco-ndjson" : "falco-json";

    public IEnumerable<ParsedAlert> Parse(JsonElement item, string pointer, AlertParseContext context)
    {
        var rule = item.String("rule") ?? throw new ScanParseException($"The Falco event at {Where(pointer)} has an empty 'rule'.", pointer + "/rule");
        var fields = item.Object("output_fields");
        var custom = item.Object("customfields");
        string? Field(string name) => AlertJson.Clean(fields?.String(name));
        string? Custom(string name) => AlertJson.Clean(custom?.String(name)) ?? Field(name);

        var evidence = new List<KeyValuePair<string, string>>();
        if (fields is { } outputFields)
        {
            AlertJson.Flatten(outputFields, "", evidence);
        }
        var time = item.Time("time") ?? fields?.Time("evt.time") ?? fields?.Time("evt.time.iso8601");
        if (item.TryGetProperty("time", out var timeValue) && timeValue.ValueKind == JsonValueKind.String && time is null)
        {
            throw new ScanParseException($"The Falco event at {Where(pointer)} has a 'time' that is not an RFC 3339 timestamp.", pointer + "/time");
        }

        var containerId = Field("container.id");
        var onHost = containerId == "host";
        var repository = Field("container.image.repository");
        var tag = Field("container.image.tag");
        var image = repository is null ? Field("container.image") : tag is null ? repository : $"{repository}:{tag}";
        var file = Field("fd.name") ?? Field("fs.path.name") ?? Field("evt.arg.path");
        var isSidekick = item.TryGetProperty("uuid", out _);
        var tags = item.Strings("tags").ToList();
        var source = item.String("source");
        if (source is not null && source != "syscall")
        {
            tags.Add("source:" + source);
        }

        var fieldsJson = fields is { } f ? f.GetRawText() : null;
        if (custom is { } c)
        {
            fieldsJson = $"{{\"output_fields\":{fieldsJson ?? "null"},\"customfields\":{c.GetRawText()}}}";
        }

        yield return new ParsedAlert
        {
            Source = isSidekick ? "falcosidekick" : "falco",
            SourceId = isSidekick ? item.String("uuid") : null,
            Rule = rule,
            Priority = item.String("priority"),
            Severity = AlertJson.SeverityOf(item.String("priority")),
            Output = item.String("output"),
            Tags = tags,
            OccurredAt = time,
            ClusterName = Custom("cluster") ?? Custom("k8s.cluster.name") ?? Field("k8smeta.cluster.name"),
            Namespace = Field("k8s.ns.name") ?? Field("k8smeta.ns.name") ?? Custom("namespace"),
            Pod = Field("k8s.pod.name") ?? Field("k8smeta.pod.name"),
            Container = onHost ? null : Field("container.name") ?? containerId,
            Image = onHost ? null : image,
            Process = Field("proc.name") ?? FirstToken(Field("proc.cmdline")),
            ParentProcess = Field("proc.pname"),
            CommandLine = Field("proc.cmdline"),
            FilePath = file is not null && file.StartsWith('/') ? file : null,
            User = Field("user.name"),
            Hostname = item.String("hostname"),
            Evidence = evidence,
            FieldsJson = fieldsJson,
            Pointer = pointer,
        };
    }

    private static string? FirstToken(string? commandLine)
    {
        var trimmed = commandLine?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            return null;
        }
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? trimmed : trimmed[..space];
    }

    private static string Where(string pointer) => pointer.Length == 0 ? "the top level" : pointer;
}
