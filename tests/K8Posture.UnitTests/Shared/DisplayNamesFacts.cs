using System.Text.RegularExpressions;
using K8Posture.Data;
using K8Posture.Features.Reports;
using K8Posture.Shared;

namespace K8Posture.UnitTests.Shared;

public sealed partial class DisplayNamesFacts
{
    /// <summary>A member name of two or more words run together ("SharedHardIsolation"): never what a reader should see.</summary>
    [GeneratedRegex("^[A-Z][a-z0-9]+([A-Z][a-z0-9]*)+$")]
    private static partial Regex RunTogether();

    /// <summary>Product names that are spelled this way (Red Hat OpenShift), not enum names left raw.</summary>
    private static readonly HashSet<string> ProductNames = ["OpenShift"];

    public static IEnumerable<Type> AppEnums() =>
        typeof(K8PostureDbContext).Assembly.GetTypes().Where(t => t.IsEnum && t.IsPublic).OrderBy(t => t.FullName, StringComparer.Ordinal);

    [Fact]
    public void No_enum_of_the_app_shows_a_run_together_member_name()
    {
        var raw = new List<string>();
        var enums = AppEnums().ToList();
        Assert.True(enums.Count > 30, "the reflection found too few enums to be the app's");
        foreach (var type in enums)
        {
            foreach (Enum value in Enum.GetValues(type))
            {
                var name = Enum.GetName(type, value);
                var shown = value.DisplayName();
                if (name is not null && RunTogether().IsMatch(name) && !ProductNames.Contains(name) && shown.Contains(name, StringComparison.Ordinal))
                {
                    raw.Add($"{type.Name}.{name} → \"{shown}\"");
                }
            }
        }
        Assert.Empty(raw);
    }

    [Theory]
    [InlineData(TenancyModel.SharedHardIsolation, "Shared cluster with hard isolation")]
    [InlineData(TenancyModel.SingleTenant, "Dedicated cluster")]
    [InlineData(FindingCategory.KubernetesMisconfiguration, "Kubernetes misconfiguration")]
    [InlineData(ClusterProvider.OnPremises, "On-premises")]
    [InlineData(FindingResolution.RiskAccepted, "Risk accepted")]
    [InlineData(ExecutiveReportTrigger.OnDemand, "On demand")]
    public void Chosen_words_come_from_the_slices_labels_and_the_rest_is_spelled_out(object value, string expected) =>
        Assert.Equal(expected, ((Enum)value).DisplayName());

    [Theory]
    [InlineData("ClosedByScan", "Closed by scan")]
    [InlineData("CloudIamVpcMisconfiguration", "Cloud iam vpc misconfiguration")]
    [InlineData("SIEMForward", "SIEM forward")]
    [InlineData("Responsible, Accountable", "Responsible, accountable")]
    [InlineData("Open", "Open")]
    public void Humanise_splits_at_case_changes_and_keeps_acronyms(string name, string expected) =>
        Assert.Equal(expected, DisplayNames.Humanise(name));

    [Fact]
    public void Export_cells_print_enums_by_display_name() =>
        Assert.Equal("Shared cluster with hard isolation", ExportCells.ToText(TenancyModel.SharedHardIsolation));
}
