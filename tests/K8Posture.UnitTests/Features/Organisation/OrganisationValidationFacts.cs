using K8Posture.Shared.Http;
using K8Posture.Features.Organisation;

namespace K8Posture.UnitTests.Features.Organisation;

public sealed class OrganisationValidationFacts
{
    private static ProblemException Refused(Action validate)
    {
        var error = Assert.Throws<ProblemException>(validate);
        Assert.Equal(400, error.StatusCode);
        return error;
    }

    [Theory]
    [InlineData("Payments", "Payments")]
    [InlineData("  Card Payments  ", "Card Payments")]
    [InlineData("R&D (EMEA)", "R&D (EMEA)")]
    [InlineData("Équipe Sécurité", "Équipe Sécurité")]
    [InlineData("team-42_a.b+c,d'e", "team-42_a.b+c,d'e")]
    public void A_name_is_trimmed_and_kept(string input, string expected) =>
        Assert.Equal(expected, OrganisationValidation.Name("name", input));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("<script>")]
    [InlineData("payments/prod")]
    [InlineData("-leading-dash")]
    [InlineData("tab\tinside")]
    [InlineData("a\"quote")]
    public void A_name_that_is_empty_or_has_markup_or_a_slash_is_refused_naming_the_field(string? input)
    {
        var error = Refused(() => OrganisationValidation.Name("teamName", input));
        Assert.Equal("teamName", error.Field);
        Assert.Contains("teamName", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_longer_than_the_limit_says_how_long_it_is()
    {
        var error = Refused(() => OrganisationValidation.Name("name", new string('a', OrganisationValidation.MaxNameLength + 1)));
        Assert.Contains($"{OrganisationValidation.MaxNameLength + 1} characters", error.Message, StringComparison.Ordinal);
        Assert.Equal(new string('a', OrganisationValidation.MaxNameLength), OrganisationValidation.Name("name", new string('a', OrganisationValidation.MaxNameLength)));
    }

    [Fact]
    public void Free_text_is_trimmed_null_when_empty_and_refuses_control_characters_but_keeps_line_breaks()
    {
        Assert.Null(OrganisationValidation.Text("description", "   "));
        Assert.Null(OrganisationValidation.Text("description", null));
        Assert.Equal("line one\nline two", OrganisationValidation.Text("description", " line one\nline two "));
        Assert.Equal("description", Refused(() => OrganisationValidation.Text("description", "bell\u0007")).Field);
        Assert.Equal("description", Refused(() => OrganisationValidation.Text("description", new string('x', 11), 10)).Field);
    }

    [Theory]
    [InlineData("payments-sec@contoso.example")]
    [InlineData("first.last+tag@sub.contoso.example")]
    public void An_email_address_is_kept(string email) => Assert.Equal(email, OrganisationValidation.Email("contactEmail", email));

    [Theory]
    [InlineData("payments")]
    [InlineData("Payments <payments@contoso.example>")]
    [InlineData("a@b@c")]
    [InlineData("@contoso.example")]
    public void Anything_but_a_bare_email_address_is_refused(string email) =>
        Assert.Equal("contactEmail", Refused(() => OrganisationValidation.Email("contactEmail", email)).Field);

    [Theory]
    [InlineData("#payments-sec")]
    [InlineData("payments security")]
    [InlineData("https://teams.microsoft.com/l/channel/19%3a123/Payments")]
    [InlineData("https://contoso.slack.com/archives/C0123")]
    public void A_channel_is_a_name_or_an_https_link(string channel) => Assert.Equal(channel, OrganisationValidation.Channel("chatChannel", channel));

    [Theory]
    [InlineData("http://contoso.slack.com/archives/C0123")]
    [InlineData("javascript://alert(1)")]
    [InlineData("ftp://files.contoso.example/channel")]
    public void A_channel_link_that_is_not_https_is_refused(string channel) =>
        Assert.Equal("chatChannel", Refused(() => OrganisationValidation.Channel("chatChannel", channel)).Field);

    [Fact]
    public void An_entra_id_is_stored_lower_case_without_braces_or_spaces()
    {
        Assert.Equal("7c1e4a9b-0d2f-4e55-9a53-1f0b6a2c3d4e", OrganisationValidation.EntraId("entraGroupId", " 7C1E4A9B-0D2F-4E55-9A53-1F0B6A2C3D4E "));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sg-payments")]
    [InlineData("{7c1e4a9b-0d2f-4e55-9a53-1f0b6a2c3d4e}")]
    [InlineData("7c1e4a9b0d2f4e559a531f0b6a2c3d4e")]
    public void Anything_but_a_hyphenated_guid_is_refused_as_an_entra_id(string? value)
    {
        var error = Refused(() => OrganisationValidation.EntraId("entraId", value));
        Assert.Equal("entraId", error.Field);
        Assert.Contains("GUID", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_long_invalid_entra_id_is_shortened_in_the_message()
    {
        var error = Refused(() => OrganisationValidation.EntraId("entraId", new string('z', 500)));
        Assert.True(error.Message.Length < 300, error.Message);
    }

    [Fact]
    public void Refusals_carry_the_status_that_fits()
    {
        Assert.Equal(404, OrganisationProblem.NotFound("team", "Ghost").StatusCode);
        Assert.Contains("Ghost", OrganisationProblem.NotFound("team", "Ghost").Message, StringComparison.Ordinal);
        var conflict = OrganisationProblem.Conflict("taken", "name");
        Assert.Equal(409, conflict.StatusCode);
        Assert.Equal("name", conflict.Field);
    }
}
