using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Packages;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8Posture.Benchmarks;

/// <summary>
/// <c>packages --components N</c>: seeds N SBOM components (200 per image, drawn from 20,000 packages of four ecosystems;
/// log4j-core in every 20th image, at eight versions) and two workloads per image over 20 clusters into a fresh SQLite
/// file, then times 200 "where is it running?" questions through <see cref="PackageSearch"/> (the endpoint's code):
/// half log4j-core &lt;2.17.1 (Maven ordering), half a random package with a semver range. Goal: p95 &lt; 200 ms at 2,000,000.
/// </summary>
internal static class PackagesBenchmark
{
    private const int ComponentsPerImage = 200;
    private const int PoolSize = 20_000;
    private static readonly string[] Log4jVersions = ["2.0-beta9", "2.11.1", "2.14.1", "2.15.0", "2.16.0", "2.17.0", "2.17.1", "2.20.0"];

    public static async Task<int> RunAsync(string[] args)
    {
        var components = 2_000_000;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--components" && i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var n) && n >= ComponentsPerImage)
            {
                components = n;
                i++;
            }
            else
            {
                Console.Error.WriteLine($"Unknown or invalid argument '{args[i]}'; use --components N (at least {ComponentsPerImage}).");
                return 2;
            }
        }
        var folder = Path.Combine(Path.GetTempPath(), "k8posture-bench-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            await using var app = await StartAsync(folder);
            var seedWatch = Stopwatch.StartNew();
            var images = await SeedAsync(app.Services, components / ComponentsPerImage);
            var seedSeconds = seedWatch.Elapsed.TotalSeconds;

            await using var scope = app.Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:benchmark");
            var contexts = scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>();
            var random = new Random(23);
            var log4j = new List<double>();
            var other = new List<double>();
            var log4jMatches = 0;
            for (var q = 0; q < 220; q++)
            {
                var isLog4j = q % 2 == 0;
                var question = isLog4j
                    ? PackageQuestion.Parse("pkg:maven/org.apache.logging.log4j/log4j-core", "<2.17.1")
                    : PoolQuestion(random.Next(PoolSize));
                await using var db = await contexts.CreateDbContextAsync();
                var watch = Stopwatch.StartNew();
                var result = await PackageSearch.FindAsync(db, question, CancellationToken.None);
                var ms = watch.Elapsed.TotalMilliseconds;
                // The first ten warm the caches and the JIT.
                if (q >= 20)
                {
                    (isLog4j ? log4j : other).Add(ms);
                }
                if (isLog4j)
                {
                    log4jMatches = result.Matches.Count;
                }
            }
            var all = log4j.Concat(other).ToList();
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                components,
                images,
                workloadImages = images * 2,
                seedSeconds = Math.Round(seedSeconds, 1),
                queries = all.Count,
                p50Ms = Percentile(all, 0.50),
                p95Ms = Percentile(all, 0.95),
                maxMs = Math.Round(all.Max(), 1),
                log4jP95Ms = Percentile(log4j, 0.95),
                log4jMatches,
                otherP95Ms = Percentile(other, 0.95),
                goalP95Ms = 200,
                processPeakWorkingSetMb = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1024d / 1024d, 1),
            }, new JsonSerializerOptions { WriteIndented = true }));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static double Percentile(List<double> values, double p)
    {
        var sorted = values.Order().ToList();
        return Math.Round(sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)], 1);
    }

    private static (string Type, string Namespace, string Name) Package(int k) => (k % 4) switch
    {
        0 => ("maven", "org.example.g" + (k % 500).ToString(CultureInfo.InvariantCulture), "lib" + k.ToString(CultureInfo.InvariantCulture)),
        1 => ("npm", "", "pkg" + k.ToString(CultureInfo.InvariantCulture)),
        2 => ("deb", "debian", "deb" + k.ToString(CultureInfo.InvariantCulture)),
        _ => ("rpm", "redhat", "rpm" + k.ToString(CultureInfo.InvariantCulture)),
    };

    private static PackageQuestion PoolQuestion(int k)
    {
        var (type, ns, name) = Package(k);
        return PackageQuestion.Parse(ns.Length == 0 ? $"pkg:{type}/{name}" : $"pkg:{type}/{ns}/{name}", ">=1.5.0 <1.20");
    }

    private static string Version(int k, int image) => (k % 4) switch
    {
        2 => $"1.{k % 30}.{image % 10}-{image % 3 + 1}",
        3 => $"1.{k % 30}.{image % 10}-{image % 3 + 1}.el8",
        _ => $"1.{k % 30}.{image % 10}",
    };

    private static async Task<int> SeedAsync(IServiceProvider services, int imageCount)
    {
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:benchmark");
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
        var teams = Enumerable.Range(0, 50).Select(t => new Team { Name = "team-" + t.ToString(CultureInfo.InvariantCulture) }).ToList();
        var clusters = Enumerable.Range(0, 20).Select(c => new Cluster { Name = "cluster-" + c.ToString(CultureInfo.InvariantCulture), CreatedAt = DateTimeOffset.UtcNow }).ToList();
        db.Teams.AddRange(teams);
        db.Clusters.AddRange(clusters);
        await db.SaveChangesAsync();
        db.ChangeTracker.Clear();

        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA cache_size = -65536");
        await using var transaction = await db.Database.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow;
        var imageRows = Enumerable.Range(0, imageCount).Select(i => new SbomImage
        {
            ImageKey = Digest(i), ImageRegistry = "registry.example", ImageRepository = "apps/app" + (i % 2000).ToString(CultureInfo.InvariantCulture),
            ImageTag = "v" + i.ToString(CultureInfo.InvariantCulture), ImageDigest = Digest(i), SbomFormat = "CycloneDX 1.6", Source = "syft-cyclonedx", IngestedAt = now,
            ComponentCount = ComponentsPerImage,
        }).ToList();
        await BulkInserter.InsertAsync(db, imageRows, assignIds: true, CancellationToken.None);

        var random = new Random(7);
        for (var start = 0; start < imageCount; start += 1000)
        {
            var chunk = new List<SoftwareComponent>(1000 * ComponentsPerImage);
            for (var i = start; i < Math.Min(imageCount, start + 1000); i++)
            {
                var id = imageRows[i].Id;
                var first = 0;
                if (i % 20 == 0)
                {
                    var version = Log4jVersions[(i / 20) % Log4jVersions.Length];
                    chunk.Add(Row(id, "maven", "org.apache.logging.log4j", "log4j-core", version, "Apache-2.0"));
                    first = 1;
                }
                for (var j = first; j < ComponentsPerImage; j++)
                {
                    // Skewed popularity: a few packages are in many images, most in few.
                    var k = (int)(Math.Pow(random.NextDouble(), 2) * PoolSize);
                    var (type, ns, name) = Package(k);
                    chunk.Add(Row(id, type, ns, name, Version(k, i), k % 3 == 0 ? "MIT" : "Apache-2.0"));
                }
            }
            await BulkInserter.InsertAsync(db, chunk, assignIds: false, CancellationToken.None);
        }

        var workloads = Enumerable.Range(0, imageCount).SelectMany(i => Enumerable.Range(0, 2).Select(copy => new WorkloadImage
        {
            ClusterId = clusters[(i + copy * 7) % clusters.Count].Id, NamespaceName = "ns" + (i % 400).ToString(CultureInfo.InvariantCulture), WorkloadKind = "Deployment",
            WorkloadName = "app" + i.ToString(CultureInfo.InvariantCulture), Container = "app", ImageRegistry = "registry.example",
            ImageRepository = "apps/app" + (i % 2000).ToString(CultureInfo.InvariantCulture), ImageTag = "v" + i.ToString(CultureInfo.InvariantCulture),
            // Every other copy is known by tag only (a controller's spec), the rest by the digest the kubelet reported.
            ImageDigest = copy == 0 ? Digest(i) : null, Source = "collection", OwnerTeamId = teams[i % teams.Count].Id, SeenAt = now,
        })).ToList();
        await BulkInserter.InsertAsync(db, workloads, assignIds: false, CancellationToken.None);
        await transaction.CommitAsync();
        await db.Database.ExecuteSqlRawAsync("ANALYZE");
        return imageCount;
    }

    private static string Digest(int i) => "sha256:" + i.ToString("x64", CultureInfo.InvariantCulture);

    private static SoftwareComponent Row(long imageId, string type, string ns, string name, string version, string licence) => new()
    {
        SbomImageId = imageId, PurlType = type, PurlNamespace = ns, PurlName = name,
        Purl = ns.Length == 0 ? $"pkg:{type}/{name}@{version}" : $"pkg:{type}/{ns}/{name}@{version}",
        Name = type == "maven" ? $"{ns}:{name}" : name, Version = version, Licences = licence, ComponentType = "library",
    };

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
