using K8Posture.Features.Account;
using K8Posture.Features.Admin;
using K8Posture.Features.Clusters;
using K8Posture.Features.Findings;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Batches;
using K8Posture.Features.Landscape;
using K8Posture.Features.Policy;
using K8Posture.Features.Teams;

namespace K8Posture.Features;

/// <summary>Each feature slice registers its own services and maps its own endpoints.</summary>
public static class FeatureRegistration
{
    public static WebApplicationBuilder AddK8PostureFeatures(this WebApplicationBuilder builder)
    {
        builder.Services.AddIngestion();
        builder.Services.AddIngestBatches();
        builder.Services.AddFindings();
        builder.Services.AddLandscape();
        builder.Services.AddAdmin();
        builder.Services.AddPolicyEngine();
        builder.Services.AddClusters();
        builder.Services.AddTeams();
        return builder;
    }

    public static IEndpointRouteBuilder MapFeatureEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAccountEndpoints();
        endpoints.MapIngestionEndpoints();
        endpoints.MapIngestBatchEndpoints();
        endpoints.MapFindingsEndpoints();
        endpoints.MapAdminEndpoints();
        endpoints.MapPolicyEngineEndpoints();
        endpoints.MapClusterEndpoints();
        return endpoints;
    }
}
