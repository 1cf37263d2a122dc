namespace K8Posture.Features.Landscape;

/// <summary>Which runtime signals to count: null lists mean "any"; the caller's team scope must still apply.</summary>
public sealed record LandscapeSignalQuery(IReadOnlyList<int>? TeamIds, IReadOnlyList<int>? ClusterIds, DateTimeOffset Since);

public sealed record ScopeAlertCount(int ClusterId, string? Namespace, int Count);

public sealed record IocClassCount(string IocClass, int Count);

/// <summary>
/// Runtime alert counts for the landscape. <see cref="HasSensorData"/> false means no sensor ever reported, which the
/// page says plainly ("no runtime sensor data yet") rather than showing zeros.
/// </summary>
public sealed record RuntimeSignals(bool HasSensorData, int AlertsSince, IReadOnlyList<ScopeAlertCount> ByScope, IReadOnlyList<IocClassCount> ByIocClass)
{
    public static readonly RuntimeSignals NoData = new(false, 0, [], []);

    public int AlertsIn(int clusterId, string? @namespace = null) =>
        ByScope.Where(s => s.ClusterId == clusterId && (@namespace is null || s.Namespace == @namespace)).Sum(s => s.Count);
}

/// <summary>
/// The landscape's view of runtime alerts (Falco, Tetragon, …), so the landscape does not reach into the alerts slice.
/// The alerts slice implements it over its own entity, reading through the scoped <c>K8PostureDbContext</c> so app
/// teams count only their alerts, and registers it (AlertsRegistration).
/// </summary>
public interface ILandscapeSignalSource
{
    Task<RuntimeSignals> GetAsync(LandscapeSignalQuery query, CancellationToken cancellationToken);
}
