using System.Globalization;
using System.Text.Json.Nodes;

namespace K8Posture.Shared.Charts;

/// <summary>
/// The text alternative of a chart: one row per x category (or pie label), one column per series, built from the same
/// options and series the chart draws, so the table cannot say something the chart does not.
/// </summary>
public sealed record ChartTable(IReadOnlyList<string> SeriesNames, IReadOnlyList<ChartTableRow> Rows)
{
    public static ChartTable From(object options, IReadOnlyList<ChartSeries> series)
    {
        var categories = CategoriesOf(ApexChart.ToJsonObject(options));
        var length = Math.Max(categories.Count, series.Count == 0 ? 0 : series.Max(s => s.Data.Count));
        var rows = Enumerable.Range(0, length)
            .Select(i => new ChartTableRow(
                i < categories.Count ? categories[i] : (i + 1).ToString(CultureInfo.InvariantCulture),
                series.Select(s => i < s.Data.Count ? Format(s.Data[i]) : Format(null)).ToList()))
            .ToList();
        return new ChartTable(series.Select(s => s.Name).ToList(), rows);
    }

    /// <summary>xaxis.categories (a wrapped label is an array of lines: joined with spaces), else a pie's labels.</summary>
    internal static IReadOnlyList<string> CategoriesOf(JsonObject options)
    {
        var categories = options["xaxis"]?["categories"] as JsonArray ?? options["labels"] as JsonArray;
        return categories is null ? [] : categories.Select(Label).ToList();
    }

    private static string Label(JsonNode? node) => node switch
    {
        null => "",
        JsonArray lines => string.Join(' ', lines.Select(Label)),
        JsonValue value when value.TryGetValue<string>(out var text) => text,
        _ => node.ToJsonString(),
    };

    private static string Format(double? value) => value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "no data";
}

public sealed record ChartTableRow(string Category, IReadOnlyList<string> Values);
