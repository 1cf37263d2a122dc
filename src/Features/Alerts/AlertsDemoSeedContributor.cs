using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using K8Posture.Features.Demo;

namespace K8Posture.Features.Alerts;

/// <summary>
/// Pushes the real Falco and StackRox fixtures (and the documented CrowdStrike sample) through the alert ingest path
/// against the demo clusters, with their times moved to the last hours so the timeline and "last 24 h" views are alive.
/// Only the times, and for Falco the Kubernetes namespace/pod the sample lacks, are changed.
/// </summary>
public sealed class AlertsDemoSeedContributor : IDemoSeedContributor
{
    public int Order => -10;

    private sealed record DemoAlertPush(string Fixture, string Cluster, int MinutesAgo, string? Namespace = null, string? Pod = null);

    private static readonly DemoAlertPush[] Pushes =
    [
        new("falco/falco-terminal-shell-in-container-k8s.json", "prod-aks-weu", 12, "payments", "payments-api-7d9f8b6c5-k2x7q"),
        new("falco/falco-terminal-shell-in-container-k8s.json", "prod-eks-use1", 95, "storefront", "web-shop-5f6d7c8b9-p4m2n"),
        new("falco/falco-terminal-shell-in-container-k8s.json", "stage-gke-euw1", 610, "campaigns-stage", "campaign-manager-66c5d-8vxkq"),
        new("falco/falco-read-sensitive-file-untrusted.json", "hr-aks-neu", 40, "payroll"),
        new("falco/falcosidekick-write-below-binary-dir.json", "prod-eks-use1", 5, "campaigns", "campaign-manager-7b9c4-zt5wd"),
        new("falco/falcosidekick-write-below-binary-dir.json", "prod-aks-weu", 260, "ledger", "general-ledger-58d9f-qq2lm"),
        new("falco/falco-regression-single_rule_with_cat_write.jsonl", "dc1-openshift", 300, "platform-tools", "ci-runner-0"),
        new("stackrox/stackrox-alerts-list.json", "stage-gke-euw1", 180),
        new("stackrox/stackrox-alert-latest-tag-sentinel-notifier.json", "prod-eks-use1", 20),
        new("crowdstrike/falcon-event-stream-detections.ndjson", "prod-aks-weu", 30, "payments", "payments-api-6c9f7b7d4-x2x8q"),
    ];

    public async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var ingestor = services.GetRequiredService<AlertIngestor>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        foreach (var push in Pushes)
        {
            var text = await File.ReadAllTextAsync(Path.Combine(DemoSeeder.FixturesRoot, push.Fixture), cancellationToken);
            var payload = Encoding.UTF8.GetBytes(Retime(text, now.AddMinutes(-push.MinutesAgo), push));
            await ingestor.IngestAsync(payload, new AlertPushOptions(push.Cluster, "demo"), cancellationToken);
        }
    }

    /// <summary>Moves every event's time to around <paramref name="at"/> (a few minutes apart) and fills in the Kubernetes context.</summary>
    private static string Retime(string text, DateTimeOffset at, DemoAlertPush push)
    {
        try
        {
            return Rewrite(JsonNode.Parse(text)!, at, push).ToJsonString();
        }
        catch (System.Text.Json.JsonException)
        {
            // NDJSON: one event per line, a second apart.
            var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            return string.Join('\n', lines.Select((line, index) => Rewrite(JsonNode.Parse(line)!, at.AddSeconds(index), push).ToJsonString()));
        }
    }

    private static JsonNode Rewrite(JsonNode node, DateTimeOffset at, DemoAlertPush push)
    {
        string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ", CultureInfo.InvariantCulture);
        if (node is JsonObject { } root)
        {
            if (root["alerts"] is JsonArray list)
            {
                var i = 0;
                foreach (var alert in list.OfType<JsonObject>())
                {
                    alert["time"] = Time(at.AddMinutes(-37 * i++));
                }
            }
            else if (root["msg"] is JsonObject msg)
            {
                msg["time"] = Time(at);
                msg["firstOccurred"] = Time(at);
            }
            else if (root["metadata"] is JsonObject metadata)
            {
                metadata["eventCreationTime"] = at.ToUnixTimeMilliseconds();
                if (root["event"] is JsonObject detection)
                {
                    detection["PodNamespace"] = push.Namespace;
                    detection["PodName"] = push.Pod;
                }
            }
            else if (root["policy"] is not null)
            {
                root["time"] = Time(at);
                root["firstOccurred"] = Time(at);
            }
            else
            {
                root["time"] = Time(at);
                if (root["output_fields"] is JsonObject fields)
                {
                    if (push.Namespace is not null) fields["k8s.ns.name"] = push.Namespace;
                    if (push.Pod is not null) fields["k8s.pod.name"] = push.Pod;
                }
            }
        }
        return node;
    }
}
