using System.Text;
using K8Posture.Features.Organisation;

namespace K8Posture.UnitTests.Features.Organisation;

public sealed class OrganisationDocumentReaderFacts
{
    /// <summary>docs/organisation.example.yaml, found from the test's output folder up to the repository.</summary>
    internal static string SampleYaml()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var path = Path.Combine(folder.FullName, "docs", "organisation.example.yaml");
            if (File.Exists(path))
            {
                return File.ReadAllText(path);
            }
        }
        throw new FileNotFoundException("docs/organisation.example.yaml is not above the test folder.");
    }

    internal static OrganisationDocumentException Refused(string text) =>
        Assert.Throws<OrganisationDocumentException>(() => OrganisationDocumentReader.Read(Encoding.UTF8.GetBytes(text)));

    private const string Header = "apiVersion: k8posture.io/v1\nkind: Organisation\n";

    [Fact]
    public void The_sample_document_reads_whole()
    {
        var (document, format) = OrganisationDocumentReader.Read(Encoding.UTF8.GetBytes(SampleYaml()));

        Assert.Equal(OrganisationFormat.Yaml, format);
        Assert.Equal(["Finance", "Retail"], document.BusinessUnits.Select(b => b.Name));
        Assert.Equal(["Payments", "Ledger", "Storefront", "Platform"], document.AllTeams.Select(t => t.Team.Name));
        var payments = document.BusinessUnits[0].Teams[0];
        Assert.Equal(Given<string?>.Of("payments-sec@example.com"), payments.ContactEmail);
        Assert.Equal(Given<string?>.Of("#payments-security"), payments.ChatChannel);
        Assert.Equal("3f2a6c1e-8b7d-4e0f-9a1b-2c3d4e5f6a7b", payments.Groups[0].Id);
        var api = payments.Applications[0];
        Assert.Equal(Given<DataClassification>.Of(DataClassification.Restricted), api.DataClassification);
        Assert.Equal(Given<bool>.Of(false), api.VendorProduct);
        Assert.Equal(Given<string?>.Of(null), api.RequiredPrivileges);
        // Ledger leaves its chat channel out: left alone, not cleared.
        Assert.False(document.BusinessUnits[0].Teams[1].ChatChannel.IsGiven);
        Assert.Equal("Payments", document.PipelineIdentities[0].Team);
        Assert.Null(document.PipelineIdentities[1].Team);
        Assert.Equal("Platform", document.NamespaceOwnership!.Explicit.Value["*/ingress-nginx"]);
        Assert.Equal(["team", "owner.example.com/team"], document.NamespaceOwnership.LabelKeys.Value);
    }

    [Fact]
    public void Json_reads_like_yaml()
    {
        const string json = """
            { "apiVersion": "k8posture.io/v1", "kind": "Organisation",
              "businessUnits": [ { "name": "Finance", "teams": [ { "name": "Payments", "contactEmail": "p@example.com",
                  "groups": [ { "id": "3F2A6C1E-8B7D-4E0F-9A1B-2C3D4E5F6A7B" } ],
                  "applications": [ { "name": "payments-api", "dataClassification": "restricted", "vendorProduct": true } ] } ] } ],
              "pipelineIdentities": [ { "entraId": "9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e", "displayName": "ci" } ] }
            """;
        const string yaml = Header + """
            businessUnits:
              - name: Finance
                teams:
                  - name: Payments
                    contactEmail: p@example.com
                    groups: [{ id: 3F2A6C1E-8B7D-4E0F-9A1B-2C3D4E5F6A7B }]
                    applications: [{ name: payments-api, dataClassification: restricted, vendorProduct: true }]
            pipelineIdentities:
              - { entraId: 9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e, displayName: ci }
            """;

        var (fromJson, jsonFormat) = OrganisationDocumentReader.Read(Encoding.UTF8.GetBytes(json));
        var (fromYaml, _) = OrganisationDocumentReader.Read(Encoding.UTF8.GetBytes(yaml));

        Assert.Equal(OrganisationFormat.Json, jsonFormat);
        Assert.Equal(OrganisationDocumentWriter.ToJson(fromYaml), OrganisationDocumentWriter.ToJson(fromJson));
        // Entra ids are stored lower-case.
        Assert.Equal("3f2a6c1e-8b7d-4e0f-9a1b-2c3d4e5f6a7b", fromJson.BusinessUnits[0].Teams[0].Groups[0].Id);
        Assert.Equal(DataClassification.Restricted, fromJson.BusinessUnits[0].Teams[0].Applications[0].DataClassification.Value);
    }

    [Fact]
    public void An_unknown_field_is_refused_with_its_path_instead_of_being_dropped()
    {
        var error = Refused(Header + """
            businessUnits:
              - name: Finance
                teams:
                  - name: Payments
                    contactEmial: p@example.com
            """);

        var problem = Assert.Single(error.Errors);
        Assert.Equal("businessUnits[0].teams[0].contactEmial", problem.Path);
        Assert.Contains("contactEmail", problem.Message);
    }

    [Fact]
    public void A_pascal_case_field_is_pointed_at_its_camel_case_name()
    {
        var error = Refused("""{ "apiVersion": "k8posture.io/v1", "kind": "Organisation", "teams": [ { "Name": "Payments" } ] }""");

        Assert.Contains(error.Errors, e => e.Path == "teams[0].Name" && e.Message.Contains("did you mean 'name'", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Path == "teams[0].name" && e.Message.Contains("required", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_problem_is_reported_at_once_each_with_its_path()
    {
        var error = Refused(Header + """
            businessUnits:
              - name: Finance
                teams:
                  - name: Payments
              - name: Retail
                teams:
                  - name: Storefront
                  - name: Web
                    contactEmail: not-an-address
                    groups:
                      - id: not-a-guid
                    applications:
                      - name: shop
                        dataClassification: TopSecret
                        vendorProduct: "maybe"
            pipelineIdentities:
              - entraId: 9b8c7d6e-5f4a-4b3c-8d2e-1f0a9b8c7d6e
            """);

        Assert.Equal(
            [
                "businessUnits[1].teams[1].contactEmail",
                "businessUnits[1].teams[1].groups[0].id",
                "businessUnits[1].teams[1].applications[0].dataClassification",
                "businessUnits[1].teams[1].applications[0].vendorProduct",
                "pipelineIdentities[0].displayName",
            ],
            error.Errors.Select(e => e.Path));
        Assert.Contains("not-an-address", error.Errors[0].Message);
        Assert.Contains("businessUnits[1].teams[1].contactEmail", error.Message);
    }

    [Fact]
    public void A_name_defined_twice_is_refused_where_it_repeats()
    {
        var error = Refused(Header + """
            businessUnits:
              - name: Finance
                teams:
                  - name: Payments
                    groups: [{ id: 3f2a6c1e-8b7d-4e0f-9a1b-2c3d4e5f6a7b }]
            teams:
              - name: payments
              - name: Platform
                groups: [{ id: 3F2A6C1E-8B7D-4E0F-9A1B-2C3D4E5F6A7B }]
            """);

        Assert.Contains(error.Errors, e => e.Path == "teams[0].name" && e.Message.Contains("businessUnits[0].teams[0]", StringComparison.Ordinal));
        Assert.Contains(error.Errors, e => e.Path == "teams[1].groups[0].id");
    }

    [Fact]
    public void Left_out_fields_are_not_given_and_null_clears()
    {
        var (document, _) = OrganisationDocumentReader.Read(Encoding.UTF8.GetBytes(Header + """
            teams:
              - name: Payments
                description: null
                chatChannel: ""
            """));

        var team = Assert.Single(document.Teams);
        Assert.Equal(Given<string?>.Of(null), team.Description);
        Assert.Equal(Given<string?>.Of(null), team.ChatChannel);
        Assert.False(team.ContactEmail.IsGiven);
        Assert.Null(document.NamespaceOwnership);
    }

    [Fact]
    public void A_number_is_a_name_when_written_as_one()
    {
        var (document, _) = OrganisationDocumentReader.Read(Encoding.UTF8.GetBytes(Header + "teams:\n  - name: 2024\n"));

        Assert.Equal("2024", Assert.Single(document.Teams).Name);
    }

    [Theory]
    [InlineData("apiVersion: k8posture.io/v2\nkind: Organisation\n", "apiVersion")]
    [InlineData("apiVersion: k8posture.io/v1\nkind: Policy\n", "kind")]
    [InlineData("apiVersion: k8posture.io/v1\nkind: Organisation\nteams: Payments\n", "teams")]
    [InlineData("apiVersion: k8posture.io/v1\nkind: Organisation\nteams:\n  - name: [Payments\n", "line 5, position 1")]
    [InlineData("- just\n- a list\n", "")]
    public void A_document_of_the_wrong_shape_is_refused_where_it_is_wrong(string text, string path)
    {
        var error = Refused(text);

        Assert.Contains(error.Errors, e => e.Path == path);
    }

    [Fact]
    public void Explicit_namespace_ownership_is_checked_rule_by_rule()
    {
        var error = Refused(Header + """
            namespaceOwnership:
              labelKeys: ["team", "has space"]
              explicit:
                prod/payments: Payments
                no-slash: Payments
                prod/ledger: "<b>Ledger</b>"
            """);

        Assert.Equal(
            ["namespaceOwnership.labelKeys[1]", "namespaceOwnership.explicit[\"no-slash\"]", "namespaceOwnership.explicit[\"prod/ledger\"]"],
            error.Errors.Select(e => e.Path));
    }

    [Fact]
    public void An_alias_bomb_is_refused_instead_of_expanded()
    {
        var yaml = new StringBuilder(Header + "a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for (var level = 'b'; level <= 'k'; level++)
        {
            yaml.Append(level).Append(": &").Append(level).Append(" [").Append(string.Join(", ", Enumerable.Repeat("*" + (char)(level - 1), 10))).Append("]\n");
        }

        var error = Refused(yaml.ToString());

        Assert.Contains(error.Errors, e => e.Message.Contains("aliases", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("{\"apiVersion\": 1}", OrganisationFormat.Json)]
    [InlineData("\uFEFF  \n[1]", OrganisationFormat.Json)]
    [InlineData("team,business_unit,entra_group_id,contact\nPayments,,,\n", OrganisationFormat.Csv)]
    [InlineData("Contact,TEAM\n", OrganisationFormat.Csv)]
    [InlineData("# team,business_unit\napiVersion: k8posture.io/v1\n", OrganisationFormat.Yaml)]
    [InlineData("apiVersion: k8posture.io/v1\nkind: Organisation\n", OrganisationFormat.Yaml)]
    public void The_format_is_told_from_the_content(string text, OrganisationFormat expected)
    {
        Assert.Equal(expected, OrganisationDocumentReader.Detect(Encoding.UTF8.GetBytes(text)));
    }
}
