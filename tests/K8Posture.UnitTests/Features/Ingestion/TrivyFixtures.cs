using System.Text.Json;

namespace K8Posture.UnitTests.Features.Ingestion;

/// <summary>Reads the Trivy fixtures, and counts what they contain independently of the parser under test.</summary>
internal static class TrivyFixtures
{
    public static byte[] Read(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "fixtures", "trivy", name));

    public static JsonDocument Document(string name) => JsonDocument.Parse(Read(name));

    /// <summary>Every entry of Results[].{arrayName}.</summary>
    public static List<JsonElement> Entries(string name, string arrayName)
    {
        using var document = Document(name);
        var entries = new List<JsonElement>();
        foreach (var result in document.RootElement.GetProperty("Results").EnumerateArray())
        {
            if (result.TryGetProperty(arrayName, out var array) && array.ValueKind == JsonValueKind.Array)
            {
                entries.AddRange(array.EnumerateArray().Select(e => e.Clone()));
            }
        }
        return entries;
    }
}
