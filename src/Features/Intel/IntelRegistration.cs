using Hangfire;
using Microsoft.Extensions.Options;

namespace K8Posture.Features.Intel;

public static class IntelRegistration
{
    public static IServiceCollection AddIntel(this IServiceCollection services)
    {
        services.AddOptions<IntelOptions>().BindConfiguration(IntelOptions.SectionName);
        services.AddScoped<IntelFeedLoader>();
        services.AddScoped<FixFirstQuery>();
        services.AddScoped<IntelFeedJob>();
        services.AddHttpClient(IntelFeedJob.HttpClientName, c => c.Timeout = TimeSpan.FromMinutes(5));
        return services;
    }

    /// <summary>Maps the API and schedules the feed fetch (only while a URL is configured) and the hourly re-score.</summary>
    public static IEndpointRouteBuilder MapIntel(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapIntelApi();
        var recurring = endpoints.ServiceProvider.GetService<IRecurringJobManager>();
        if (recurring is not null)
        {
            var options = endpoints.ServiceProvider.GetRequiredService<IOptions<IntelOptions>>().Value;
            if (string.IsNullOrWhiteSpace(options.KevUrl) && string.IsNullOrWhiteSpace(options.EpssUrl))
            {
                recurring.RemoveIfExists(IntelFeedJob.FetchRecurringId);
            }
            else
            {
                recurring.AddOrUpdate<IntelFeedJob>(IntelFeedJob.FetchRecurringId, job => job.FetchAsync(CancellationToken.None), options.FetchSchedule);
            }
            recurring.AddOrUpdate<IntelFeedJob>(IntelFeedJob.RescoreRecurringId, job => job.RescoreAsync(CancellationToken.None), options.RescoreSchedule);
        }
        return endpoints;
    }
}
