using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Reports;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using K8Posture.Features.Findings;

namespace K8Posture.Benchmarks;

/// <summary>
/// <c>export --findings N</c>: seeds N findings into a fresh SQLite file (bulk insert), then streams the findings export
/// as CSV and as XLSX to a counting, hashing null stream exactly as the endpoint does. Working set is sampled every 20 ms
/// during each export, so each format's peak is its own and not the seeding's.
/// </summary>
internal static class ExportBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var findings = 1_000_000;
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
                return 2;
            }
        }
        var folder = Path.Combine(Path.GetTempPath(), "k8posture-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await using var app = await StartAsync(folder);
            var seedWatch = Stopwatch.StartNew();
            await SeedAsync(app.Services, findings);
            var seedSeconds = seedWatch.Elapsed.TotalSeconds;
            var afterSeedMb = Mb(Process.GetCurrentProcess().WorkingSet64);

            var csv = await ExportAsync(app.Services, new CsvExportWriter());
            var xlsx = await ExportAsync(app.Services, new XlsxExportWriter());
            if (csv.Rows != findings || xlsx.Rows != findings)
            {
                Console.Error.WriteLine($"Exported {csv.Rows} (CSV) and {xlsx.Rows} (XLSX) rows, expected {findings}.");
                return 1;
            }
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                findings,
                seedSeconds = Math.Round(seedSeconds, 1),
                workingSetAfterSeedMb = afterSeedMb,
                csv,
                xlsx,
                processPeakWorkingSetMb = Mb(Process.GetCurrentProcess().PeakWorkingSet64),
            }, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private sealed record ExportRun(string Format, long Rows, long Bytes, double Seconds, double RowsPerSecond, double StartWorkingSetMb, double PeakWorkingSetMb);

    private static async Task<ExportRun> ExportAsync(IServiceProvider services, IExportWriter writer)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        var process = Process.GetCurrentProcess();
        process.Refresh();
        var start = process.WorkingSet64;
        long peak = start;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                using var current = Process.GetCurrentProcess();
                peak = Math.Max(peak, current.WorkingSet64);
                try
                {
                    await Task.Delay(20, sampling.Token);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        });

        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:benchmark");
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
        var source = new FindingsExportSource();
        var filters = new Dictionary<string, string> { ["status"] = "all" };
        var watch = Stopwatch.StartNew();
        await using var hashing = new HashingStream(Stream.Null);
        var rows = await writer.WriteAsync(hashing, source.Title, source.Columns, source.ReadRowsAsync(db, filters, CancellationToken.None), CancellationToken.None);
        var seconds = watch.Elapsed.TotalSeconds;
        _ = hashing.Sha256;
        await sampling.CancelAsync();
        await sampler;
        return new ExportRun(writer.Extension, rows, hashing.BytesWritten, Math.Round(seconds, 1), Math.Round(rows / seconds), Mb(start), Mb(peak));
    }

    private static double Mb(long bytes) => Math.Round(bytes / 1024d / 1024d, 1);

    private static async Task SeedAsync(IServiceProvider services, int count)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:benchmark");
        var factory = scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
        int[] teamIds;
        await using (var db = await factory.CreateDbContextAsync())
        {
            var teams = Enumerable.Range(1, 20).Select(i => new Team { Name = "Team " + i.ToString("00", CultureInfo.InvariantCulture) }).ToList();
            db.Teams.AddRange(teams);
            await db.SaveChangesAsync();
            teamIds = teams.Select(t => t.Id).ToArray();
        }
        var severities = Enum.GetValues<FindingSeverity>();
        var categories = Enum.GetValues<FindingCategory>();
        var now = DateTimeOffset.UtcNow;
        const int chunk = 50_000;
        for (var offset = 0; offset < count; offset += chunk)
        {
            await using var db = await factory.CreateDbContextAsync();
            await using var transaction = await db.Database.BeginTransactionAsync();
            var rows = new List<Finding>(chunk);
            for (var i = offset; i < Math.Min(count, offset + chunk); i++)
            {
                var id = i.ToString(CultureInfo.InvariantCulture);
                rows.Add(new Finding
                {
                    Fingerprint = id.PadLeft(64, '0'),
                    ContentHash = id.PadLeft(64, 'c'),
                    Source = "trivy",
                    ScopeKey = "image:bench/app-" + (i % 500).ToString(CultureInfo.InvariantCulture),
                    Category = categories[i % categories.Length],
                    Severity = severities[i % severities.Length],
                    // Every 1,000th title is a formula, so the guard's path runs too.
                    Title = i % 1000 == 0 ? "=HYPERLINK(\"http://example.invalid\",\"" + id + "\")" : "pkg" + (i % 997).ToString(CultureInfo.InvariantCulture) + ": heap-based buffer overflow in parser " + id,
                    VulnerabilityId = "CVE-2025-" + (10000 + i).ToString(CultureInfo.InvariantCulture),
                    PackageName = "pkg" + (i % 997).ToString(CultureInfo.InvariantCulture),
                    InstalledVersion = "1." + (i / 997).ToString(CultureInfo.InvariantCulture) + ".0",
                    FixedVersion = "1." + (i / 997).ToString(CultureInfo.InvariantCulture) + ".1",
                    ImageRegistry = "registry.example.com",
                    ImageRepository = "bench/app-" + (i % 500).ToString(CultureInfo.InvariantCulture),
                    ImageTag = "1.0.0",
                    NamespaceName = "team-" + (i % 20).ToString(CultureInfo.InvariantCulture),
                    OwnerTeamId = teamIds[i % teamIds.Length],
                    Status = i % 7 == 0 ? FindingStatus.Closed : FindingStatus.Open,
                    FirstSeenAt = now.AddDays(-(i % 90)),
                    LastSeenAt = now.AddDays(-(i % 5)),
                    ClosedAt = i % 7 == 0 ? now.AddDays(-(i % 3)) : null,
                    SlaDueAt = now.AddDays(30 - (i % 60)),
                });
            }
            await BulkInserter.InsertAsync(db, rows, assignIds: false, CancellationToken.None);
            await transaction.CommitAsync();
        }
    }

    private static async Task<WebApplication> StartAsync(string folder)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:K8Posture"] = $"Data Source={Path.Combine(folder, "bench.db")}",
        });
        builder.Logging.ClearProviders();
        builder.AddK8PostureData();
        builder.Services.AddSingleton(TimeProvider.System);
        var app = builder.Build();
        await DataRegistration.MigrateAsync(app.Services);
        return app;
    }
}
