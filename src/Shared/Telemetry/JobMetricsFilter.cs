using System.Diagnostics;
using Hangfire.Common;
using Hangfire.Server;

namespace K8Posture.Shared.Telemetry;

/// <summary>
/// Times every background job on this server (<c>k8posture.job.duration</c>, tagged by job and outcome). Hangfire's
/// ASP.NET Core integration picks up <see cref="IJobFilter"/> services, so the filter belongs to this app only.
/// </summary>
internal sealed class JobMetricsFilter(K8PostureMetrics metrics) : IJobFilter, IServerFilter
{
    private const string StartedKey = "k8posture.job.started";

    public bool AllowMultiple => false;

    public int Order => 0;

    public void OnPerforming(PerformingContext context) => context.Items[StartedKey] = Stopwatch.GetTimestamp();

    public void OnPerformed(PerformedContext context)
    {
        if (context.Items.TryGetValue(StartedKey, out var started) && started is long timestamp)
        {
            var job = context.BackgroundJob.Job;
            var name = job is null ? "unknown" : $"{job.Type.Name}.{job.Method.Name}";
            metrics.JobRan(name, context.Exception is null || context.ExceptionHandled, Stopwatch.GetElapsedTime(timestamp));
        }
    }
}
