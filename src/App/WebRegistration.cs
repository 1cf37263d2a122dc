using AppRoot = K8Posture.App.App;
using K8Posture.Shared.Http;
using K8Posture.Data;
using K8Posture.Jobs;
using K8Posture.Security;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using MudBlazor.Services;
using Scalar.AspNetCore;

namespace K8Posture;

public static class WebRegistration
{
    public static WebApplicationBuilder AddK8PostureWeb(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            builder.Logging.ClearProviders().AddJsonConsole(o => o.IncludeScopes = true);
        }
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<K8Posture.Shared.LandscapeChangeNotifier>();
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.AddAzureSignalRWhenConfigured();
        builder.Services.AddMudServices();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<ProblemExceptionHandler>();
        builder.Services.AddHttpJson();
        builder.Services.AddOpenApi();
        builder.Services.AddHttpContextAccessor();
        return builder;
    }

    public static async Task PrepareDatabaseAsync(this WebApplication app)
    {
        if (app.Environment.IsDevelopment() || app.Configuration.GetValue("Database:MigrateAtStart", false))
        {
            await DataRegistration.MigrateAsync(app.Services);
        }
        if (app.Configuration.GetValue("Demo:Seed", false))
        {
            await K8Posture.Features.Demo.DemoSeeder.SeedIfEmptyAsync(app.Services);
        }
    }

    public static WebApplication UseK8PosturePipeline(this WebApplication app)
    {
        app.UseSecurityHeaders();
        app.UseTransportSecurity();
        // In every environment: refusals (ProblemException) are problem details in development too, where the developer
        // exception page would otherwise turn them into 500s.
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        // Before authentication too: checking a key reads the database.
        app.UseDatabaseFaultProblems();
        // Before authentication: a refused request costs no key look-up, no token validation and no body read.
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseDataScope();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }

    public static WebApplication MapK8PostureEndpoints(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/readyz", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = ReadinessReport.WriteAsync });
        var openApi = app.MapOpenApi();
        var scalar = app.MapScalarApiReference("/scalar", (options, context) =>
            // Scalar's fonts would come from its CDN, which the Content-Security-Policy does not allow; the browser's own fonts do.
            options.WithNonce(context.CspNonce()).DisableDefaultFonts());
        if (ApiDocsAccess.RequiresSignIn(app.Configuration, app.Environment))
        {
            openApi.RequireAuthorization(Policies.ApiDocs);
            scalar.RequireAuthorization(Policies.ApiDocs);
        }
        app.UseK8PostureJobs();
        app.MapRazorComponents<AppRoot>()
            .AddInteractiveServerRenderMode();
        return app;
    }
}
