namespace K8Posture.Features.Demo;

/// <summary>
/// A feature's part of the demo landscape. Runs once, after the teams, clusters and demo scans exist, in a
/// scope bound to the system (<c>demo:seed</c>). Register with <c>services.AddScoped&lt;IDemoSeedContributor, …&gt;()</c>.
/// </summary>
public interface IDemoSeedContributor
{
    /// <summary>Lower runs first (alerts and inventory before governance, which may refer to them).</summary>
    int Order => 0;

    Task SeedAsync(IServiceProvider services, CancellationToken cancellationToken);
}
