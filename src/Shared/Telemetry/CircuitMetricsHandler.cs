using Microsoft.AspNetCore.Components.Server.Circuits;

namespace K8Posture.Shared.Telemetry;

/// <summary>Counts open circuits, and starts the circuit's first page view when the circuit opens.</summary>
internal sealed class CircuitMetricsHandler(K8PostureMetrics metrics, PageViewClock clock) : CircuitHandler
{
    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        clock.Restart();
        metrics.CircuitOpened();
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        metrics.CircuitClosed();
        return Task.CompletedTask;
    }
}
