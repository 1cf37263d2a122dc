namespace K8Posture.Benchmarks;

public static class Program
{
    private const string Usage = """
        usage: K8Posture.Benchmarks <verb>
          ingest [--findings N] [--in-memory]  push a synthetic Trivy report of N vulnerabilities (default 20000), read from
                                           a file as a request body is (spooled above Ingestion:SpoolFromBytes; --in-memory:
                                           held as one array instead), through the
                                           real ScanIngestor into a fresh SQLite file, re-push it, and compare with a plain
                                           prepared insert of the same rows (the floor); prints one JSON object:
                                           findings, seconds, findingsPerSecond, repushSeconds, floorSeconds,
                                           ratioToFloor (floorSeconds/seconds), peakWorkingSetMb (the whole process, floor
                                           included), pushStartWorkingSetMb and pushPeakWorkingSetMb (sampled during the push)
          ingest-scenarios [--findings N]  first import, identical re-push, unchanged and modified rescans, each timed
          parse [--findings N]             the Trivy parser alone on the same synthetic report (best of three), and the heap
                                           its parsed findings hold (parsedFindingsHeapMb)
          collect [--pods N] [--namespaces M]  one cluster collection job against the fake Kubernetes API (defaults 10000 / 2000); prints seconds and peakWorkingSetMb
                                           (the fake API runs in a child process, verb fake-kube-api)
          export [--findings N]            seed N findings (default 1000000) into a SQLite file and stream the findings export as
                                           CSV and XLSX to a hashing null stream; prints JSON with rows, seconds and the working-set
                                           peak sampled during each export (peakWorkingSetMb)
          dashboard [--findings N]         seed N findings (default 1000000) over 50 clusters and 200 teams plus 90 days of snapshots into
                                           SQLite; p50/p95 ms of the landscape data and of a findings page with one filter and a sort
          intel [--findings N] [--epss-rows M]  seed N findings (default 100000) over 20 clusters, load the real KEV catalog, then
                                           a generated EPSS file of M rows (default 300000): parse, replace and set-based re-score,
                                           each timed (goal: EPSS < 30 s at 1,000,000 findings)
          load [--findings N] [--viewers V] [--seconds S] [--push P] [--pods Q] [--namespaces M] [--think-ms T]
                                           the real app (Kestrel, SQLite) on the dashboard seed of N findings (default 1000000, the
                                           seeded file cached in the temp folder); V background Chromium sessions (default 20) cycling
                                           landscape, findings, a cluster and the team queue without drawing charts, one measured
                                           session drawing everything; a P-finding push (default 100000) over HTTP and a Q-pod
                                           collection (default 10000) alone, then during S seconds (default 120) of sessions. Prints
                                           JSON: in-browser page times, server page time, push/collection alone vs under load, memory
                                           per circuit, disconnects, 5xx answers, exceptions
          packages [--components N]       seed N SBOM components (default 2000000; 200 per image) and two workloads per image, then
                                           p50/p95 ms of "where is it running?" purl + range questions (goal: p95 < 200 ms at 2,000,000)
          evaluate [--manifests N]         evaluate N varied manifests (default 10000) with the policy engine; prints JSON with manifests/s
        """;

    public static async Task<int> Main(string[] args)
    {
        switch (args.FirstOrDefault())
        {
            case "ingest":
                return await IngestBenchmark.RunAsync(args[1..]);
            case "collect":
                return await CollectBenchmark.RunAsync(args[1..]);
            case "fake-kube-api":
                return await CollectBenchmark.RunFakeApiAsync(args[1..]);
            case "export":
                return await ExportBenchmark.RunAsync(args[1..]);
            case "dashboard":
                return await DashboardBenchmark.RunAsync(args[1..]);
            case "intel":
                return await IntelBenchmark.RunAsync(args[1..]);
            case "load":
                return await LoadBenchmark.RunAsync(args[1..]);
            case "packages":
                return await PackagesBenchmark.RunAsync(args[1..]);
            case "evaluate":
                return EvaluateBenchmark.Run(args[1..]);
            case "parse":
                return IngestBenchmark.RunParse(args[1..]);
            case "ingest-scenarios":
                return await IngestBenchmark.RunScenariosAsync(args[1..]);
            default:
                Console.Error.WriteLine(Usage);
                return 2;
        }
    }
}
