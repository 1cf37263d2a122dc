using K8Posture.Data;
using K8Posture.Shared;

namespace K8Posture.Features.Remediation;

/// <summary>
/// After every change of findings (a push, a collection), covers new matches of approved rule-scope risk acceptances, so a
/// finding an acceptance already speaks for does not show as open for a day. Runs off the request path, one pass at a time;
/// changes arriving during a pass cause exactly one more pass. The daily expiry job does the same as a safety net.
/// </summary>
public sealed class RuleScopeCoverage(LandscapeChangeNotifier notifier, IServiceScopeFactory scopes, ILogger<RuleScopeCoverage> logger) : IHostedService
{
    private readonly SemaphoreSlim _running = new(1, 1);
    private IDisposable? _subscription;
    private int _pending;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = notifier.Subscribe(OnFindingsChangedAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        return Task.CompletedTask;
    }

    private Task OnFindingsChangedAsync()
    {
        if (Interlocked.Exchange(ref _pending, 1) == 0)
        {
            _ = Task.Run(RunPassesAsync);
        }
        return Task.CompletedTask;
    }

    /// <summary>For tests and the demo: one pass now.</summary>
    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await _running.WaitAsync(cancellationToken);
        try
        {
            await using var scope = scopes.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<DataScope>().SetSystem("system:risk-acceptance");
            return await scope.ServiceProvider.GetRequiredService<RiskAcceptanceService>().ApplyRuleScopesAsync(cancellationToken);
        }
        finally
        {
            _running.Release();
        }
    }

    private async Task RunPassesAsync()
    {
        while (Interlocked.Exchange(ref _pending, 0) == 1)
        {
            try
            {
                await RunOnceAsync(CancellationToken.None);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Covering new findings by rule-scope risk acceptances failed; the daily job will retry");
            }
        }
    }
}
