using K8Posture.Features.Landscape;
using K8Posture.Features.Remediation;
using K8Posture.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace K8Posture.IntegrationTests.Data;

/// <summary>
/// EF Core's "row limiting operator ('Skip'/'Take') without an 'OrderBy'" warning: a query that takes the first n rows of
/// an unordered set gets whichever rows the database reads first. In Development, where every test runs the app, it is an
/// error, so such a query cannot come back unnoticed.
/// </summary>
public sealed class RowLimitOrderingFacts
{
    private const string RowLimitWarning = "row limiting operator";

    [Fact]
    public async Task An_unordered_take_fails_in_the_app_as_development_and_the_tests_run_it()
    {
        await using var app = new K8PostureAppFactory();

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => app.WithDbAsync(db => db.Findings.Take(5).ToListAsync()));
        Assert.Contains("RowLimitingOperationWithoutOrderByWarning", error.Message, StringComparison.Ordinal);

        // Ordered, the same query runs.
        Assert.Empty(await app.WithDbAsync(db => db.Findings.OrderBy(f => f.Id).Take(5).ToListAsync()));
    }

    [Fact]
    public async Task The_demo_start_up_rule_scope_coverage_and_setup_checklist_run_no_unordered_row_limit()
    {
        var logs = new CollectedLogs();
        await using var app = new K8PostureAppFactory(seedDemo: true, builder => builder.ConfigureLogging(logging => logging.AddProvider(logs)));

        // Seeding approves a finding-scoped and a rule-scoped risk acceptance: the two shapes of the coverage query.
        Assert.True(await app.WithDbAsync(db => db.RiskAcceptanceCoverage.CountAsync()) >= 2);
        await app.AsSystemAsync(sp => sp.GetRequiredService<RiskAcceptanceService>().ApplyRuleScopesAsync(CancellationToken.None));
        var setup = await app.AsSystemAsync(sp => sp.GetRequiredService<SetupChecklist>().GetAsync(CancellationToken.None));

        Assert.True(setup.ProcessedPushes > 0);
        var warnings = logs.Entries.Where(e => e.Message.Contains(RowLimitWarning, StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(warnings.Count == 0, string.Join("\n", warnings.Select(w => $"{w.Level} {w.Category}: {w.Message}")));
    }
}
