using System.Text.Json;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Alerts.Parsing;

/// <summary>
/// StackRox / Red Hat ACS Central's Splunk add-on feed, <c>GET /api/splunk/ta/violations</c>:
/// <c>{"violations": [SplunkViolation…], "newCheckpoint": "…"}</c>, and single SplunkViolation objects as Splunk stores
/// them (an array or NDJSON for many). Each violation becomes one alert whose sensor id is <c>violationInfo.violationId</c>,
/// so pulling an overlapping checkpoint window again adds nothing. The shape follows Central's central/splunk/violations.go:
/// a PROCESS_EVENT violation is one process indicator (processInfo, pod and container in violationInfo); K8S_EVENT and
/// GENERIC-with-attributes violations carry pod, container, user and command as violationMessageAttributes; plain GENERIC
/// (deploy-time) violations of one StackRox alert are squashed into one whose id is the alert id; FILE_ACCESS adds
/// fileAccessInfo (and the process); NETWORK_FLOW adds networkFlowInfo. The entity is deploymentInfo (a deployment, or
/// deploymentImage for an image alert) or resourceInfo (secrets, config maps, RBAC objects).
/// </summary>
public sealed class StackRoxSplunkViolationsParser : IAlertParser
{
    public const string Format = "stackrox-splunk-ta";

    public bool CanParse(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object
        && (item.Object("violationInfo") is not null
            || item.TryGetProperty("newCheckpoint", out var checkpoint) && checkpoint.ValueKind == JsonValueKind.String
            || item.TryGetProperty("violations", out var violations) && violations.ValueKind == JsonValueKind.Array
                && violations.EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } first && first.Object("violationInfo") is not null);

    public string FormatOf(JsonElement item, bool ndjson) => Format;

    public IEnumerable<ParsedAlert> Parse(JsonElement item, string pointer, AlertParseContext context)
    {
        if (item.Object("violationInfo") is not null)
        {
            yield return ParseViolation(item, pointer);
            yield break;
        }
        foreach (var (violation, violationPointer) in item.Array("violations", pointer))
        {
            yield return ParseViolation(violation, violationPointer);
        }
    }

    private static ParsedAlert ParseViolation(JsonElement violation, string pointer)
    {
        if (violation.ValueKind != JsonValueKind.Object)
        {
            throw new ScanParseException($"The StackRox violation at {Where(pointer)} should be an object but is {JsonPayload.Describe(violation.ValueKind)}.", pointer);
        }
        var info = violation.Object("violationInfo")
            ?? throw new ScanParseException($"The StackRox violation at {Where(pointer)} has no 'violationInfo' object (expected at {pointer}/violationInfo).", pointer + "/violationInfo");
        var alertInfo = violation.Object("alertInfo");
        var process = violation.Object("processInfo");
        var deployment = violation.Object("deploymentInfo");
        var resource = violation.Object("resourceInfo");
        var policy = violation.Object("policyInfo");
        var fileAccess = violation.Object("fileAccessInfo");
        var type = AlertJson.Clean(info.String("violationType"));

        var occurred = info.Time("violationTime");
        if (occurred is null && info.TryGetProperty("violationTime", out var timeValue) && timeValue.ValueKind is not JsonValueKind.Null)
        {
            throw new ScanParseException($"The StackRox violation's time at {pointer}/violationInfo/violationTime is not an RFC 3339 timestamp.", pointer + "/violationInfo/violationTime");
        }

        var attributes = new List<KeyValuePair<string, string>>();
        foreach (var (attribute, _) in info.Array("violationMessageAttributes", pointer + "/violationInfo"))
        {
            if (attribute.String("key") is { } key && attribute.String("value") is { } value)
            {
                attributes.Add(new(key, value));
            }
        }
        string? Attribute(string key) => AlertJson.Clean(attributes.FirstOrDefault(a => string.Equals(a.Key, key, StringComparison.OrdinalIgnoreCase)).Value);

        var containerName = AlertJson.Clean(info.String("containerName")) ?? Attribute("container");
        var container = ContainerOf(deployment, containerName);
        var execPath = AlertJson.Clean(process?.String("execFilePath"));
        var args = AlertJson.Clean(process?.String("processArgs"));
        var workloadName = AlertJson.Clean(deployment?.String("deploymentName")) ?? AlertJson.Clean(resource?.String("name"));
        var workloadType = AlertJson.Clean(deployment?.String("deploymentType")) ?? AlertJson.Clean(resource?.String("resourceType"));

        var evidence = new List<KeyValuePair<string, string>>(attributes);
        foreach (var (name, part) in new[] { ("processInfo", process), ("fileAccessInfo", fileAccess), ("networkFlowInfo", violation.Object("networkFlowInfo")) })
        {
            if (part is { } element)
            {
                AlertJson.Flatten(element, name, evidence);
            }
        }
        if (container?.Object("securityContext") is { } securityContext)
        {
            AlertJson.Flatten(securityContext, "securityContext", evidence);
        }

        var tags = new List<string>(policy?.Strings("policyCategories") ?? []);
        var stage = AlertJson.Clean(alertInfo?.String("lifecycleStage")) ?? policy?.Strings("policyLifecycleStages").FirstOrDefault();
        if (stage is not null)
        {
            tags.Add("lifecycle:" + stage);
        }
        if (type is not null)
        {
            tags.Add("violation:" + type);
        }

        return new ParsedAlert
        {
            Source = "stackrox",
            SourceId = AlertJson.Clean(info.String("violationId")),
            Rule = AlertJson.Clean(policy?.String("policyName")) ?? $"StackRox {(type ?? "UNKNOWN").ToLowerInvariant().Replace('_', ' ')} violation",
            Priority = policy?.String("policySeverity"),
            Severity = AlertJson.SeverityOf(policy?.String("policySeverity")),
            Output = info.String("violationMessage") ?? policy?.String("policyDescription"),
            Tags = tags,
            OccurredAt = occurred ?? process?.Time("processCreationTime") ?? alertInfo?.Time("alertFirstOccurred"),
            ClusterName = AlertJson.Clean(deployment?.String("clusterName")) ?? AlertJson.Clean(resource?.String("clusterName")),
            Namespace = AlertJson.Clean(deployment?.String("deploymentNamespace")) ?? AlertJson.Clean(resource?.String("namespace")),
            Workload = workloadName is null ? null : workloadType is null ? workloadName : $"{workloadType}/{workloadName}",
            Pod = AlertJson.Clean(info.String("podId")) ?? Attribute("pod"),
            Container = containerName ?? AlertJson.Clean(info.String("containerId")),
            Image = ImageOf(container?.Object("image")) ?? ImageOf(deployment?.Object("deploymentImage")),
            Process = AlertJson.Clean(process?.String("processName")),
            ParentProcess = ParentOf(process),
            CommandLine = execPath is null ? Attribute("commands") : args is null ? execPath : $"{execPath} {args}",
            FilePath = AlertJson.Clean(fileAccess?.String("effectivePath")) ?? AlertJson.Clean(fileAccess?.String("actualPath")),
            User = process?.String("processUid") ?? Attribute("Username") ?? AlertJson.Clean(fileAccess?.String("fileUsername")),
            Hostname = AlertJson.Clean(fileAccess?.String("hostname")),
            Evidence = evidence,
            FieldsJson = violation.GetRawText(),
            Pointer = pointer,
        };
    }

    /// <summary>The deployment container the violation names, or the only one when it names none.</summary>
    private static JsonElement? ContainerOf(JsonElement? deployment, string? name)
    {
        if (deployment is not { } d || !d.TryGetProperty("deploymentContainers", out var containers) || containers.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        var all = containers.EnumerateArray().Where(c => c.ValueKind == JsonValueKind.Object).ToList();
        if (name is not null && all.FirstOrDefault(c => c.String("name") == name) is { ValueKind: JsonValueKind.Object } named)
        {
            return named;
        }
        return all.Count == 1 ? all[0] : null;
    }

    private static string? ImageOf(JsonElement? image)
    {
        var name = image?.Object("name");
        if (AlertJson.Clean(name?.String("fullName")) is { } fullName)
        {
            return fullName;
        }
        if (AlertJson.Clean(name?.String("remote")) is not { } remote)
        {
            return null;
        }
        var registry = AlertJson.Clean(name?.String("registry"));
        var tag = AlertJson.Clean(name?.String("tag"));
        return (registry is null ? remote : $"{registry}/{remote}") + (tag is null ? "" : ":" + tag);
    }

    private static string? ParentOf(JsonElement? process)
    {
        if (process is not { } p || !p.TryGetProperty("processLineageInfo", out var lineage) || lineage.ValueKind != JsonValueKind.Array)
        {
            return null;
        }
        return lineage.EnumerateArray().Select(l => AlertJson.Clean(l.String("parentExecFilePath"))).FirstOrDefault(path => path is not null);
    }

    private static string Where(string pointer) => pointer.Length == 0 ? "the top level" : pointer;
}
