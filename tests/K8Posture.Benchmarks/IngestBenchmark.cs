using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Policy;
using K8Posture.Shared;
using K8Posture.Shared.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using K8Posture.Features.Ingestion.Parsers;
using K8Posture.Features.Rules;

namespace K8Posture.Benchmarks;

/// <summary>Measures scan ingestion end to end (parse, identity, one transaction) against a SQLite file, with the app's own registrations.</summary>
internal static class IngestBenchmark
{
    /// <summary>
    /// <c>ingest --findings N</c>: after a small warm-up push into another file, a synthetic Trivy report of N vulnerabilities
    /// through the real ingestion path into a fresh SQLite file, then the identical payload again; the floor is a plain prepared-statement insert of the same Finding rows
    /// into the same table and indexes (a fresh, migrated file) in one transaction. Prints one JSON object.
    /// </summary>
    public static async Task<int> RunAsync(string[] args)
    {
        // --in-memory: the benchmark holds the report as one array and hands it to the ingestor, as before the spool existed.
        var inMemory = args.Contains("--in-memory");
        if (ParseFindings([.. args.Where(a => a != "--in-memory")]) is not { } findings)
        {
            return 2;
        }
        var folder = Path.Combine(Path.GetTempPath(), "k8posture-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            // A server ingests warm: JIT and EF's query compilation happen once per process, so a small push into a
            // throwaway file goes first and the measured push lands in a fresh one.
            await using (var warmUp = await StartAsync(folder, "warmup.db"))
            {
                var small = SyntheticTrivyReport.Build(Math.Min(findings, 2_000), revision: 0, createdAt: "2026-01-01T00:00:00Z");
                await PushAsync(warmUp.Services, small);
                await PushAsync(warmUp.Services, small);
                await PushAsync(warmUp.Services, SyntheticTrivyReport.Build(Math.Min(findings, 2_000), revision: 1, createdAt: "2026-01-01T00:00:00Z"));
            }
            // The report is written to a file, which stands in for the network: the push reads it as a stream of unknown
            // length (as a gzip-encoded body arrives, without the decompression), so the benchmark holds no copy of it.
            var reportPath = Path.Combine(folder, "report.json");
            await using (var reportFile = File.Create(reportPath))
            {
                SyntheticTrivyReport.Write(reportFile, findings, revision: 0, createdAt: "2026-01-01T00:00:00Z");
            }
            var payloadBytes = new FileInfo(reportPath).Length;
            var report = inMemory ? await File.ReadAllBytesAsync(reportPath) : [];
            double seconds, repushSeconds;
            double pushPeakMb, startMb, peakUntilParsedMb = 0;
            long firstBatchId;
            await using (var app = await StartAsync(folder, "bench.db"))
            {
                // What the push itself holds: the working set sampled during it, starting from a heap that gave back what
                // building the report and the warm-up left (an aggressive collection decommits free memory).
                GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
                GC.WaitForPendingFinalizers();
                using var sampler = WorkingSetSampler.Start();
                startMb = sampler.StartMb;
                // Where the peak falls: by the end of the parse (receive, parse, gzip beside it) or in the write after it.
                using var parsed = new System.Diagnostics.Metrics.MeterListener
                {
                    InstrumentPublished = (instrument, listener) =>
                    {
                        if (instrument.Name == "k8posture.ingest.parse.duration")
                        {
                            listener.EnableMeasurementEvents(instrument);
                        }
                    },
                };
                parsed.SetMeasurementEventCallback<double>((_, _, _, _) => peakUntilParsedMb = sampler.PeakSoFarMb);
                parsed.Start();
                var first = inMemory ? await PushAsync(app.Services, report) : await PushStreamAsync(app.Services, reportPath);
                pushPeakMb = sampler.Stop();
                if (first.Outcome.Created != findings)
                {
                    Console.Error.WriteLine($"The first push created {first.Outcome.Created} findings, expected {findings}.");
                    return 1;
                }
                var again = inMemory ? await PushAsync(app.Services, report) : await PushStreamAsync(app.Services, reportPath);
                if (again.Outcome.Status != "duplicate")
                {
                    Console.Error.WriteLine($"The identical re-push was {again.Outcome.Status}, expected duplicate.");
                    return 1;
                }
                (seconds, repushSeconds) = (first.Elapsed.TotalSeconds, again.Elapsed.TotalSeconds);
                firstBatchId = first.Outcome.BatchId;
            }
            report = [];

            var rows = await ReadFindingRowsAsync(Path.Combine(folder, "bench.db"));
            long payloadGzipBytes;
            await using (var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={Path.Combine(folder, "bench.db")};Pooling=False"))
            {
                await connection.OpenAsync();
                await using var command = connection.CreateCommand();
                command.CommandText = "SELECT length(PayloadCompressed) FROM IngestBatches WHERE Id = $id";
                command.Parameters.AddWithValue("$id", firstBatchId);
                payloadGzipBytes = Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
            }
            await using (var floorApp = await StartAsync(folder, "floor.db"))
            {
                // Migrated, WAL, indexes in place; the app is only used to create the schema.
            }
            var floorSeconds = InsertFloor(Path.Combine(folder, "floor.db"), rows);

            var result = new
            {
                findings,
                payloadBytes,
                payload = inMemory
                    ? "in memory: the benchmark holds the report as one array (--in-memory)"
                    : "streamed from a file of unknown length through ReceivedReport.ReceiveAsync, as the endpoint reads a body (spooled above Ingestion:SpoolFromBytes); receiving counts in seconds",
                seconds = Math.Round(seconds, 3),
                findingsPerSecond = Math.Round(findings / seconds),
                repushSeconds = Math.Round(repushSeconds, 3),
                floorSeconds = Math.Round(floorSeconds, 3),
                ratioToFloor = Math.Round(floorSeconds / seconds, 3),
                peakWorkingSetMb = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1024d / 1024d, 1),
                pushStartWorkingSetMb = startMb,
                pushPeakWorkingSetMb = pushPeakMb,
                pushPeakUntilParsedMb = peakUntilParsedMb,
                payloadGzipBytes,
            };
            Console.WriteLine(JsonSerializer.Serialize(result));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary><c>parse --findings N</c>: the Trivy parser alone on the same synthetic report, best of three, to see what share of a push it is.</summary>
    public static int RunParse(string[] args)
    {
        if (ParseFindings(args) is not { } findings)
        {
            return 2;
        }
        var report = SyntheticTrivyReport.Build(findings, revision: 0, createdAt: "2026-01-01T00:00:00Z");
        var parser = new TrivyJsonParser();
        var best = double.MaxValue;
        for (var i = 0; i < 3; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            var parsed = parser.Parse(report);
            best = Math.Min(best, stopwatch.Elapsed.TotalSeconds);
            GC.KeepAlive(parsed);
        }
        // What the parsed findings alone hold on the heap until the store has written them.
        var before = GC.GetTotalMemory(forceFullCollection: true);
        var held = parser.Parse(report);
        var heldMb = Math.Round((GC.GetTotalMemory(forceFullCollection: true) - before) / 1024d / 1024d, 1);
        GC.KeepAlive(held);
        Console.WriteLine(JsonSerializer.Serialize(new { findings, payloadBytes = report.Length, parseSeconds = Math.Round(best, 3), parsedFindingsHeapMb = heldMb }));
        return 0;
    }

    /// <summary><c>ingest-scenarios --findings N</c>: first import, identical re-push, unchanged rescan and a modified rescan, each timed.</summary>
    public static async Task<int> RunScenariosAsync(string[] args)
    {
        if (ParseFindings(args) is not { } findings)
        {
            return 2;
        }
        var folder = Path.Combine(Path.GetTempPath(), "k8posture-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await using var app = await StartAsync(folder, "bench.db");
            var original = SyntheticTrivyReport.Build(findings, revision: 0, createdAt: "2026-01-01T00:00:00Z");
            var rescanned = SyntheticTrivyReport.Build(findings, revision: 0, createdAt: "2026-01-02T00:00:00Z");
            var modified = SyntheticTrivyReport.Build(findings, revision: 1, createdAt: "2026-01-03T00:00:00Z");

            var first = await PushAsync(app.Services, original);
            var duplicate = await PushAsync(app.Services, original);
            var reimport = await PushAsync(app.Services, rescanned);
            var changed = await PushAsync(app.Services, modified);

            var result = new
            {
                findings,
                payloadBytes = original.Length,
                firstImport = first.Summary(findings),
                identicalRepush = duplicate.Summary(findings),
                reimportUnchanged = reimport.Summary(findings),
                reimportModified = changed.Summary(findings),
                peakWorkingSetMiB = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1024d / 1024d, 1),
                processorCount = Environment.ProcessorCount,
            };
            Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions(JsonSerializerDefaults.Web) { WriteIndented = true }));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static int? ParseFindings(string[] args)
    {
        var findings = 20_000;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--findings" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n > 0)
            {
                findings = n;
                i++;
            }
            else
            {
                Console.Error.WriteLine($"Unknown or invalid argument '{args[i]}'; use --findings N.");
                return null;
            }
        }
        return findings;
    }

    private static async Task<WebApplication> StartAsync(string folder, string file)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:K8Posture"] = $"Data Source={Path.Combine(folder, file)}",
            // A 1,000,000-finding report is ~770 MB, past the default limit (256 MB).
            ["Ingestion:MaxPayloadBytes"] = (4L * 1024 * 1024 * 1024).ToString(CultureInfo.InvariantCulture),
            ["Ingestion:SpoolFolder"] = folder,
        });
        builder.Logging.ClearProviders();
        builder.AddK8PostureData();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LandscapeChangeNotifier>();
        builder.Services.AddIngestion();
        builder.Services.AddK8PostureMetrics();
        builder.Services.AddAuthorization();
        builder.Services.AddRules().AddPolicy();
        var app = builder.Build();
        await DataRegistration.MigrateAsync(app.Services);
        return app;
    }

    /// <summary>Every column of the Findings rows the push wrote, as stored, except the generated id.</summary>
    private static async Task<(string[] Columns, List<object[]> Rows)> ReadFindingRowsAsync(string file)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT * FROM Findings ORDER BY Id";
        await using var reader = await command.ExecuteReaderAsync();
        var columns = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).Where(c => c != "Id").ToArray();
        var ordinals = columns.Select(reader.GetOrdinal).ToArray();
        var rows = new List<object[]>();
        while (await reader.ReadAsync())
        {
            rows.Add(ordinals.Select(reader.GetValue).ToArray());
        }
        return (columns, rows);
    }

    /// <summary>The floor: one prepared INSERT, reused per row, in one transaction.</summary>
    private static double InsertFloor(string file, (string[] Columns, List<object[]> Rows) data)
    {
        using var connection = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={file};Pooling=False");
        connection.Open();
        var stopwatch = Stopwatch.StartNew();
        using var transaction = connection.BeginTransaction();
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = $"INSERT INTO Findings ({string.Join(", ", data.Columns.Select(c => $"\"{c}\""))}) VALUES ({string.Join(", ", data.Columns.Select((_, i) => "$p" + i.ToString(CultureInfo.InvariantCulture)))})";
        var parameters = data.Columns.Select((_, i) => command.Parameters.Add(new Microsoft.Data.Sqlite.SqliteParameter("$p" + i.ToString(CultureInfo.InvariantCulture), null))).ToArray();
        command.Prepare();
        foreach (var row in data.Rows)
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = row[i];
            }
            command.ExecuteNonQuery();
        }
        transaction.Commit();
        return stopwatch.Elapsed.TotalSeconds;
    }

    private sealed record Run(IngestOutcome Outcome, TimeSpan Elapsed)
    {
        public object Summary(int findings) => new
        {
            Outcome.Status,
            Outcome.Created,
            Outcome.Updated,
            Outcome.Unchanged,
            Outcome.Closed,
            Outcome.Reopened,
            seconds = Math.Round(Elapsed.TotalSeconds, 3),
            findingsPerSecond = Math.Round(findings / Elapsed.TotalSeconds),
        };
    }

    /// <summary>A push as the endpoint makes it: the body read (and spooled when large) inside the timed part, then ingested.</summary>
    private static async Task<Run> PushStreamAsync(IServiceProvider services, string reportPath)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:benchmark");
        var ingestor = scope.ServiceProvider.GetRequiredService<ScanIngestor>();
        var options = scope.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<IngestionOptions>>().Value;
        var stopwatch = Stopwatch.StartNew();
        await using var body = new FileStream(reportPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan);
        using var report = await ReceivedReport.ReceiveAsync(body, length: null, options.MaxPayloadBytes, options.SpoolFromBytes, options.SpoolFolder, CancellationToken.None);
        var outcome = await ingestor.IngestAsync(report, new ScanPushOptions(Pipeline: "benchmark"), CancellationToken.None);
        return new Run(outcome, stopwatch.Elapsed);
    }

    private static async Task<Run> PushAsync(IServiceProvider services, byte[] payload)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:benchmark");
        var ingestor = scope.ServiceProvider.GetRequiredService<ScanIngestor>();
        var stopwatch = Stopwatch.StartNew();
        var outcome = await ingestor.IngestAsync(payload, new ScanPushOptions(Pipeline: "benchmark"), CancellationToken.None);
        return new Run(outcome, stopwatch.Elapsed);
    }
}
