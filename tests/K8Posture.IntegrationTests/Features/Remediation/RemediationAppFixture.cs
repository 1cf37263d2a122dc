using K8Posture.IntegrationTests.Infrastructure;

namespace K8Posture.IntegrationTests.Features.Remediation;

/// <summary>One app per test class with a clock the tests can move; tests reset the offset they set.</summary>
public sealed class RemediationAppFixture : IAsyncLifetime
{
    public ShiftableClock Clock { get; } = new();

    public K8PostureAppFactory App { get; }

    public RemediationAppFixture() => App = RemediationTestSupport.AppWithClock(Clock);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await App.DisposeAsync();
}
