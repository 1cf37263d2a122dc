using K8Posture.Shared.Http;
using System.Text.Json;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Alerts.Parsing;

/// <summary>
/// StackRox / Red Hat ACS alerts: the Alert object itself (2018 schema with processViolation, and the current one with
/// violations and protobuf timestamps), as the generic webhook notifier sends it (<c>{"alert": {…}}</c>), as the Microsoft
/// Sentinel notifier wraps it (<c>{"TimeGenerated", "msg": {…}}</c>), and the ListAlerts response (<c>{"alerts": […]}</c>).
/// <c>roxctl deployment check</c> output is refused: it is a deploy-time verdict on manifests, not something that ran.
/// </summary>
public sealed class StackRoxAlertParser : IAlertParser
{
    public bool CanParse(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object
        && (item.TryGetProperty("alerts", out var alerts) && alerts.ValueKind == JsonValueKind.Array
            || item.Object("alert") is { } alert && alert.Object("policy") is not null
            || item.Object("msg") is { } msg && msg.Object("policy") is not null
            || item.Object("policy") is not null && item.TryGetProperty("id", out _)
            || IsDeploymentCheck(item));

    public string FormatOf(JsonElement item, bool ndjson) => item switch
    {
        _ when item.TryGetProperty("alerts", out _) => "stackrox-alerts-list",
        _ when item.Object("alert") is not null => "stackrox-webhook",
        _ when item.Object("msg") is not null => "stackrox-sentinel",
        _ when IsDeploymentCheck(item) => "roxctl-deployment-check",
        _ => "stackrox-alert",
    };

    public IEnumerable<ParsedAlert> Parse(JsonElement item, string pointer, AlertParseContext context)
    {
        if (IsDeploymentCheck(item))
        {
            throw new ProblemException(StatusCodes.Status422UnprocessableEntity, "Not a runtime alert",
                "This is roxctl deployment check output: a deploy-time verdict on manifests, not an event that happened in a running cluster. "
                + "Gate deployments with it in the pipeline (or POST the manifests to /api/v1/evaluate); send StackRox runtime alerts here through its generic webhook notifier.");
        }
        if (item.TryGetProperty("alerts", out _))
        {
            foreach (var (alert, alertPointer) in item.Array("alerts", pointer))
            {
                yield return ParseAlert(alert, alertPointer, null);
            }
            yield break;
        }
        if (item.Object("alert") is { } webhook)
        {
            yield return ParseAlert(webhook, pointer + "/alert", null);
            yield break;
        }
        if (item.Object("msg") is { } sentinel)
        {
            yield return ParseAlert(sentinel, pointer + "/msg", item.Time("TimeGenerated"));
            yield break;
        }
        yield return ParseAlert(item, pointer, null);
    }

    private static bool IsDeploymentCheck(JsonElement item) =>
        item.ValueKind == JsonValueKind.Object
        && item.TryGetProperty("results", out var results) && results.ValueKind == JsonValueKind.Array
        && results.EnumerateArray().Any(r => r.ValueKind == JsonValueKind.Object && r.TryGetProperty("violatedPolicies", out _));

    private static ParsedAlert ParseAlert(JsonElement alert, string pointer, DateTimeOffset? receivedTime)
    {
        if (alert.ValueKind != JsonValueKind.Object)
        {
            throw new ScanParseException($"The StackRox alert at {pointer} should be an object but is {JsonPayload.Describe(alert.ValueKind)}.", pointer);
        }
        var policy = alert.Object("policy") ?? throw new ScanParseException($"The StackRox alert at {pointer} has no 'policy' object.", pointer + "/policy");
        var rule = policy.String("name") ?? throw new ScanParseException($"The StackRox alert at {pointer} has a policy without a 'name'.", pointer + "/policy/name");
        var deployment = alert.Object("deployment");
        var common = alert.Object("commonEntityInfo");
        var resource = alert.Object("resource");
        string? FirstOf(string name) =>
            AlertJson.Clean(alert.String(name)) ?? AlertJson.Clean(deployment?.String(name)) ?? AlertJson.Clean(common?.String(name)) ?? AlertJson.Clean(resource?.String(name));

        var processViolation = alert.Object("processViolation");
        JsonElement? firstProcess = null;
        if (processViolation is { } pv && pv.TryGetProperty("processes", out var processes) && processes.ValueKind == JsonValueKind.Array)
        {
            firstProcess = processes.EnumerateArray().FirstOrDefault(p => p.ValueKind == JsonValueKind.Object);
            if (firstProcess is { ValueKind: JsonValueKind.Undefined })
            {
                firstProcess = null;
            }
        }
        var signal = firstProcess?.Object("signal");
        JsonElement? firstContainer = null;
        if (deployment is { } d && d.TryGetProperty("containers", out var containers) && containers.ValueKind == JsonValueKind.Array)
        {
            var container = containers.EnumerateArray().FirstOrDefault(c => c.ValueKind == JsonValueKind.Object);
            firstContainer = container.ValueKind == JsonValueKind.Object ? container : null;
        }
        var imageName = firstContainer?.Object("image")?.Object("name");
        var image = imageName?.String("fullName")
            ?? (imageName?.String("remote") is { } remote ? $"{imageName.Value.String("registry")}/{remote}:{imageName.Value.String("tag")}".TrimStart('/') : null);

        var messages = new List<string>();
        if (processViolation?.String("message") is { } processMessage)
        {
            messages.Add(processMessage);
        }
        foreach (var (violation, _) in alert.Array("violations", pointer))
        {
            if (violation.String("message") is { } message)
            {
                messages.Add(message);
            }
        }

        var evidence = new List<KeyValuePair<string, string>>();
        if (processViolation is { } violationElement)
        {
            AlertJson.Flatten(violationElement, "processViolation", evidence);
        }
        if (alert.TryGetProperty("violations", out var violations))
        {
            AlertJson.Flatten(violations, "violations", evidence);
        }
        if (deployment is { } dep && dep.TryGetProperty("containers", out var allContainers) && allContainers.ValueKind == JsonValueKind.Array)
        {
            foreach (var container in allContainers.EnumerateArray())
            {
                if (container.Object("securityContext") is { } securityContext)
                {
                    AlertJson.Flatten(securityContext, "securityContext", evidence);
                }
                foreach (var (volume, _) in container.Array("volumes", pointer))
                {
                    if (string.Equals(volume.String("type"), "HostPath", StringComparison.OrdinalIgnoreCase) && volume.String("source") is { } hostPath)
                    {
                        evidence.Add(new("hostPath mount", hostPath));
                    }
                }
            }
        }

        var tags = new List<string>(policy.Strings("categories"));
        var stage = alert.String("lifecycleStage") ?? policy.String("lifecycleStage") ?? policy.Strings("lifecycleStages").FirstOrDefault();
        if (stage is not null)
        {
            tags.Add("lifecycle:" + stage);
        }
        var execPath = signal?.String("execFilePath");
        var args = signal?.String("args");
        var workloadName = deployment?.String("name") ?? resource?.String("name");
        var workloadType = deployment?.String("type") ?? deployment?.String("deploymentType") ?? resource?.String("resourceType");

        return new ParsedAlert
        {
            Source = "stackrox",
            SourceId = AlertJson.Clean(alert.String("id")),
            Rule = rule,
            Priority = policy.String("severity"),
            Severity = AlertJson.SeverityOf(policy.String("severity")),
            Output = messages.Count > 0 ? string.Join(" | ", messages) : policy.String("description"),
            Tags = tags,
            OccurredAt = alert.Time("time") ?? alert.Time("firstOccurred") ?? receivedTime,
            ClusterName = FirstOf("clusterName"),
            Namespace = FirstOf("namespace"),
            Workload = workloadName is null ? null : workloadType is null ? workloadName : $"{workloadType}/{workloadName}",
            Pod = AlertJson.Clean(firstProcess?.String("podId")),
            Container = AlertJson.Clean(firstProcess?.String("containerName")) ?? AlertJson.Clean(firstContainer?.String("name")),
            Image = image,
            Process = AlertJson.Clean(signal?.String("name")),
            CommandLine = execPath is null ? null : string.IsNullOrEmpty(args) ? execPath : $"{execPath} {args}",
            User = signal?.String("uid"),
            Evidence = evidence,
            FieldsJson = alert.GetRawText(),
            Pointer = pointer,
        };
    }
}
