using System.Linq.Expressions;
using Hangfire;

namespace K8Posture.Jobs;

/// <summary>A recurring job a slice asked for; <see cref="RecurringJobs.ScheduleRecurringJobs"/> hands every one to Hangfire at start.</summary>
public sealed record RecurringJobSchedule(string Id, Action<IRecurringJobManager, IServiceProvider> AddOrUpdate);

/// <summary>
/// The one way a slice schedules a recurring job: <c>services.AddRecurringJob&lt;TJob&gt;(id, job => job.RunAsync(…), cron)</c>
/// in its registration. Schedules are UTC; the job class itself is resolved from the container when it runs.
/// </summary>
public static class RecurringJobs
{
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, string id, Expression<Func<TJob, Task>> run, string cron) =>
        services.AddRecurringJob(id, run, _ => cron);

    /// <param name="cron">Read when the app starts, for a schedule that comes from configuration; null switches the job off (removes it).</param>
    public static IServiceCollection AddRecurringJob<TJob>(this IServiceCollection services, string id, Expression<Func<TJob, Task>> run, Func<IServiceProvider, string?> cron) =>
        services.AddSingleton(new RecurringJobSchedule(id, (manager, provider) =>
        {
            if (cron(provider) is { } schedule)
            {
                manager.AddOrUpdate(id, run, schedule);
            }
            else
            {
                manager.RemoveIfExists(id);
            }
        }));

    public static void ScheduleRecurringJobs(this IServiceProvider services)
    {
        var manager = services.GetRequiredService<IRecurringJobManager>();
        foreach (var schedule in services.GetServices<RecurringJobSchedule>())
        {
            schedule.AddOrUpdate(manager, services);
        }
    }
}
