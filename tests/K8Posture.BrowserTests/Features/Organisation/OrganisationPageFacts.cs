using K8Posture.BrowserTests.Infrastructure;
using Microsoft.Playwright;

namespace K8Posture.BrowserTests.Features.Organisation;

[Collection(BrowserCollection.Name)]
public sealed class OrganisationPageFacts(BrowserAppFixture app)
{
    private static readonly LocatorAssertionsToBeVisibleOptions Visible = new() { Timeout = 15_000 };

    private static ILocator Input(IPage page, string testId) => page.Locator($"[data-testid={testId}]").Locator("xpath=descendant-or-self::input");

    /// <summary>The error MudBlazor shows under the input with <paramref name="testId"/>.</summary>
    private static ILocator FieldError(IPage page, string testId) =>
        page.Locator($"[data-testid={testId}]").Locator("xpath=ancestor::div[contains(concat(' ', @class, ' '), ' mud-input-control ')][1]").Locator(".mud-input-helper-text.mud-input-error");

    private static string Shot(string name) => Path.Combine(BrowserAppFixture.ScreenshotFolder, name);

    [Fact]
    public async Task An_admin_sets_up_a_business_unit_and_a_team_finds_renames_and_deletes_it()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "Security.Admin");
        await page.GotoAsync("/admin/organisation");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        var teamRows = page.Locator("[data-testid=teams-table] tbody tr");
        await Assertions.Expect(page.Locator("[data-testid=team-name]", new() { HasTextString = "Payments" })).ToBeVisibleAsync(Visible);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("organisation.png"), FullPage = true });

        var suffix = Guid.NewGuid().ToString("N")[..6];
        var unit = "Treasury " + suffix;
        var team = "Cash Ops " + suffix;

        // A business unit, through its dialog.
        await page.ClickAsync("role=tab[name='Business units']");
        await page.ClickAsync("[data-testid=business-unit-new]");
        await Input(page, "business-unit-name-input").FillAsync(unit);
        await page.ClickAsync("[data-testid=business-unit-save]");
        await Assertions.Expect(page.Locator("[data-testid=business-unit-name]", new() { HasTextString = unit })).ToBeVisibleAsync(Visible);

        // A team in it, with a contact and an Entra group; an invalid e-mail is refused on its field first.
        await page.ClickAsync("role=tab[name='Teams']");
        await page.ClickAsync("[data-testid=team-new]");
        await Input(page, "team-name-input").FillAsync(team);
        await page.ClickAsync("[data-testid=team-business-unit]");
        await page.ClickAsync($".mud-popover-open .mud-list-item:has-text('{unit}')");
        await Input(page, "team-email-input").FillAsync("cash ops at example");
        await Input(page, "team-channel-input").FillAsync("#cash-ops");
        await page.ClickAsync("[data-testid=team-save]");
        await Assertions.Expect(FieldError(page, "team-email-input")).ToContainTextAsync("is not an e-mail address", new() { Timeout = 15_000 });
        Assert.Equal(1, await page.Locator("[data-testid=team-dialog]").CountAsync());

        await Input(page, "team-email-input").FillAsync("cash-ops@example.com");
        await Input(page, "group-id-input").FillAsync("9a0b1c2d-3e4f-4a5b-8c6d-" + suffix + "000000");
        await Input(page, "group-name-input").FillAsync("sg-cash-ops");
        await page.ClickAsync("[data-testid=group-add]");
        await Assertions.Expect(page.Locator("[data-testid=team-dialog-group]")).ToContainTextAsync("sg-cash-ops", new() { Timeout = 15_000 });
        await Assertions.Expect(FieldError(page, "team-email-input")).ToHaveCountAsync(0);
        await page.Locator(".mud-dialog").ScreenshotAsync(new LocatorScreenshotOptions { Path = Shot("organisation-team-dialog.png") });
        await page.ClickAsync("[data-testid=team-save]");
        await Assertions.Expect(page.Locator(".mud-snackbar", new() { HasTextString = $"Team {team} created." })).ToBeVisibleAsync(Visible);

        var row = page.Locator("[data-testid=teams-table] tbody tr", new() { HasTextString = team });
        await Assertions.Expect(row).ToContainTextAsync(unit, new() { Timeout = 15_000 });
        await Assertions.Expect(row.Locator("[data-testid=team-email]")).ToHaveAttributeAsync("href", "mailto:cash-ops@example.com");
        await Assertions.Expect(row.Locator("[data-testid=team-group]")).ToContainTextAsync("sg-cash-ops");

        // The search narrows the list as one types.
        await Input(page, "team-search").FillAsync(suffix);
        await Assertions.Expect(teamRows).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await Assertions.Expect(teamRows).ToContainTextAsync(team);

        // Rename it.
        var renamed = "Cash Management " + suffix;
        await row.Locator("[data-testid=team-edit]").ClickAsync();
        await Input(page, "team-name-input").FillAsync(renamed);
        await page.ClickAsync("[data-testid=team-save]");
        await Assertions.Expect(page.Locator("[data-testid=team-name]", new() { HasTextString = renamed })).ToBeVisibleAsync(Visible);
        await Assertions.Expect(page.Locator("[data-testid=team-name]", new() { HasTextString = team })).ToHaveCountAsync(0);

        // It owns nothing: a plain confirmation deletes it.
        await page.Locator("[data-testid=teams-table] tbody tr", new() { HasTextString = renamed }).Locator("[data-testid=team-delete]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=team-owns-nothing]")).ToBeVisibleAsync(Visible);
        await page.ClickAsync("[data-testid=delete-team-confirm]");
        await Assertions.Expect(page.Locator("[data-testid=teams-empty]")).ToContainTextAsync("No team matches", new() { Timeout = 15_000 });

        // A team that owns findings and namespaces offers the hand-over instead.
        await Input(page, "team-search").FillAsync("Payments");
        var payments = page.Locator("[data-testid=teams-table] tbody tr", new() { HasTextString = "Payments" });
        await Assertions.Expect(payments).ToHaveCountAsync(1, new() { Timeout = 15_000 });
        await payments.Locator("[data-testid=team-delete]").ClickAsync();
        await Assertions.Expect(page.Locator("[data-testid=team-holdings]")).ToContainTextAsync("Payments still owns", new() { Timeout = 15_000 });
        await Assertions.Expect(page.Locator("[data-testid=team-holdings]")).ToContainTextAsync("findings");
        await Assertions.Expect(page.Locator("[data-testid=handover-select]")).ToBeVisibleAsync();
        await Assertions.Expect(page.Locator("[data-testid=delete-team-confirm]")).ToBeDisabledAsync();
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("organisation-delete-team.png") });
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();

        // The business unit, empty again, goes too.
        await page.ClickAsync("role=tab[name='Business units']");
        var unitRow = page.Locator("[data-testid=business-units-table] tbody tr", new() { HasTextString = unit });
        await unitRow.Locator("[data-testid=business-unit-delete]").ClickAsync();
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Delete" }).ClickAsync();
        await Assertions.Expect(unitRow).ToHaveCountAsync(0, new() { Timeout = 15_000 });
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("organisation-business-units.png"), FullPage = true });

        await page.ClickAsync("role=tab[name='Applications']");
        await Assertions.Expect(page.Locator("[data-testid=applications-table]")).ToBeVisibleAsync(Visible);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("organisation-applications.png"), FullPage = true });
        await page.ClickAsync("role=tab[name='Pipeline identities']");
        await page.ClickAsync("[data-testid=pipeline-identity-new]");
        await Assertions.Expect(page.Locator(".mud-dialog")).ToBeVisibleAsync(Visible);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Shot("organisation-pipeline-identity-dialog.png"), FullPage = true });
    }

    [Fact]
    public async Task An_app_team_member_is_denied_the_organisation_page()
    {
        var page = await app.NewPageAsync();
        await BrowserAppFixture.SignInAsync(page, "AppTeam.Member", "Payments");

        await page.GotoAsync("/admin/organisation");

        await page.WaitForURLAsync(url => url.Contains("/account/access-denied", StringComparison.Ordinal));
        Assert.Equal(0, await page.Locator("[data-testid=teams-table]").CountAsync());
    }
}
