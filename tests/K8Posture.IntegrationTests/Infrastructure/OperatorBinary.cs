using System.Diagnostics;

namespace K8Posture.IntegrationTests.Infrastructure;

/// <summary>
/// Runs the built app as an operator would (<c>dotnet K8Posture.dll migrate</c>, <c>api-key create …</c>), over a SQLite
/// file in <paramref name="folder"/>, Development, no Hangfire server and no demo data unless settings say otherwise.
/// </summary>
public static class OperatorBinary
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(string folder, IReadOnlyDictionary<string, string>? settings, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "K8Posture.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ConnectionStrings__K8Posture"] = $"Data Source={Path.Combine(folder, "k8posture.db")}";
        start.Environment["Hangfire__Storage"] = "InMemory";
        start.Environment["Hangfire__Server"] = "false";
        start.Environment["Demo__Seed"] = "false";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }
}
