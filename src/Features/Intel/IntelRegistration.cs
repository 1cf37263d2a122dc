using K8Posture.Jobs;
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
        services.AddSingleton<Ingestion.IFindingPushFollowUp, IntelPushFollowUp>();
        services.AddHttpClient(IntelFeedJob.HttpClientName, c => c.Timeout = TimeSpan.FromMinutes(5));
        // The feed fetch runs only while a feed URL is configured; the re-score always (runtime context changes too).
        services.AddRecurringJob<IntelFeedJob>(IntelFeedJob.FetchRecurringId, job => job.FetchAsync(CancellationToken.None), provider =>
        {
            var options = provider.GetRequiredService<IOptions<IntelOptions>>().Value;
            return string.IsNullOrWhiteSpace(options.KevUrl) && string.IsNullOrWhiteSpace(options.EpssUrl) ? null : options.FetchSchedule;
        });
        services.AddRecurringJob<IntelFeedJob>(IntelFeedJob.RescoreRecurringId, job => job.RescoreAsync(CancellationToken.None),
            provider => provider.GetRequiredService<IOptions<IntelOptions>>().Value.RescoreSchedule);
        return services;
    }

    public static IEndpointRouteBuilder MapIntel(this IEndpointRouteBuilder endpoints) => endpoints.MapIntelApi();
}
