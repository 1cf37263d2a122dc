using K8Posture.Features.Findings;
using K8Posture.Security;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.ComponentTests.Features.Findings;

public sealed class FindingsEndpointsFacts
{
    [Fact]
    public async Task Returns_a_page_of_filtered_findings()
    {
        await using var portal = new TestPortal();
        await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.Auditor);
        var query = portal.Context.Services.GetRequiredService<FindingsQuery>();

        var result = await FindingsEndpoints.ListFindingsAsync(query, CancellationToken.None, page: 1, pageSize: 2, category: "vulnerability", sort: "-lastSeen");

        var ok = Assert.IsType<Ok<FindingsApiPage>>(result.Result);
        Assert.Equal(3, ok.Value!.Total);
        Assert.Equal(2, ok.Value.Items.Count);
        Assert.Equal(1, ok.Value.Page);
        Assert.Equal(2, ok.Value.PageSize);
    }

    [Theory]
    [InlineData("category", "Misc")]
    [InlineData("severity", "7")]
    [InlineData("status", "Pending")]
    [InlineData("sort", "owner")]
    public async Task Rejects_an_invalid_value_naming_the_parameter(string parameter, string value)
    {
        await using var portal = new TestPortal();
        portal.SignIn("ana", Roles.Auditor);
        var query = portal.Context.Services.GetRequiredService<FindingsQuery>();

        var result = await FindingsEndpoints.ListFindingsAsync(query, CancellationToken.None,
            category: parameter == "category" ? value : null,
            severity: parameter == "severity" ? value : null,
            status: parameter == "status" ? value : null,
            sort: parameter == "sort" ? value : null);

        var problem = Assert.IsType<ValidationProblem>(result.Result);
        Assert.Equal(400, problem.StatusCode);
        Assert.Equal([parameter], problem.ProblemDetails.Errors.Keys);
    }

    [Fact]
    public async Task Search_matches_vulnerability_ids_case_insensitively()
    {
        await using var portal = new TestPortal();
        await SeededLandscape.CreateAsync(portal);
        portal.SignIn("ana", Roles.SecurityAnalyst);
        var query = portal.Context.Services.GetRequiredService<FindingsQuery>();

        var result = await query.ListAsync(new FindingsCriteria(Search: "cve-2024-0002"), 0, 50);

        Assert.Equal("CVE-2024-0002 in glibc", Assert.Single(result.Items).Title);
    }
}
