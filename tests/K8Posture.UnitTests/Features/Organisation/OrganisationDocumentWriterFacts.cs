using System.Text;
using System.Text.Json;
using K8Posture.Features.Organisation;

namespace K8Posture.UnitTests.Features.Organisation;

public sealed class OrganisationDocumentWriterFacts
{
    private static OrganisationDocument Read(string text) => OrganisationDocumentReader.Read(Encoding.UTF8.GetBytes(text)).Document;

    [Fact]
    public void The_sample_survives_yaml_and_json_round_trips()
    {
        var sample = Read(OrganisationDocumentReaderFacts.SampleYaml());
        var json = OrganisationDocumentWriter.ToJson(sample);

        var yaml = OrganisationDocumentWriter.ToYaml(Read(json));

        Assert.Equal(json, OrganisationDocumentWriter.ToJson(Read(yaml)));
        Assert.Contains("chatChannel: \"#payments-security\"", yaml);
        Assert.Contains("requiredPrivileges: null", yaml);
        Assert.StartsWith("apiVersion: k8posture.io/v1\nkind: Organisation\n", yaml.ReplaceLineEndings("\n"));
        using var parsed = JsonDocument.Parse(json);
        Assert.Equal("Payments", parsed.RootElement.GetProperty("businessUnits")[0].GetProperty("teams")[0].GetProperty("name").GetString());
    }

    [Theory]
    [InlineData("2024")]
    [InlineData("1e3")]
    [InlineData("0x1F")]
    [InlineData("true")]
    [InlineData("yes")]
    [InlineData("Off")]
    [InlineData("null")]
    [InlineData("~")]
    [InlineData("#general")]
    [InlineData("- not a list")]
    [InlineData("key: value")]
    [InlineData("ends with a space ")]
    [InlineData("two\nlines")]
    [InlineData("quote \" and back\\slash")]
    [InlineData("*alias")]
    [InlineData("Zoë's team (EMEA) & co., +1")]
    public void Text_that_yaml_could_misread_is_quoted_and_reads_back_exactly(string description)
    {
        var document = new OrganisationDocument([], [new TeamEntry("", "Payments", Given<string?>.Of(description), Given<string?>.Omitted, Given<string?>.Omitted, [], [])], [], null);

        var yaml = OrganisationDocumentWriter.ToYaml(document);

        Assert.Equal(Given<string?>.Of(description.Trim()), Assert.Single(Read(yaml).Teams).Description);
    }

    [Fact]
    public void Only_given_fields_are_written()
    {
        var document = new OrganisationDocument([], [new TeamEntry("", "Payments", Given<string?>.Omitted, Given<string?>.Of(null), Given<string?>.Omitted, [], [])], [], null);

        var yaml = OrganisationDocumentWriter.ToYaml(document);

        Assert.DoesNotContain("description", yaml);
        Assert.Contains("contactEmail: null", yaml);
        Assert.DoesNotContain("namespaceOwnership", yaml);
    }
}
