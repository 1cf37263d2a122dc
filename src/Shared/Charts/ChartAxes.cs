using System.Text.Json.Nodes;

namespace K8Posture.Shared.Charts;

/// <summary>Axis settings every chart shares, so counts and long category names look the same on every page.</summary>
public static class ChartAxes
{
    /// <summary>Longest line of a wrapped category label, in characters ("Cloud IAM &amp; VPC" fits, "misconfiguration" too).</summary>
    public const int WrapAt = 16;

    /// <summary>
    /// The value axis of a chart of counts (findings, alerts, images): whole-number ticks only. <c>countAxis</c> is read
    /// by wwwroot/js/apexcharts-interop.js, which gives a small maximum one tick per whole number (ApexCharts would draw
    /// 0, 0.5, 1, 1.5) and labels every tick as an integer; for a horizontal bar chart this is the x axis.
    /// </summary>
    public static JsonObject Count(string? title = null) => CountAxis(title);

    /// <summary>The x axis of a horizontal bar chart of counts: its categories, and its values as a count axis.</summary>
    public static JsonObject CountWithCategories(IEnumerable<string> categories, string? title = null)
    {
        var axis = CountAxis(title);
        axis["categories"] = new JsonArray(categories.Select(c => (JsonNode?)JsonValue.Create(c)).ToArray());
        return axis;
    }

    // Raw JSON (camelCase as ApexCharts spells it) so that an axis without a title has no "title": {"text": null}.
    private static JsonObject CountAxis(string? title)
    {
        var axis = new JsonObject { ["min"] = 0, ["forceNiceScale"] = true, ["decimalsInFloat"] = 0, ["countAxis"] = true };
        if (title is not null)
        {
            axis["title"] = new JsonObject { ["text"] = title };
        }
        return axis;
    }

    /// <summary>
    /// Category labels under columns, wrapped on spaces into lines of at most <see cref="WrapAt"/> characters (ApexCharts
    /// draws an array as several lines), instead of rotated and clipped at the chart's edge. The tooltip joins the lines.
    /// </summary>
    public static object[] Wrapped(IEnumerable<string> labels) => labels.Select(Wrap).ToArray();

    /// <summary>The x axis of a column chart with <see cref="Wrapped"/> labels, kept horizontal and all shown.</summary>
    public static object WrappedCategories(IEnumerable<string> labels) => new
    {
        Categories = Wrapped(labels),
        // 11 px: "misconfiguration" then fits a fifth of a half-width chart at 1440 px.
        Labels = new { Rotate = 0, Trim = false, HideOverlappingLabels = false, Style = new { FontSize = "11px" } },
    };

    internal static object Wrap(string label)
    {
        var lines = new List<string>();
        var line = "";
        foreach (var word in label.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > WrapAt)
            {
                lines.Add(line);
                line = word;
            }
            else
            {
                line = line.Length == 0 ? word : line + " " + word;
            }
        }
        if (line.Length > 0)
        {
            lines.Add(line);
        }
        return lines.Count == 1 ? lines[0] : lines.ToArray();
    }
}
