using K8Posture.Shared.Http;
using System.Text.Json;
using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Rules;

namespace K8Posture.Features.Policy;

/// <summary>
/// <c>evaluate FILE|-</c>: the same answer as <c>POST /api/v1/evaluate</c> for manifests on disk (a rendered kustomization or
/// chart), against the database's current policy. Exit 0 when the policy passes, 1 when it fails, 2 when the input is not
/// manifests — so a pipeline (ours included) gates a deployment on it.
/// </summary>
public static class EvaluateCommand
{
    public const string Usage = "evaluate FILE|-";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, Stream standardInput, TextWriter output, TextWriter error)
    {
        if (args.Length != 1)
        {
            throw new ArgumentException($"usage: {Usage}");
        }
        byte[] manifests;
        if (args[0] == "-")
        {
            using var buffer = new MemoryStream();
            await standardInput.CopyToAsync(buffer);
            manifests = buffer.ToArray();
        }
        else if (File.Exists(args[0]))
        {
            manifests = await File.ReadAllBytesAsync(args[0]);
        }
        else
        {
            throw new ArgumentException($"'{args[0]}' does not exist.");
        }
        if (manifests.Length > EvaluateEndpoints.MaxManifestBytes)
        {
            throw new ArgumentException($"'{args[0]}' holds {manifests.Length} bytes; the evaluator takes at most {EvaluateEndpoints.MaxManifestBytes}.");
        }
        if (manifests.Length == 0)
        {
            throw new ArgumentException($"'{args[0]}' is empty; give it Kubernetes manifests (YAML or JSON).");
        }

        await DataRegistration.MigrateAsync(services);
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("cli:evaluate");
        var policy = await scope.ServiceProvider.GetRequiredService<PolicyStore>().GetCurrentAsync(CancellationToken.None);
        try
        {
            var result = scope.ServiceProvider.GetRequiredService<PolicyEvaluator>().Evaluate(manifests, policy.Document, policy.Version);
            await output.WriteLineAsync(JsonSerializer.Serialize(result, HttpJson.Options));
            return result.Passed ? 0 : 1;
        }
        catch (ScanParseException ex)
        {
            await error.WriteLineAsync($"error: invalid manifests{(ex.Pointer is null ? "" : $" at {ex.Pointer}")}: {ex.Message}");
            return 2;
        }
    }
}
