using K8Posture.Features.Raci;

namespace K8Posture.UnitTests.Features.Raci;

public sealed class RaciRulesFacts
{
    private static RaciMatrix Matrix(params (string Party, string Letters)[] cells)
    {
        var matrix = new RaciMatrix
        {
            Activities = [new RaciActivity { Key = "secrets", Name = "Secrets management" }],
            Parties = [new RaciParty { Key = "security", Name = "Security" }, new RaciParty { Key = "platform", Name = "Platform" }, new RaciParty { Key = "cirt", Name = "CIRT" }],
        };
        foreach (var (party, letters) in cells)
        {
            matrix.Set("secrets", party, RaciLetters.Parse(letters));
        }
        return matrix;
    }

    [Fact]
    public void One_A_and_one_R_is_fine()
    {
        Assert.Empty(RaciRules.Check(Matrix(("security", "A"), ("platform", "R"), ("cirt", "I"))));
    }

    [Fact]
    public void One_party_may_be_both_accountable_and_responsible()
    {
        Assert.Empty(RaciRules.Check(Matrix(("security", "A/R"))));
    }

    [Fact]
    public void Removing_a_party_drops_its_letters_and_the_rules_show_what_it_leaves_uncovered()
    {
        var matrix = Matrix(("security", "A"), ("platform", "R"), ("cirt", "I"));

        matrix.RemoveParty("security");

        Assert.DoesNotContain(matrix.Parties, p => p.Key == "security");
        Assert.DoesNotContain(matrix.Cells["secrets"].Keys, k => k == "security");
        Assert.Equal(RaciViolationKind.NoAccountable, Assert.Single(RaciRules.Check(matrix)).Kind);
        matrix.RemoveParty("platform");
        matrix.RemoveParty("cirt");
        Assert.Empty(matrix.Cells);
    }

    [Fact]
    public void No_A_is_a_violation()
    {
        var violation = Assert.Single(RaciRules.Check(Matrix(("platform", "R"), ("security", "C"))));
        Assert.Equal(RaciViolationKind.NoAccountable, violation.Kind);
        Assert.Equal("secrets", violation.ActivityKey);
    }

    [Fact]
    public void Two_As_are_a_violation_naming_both()
    {
        var violation = Assert.Single(RaciRules.Check(Matrix(("security", "A"), ("platform", "AR"))));
        Assert.Equal(RaciViolationKind.SeveralAccountable, violation.Kind);
        Assert.Contains("Security", violation.Detail, StringComparison.Ordinal);
        Assert.Contains("Platform", violation.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void No_R_is_a_violation()
    {
        var violation = Assert.Single(RaciRules.Check(Matrix(("security", "A"), ("platform", "C"))));
        Assert.Equal(RaciViolationKind.NoResponsible, violation.Kind);
    }

    [Fact]
    public void An_empty_row_breaks_both_rules()
    {
        Assert.Equal([RaciViolationKind.NoAccountable, RaciViolationKind.NoResponsible], RaciRules.Check(Matrix()).Select(v => v.Kind));
    }

    [Fact]
    public void Retired_activities_are_exempt()
    {
        var matrix = Matrix();
        matrix.Activities[0].Retired = true;
        Assert.Empty(RaciRules.Check(matrix));
    }

    [Fact]
    public void The_study_guide_starting_point_has_every_activity_the_issue_names_and_all_of_them_unowned()
    {
        var matrix = RaciDefaults.Matrix();
        Assert.Equal(13, matrix.Activities.Count);
        Assert.All(matrix.Activities, a => Assert.False(string.IsNullOrWhiteSpace(a.Description)));
        Assert.Contains(matrix.Activities, a => a.Name.Contains("docker.io", StringComparison.Ordinal));
        Assert.Contains(matrix.Activities, a => a.Name.Contains("CIRT", StringComparison.Ordinal));
        Assert.Equal(26, RaciRules.Check(matrix).Count);
    }

    [Theory]
    [InlineData("ar", "RA")]
    [InlineData("A/R", "RA")]
    [InlineData("I, C", "CI")]
    [InlineData("", "")]
    public void Letters_are_parsed_and_written_in_RACI_order(string input, string expected)
    {
        Assert.Equal(expected, RaciLetters.Format(RaciLetters.Parse(input)));
    }

    [Fact]
    public void Other_characters_are_invalid()
    {
        Assert.True(RaciLetters.Invalid("AX"));
        Assert.False(RaciLetters.Invalid("A/R, c"));
    }
}
