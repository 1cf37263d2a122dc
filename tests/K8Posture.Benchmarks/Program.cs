namespace K8Posture.Benchmarks;

public static class Program
{
    private const string Usage = """
        usage: K8Posture.Benchmarks <verb>
          ingest [--findings N]   push a synthetic Trivy report of N vulnerabilities (default 20000) through the real
                                  ScanIngestor into a temp SQLite file, then re-push it; prints JSON with findings/s
          evaluate [--manifests N] evaluate N varied manifests (default 10000) with the policy engine; prints JSON with manifests/s
        """;

    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "ingest":
                return await IngestBenchmark.RunAsync(args[1..]);
            case "evaluate":
                return EvaluateBenchmark.Run(args[1..]);
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
