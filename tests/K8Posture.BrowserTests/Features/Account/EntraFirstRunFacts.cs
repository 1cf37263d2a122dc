using K8Posture.Shared.Http;
using System.Net;
using System.Text;
using System.Text.Json;
using K8Posture.BrowserTests.Infrastructure;
using K8Posture.Features.Admin;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Organisation;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.BrowserTests.Features.Account;

/// <summary>
/// Issue 13's "done when", end to end on a fresh install (Demo:Seed=false) signed in through Entra ID: the operator
/// mints an admin key, imports the organisation as code, mints a key per team, each team's pipeline pushes a real
/// Trivy report, and a member of one team signs in through the local Entra-shaped provider and sees exactly that
/// team's findings.
/// </summary>
public sealed class EntraFirstRunFacts(EntraAppFixture entra) : IClassFixture<EntraAppFixture>
{
    private static readonly SemaphoreSlim ConsoleGate = new(1, 1);

    /// <summary><c>api-key create …</c> as the operator runs it (the verb prints only the key), in this process.</summary>
    private async Task<string> OperatorCreatesKeyAsync(params string[] options)
    {
        await ConsoleGate.WaitAsync();
        var console = Console.Out;
        using var printed = new StringWriter();
        try
        {
            Console.SetOut(printed);
            var exitCode = await ApiKeyCommand.CreateAsync(entra.App.Services, options);
            Assert.Equal(0, exitCode);
        }
        finally
        {
            Console.SetOut(console);
            ConsoleGate.Release();
        }
        // Other tests may write to the console meanwhile; the key is the line the verb printed.
        return Assert.Single(printed.ToString().Split('\n', StringSplitOptions.TrimEntries), line => line.StartsWith("k8p_", StringComparison.Ordinal));
    }

    private string OrganisationDocument(string warehouseGroupId) => $"""
        apiVersion: k8posture.io/v1
        kind: Organisation
        businessUnits:
          - name: Retail
            description: Shops and the warehouses behind them
            teams:
              - name: Checkout
                contactEmail: checkout-sec@contoso.test
                chatChannel: "#checkout-security"
                groups:
                  - id: {entra.LeadGroupId}
                    displayName: sg-k8posture-checkout
              - name: Warehouse
                contactEmail: warehouse@contoso.test
                groups:
                  - id: {warehouseGroupId}
                    displayName: sg-k8posture-warehouse
        """;

    private async Task<OrganisationDiff> ImportAsync(string adminKey, string document)
    {
        using var client = entra.App.CreateApiClient(adminKey);
        using var response = await client.PostAsync("/api/v1/organisation", new StringContent(document, Encoding.UTF8, "application/yaml"));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonSerializer.Deserialize<OrganisationDiff>(body, HttpJson.Indented)!;
    }

    [Fact]
    public async Task A_fresh_install_is_set_up_as_code_and_a_team_member_signed_in_through_entra_sees_exactly_their_teams_findings()
    {
        Assert.Equal(0, await entra.App.WithDbAsync(db => db.Teams.CountAsync()));
        Assert.Equal(0, await entra.App.WithDbAsync(db => db.Findings.CountAsync()));

        var adminKey = await OperatorCreatesKeyAsync("--name", "first-run-admin", "--scopes", "admin");
        var document = OrganisationDocument(warehouseGroupId: Guid.NewGuid().ToString());
        var imported = await ImportAsync(adminKey, document);
        Assert.True(imported.Applied);
        Assert.True(imported.Totals.Create >= 3, $"the import created {imported.Totals.Create} entities");
        var again = await ImportAsync(adminKey, document);
        Assert.Equal((0, 0), (again.Totals.Create, again.Totals.Update));

        var checkoutKey = await OperatorCreatesKeyAsync("--name", "checkout-ci", "--team", "Checkout", "--scopes", "ingest");
        var warehouseKey = await OperatorCreatesKeyAsync("--name", "warehouse-ci", "--team", "Warehouse", "--scopes", "ingest");
        var checkout = await EntraAppFixture.ReadJsonAsync<IngestOutcome>(
            await entra.PushScanAsync(checkoutKey, "trivy/alpine-310.json.golden", "scope=image:checkout-api&pipeline=checkout-ci"));
        var warehouse = await EntraAppFixture.ReadJsonAsync<IngestOutcome>(
            await entra.PushScanAsync(warehouseKey, "trivy/ubuntu-1804.json.golden", "scope=image:warehouse-api&pipeline=warehouse-ci"));
        Assert.True(checkout.Created > 0 && warehouse.Created > 0);

        var page = await entra.NewPageAsync();
        await entra.SignInAsync(page, entra.TeamLead);

        await page.GotoAsync("/findings");
        await BrowserAppFixture.WaitForInteractiveAsync(page);
        await page.WaitForSelectorAsync("[data-testid=finding-team]", new() { Timeout = 30_000 });
        var findingTeams = await page.Locator("[data-testid=finding-team]").AllInnerTextsAsync();
        await page.ScreenshotAsync(new() { Path = Path.Combine(BrowserAppFixture.ScreenshotFolder, "entra-first-run-team-findings.png"), FullPage = true });
        Assert.Equal(checkout.Created, findingTeams.Count);
        Assert.All(findingTeams, team => Assert.Equal("Checkout", team));
        Assert.DoesNotContain("Warehouse", await page.Locator("[data-testid=findings-grid]").InnerTextAsync(), StringComparison.Ordinal);

        await page.GotoAsync("/teams");
        await page.WaitForSelectorAsync("[data-testid=teams-table]", new() { Timeout = 30_000 });
        Assert.Equal(["Checkout"], await page.Locator("[data-testid=team-link]").AllInnerTextsAsync());
    }
}
