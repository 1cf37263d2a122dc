using K8Posture.Data;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace K8Posture.Features.Organisation;

public sealed record BusinessUnitView(int Id, string Name, string? Description, int Teams);
public sealed record BusinessUnitChange(string Name, string? Description);

public sealed record TeamGroupView(string EntraGroupId, string? DisplayName);
public sealed record TeamGroupChange(string EntraGroupId, string? DisplayName);

public sealed record TeamView(
    int Id, string Name, string? BusinessUnit, string? Description, string? ContactEmail, string? ChatChannel,
    IReadOnlyList<TeamGroupView> Groups, int Applications);
public sealed record TeamChange(string Name, string? BusinessUnit, string? Description, string? ContactEmail, string? ChatChannel);

public sealed record ApplicationView(
    int Id, string Name, string Team, string? Description, DataClassification DataClassification, string? RegulatoryScope,
    bool IsVendorProduct, string? RequiredPrivileges, int Namespaces);
public sealed record ApplicationChange(
    string Name, string Team, string? Description, DataClassification DataClassification, string? RegulatoryScope,
    bool IsVendorProduct, string? RequiredPrivileges);

public sealed record PipelineIdentityView(int Id, string EntraId, string DisplayName, string? Team, DateTimeOffset CreatedAt, string CreatedBy);
public sealed record PipelineIdentityChange(string EntraId, string DisplayName, string? Team);

/// <summary>What a team still owns; a team that owns anything is deleted only with a team to hand it to.</summary>
public sealed record TeamHoldings(
    int Findings, int Namespaces, int Clusters, int Applications, int ApiKeys, int PipelineIdentities, int TenancyAssessments)
{
    public bool Any => Findings + Namespaces + Clusters + Applications + ApiKeys + PipelineIdentities + TenancyAssessments > 0;

    /// <summary>"12 findings, 3 namespaces, 1 cluster" — only what is not zero.</summary>
    public string Describe() => string.Join(", ", new (int Count, string One, string Many)[]
        {
            (Findings, "finding", "findings"), (Namespaces, "namespace", "namespaces"), (Clusters, "cluster", "clusters"),
            (Applications, "application", "applications"), (ApiKeys, "pipeline key", "pipeline keys"),
            (PipelineIdentities, "pipeline identity", "pipeline identities"), (TenancyAssessments, "tenancy assessment", "tenancy assessments"),
        }.Where(h => h.Count > 0).Select(h => $"{h.Count} {(h.Count == 1 ? h.One : h.Many)}"));
}

/// <summary>
/// The Security Team's administration of the organisation: business units, teams (with their Entra groups),
/// applications and Entra pipeline identities. Every change is validated by <see cref="OrganisationValidation"/>
/// and audited with before/after in the same transaction; refusals are <see cref="OrganisationException"/>s.
/// Entities are addressed by name (Entra ids for groups and pipeline identities), as the API and pages do.
/// </summary>
public sealed class OrganisationService(IDbContextFactory<K8PostureDbContext> contexts, AuditLog audit, IMemoryCache cache, TimeProvider clock)
{
    /// <summary>The cache key of the group → team map read at sign-in (TeamClaimsTransformation); cleared on every group change.</summary>
    public const string TeamGroupsCacheKey = "teamgroups";
    /// <summary>The cache key of the Entra pipeline identity map read when an app token arrives; cleared on every change.</summary>
    public const string PipelineIdentitiesCacheKey = "pipelineidentities";

    // Placeholder until the implementation lands: keeps the constructor's dependencies in use.
    private readonly object[] _dependencies = [contexts, audit, cache, clock];
    internal int DependencyCount => _dependencies.Length;

    public Task<IReadOnlyList<BusinessUnitView>> ListBusinessUnitsAsync(string? search, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<BusinessUnitView> CreateBusinessUnitAsync(BusinessUnitChange change, CancellationToken cancellationToken) => throw new NotImplementedException();
    /// <summary>Updates (and may rename) a business unit; teams and clusters keep pointing at it.</summary>
    public Task<BusinessUnitView> UpdateBusinessUnitAsync(string name, BusinessUnitChange change, CancellationToken cancellationToken) => throw new NotImplementedException();
    /// <summary>Refused (409) while teams or clusters belong to it.</summary>
    public Task DeleteBusinessUnitAsync(string name, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<TeamView>> ListTeamsAsync(string? search, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<TeamView?> GetTeamAsync(string name, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<TeamView> CreateTeamAsync(TeamChange change, CancellationToken cancellationToken) => throw new NotImplementedException();
    /// <summary>Updates (and may rename) a team; every reference is by id and survives, and team names in the policy's namespace ownership rules follow the rename.</summary>
    public Task<TeamView> UpdateTeamAsync(string name, TeamChange change, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<TeamHoldings> GetTeamHoldingsAsync(string name, CancellationToken cancellationToken) => throw new NotImplementedException();
    /// <summary>Refused (409, naming what it still owns) unless <paramref name="handOverTo"/> names the team that takes it all over.</summary>
    public Task DeleteTeamAsync(string name, string? handOverTo, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<TeamGroupView>> ListTeamGroupsAsync(string team, CancellationToken cancellationToken) => throw new NotImplementedException();
    /// <summary>Maps an Entra group to the team (409 when the group already maps to another team); updates the display name when already mapped here.</summary>
    public Task<TeamGroupView> AddTeamGroupAsync(string team, TeamGroupChange change, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task RemoveTeamGroupAsync(string team, string entraGroupId, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<ApplicationView>> ListApplicationsAsync(string? search, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<ApplicationView> CreateApplicationAsync(ApplicationChange change, CancellationToken cancellationToken) => throw new NotImplementedException();
    /// <summary>Updates (and may rename) an application; namespaces and tenancy assessments naming it follow the rename.</summary>
    public Task<ApplicationView> UpdateApplicationAsync(string name, ApplicationChange change, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task DeleteApplicationAsync(string name, CancellationToken cancellationToken) => throw new NotImplementedException();

    public Task<IReadOnlyList<PipelineIdentityView>> ListPipelineIdentitiesAsync(CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<PipelineIdentityView> CreatePipelineIdentityAsync(PipelineIdentityChange change, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task<PipelineIdentityView> UpdatePipelineIdentityAsync(string entraId, PipelineIdentityChange change, CancellationToken cancellationToken) => throw new NotImplementedException();
    public Task DeletePipelineIdentityAsync(string entraId, CancellationToken cancellationToken) => throw new NotImplementedException();
}
