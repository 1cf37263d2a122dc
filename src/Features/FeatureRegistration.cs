using K8Posture.Features.Account;
using K8Posture.Features.Audit;
using K8Posture.Features.Admin;
using K8Posture.Features.Alerts;
using K8Posture.Features.Clusters;
using K8Posture.Features.Findings;
using K8Posture.Features.Governance;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Ingestion.Batches;
using K8Posture.Features.Intel;
using K8Posture.Features.Inventory;
using K8Posture.Features.Landscape;
using K8Posture.Features.Organisation;
using K8Posture.Features.Policy;
using K8Posture.Features.Scorecard;
using K8Posture.Features.Remediation;
using K8Posture.Features.Reports;
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
        builder.Services.AddScorecard();
        builder.Services.AddInventory();
        builder.Services.AddGovernance();
        builder.Services.AddRemediation();
        builder.Services.AddAlerts();
        builder.Services.AddReports();
        builder.Services.AddAudit();
        builder.Services.AddTeams();
        builder.Services.AddOrganisation();
        builder.Services.AddOrganisationAsCode();
        builder.Services.AddIntel();
        return builder;
    }

    public static IEndpointRouteBuilder MapFeatureEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapAccountEndpoints();
        endpoints.MapIngestionEndpoints();
        endpoints.MapIngestBatchEndpoints();
        endpoints.MapFindingsEndpoints();
        endpoints.MapPostureApi();
        endpoints.MapAdminEndpoints();
        endpoints.MapPolicyEngineEndpoints();
        endpoints.MapClusterEndpoints();
        endpoints.MapScorecardEndpoints();
        endpoints.MapInventoryEndpoints();
        endpoints.MapGovernanceEndpoints();
        endpoints.MapRemediation();
        endpoints.MapAlertsEndpoints();
        endpoints.MapReportsEndpoints();
        endpoints.MapOrganisationEndpoints();
        endpoints.MapOrganisationAsCode();
        endpoints.MapIntel();
        return endpoints;
    }
}
