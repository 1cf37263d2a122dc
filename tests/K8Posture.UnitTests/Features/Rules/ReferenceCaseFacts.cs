using K8Posture.Features.Rules;

namespace K8Posture.UnitTests.Features.Rules;

/// <summary>
/// Every documented case of Polaris, kube-score and kubesec (<see cref="ReferenceCases.All"/>): the fixture, copied unchanged
/// from the tool's own test data, is evaluated and our verdict on the check — a finding of any rule that carries the
/// reference, or none — must equal the verdict the tool's tests state; where we deliberately differ, the difference must hold.
/// </summary>
public sealed class ReferenceCaseFacts
{
    private static readonly string[] ReferenceTools = ["polaris", "kube-score", "kubesec"];

    public static TheoryData<string, string, string> Cases()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var referenceCase in ReferenceCases.All)
        {
            data.Add(referenceCase.Tool, referenceCase.Check, referenceCase.Fixture);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Our_verdict_equals_the_reference_tools_documented_verdict(string tool, string check, string fixture)
    {
        var referenceCase = ReferenceCases.All.Single(c => c.Tool == tool && c.Check == check && c.Fixture == fixture);
        var result = RuleTesting.EvaluateFixture(fixture);

        var findings = result.Findings.Where(f => f.References.Contains(referenceCase.Reference)).ToList();
        var weFlag = findings.Count > 0;
        var theyFlag = referenceCase.Expected == ReferenceVerdict.Flags;
        if (referenceCase.Difference is null)
        {
            Assert.True(weFlag == theyFlag,
                $"{tool} {(theyFlag ? "flags" : "passes")} {check} on {fixture}; we {(weFlag ? "flag it: " + Describe(findings) : "say nothing: " + Describe(result.Findings))}");
        }
        else
        {
            Assert.True(weFlag != theyFlag, $"{fixture}: the documented difference from {tool} {check} no longer holds ({referenceCase.Difference}); remove it");
        }
    }

    [Fact]
    public void Every_case_names_a_check_a_catalogue_rule_carries()
    {
        var references = new RuleCatalogue().Rules.SelectMany(r => r.References).ToHashSet(StringComparer.Ordinal);
        Assert.All(ReferenceCases.All, c => Assert.Contains(c.Reference, references));
    }

    [Fact]
    public void Every_reference_fixture_is_a_case_and_has_its_provenance()
    {
        var fixtures = Path.Combine(AppContext.BaseDirectory, "fixtures");
        var sources = File.ReadAllText(Path.Combine(fixtures, "SOURCES.md"));
        var files = ReferenceTools.SelectMany(tool => Directory.GetFiles(Path.Combine(fixtures, tool)).Select(f => tool + "/" + Path.GetFileName(f))).ToList();
        var used = ReferenceCases.All.Select(c => c.Fixture).ToHashSet(StringComparer.Ordinal);

        Assert.All(files, file =>
        {
            Assert.Contains(file, used);
            Assert.Contains("### " + file + "\n", sources, StringComparison.Ordinal);
        });
        Assert.All(used, file => Assert.Contains(file, files));
    }

    [Fact]
    public void Agreement_counts_only_cases_without_a_difference()
    {
        var catalogue = new RuleCatalogue();
        foreach (var rule in catalogue.Rules)
        {
            foreach (var agreement in ReferenceCases.AgreementsOf(rule, catalogue))
            {
                var cases = ReferenceCases.All.Where(c => c.Tool == agreement.Tool && c.Check == agreement.Check).ToList();
                Assert.Contains(agreement.Tool + ":" + agreement.Check, rule.References);
                Assert.All(cases, c => Assert.Null(c.Difference));
                Assert.Equal(cases.Select(c => c.Fixture).Distinct().Count(), agreement.Fixtures);
                Assert.Equal(catalogue.Rules.Where(r => r != rule && r.References.Contains(agreement.Tool + ":" + agreement.Check)).Select(r => r.Id), agreement.Together);
            }
        }
    }

    private static string Describe(IEnumerable<EvaluatedFinding> findings) =>
        string.Join("; ", findings.Select(f => $"{f.RuleId} {f.Resource.Kind}/{f.Resource.Name}/{f.Resource.Container}: {f.Message}"));
}
