using K8Posture.Features.Demo;

namespace K8Posture.Features.Inventory;

/// <summary>
/// The demo inventory: the real AKS, EKS, GKE and nmap outputs (src/Features/Demo/Fixtures, copies of
/// tests/fixtures) and the synthetic MDM, egress and nmap samples, pushed through the same path a pipeline uses.
/// None of the cloud clusters is registered in the demo, so they show as discovered.
/// </summary>
public sealed class InventoryDemoSeed : IDemoSeedContributor
{
    public int Order => -10;

    public static readonly string[] Files =
    [
        "aks/az-aks-create-recordingbotcluster.json",
        "eks/aws-eks-describe-cluster-my-eks-cluster.json",
        "gke/gcpdiag-gke1-container-clusters.json",
        "nmap/defectdojo-nmap-6.40-1port.xml",
        "nmap/defectdojo-nmap-7.12-multiple-ports.xml",
        "nmap/defectdojo-nmap-7.60-vulners-ssh.xml",
        "inventory/nmap-kubernetes-ports-synthetic.xml",
        "inventory/mdm-desktops-sample.csv",
        "inventory/egress-registries-sample.csv",
    ];

    public static string DataRoot => DemoSeeder.FixturesRoot;

    public async Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var ingestor = services.GetRequiredService<InventoryIngestor>();
        foreach (var file in Files)
        {
            var payload = await File.ReadAllBytesAsync(Path.Combine(DataRoot, file), cancellationToken);
            await ingestor.IngestAsync(payload, new InventoryPushOptions(Pipeline: "demo/inventory"), cancellationToken);
        }
    }
}
