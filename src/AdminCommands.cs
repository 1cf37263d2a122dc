using K8Posture.Data;
using K8Posture.Features.Admin;
using K8Posture.Features.Demo;
using K8Posture.Features.Organisation;
using K8Posture.Features.Remediation;
using K8Posture.Features.Policy;

namespace K8Posture;

/// <summary>Operator verbs on the same binary: <c>migrate</c>, <c>api-key create</c>, <c>seed-demo</c>, <c>org import|export</c>, <c>evaluate</c>, <c>snapshots rebuild</c>.</summary>
public static class AdminCommands
{
    private static readonly string[] Verbs = ["migrate", "api-key", "seed-demo", "org", "evaluate", "snapshots"];

    public static bool IsCommand(string[] args) => args.Length > 0 && Verbs.Contains(args[0]);

    public static async Task<int> RunAsync(WebApplication app, string[] args)
    {
        try
        {
            switch (args[0])
            {
                case "migrate":
                    await DataRegistration.MigrateAsync(app.Services);
                    Console.Error.WriteLine("Database is up to date.");
                    return 0;
                case "seed-demo":
                    await DataRegistration.MigrateAsync(app.Services);
                    var seeded = await DemoSeeder.SeedIfEmptyAsync(app.Services);
                    Console.Error.WriteLine(seeded ? "Demo landscape created." : "The database already holds data; nothing seeded.");
                    return 0;
                case "api-key" when args.Length > 1 && args[1] == "create":
                    return await ApiKeyCommand.CreateAsync(app.Services, args[2..]);
                case "org":
                    return await OrganisationCommand.RunAsync(app.Services, args[1..], Console.Out, Console.Error);
                case "evaluate":
                    return await EvaluateCommand.RunAsync(app.Services, args[1..], Console.OpenStandardInput(), Console.Out, Console.Error);
                case "snapshots" when args.Length > 1 && args[1] == "rebuild":
                    return await PostureSnapshotsCommand.RebuildAsync(app.Services, args[2..], Console.Error);
                default:
                    Console.Error.WriteLine("usage: migrate | seed-demo | api-key create --name NAME [--team TEAM] --scopes ingest,evaluate,read,admin | "
                        + OrganisationCommand.Usage + " | " + EvaluateCommand.Usage + " | " + PostureSnapshotsCommand.Usage);
                    return 2;
            }
        }
        catch (ArgumentException ex)
        {
            Console.Error.WriteLine($"error: {ex.Message}");
            return 2;
        }
    }
}
