using K8Posture.Shared.Http;
using System.Globalization;
using System.Text;
using System.Text.Json;
using K8Posture.Data;

namespace K8Posture.Features.Organisation;

/// <summary>
/// <c>org import FILE [--dry-run]</c> and <c>org export [--format yaml|json]</c>: the organisation as code for operators.
/// The diff or summary goes to standard output; problems go to standard error with exit code 2.
/// </summary>
public static class OrganisationCommand
{
    public const string ImportActor = "cli:org-import";
    public const string ExportActor = "cli:org-export";
    public const string Usage = "org import FILE [--dry-run] | org export [--format yaml|json]";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken = default)
    {
        try
        {
            return args switch
            {
                ["import", .. var rest] => await ImportAsync(services, rest, stdout, stderr, cancellationToken),
                ["export", .. var rest] => await ExportAsync(services, rest, stdout, cancellationToken),
                _ => throw new ArgumentException($"usage: {Usage}"),
            };
        }
        catch (ArgumentException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
        catch (OrganisationDocumentException ex)
        {
            await stderr.WriteLineAsync($"error: nothing was imported; the document has {ex.Errors.Count} problem{(ex.Errors.Count == 1 ? "" : "s")}:");
            foreach (var error in ex.Errors)
            {
                await stderr.WriteLineAsync($"  {error.Path}: {error.Message}");
            }
            return 2;
        }
        catch (ProblemException ex)
        {
            await stderr.WriteLineAsync($"error: {ex.Message}");
            return 2;
        }
    }

    private static async Task<int> ImportAsync(IServiceProvider services, string[] args, TextWriter stdout, TextWriter stderr, CancellationToken cancellationToken)
    {
        string? file = null;
        var dryRun = false;
        foreach (var arg in args)
        {
            switch (arg)
            {
                case "--dry-run": dryRun = true; break;
                case var option when option.StartsWith("--", StringComparison.Ordinal): throw new ArgumentException($"Unknown option '{option}'; usage: {Usage}");
                case var path when file is null: file = path; break;
                default: throw new ArgumentException($"One file at a time; usage: {Usage}");
            }
        }
        if (file is null)
        {
            throw new ArgumentException($"Which file? usage: {Usage}");
        }
        if (!File.Exists(file))
        {
            throw new ArgumentException($"The file '{file}' does not exist.");
        }
        var info = new FileInfo(file);
        if (info.Length > OrganisationAsCodeEndpoints.MaxDocumentBytes)
        {
            throw new ArgumentException($"The file is larger than {OrganisationAsCodeEndpoints.MaxDocumentBytes} bytes.");
        }
        var payload = await File.ReadAllBytesAsync(file, cancellationToken);

        await DataRegistration.MigrateAsync(services, cancellationToken);
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(ImportActor);
        var diff = await scope.ServiceProvider.GetRequiredService<OrganisationImport>().ReadAndApplyAsync(payload, dryRun, cancellationToken);
        await stdout.WriteAsync(Describe(diff));
        return 0;
    }

    private static async Task<int> ExportAsync(IServiceProvider services, string[] args, TextWriter stdout, CancellationToken cancellationToken)
    {
        var yaml = args switch
        {
            [] => true,
            ["--format", "yaml" or "yml"] => true,
            ["--format", "json"] => false,
            _ => throw new ArgumentException($"usage: {Usage}"),
        };
        await DataRegistration.MigrateAsync(services, cancellationToken);
        await using var scope = services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem(ExportActor);
        var document = await scope.ServiceProvider.GetRequiredService<OrganisationImport>().ExportAsync(cancellationToken);
        await stdout.WriteAsync(yaml ? OrganisationDocumentWriter.ToYaml(document) : OrganisationDocumentWriter.ToJson(document));
        return 0;
    }

    /// <summary>The diff as people read it: what is created or updated (field by field), then the totals.</summary>
    public static string Describe(OrganisationDiff diff)
    {
        var text = new StringBuilder();
        text.AppendLine(diff.DryRun ? "Dry run: nothing was written." : diff.Applied ? "Applied." : "Nothing to change.");
        foreach (var entity in diff.Entities.Where(e => e.Action != OrganisationImport.Unchanged))
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{(entity.Action == OrganisationImport.Create ? "+" : "~")} {entity.Action} {Kind(entity.Kind)} {entity.Name}");
            foreach (var (field, change) in entity.Changes)
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"    {field}: {Show(change.From)} -> {Show(change.To)}");
            }
        }
        var (create, update, unchanged) = diff.Totals;
        text.AppendLine(CultureInfo.InvariantCulture,
            $"{create} {(diff.DryRun ? "to create" : "created")}, {update} {(diff.DryRun ? "to update" : "updated")}, {unchanged} unchanged.");
        return text.ToString();
    }

    private static string Kind(string kind) => kind switch
    {
        "businessUnit" => "business unit",
        "pipelineIdentity" => "pipeline identity",
        "namespaceOwnership" => "namespace ownership",
        _ => kind,
    };

    private static string Show(object? value) => value switch
    {
        null => "(none)",
        bool flag => flag ? "true" : "false",
        _ => JsonSerializer.Serialize(value, Readable),
    };

    // A terminal, not a page: accented names and punctuation stay as written.
    private static readonly JsonSerializerOptions Readable = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
