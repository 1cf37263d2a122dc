namespace K8Posture.Shared.Charts;

/// <summary>One ApexCharts series: a name and one value per x category (null leaves a gap).</summary>
public sealed record ChartSeries(string Name, IReadOnlyList<double?> Data);

/// <summary>The data point a person clicked: which series, and which point of it (both zero-based).</summary>
public readonly record struct ChartPointSelection(int SeriesIndex, int DataPointIndex);
