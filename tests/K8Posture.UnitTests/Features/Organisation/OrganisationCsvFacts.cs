using System.Text;
using K8Posture.Features.Organisation;

namespace K8Posture.UnitTests.Features.Organisation;

public sealed class OrganisationCsvFacts
{
    private static OrganisationDocument Read(string csv)
    {
        var (document, format) = OrganisationDocumentReader.Read(Encoding.UTF8.GetBytes(csv));
        Assert.Equal(OrganisationFormat.Csv, format);
        return document;
    }

    private static OrganisationDocumentException Refused(string csv) => OrganisationDocumentReaderFacts.Refused(csv);

    [Fact]
    public void Rows_of_one_team_become_one_team_with_its_groups_and_contacts()
    {
        var document = Read(
            "Contact,Team,Cost_Centre,ENTRA_GROUP_ID,business_unit\r\n" +
            "payments-sec@example.com,Payments,CC-1,3F2A6C1E-8B7D-4E0F-9A1B-2C3D4E5F6A7B,Finance\r\n" +
            "#payments-security,Payments,CC-1,0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f,Finance\r\n" +
            ",Ledger,CC-2,,Finance\r\n" +
            "https://contoso.slack.com/archives/C0123,Platform,CC-3,1b2c3d4e-5f60-4718-89a0-b1c2d3e4f506,\r\n");

        var finance = Assert.Single(document.BusinessUnits);
        Assert.Equal("Finance", finance.Name);
        Assert.False(finance.Description.IsGiven);
        Assert.Equal(["Payments", "Ledger"], finance.Teams.Select(t => t.Name));
        var payments = finance.Teams[0];
        Assert.Equal(["3f2a6c1e-8b7d-4e0f-9a1b-2c3d4e5f6a7b", "0c9d8e7f-6a5b-4c3d-8e2f-1a0b9c8d7e6f"], payments.Groups.Select(g => g.Id));
        Assert.Equal(Given<string?>.Of("payments-sec@example.com"), payments.ContactEmail);
        Assert.Equal(Given<string?>.Of("#payments-security"), payments.ChatChannel);
        Assert.False(payments.Description.IsGiven);
        var ledger = finance.Teams[1];
        Assert.Empty(ledger.Groups);
        Assert.False(ledger.ContactEmail.IsGiven);
        Assert.False(ledger.ChatChannel.IsGiven);
        var platform = Assert.Single(document.Teams);
        Assert.Equal(Given<string?>.Of("https://contoso.slack.com/archives/C0123"), platform.ChatChannel);
        Assert.Empty(document.PipelineIdentities);
        Assert.Null(document.NamespaceOwnership);
    }

    [Fact]
    public void Quoted_fields_keep_commas_quotes_and_line_breaks_and_lines_are_still_counted()
    {
        var document = Read(
            "team,business_unit,entra_group_id,contact\n" +
            "\"Payments, Cards\",\"Finance & Risk, EMEA\",,\"cards@example.com\"\n" +
            "\"Ledger\",\"Finance & Risk, EMEA\",\"\",\n");

        var unit = Assert.Single(document.BusinessUnits);
        Assert.Equal("Finance & Risk, EMEA", unit.Name);
        Assert.Equal(["Payments, Cards", "Ledger"], unit.Teams.Select(t => t.Name));

        var (records, errors) = OrganisationCsv.Split("a,b\n\"two\nlines\",x\r\nlast,\"\"\"quoted\"\"\"");
        Assert.Empty(errors);
        Assert.Equal([1, 2, 4], records.Select(r => r.Line));
        Assert.Equal(["two\nlines", "x"], records[1].Fields);
        Assert.Equal(["last", "\"quoted\""], records[2].Fields);
    }

    [Fact]
    public void Errors_name_their_line()
    {
        var error = Refused(
            "team,business_unit,entra_group_id,contact\n" +
            "Payments,Finance,3f2a6c1e-8b7d-4e0f-9a1b-2c3d4e5f6a7b,payments@example.com\n" +
            "Payments,Retail,,\n" +
            "Ledger,Finance,not-a-guid,ledger@\n" +
            "Platform,,3f2a6c1e-8b7d-4e0f-9a1b-2c3d4e5f6a7b,\n" +
            "Payments,Finance,,other@example.com\n");

        Assert.Equal(["line 3", "line 4", "line 4", "line 6", "line 5"], error.Errors.Select(e => e.Path));
        Assert.Contains("Retail", error.Errors[0].Message);
        Assert.Contains("entra_group_id", error.Errors[1].Message);
        Assert.Contains("contact", error.Errors[2].Message);
        Assert.Contains("line 2", error.Errors[4].Message);
    }

    [Fact]
    public void A_header_without_the_four_columns_is_refused_naming_what_is_missing()
    {
        var error = Refused("team,contact\nPayments,p@example.com\n");

        var problem = Assert.Single(error.Errors);
        Assert.Equal("line 1", problem.Path);
        Assert.Contains("business_unit, entra_group_id", problem.Message);
    }

    [Fact]
    public void An_unclosed_quote_is_refused_at_the_line_it_opens()
    {
        var error = Refused("team,business_unit,entra_group_id,contact\nPayments,Finance,,p@example.com\n\"Ledger,Finance,,\n\nmore\n");

        Assert.Equal("line 3", Assert.Single(error.Errors).Path);
    }
}
