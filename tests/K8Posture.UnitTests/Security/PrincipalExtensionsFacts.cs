using System.Security.Claims;
using K8Posture.Security;

namespace K8Posture.UnitTests.Security;

public sealed class PrincipalExtensionsFacts
{
    private static ClaimsPrincipal Principal(params (string Type, string Value)[] claims) =>
        new(new ClaimsIdentity(claims.Select(c => new Claim(c.Type, c.Value)), "test", ClaimTypes.Name, ClaimTypes.Role));

    /// <summary>A validated bearer token as the handler marks it, then what the claims transformation adds (<paramref name="added"/>).</summary>
    private static ClaimsPrincipal AppToken(bool delegated = false, (string Type, string Value)[]? inToken = null, params (string Type, string Value)[] added)
    {
        var claims = new List<Claim> { new("azp", "app-1234"), new("oid", "sp-5678"), new(ClaimTypes.Role, "Pipeline.Ingest") };
        if (delegated)
        {
            claims.Add(new Claim("scp", "access_as_user"));
        }
        claims.AddRange((inToken ?? []).Select(c => new Claim(c.Type, c.Value)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, "AuthenticationTypes.Federation", ClaimTypes.Name, ClaimTypes.Role));
        EntraTokenClaims.MarkAppOnlyToken(principal);
        principal.AddIdentity(new ClaimsIdentity(added.Select(c => new Claim(c.Type, c.Value)), "K8Posture.Claims"));
        return principal;
    }

    [Fact]
    public void A_registered_pipeline_identity_is_named_by_its_display_name_and_app_id()
    {
        var user = AppToken(added: [(K8PostureClaims.EntraAppName, "Payments CI"), (K8PostureClaims.PipelineIdentity, "7")]);
        Assert.Equal("app:Payments CI (app-1234)", user.ActorName());
        Assert.True(user.IsMachine());
        Assert.Equal("app:Payments CI (app-1234)", user.DisplayName());
    }

    [Fact]
    public void An_app_token_without_a_name_is_named_by_its_app_id_never_anonymous()
    {
        Assert.Equal("app:app-1234", AppToken().ActorName());
    }

    [Fact]
    public void A_pipeline_identity_with_a_team_sees_only_that_team_and_one_without_sees_all()
    {
        var teamBound = AppToken(added: [(K8PostureClaims.PipelineIdentity, "7"), (K8PostureClaims.Team, "3")]);
        Assert.False(teamBound.SeesAllTeams());
        Assert.Equal([3], teamBound.TeamIds());

        Assert.True(AppToken(added: [(K8PostureClaims.PipelineIdentity, "8")]).SeesAllTeams());
    }

    [Fact]
    public void An_unregistered_app_is_organisation_wide_only_with_a_pipeline_role()
    {
        Assert.True(AppToken().SeesAllTeams());

        var withoutPipelineRole = new ClaimsPrincipal(new ClaimsIdentity([new Claim("azp", "app-9"), new Claim(ClaimTypes.Role, "Something.Else")], "jwt", ClaimTypes.Name, ClaimTypes.Role));
        EntraTokenClaims.MarkAppOnlyToken(withoutPipelineRole);
        Assert.True(withoutPipelineRole.IsMachine());
        Assert.False(withoutPipelineRole.SeesAllTeams());
    }

    [Fact]
    public void A_person_never_becomes_organisation_wide_through_pipeline_claims()
    {
        // A delegated token (scp) with a pipeline role is a person: not marked as a machine, so no organisation-wide view.
        var delegated = AppToken(delegated: true);
        Assert.False(delegated.IsMachine());
        Assert.False(delegated.SeesAllTeams());

        // Claims in K8Posture's namespace that arrive in a token are dropped before anything reads them.
        var forged = AppToken(delegated: true, inToken: [(K8PostureClaims.EntraApp, "forged"), (K8PostureClaims.PipelineIdentity, "1"), (K8PostureClaims.Team, "2")]);
        Assert.False(forged.HasClaim(c => c.Type.StartsWith("k8p_", StringComparison.Ordinal)));
        Assert.False(forged.SeesAllTeams());
    }

    [Fact]
    public void A_person_is_named_by_their_sign_in_name_in_the_audit_and_by_their_name_in_the_header()
    {
        var person = Principal(("name", "Ada Lovelace"), ("preferred_username", "ada@contoso.test"), (ClaimTypes.Role, Roles.AppTeamMember));
        Assert.Equal("ada@contoso.test", person.ActorName());
        Assert.Equal("Ada Lovelace", person.DisplayName());
        Assert.False(person.IsMachine());
        Assert.True(person.HasK8PostureRole());
        Assert.False(Principal(("name", "Nora")).HasK8PostureRole());
    }

    [Fact]
    public void A_pipeline_key_keeps_its_name_and_team_rule()
    {
        var key = Principal((ClaimTypes.Name, "ci"), (K8PostureClaims.ApiKeyId, "5"));
        Assert.Equal("key:ci", key.ActorName());
        Assert.True(key.SeesAllTeams());
        Assert.False(Principal((ClaimTypes.Name, "ci"), (K8PostureClaims.ApiKeyId, "5"), (K8PostureClaims.Team, "1")).SeesAllTeams());
    }
}
