using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Clusters;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Packages;
using K8Posture.Features.Intel;
using K8Posture.Features.Policy;
using K8Posture.IntegrationTests.Infrastructure;
using K8Posture.Shared;
using K8Posture.Shared.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using K8Posture.Features.Rules;

namespace K8Posture.Benchmarks;

/// <summary>
/// <c>collect --pods N --namespaces M</c>: one ClusterCollectionJob run against the fake Kubernetes API (loopback, paged
/// lists) into a fresh SQLite file: lists, namespace upsert, the built-in rules and their findings. Prints seconds and peak MB.
/// The fake API runs in a child process (verb <c>fake-kube-api</c>), as a real cluster would, so the peak is the collector's own.
/// </summary>
internal static class CollectBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var pods = Option(args, "--pods", 10_000);
        var namespaces = Option(args, "--namespaces", 2_000);
        if (pods is null || namespaces is null)
        {
            return 2;
        }
        var folder = Path.Combine(Path.GetTempPath(), "k8posture-collect-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            // The child stops when its standard input closes: on dispose here, or when this process exits.
            using var fake = StartFakeApi(pods.Value, namespaces.Value, out var fakeAddress);
            using var stopFake = fake.StandardInput;
            await using var app = await StartAsync(folder);
            int clusterId;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("bench");
                await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<K8PostureDbContext>>().CreateDbContextAsync();
                var cluster = new Cluster
                {
                    Name = "bench",
                    CreatedAt = DateTimeOffset.UtcNow,
                    ServerUrl = fakeAddress.ToString(),
                    ConnectionSecretProtected = scope.ServiceProvider.GetRequiredService<ClusterConnections>().Protect(new ClusterConnectionSecret(null, FakeKubernetesApi.DefaultToken, null)),
                };
                db.Clusters.Add(cluster);
                await db.SaveChangesAsync();
                clusterId = cluster.Id;
            }
            var watch = Stopwatch.StartNew();
            ClusterCollectionResult result;
            await using (var scope = app.Services.CreateAsyncScope())
            {
                result = await scope.ServiceProvider.GetRequiredService<ClusterCollectionJob>().RunAsync(clusterId, CancellationToken.None);
            }
            watch.Stop();
            if (!result.Succeeded)
            {
                Console.Error.WriteLine("Collection failed: " + result.Error);
                return 1;
            }
            Console.WriteLine(JsonSerializer.Serialize(new
            {
                pods = pods.Value,
                namespaces = namespaces.Value,
                ruleFindings = result.RuleFindings,
                seconds = Math.Round(watch.Elapsed.TotalSeconds, 3),
                peakWorkingSetMb = Math.Round(Process.GetCurrentProcess().PeakWorkingSet64 / 1024d / 1024d, 1),
            }));
            return 0;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A temp folder left behind is harmless.
            }
        }
    }

    /// <summary>The child process: serves the fake API until its standard input closes; its first output line is the address.</summary>
    public static async Task<int> RunFakeApiAsync(string[] args)
    {
        var pods = Option(args, "--pods", 10_000);
        var namespaces = Option(args, "--namespaces", 2_000);
        if (pods is null || namespaces is null)
        {
            return 2;
        }
        await using var fake = await new FakeKubernetesApi().AddPods(pods.Value, namespaces.Value).StartAsync();
        Console.WriteLine(fake.Address);
        await Console.In.ReadToEndAsync();
        return 0;
    }

    internal static Process StartFakeApi(int pods, int namespaces, out Uri address)
    {
        var self = Environment.ProcessPath!;
        var start = new ProcessStartInfo(self) { RedirectStandardInput = true, RedirectStandardOutput = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
        {
            start.ArgumentList.Add(typeof(CollectBenchmark).Assembly.Location);
        }
        foreach (var argument in new[] { "fake-kube-api", "--pods", pods.ToString(CultureInfo.InvariantCulture), "--namespaces", namespaces.ToString(CultureInfo.InvariantCulture) })
        {
            start.ArgumentList.Add(argument);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("The fake Kubernetes API did not start.");
        address = new Uri(process.StandardOutput.ReadLine() ?? throw new InvalidOperationException("The fake Kubernetes API printed no address."));
        return process;
    }

    private static int? Option(string[] args, string name, int fallback)
    {
        var index = Array.IndexOf(args, name);
        if (index < 0)
        {
            return fallback;
        }
        if (index + 1 < args.Length && int.TryParse(args[index + 1], NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            return value;
        }
        Console.Error.WriteLine($"{name} needs a positive number.");
        return null;
    }

    private static async Task<WebApplication> StartAsync(string folder)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { ContentRootPath = folder, EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Database:Provider"] = "Sqlite",
            ["ConnectionStrings:K8Posture"] = $"Data Source={Path.Combine(folder, "collect.db")}",
        });
        builder.Logging.ClearProviders();
        builder.AddK8PostureData();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<LandscapeChangeNotifier>();
        builder.Services.AddAuthorization();
        builder.Services.AddIngestion();
        builder.Services.AddK8PostureMetrics();
        builder.Services.AddRules().AddPolicy();
        // A collection also stores the SBOM components, workload images and exposure it reads and re-scores the
        // cluster's findings, as the app's does.
        builder.Services.AddClusters().AddPackages().AddIntel();
        var app = builder.Build();
        await DataRegistration.MigrateAsync(app.Services);
        return app;
    }
}
