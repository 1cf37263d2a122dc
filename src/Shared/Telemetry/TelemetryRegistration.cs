using Hangfire.Common;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Metrics;

namespace K8Posture.Shared.Telemetry;

public static class TelemetryRegistration
{
    public const string OtlpEndpointKey = "Telemetry:OtlpEndpoint";

    /// <summary>
    /// The <c>K8Posture</c> meter and what feeds it. Exported over OTLP only when <c>Telemetry:OtlpEndpoint</c> is set
    /// (off by default): the instruments cost nothing until something listens.
    /// </summary>
    public static WebApplicationBuilder AddK8PostureTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddK8PostureMetrics();
        builder.Services.AddScoped<CircuitHandler, CircuitMetricsHandler>();
        builder.Services.AddSingleton<IJobFilter, JobMetricsFilter>();

        if (builder.Configuration[OtlpEndpointKey] is { Length: > 0 } endpoint)
        {
            builder.Services.AddOpenTelemetry()
                .WithMetrics(metrics => metrics
                    .AddMeter(K8PostureMetrics.MeterName)
                    .AddOtlpExporter(otlp => otlp.Endpoint = new Uri(endpoint)));
        }
        return builder;
    }

    /// <summary>The instruments and the page-view clock pages use, without the circuit handler or the job filter (benchmarks, bUnit).</summary>
    public static IServiceCollection AddK8PostureMetrics(this IServiceCollection services)
    {
        services.AddMetrics();
        services.TryAddSingleton<K8PostureMetrics>();
        services.TryAddScoped<PageViewClock>();
        return services;
    }
}
