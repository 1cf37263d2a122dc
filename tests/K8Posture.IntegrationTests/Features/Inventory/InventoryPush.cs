using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using K8Posture.Features.Inventory;

namespace K8Posture.IntegrationTests.Features.Inventory;

internal static class InventoryPush
{
    public const string Aks = "aks/az-aks-create-recordingbotcluster.json";
    public const string Eks = "eks/aws-eks-describe-cluster-my-eks-cluster.json";
    public const string Gke = "gke/gcpdiag-gke1-container-clusters.json";
    public const string NmapKubernetes = "inventory/nmap-kubernetes-ports-synthetic.xml";
    public const string Mdm = "inventory/mdm-desktops-sample.csv";
    public const string Egress = "inventory/egress-registries-sample.csv";

    public static Task<HttpResponseMessage> PostAsync(HttpClient client, byte[] body, string query = "") =>
        client.PostAsync("/api/v1/ingest/inventory" + (query.Length > 0 ? "?" + query : ""), new ByteArrayContent(body));

    public static async Task<InventoryOutcome> OutcomeAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {text}");
        return JsonSerializer.Deserialize<InventoryOutcome>(text, JsonSerializerOptions.Web)!;
    }

    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal(expected, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
