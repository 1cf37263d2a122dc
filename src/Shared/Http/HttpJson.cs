using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace K8Posture.Shared.Http;

/// <summary>
/// The API's JSON, set once: web defaults with enums as their names. <see cref="AddHttpJson"/> applies it to every minimal-API
/// result and body; code that serialises by hand uses <see cref="Options"/> (or <see cref="Indented"/> for documents people read).
/// </summary>
public static class HttpJson
{
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>The same, indented: policy, RACI and organisation documents that people read and edit.</summary>
    public static readonly JsonSerializerOptions Indented = new(Options) { WriteIndented = true };

    public static IServiceCollection AddHttpJson(this IServiceCollection services) =>
        services.ConfigureHttpJsonOptions(json => Configure(json.SerializerOptions));

    private static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        options.Converters.Add(new JsonStringEnumConverter());
        // ASP.NET's own default is the relaxed encoder; the default one escapes HTML-sensitive characters, and the API
        // answers byte for byte as the CLI (which serialises with Options) prints.
        options.Encoder = JavaScriptEncoder.Default;
        return options;
    }
}
