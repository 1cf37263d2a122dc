using K8Posture.Features.Account;
using K8Posture.Features.Admin;
using K8Posture.Features.Alerts;
using K8Posture.Features.Audit;
using K8Posture.Features.Clusters;
using K8Posture.Features.Findings;
using K8Posture.Features.Governance;
using K8Posture.Features.Ingestion;
using K8Posture.Features.Intel;
using K8Posture.Features.Inventory;
using K8Posture.Features.Landscape;
using K8Posture.Features.Organisation;
using K8Posture.Features.Packages;
using K8Posture.Features.Policy;
using K8Posture.Features.Raci;
using K8Posture.Features.Remediation;
using K8Posture.Features.Reports;
using K8Posture.Features.Rules;
using K8Posture.Features.Scorecard;
using K8Posture.Features.Teams;
using K8Posture.Features.Tenancy;
using K8Posture.Features.Vex;
using K8Posture.Features.Tickets;

namespace K8Posture.Features;

/// <summary>
/// The slices. Each owns its registration in <c>&lt;Slice&gt;/&lt;Slice&gt;Registration.cs</c>: its services, recurring
/// jobs, demo data, exports and report parts (<c>Add&lt;Slice&gt;</c>) and its endpoints (<c>Map&lt;Slice&gt;</c>).
/// </summary>
public static class FeatureRegistration
{
    /// <remarks>In this order: exports are listed and demo data is seeded (within one <c>Order</c>) in registration order.</remarks>
    public static WebApplicationBuilder AddK8PostureFeatures(this WebApplicationBuilder builder)
    {
        builder.Services
            .AddIngestion()
            .AddFindings()
            .AddLandscape()
            .AddAdmin()
            .AddRules()
            .AddPolicy()
            .AddClusters()
            .AddScorecard()
            .AddInventory()
            .AddGovernance()
            .AddRaci()
            .AddTenancy()
            .AddRemediation()
            .AddAlerts()
            .AddReports()
            .AddAudit()
            .AddTeams()
            .AddOrganisation()
            .AddIntel()
            .AddPackages()
            .AddVex()
            .AddTickets();
        return builder;
    }

    public static IEndpointRouteBuilder MapK8PostureFeatures(this IEndpointRouteBuilder endpoints) => endpoints
        .MapAccount()
        .MapIngestion()
        .MapFindings()
        .MapLandscape()
        .MapRules()
        .MapPolicy()
        .MapClusters()
        .MapScorecard()
        .MapInventory()
        .MapRaci()
        .MapTenancy()
        .MapRemediation()
        .MapAlerts()
        .MapReports()
        .MapOrganisation()
        .MapIntel()
        .MapPackages()
        .MapVex()
        .MapTickets();
}
