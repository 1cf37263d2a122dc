using System.Text;

namespace K8Posture.UnitTests.Features.Inventory;

internal static class InventoryFixtures
{
    public const string Aks = "aks/az-aks-create-recordingbotcluster.json";
    public const string Eks = "eks/aws-eks-describe-cluster-my-eks-cluster.json";
    public const string Gke = "gke/gcpdiag-gke1-container-clusters.json";
    public const string Nmap1Port = "nmap/defectdojo-nmap-6.40-1port.xml";
    public const string NmapMultiple = "nmap/defectdojo-nmap-7.12-multiple-ports.xml";
    public const string NmapVulners = "nmap/defectdojo-nmap-7.60-vulners-ssh.xml";
    public const string NmapKubernetes = "inventory/nmap-kubernetes-ports-synthetic.xml";
    public const string Mdm = "inventory/mdm-desktops-sample.csv";
    public const string Egress = "inventory/egress-registries-sample.csv";

    public static byte[] Read(string relativePath) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", relativePath));

    public static string Text(string relativePath) => Encoding.UTF8.GetString(Read(relativePath));

    public static ReadOnlyMemory<byte> Bytes(string text) => Encoding.UTF8.GetBytes(text);
}
