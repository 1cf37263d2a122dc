using K8Posture.App;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace K8Posture.ComponentTests.App;

/// <summary>
/// Issue 23: a page that meets the database going away shows a banner saying so (not a dead circuit) and comes back by
/// itself once the database answers again; any other failure shows a plain error, not the database banner.
/// </summary>
public sealed class DatabaseFaultBoundaryFacts
{
    [Fact]
    public async Task A_page_that_meets_a_locked_database_shows_the_banner_and_comes_back_by_itself()
    {
        await using var portal = new TestPortal();
        portal.SignIn("ana", K8Posture.Security.Roles.SecurityAnalyst);
        var page = new FlakyPage.State { Failure = new SqliteException("database is locked", 5) };
        portal.Context.Services.AddSingleton(page);

        var rendered = portal.Context.Render<DatabaseFaultBoundary>(p => p.AddChildContent<FlakyPage>());

        var banner = rendered.Find("[data-testid=database-fault-banner]");
        Assert.Contains("locked by another process", banner.TextContent, StringComparison.Ordinal);
        Assert.Empty(rendered.FindAll("[data-testid=flaky-page]"));

        page.Failure = null;
        rendered.WaitForAssertion(() => Assert.Single(rendered.FindAll("[data-testid=flaky-page]")), TimeSpan.FromSeconds(DatabaseFaultBoundary.RetrySeconds * 3));
        Assert.Empty(rendered.FindAll("[data-testid=database-fault-banner]"));
    }

    [Fact]
    public async Task Any_other_failure_shows_a_plain_error_not_the_database_banner()
    {
        await using var portal = new TestPortal();
        portal.SignIn("ana", K8Posture.Security.Roles.SecurityAnalyst);
        portal.Context.Services.AddSingleton(new FlakyPage.State { Failure = new InvalidOperationException("a bug") });

        var rendered = portal.Context.Render<DatabaseFaultBoundary>(p => p.AddChildContent<FlakyPage>());

        Assert.Single(rendered.FindAll("[data-testid=page-error-banner]"));
        Assert.Empty(rendered.FindAll("[data-testid=database-fault-banner]"));
    }

    /// <summary>A page whose data load fails while <see cref="State.Failure"/> is set.</summary>
    private sealed class FlakyPage : ComponentBase
    {
        [Inject] private State Page { get; set; } = default!;

        protected override void OnInitialized()
        {
            if (Page.Failure is { } failure)
            {
                throw failure;
            }
        }

        protected override void BuildRenderTree(RenderTreeBuilder builder)
        {
            builder.OpenElement(0, "p");
            builder.AddAttribute(1, "data-testid", "flaky-page");
            builder.AddContent(2, "findings");
            builder.CloseElement();
        }

        public sealed class State
        {
            public Exception? Failure { get; set; }
        }
    }
}
