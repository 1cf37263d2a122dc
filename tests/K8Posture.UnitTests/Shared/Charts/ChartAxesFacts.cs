using System.Text.Json;
using K8Posture.Shared;
using K8Posture.Shared.Charts;

namespace K8Posture.UnitTests.Shared.Charts;

public sealed class ChartAxesFacts
{
    [Fact]
    public void Every_category_name_wraps_on_spaces_into_lines_no_longer_than_the_limit_and_keeps_every_word()
    {
        foreach (var label in FindingLabels.Categories.Select(c => c.Label()))
        {
            var lines = ChartAxes.Wrap(label) switch
            {
                string one => new[] { one },
                string[] many => many,
                var other => throw new InvalidOperationException($"unexpected {other}"),
            };

            Assert.All(lines, line => Assert.True(line.Length <= ChartAxes.WrapAt || !line.Contains(' ', StringComparison.Ordinal), $"'{line}' of '{label}'"));
            Assert.Equal(label, string.Join(' ', lines));
        }
    }

    [Theory]
    [InlineData("Network policy misconfiguration", new[] { "Network policy", "misconfiguration" })]
    [InlineData("Cloud IAM & VPC misconfiguration", new[] { "Cloud IAM & VPC", "misconfiguration" })]
    public void A_long_category_is_two_lines(string label, string[] expected) =>
        Assert.Equal(expected, Assert.IsType<string[]>(ChartAxes.Wrap(label)));

    [Fact]
    public void A_short_category_stays_one_line() => Assert.Equal("Vulnerability", ChartAxes.Wrap("Vulnerability"));

    [Fact]
    public void A_count_axis_asks_for_whole_numbers_and_has_no_empty_title()
    {
        var untitled = JsonSerializer.Serialize(ChartAxes.Count());
        var titled = JsonSerializer.Serialize(ChartAxes.CountWithCategories(["K01 Insecure workload configurations"], "Open findings"));

        Assert.Equal("""{"min":0,"forceNiceScale":true,"decimalsInFloat":0,"countAxis":true}""", untitled);
        Assert.Contains("\"countAxis\":true", titled, StringComparison.Ordinal);
        Assert.Contains("\"title\":{\"text\":\"Open findings\"}", titled, StringComparison.Ordinal);
        Assert.Contains("\"categories\":[\"K01 Insecure workload configurations\"]", titled, StringComparison.Ordinal);
    }
}
