using K8Posture;
using K8Posture.Data;
using K8Posture.Features;
using K8Posture.Jobs;
using K8Posture.Security;
using K8Posture.Shared.Telemetry;

if (args is [HealthProbe.Verb])
{
    return await HealthProbe.RunAsync();
}

var builder = WebApplication.CreateBuilder(args);
if (AdminCommands.IsCommand(args))
{
    // Operator verbs print their result (such as a new key) alone on standard output; logs go to standard error.
    builder.Logging.AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
}

builder.AddK8PostureData();
builder.AddK8PostureSecurity();
builder.AddK8PostureJobs();
builder.AddK8PostureWeb();
builder.AddK8PostureFeatures();
builder.AddK8PostureTelemetry();

var app = builder.Build();

if (AdminCommands.IsCommand(args))
{
    return await AdminCommands.RunAsync(app, args);
}

await app.PrepareDatabaseAsync();
app.UseK8PosturePipeline();
app.MapK8PostureEndpoints();
app.MapK8PostureFeatures();
await app.RunAsync();
return 0;

/// <summary>Lets WebApplicationFactory find the entry point.</summary>
public partial class Program;
