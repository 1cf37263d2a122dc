using K8Posture.BrowserTests.Infrastructure;
using K8Posture.Features.Ingestion;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Account;

/// <summary>
/// Real OpenID Connect round trips: Chromium goes from the app to the local Entra-shaped provider's authorize
/// endpoint, signs in on the provider's page, and the ID token is form-posted back to /signin-oidc.
/// </summary>
[Collection(EntraCollection.Name)]
public sealed class EntraSignInFacts(EntraAppFixture entra)
{
    private static string Unique(string name) => $"{name}-{Guid.NewGuid().ToString("N")[..6]}";

    /// <summary>A team whose findings come from a real Trivy report pushed by an organisation-wide key with team=.</summary>
    private async Task<(int TeamId, int Findings)> TeamWithFindingsAsync(string name, string report)
    {
        var teamId = await entra.App.SeedTeamAsync(name);
        var key = await entra.App.CreateApiKeyAsync("ingest");
        var outcome = await EntraAppFixture.ReadJsonAsync<IngestOutcome>(
            await entra.PushScanAsync(key, report, $"scope=test:{Guid.NewGuid():N}&team={Uri.EscapeDataString(name)}"));
        Assert.True(outcome.Created > 0, $"{report} created no findings");
        return (teamId, outcome.Created);
    }

    private static async Task<IReadOnlyList<string>> FindingTeamsAsync(IPage page)
    {
        await page.GotoAsync("/findings");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=finding-team]", new() { Timeout = 30_000 });
        return await page.Locator("[data-testid=finding-team]").AllInnerTextsAsync();
    }

    private static async Task<IReadOnlyList<string>> VisibleTeamsAsync(IPage page)
    {
        await page.GotoAsync("/teams");
        await page.WaitForSelectorAsync("[data-testid=teams-table]", new() { Timeout = 30_000 });
        return await page.Locator("[data-testid=team-link]").AllInnerTextsAsync();
    }

    private static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, name + ".png"), FullPage = true });

    [Fact]
    public async Task An_admin_signs_in_through_the_provider_sees_their_name_and_opens_admin_pages()
    {
        var page = await entra.NewPageAsync();

        await entra.SignInAsync(page, entra.Admin);

        Assert.Equal(entra.BaseUrl + "/", page.Url);
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        var userMenu = page.Locator("[data-testid=user-menu]");
        await userMenu.WaitForAsync();
        Assert.Contains(entra.Admin.Name, await userMenu.InnerTextAsync());
        Assert.Contains("Security.Admin", await userMenu.InnerTextAsync());
        await ScreenshotAsync(page, "entra-admin-signed-in");

        await page.GotoAsync("/admin/api-keys");
        await page.WaitForSelectorAsync("[data-testid=key-name]", new() { Timeout = 30_000 });
        Assert.Equal(entra.BaseUrl + "/admin/api-keys", page.Url);
    }

    [Fact]
    public async Task An_app_team_member_whose_group_maps_to_a_team_sees_only_that_team()
    {
        var payments = Unique("Payments");
        var ledger = Unique("Ledger");
        var (paymentsId, paymentsFindings) = await TeamWithFindingsAsync(payments, "trivy/alpine-310.json.golden");
        var (ledgerId, _) = await TeamWithFindingsAsync(ledger, "trivy/debian-buster.json.golden");
        await entra.MapGroupAsync(paymentsId, entra.MemberGroupId, "sg-payments-developers");
        await entra.MapGroupAsync(ledgerId, entra.OtherTeamGroupId, "sg-ledger-developers");
        var page = await entra.NewPageAsync();

        await entra.SignInAsync(page, entra.Member);

        var findingTeams = await FindingTeamsAsync(page);
        await ScreenshotAsync(page, "entra-member-findings");
        Assert.Equal(paymentsFindings, findingTeams.Count);
        Assert.All(findingTeams, team => Assert.Equal(payments, team));
        Assert.Equal([payments], await VisibleTeamsAsync(page));
    }

    [Fact]
    public async Task A_user_without_an_app_role_is_told_who_they_are_and_may_sign_out_without_a_loop()
    {
        var page = await entra.NewPageAsync();

        await entra.SignInAsync(page, entra.NoRole);

        await page.GetByText(entra.NoRole.Name).Or(page.GetByText(entra.NoRole.Login)).First.WaitForAsync(new() { Timeout = 30_000 });
        var navigations = 0;
        page.FrameNavigated += (_, frame) =>
        {
            if (frame == page.MainFrame)
            {
                navigations++;
            }
        };
        await page.WaitForTimeoutAsync(3_000);
        Assert.True(navigations == 0, $"the page navigated {navigations} times after landing on {page.Url}");
        Assert.StartsWith(entra.BaseUrl, page.Url, StringComparison.Ordinal);
        var text = await page.Locator("body").InnerTextAsync();
        Assert.Contains("app role", text, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("administrator", text, StringComparison.OrdinalIgnoreCase);
        Assert.True(await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).IsVisibleAsync(), "no Sign out button on " + page.Url);
        await ScreenshotAsync(page, "entra-no-role");
    }

    [Fact]
    public async Task An_overage_user_has_their_groups_resolved_through_graph_and_sees_their_team()
    {
        var identity = Unique("Identity");
        var billing = Unique("Billing");
        var (identityId, identityFindings) = await TeamWithFindingsAsync(identity, "trivy/ubuntu-1804.json.golden");
        var (billingId, _) = await TeamWithFindingsAsync(billing, "trivy/debian-buster.json.golden");
        await entra.MapGroupAsync(identityId, entra.OverageGroupId, "sg-identity-developers");
        await entra.MapGroupAsync(billingId, Guid.NewGuid().ToString(), "sg-billing-developers");
        var page = await entra.NewPageAsync();

        await entra.SignInAsync(page, entra.Overage);

        Assert.Equal([identity], await VisibleTeamsAsync(page));
        // The token had no groups: the team can only have come from Graph, whose answer pages (the group is on the last page).
        Assert.Contains(entra.ProviderOutput, line => line.StartsWith($"graph GET /graph/v1.0/users/{entra.Overage.ObjectId}/transitiveMemberOf", StringComparison.OrdinalIgnoreCase));
        var findingTeams = await FindingTeamsAsync(page);
        Assert.Equal(identityFindings, findingTeams.Count);
        Assert.All(findingTeams, team => Assert.Equal(identity, team));
    }

    [Fact]
    public async Task Signing_out_posts_ends_the_provider_session_with_the_id_token_and_a_second_visit_asks_to_sign_in_again()
    {
        var page = await entra.NewPageAsync();
        await entra.SignInAsync(page, entra.Admin);
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        var hintedBefore = entra.ProviderOutput.Count(line => line == "end_session id_token_hint=present");

        await page.Locator("[data-testid=user-menu]").ClickAsync();
        var signOut = page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" })
            .Or(page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }));
        await signOut.First.WaitForAsync(new() { Timeout = 10_000 });
        var request = await page.RunAndWaitForRequestAsync(() => signOut.First.ClickAsync(), r => r.Url.Contains("/account/signout", StringComparison.Ordinal));

        Assert.Equal("POST", request.Method);
        await page.WaitForURLAsync(url => url == entra.BaseUrl + "/account/signed-out", new() { Timeout = 30_000 });
        Assert.Equal(hintedBefore + 1, entra.ProviderOutput.Count(line => line == "end_session id_token_hint=present"));
        await ScreenshotAsync(page, "entra-signed-out");

        // Both sessions ended: the app asks to sign in, and the provider asks who is signing in instead of answering at once.
        await page.GotoAsync("/");
        await entra.ContinueToProviderAsync(page);
        Assert.True(await page.Locator("#login").IsVisibleAsync());
    }
}
