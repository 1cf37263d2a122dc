using System.Text.Json;
using K8Posture.Data;

namespace K8Posture.Features.Ingestion.Recovery;

/// <summary>Who pushed, as far as what the push may write goes: the actor and the teams the caller reaches.</summary>
public sealed record PushCaller(string Actor, bool SeesAllTeams, IReadOnlyList<int> TeamIds)
{
    public static PushCaller Of(DataScope scope) => new(scope.Actor, scope.SeesAllTeams, [.. scope.TeamIds]);
}

/// <summary>
/// A push's options and caller, stored on its <see cref="IngestBatch"/> beside the payload, so recovery can process an
/// interrupted push exactly as it was sent (the same team confinement, the same coverage flags).
/// </summary>
public static class PushRequest
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static string Write<TOptions>(PushCaller caller, TOptions options) =>
        JsonSerializer.Serialize(new Stored<TOptions>(caller, options), Json);

    /// <summary>The stored request, or null when there is none or it cannot be read any more.</summary>
    public static (PushCaller Caller, TOptions Options)? Read<TOptions>(string? json) where TOptions : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<Stored<TOptions>>(json, Json) is { Caller: { } caller, Options: { } options } ? (caller, options) : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private sealed record Stored<TOptions>(PushCaller? Caller, TOptions? Options);
}
