using K8Posture.Shared.Http;
using System.Globalization;
using K8Posture.Data;
using K8Posture.Features.Findings;
using K8Posture.Features.Policy;
using K8Posture.Features.Raci;
using K8Posture.Shared;
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
/// and audited with before/after in the same transaction; refusals are <see cref="ProblemException"/>s.
/// Entities are addressed by name (Entra ids for groups and pipeline identities), as the API and pages do.
/// Names are unique regardless of case (SQL Server's collation would say so anyway; SQLite's would not).
/// Reads are scoped: an app-team caller sees its own teams, their business units, applications and pipeline identities.
/// </summary>
public sealed class OrganisationService(IDbContextFactory<K8PostureDbContext> contexts, AuditLog audit, IMemoryCache cache, TimeProvider clock)
{
    /// <summary>The cache key of the group → team map read at sign-in (TeamClaimsTransformation); cleared on every group change.</summary>
    public const string TeamGroupsCacheKey = "teamgroups";
    /// <summary>The cache key of the Entra pipeline identity map read when an app token arrives; cleared on every change.</summary>
    public const string PipelineIdentitiesCacheKey = "pipelineidentities";

    private readonly LandscapeChangeNotifier? _landscape;

    /// <summary>The constructor DI uses: with the notifier, a team handover refreshes the landscape cells at once.</summary>
    public OrganisationService(IDbContextFactory<K8PostureDbContext> contexts, AuditLog audit, IMemoryCache cache, TimeProvider clock, LandscapeChangeNotifier landscape)
        : this(contexts, audit, cache, clock) => _landscape = landscape;

    // ---- Business units ----

    public async Task<IReadOnlyList<BusinessUnitView>> ListBusinessUnitsAsync(string? search, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var scope = db.Scope;
        var visibleTeams = VisibleTeams(db);
        var units = db.BusinessUnits.AsNoTracking();
        if (!scope.SeesAllTeams)
        {
            units = units.Where(b => visibleTeams.Any(t => t.BusinessUnitId == b.Id));
        }
        if (Term(search) is { } term)
        {
            units = units.Where(b => b.Name.ToLower().Contains(term) || (b.Description != null && b.Description.ToLower().Contains(term)));
        }
        return await units.OrderBy(b => b.Name)
            .Select(b => new BusinessUnitView(b.Id, b.Name, b.Description, visibleTeams.Count(t => t.BusinessUnitId == b.Id)))
            .ToListAsync(cancellationToken);
    }

    // The search narrows the rows in the database; the exact (case-insensitive) name picks the one.
    public async Task<BusinessUnitView?> GetBusinessUnitAsync(string name, CancellationToken cancellationToken) =>
        (await ListBusinessUnitsAsync(name, cancellationToken)).FirstOrDefault(b => string.Equals(b.Name, name?.Trim(), StringComparison.OrdinalIgnoreCase));

    public async Task<BusinessUnitView> CreateBusinessUnitAsync(BusinessUnitChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var name = OrganisationValidation.Name("name", change.Name);
        var description = OrganisationValidation.Text("description", change.Description);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        await EnsureBusinessUnitNameFreeAsync(db, name, null, cancellationToken);
        var unit = new BusinessUnit { Name = name, Description = description };
        await CreateAsync(db, unit, () => audit.Record(db, "business-unit.create", nameof(BusinessUnit), Id(unit.Id), after: Snapshot(unit)), cancellationToken);
        return new BusinessUnitView(unit.Id, unit.Name, unit.Description, 0);
    }

    public async Task<BusinessUnitView> UpdateBusinessUnitAsync(string name, BusinessUnitChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var newName = OrganisationValidation.Name("name", change.Name);
        var description = OrganisationValidation.Text("description", change.Description);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        var unit = await FindBusinessUnitAsync(db, name, cancellationToken);
        await EnsureBusinessUnitNameFreeAsync(db, newName, unit.Id, cancellationToken);
        var before = Snapshot(unit);
        var oldName = unit.Name;
        unit.Name = newName;
        unit.Description = description;
        var renamed = !string.Equals(oldName, newName, StringComparison.Ordinal);
        var followUps = new Dictionary<string, int>();
        if (renamed)
        {
            followUps["savedViews"] = await RenameInSavedViewsAsync(db, "bu", oldName, newName, cancellationToken);
            var raci = await RaciService.StageFollowUpVersionAsync(db, audit, clock,
                m => RenameParties(m, p => p.Kind == RaciPartyKind.BusinessUnit && p.BusinessUnitId == unit.Id, oldName, newName, null),
                $"Business unit '{oldName}' renamed to '{newName}'.", cancellationToken);
            followUps["raciVersion"] = raci?.Version ?? 0;
        }
        audit.Record(db, "business-unit.update", nameof(BusinessUnit), Id(unit.Id), before, new { unit.Name, unit.Description, followUps });
        await SaveAsync(db, cancellationToken);
        var teams = await db.Teams.CountAsync(t => t.BusinessUnitId == unit.Id, cancellationToken);
        return new BusinessUnitView(unit.Id, unit.Name, unit.Description, teams);
    }

    public async Task DeleteBusinessUnitAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        var unit = await FindBusinessUnitAsync(db, name, cancellationToken);
        var teams = await db.Teams.CountAsync(t => t.BusinessUnitId == unit.Id, cancellationToken);
        var clusters = await db.Clusters.IgnoreQueryFilters().CountAsync(c => c.BusinessUnitId == unit.Id, cancellationToken);
        if (teams + clusters > 0)
        {
            var holdings = string.Join(" and ", new[] { Count(teams, "team", "teams"), Count(clusters, "cluster", "clusters") }.Where(s => s is not null));
            throw OrganisationProblem.Conflict(
                $"Business unit '{unit.Name}' still has {holdings}; move them to another business unit first.");
        }
        await InTransactionAsync(db, async ct =>
        {
            // Inventory records keep the business unit they were reported with; it goes, they stay.
            var inventory = await db.InventoryRecords.IgnoreQueryFilters().Where(r => r.BusinessUnitId == unit.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(r => r.BusinessUnitId, (int?)null), ct);
            await RaciService.StageFollowUpVersionAsync(db, audit, clock,
                m => ReleaseParties(m, p => p.Kind == RaciPartyKind.BusinessUnit && p.BusinessUnitId == unit.Id),
                $"Business unit '{unit.Name}' deleted.", ct);
            db.BusinessUnits.Remove(unit);
            audit.Record(db, "business-unit.delete", nameof(BusinessUnit), Id(unit.Id), Snapshot(unit), new { inventoryRecordsReleased = inventory });
            await db.SaveChangesAsync(ct);
        }, cancellationToken);
    }

    // ---- Teams ----

    public async Task<IReadOnlyList<TeamView>> ListTeamsAsync(string? search, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var teams = VisibleTeams(db).AsNoTracking();
        if (Term(search) is { } term)
        {
            teams = teams.Where(t => t.Name.ToLower().Contains(term) || (t.Description != null && t.Description.ToLower().Contains(term)));
        }
        return await ProjectTeamsAsync(db, teams, cancellationToken);
    }

    public async Task<TeamView?> GetTeamAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var lower = (name ?? "").Trim().ToLowerInvariant();
        var teams = await ProjectTeamsAsync(db, VisibleTeams(db).AsNoTracking().Where(t => t.Name.ToLower() == lower), cancellationToken);
        return teams.FirstOrDefault(t => t.Name == name?.Trim()) ?? teams.FirstOrDefault();
    }

    public async Task<TeamView> CreateTeamAsync(TeamChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (name, description, email, channel) = ValidateTeam(change);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        await EnsureTeamNameFreeAsync(db, name, null, cancellationToken);
        var unit = await ResolveBusinessUnitAsync(db, change.BusinessUnit, cancellationToken);
        var team = new Team { Name = name, BusinessUnitId = unit?.Id, Description = description, ContactEmail = email, ChatChannel = channel };
        await CreateAsync(db, team, () => audit.Record(db, "team.create", nameof(Team), Id(team.Id), after: Snapshot(team, unit?.Name)), cancellationToken);
        return new TeamView(team.Id, team.Name, unit?.Name, team.Description, team.ContactEmail, team.ChatChannel, [], 0);
    }

    public async Task<TeamView> UpdateTeamAsync(string name, TeamChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var (newName, description, email, channel) = ValidateTeam(change);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        var team = await FindTeamAsync(db, name, cancellationToken);
        await EnsureTeamNameFreeAsync(db, newName, team.Id, cancellationToken);
        var unit = await ResolveBusinessUnitAsync(db, change.BusinessUnit, cancellationToken);
        var before = Snapshot(team, await BusinessUnitNameAsync(db, team.BusinessUnitId, cancellationToken));
        var oldName = team.Name;
        team.Name = newName;
        team.BusinessUnitId = unit?.Id;
        team.Description = description;
        team.ContactEmail = email;
        team.ChatChannel = channel;
        var followUps = new Dictionary<string, int>();
        await InTransactionAsync(db, async ct =>
        {
            if (!string.Equals(oldName, newName, StringComparison.Ordinal))
            {
                await FollowTeamNameAsync(db, team.Id, oldName, team.Id, newName, followUps, ct);
            }
            audit.Record(db, "team.update", nameof(Team), Id(team.Id), before, new { after = Snapshot(team, unit?.Name), followUps });
            await db.SaveChangesAsync(ct);
        }, cancellationToken);
        // Sign-in and pipeline-token maps may carry team names.
        cache.Remove(TeamGroupsCacheKey);
        cache.Remove(PipelineIdentitiesCacheKey);
        return (await GetTeamByIdAsync(db, team.Id, cancellationToken))!;
    }

    public async Task<TeamHoldings> GetTeamHoldingsAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var team = await FindTeamAsync(db, name, cancellationToken, visibleOnly: true);
        return await HoldingsAsync(db, team.Id, cancellationToken);
    }

    public async Task DeleteTeamAsync(string name, string? handOverTo, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        var team = await FindTeamAsync(db, name, cancellationToken);
        Team? heir = null;
        if (!string.IsNullOrWhiteSpace(handOverTo))
        {
            heir = await FindTeamOrNullAsync(db, handOverTo, cancellationToken)
                ?? throw OrganisationProblem.Invalid("handOverTo", $"No team named '{handOverTo.Trim()}' to hand over to.");
            if (heir.Id == team.Id)
            {
                throw OrganisationProblem.Invalid("handOverTo", $"Team '{team.Name}' cannot be handed over to itself; name another team.");
            }
        }
        var holdings = await HoldingsAsync(db, team.Id, cancellationToken);
        if (holdings.Any && heir is null)
        {
            throw OrganisationProblem.Conflict(
                $"Team '{team.Name}' still owns {holdings.Describe()}. Hand them to another team (handOverTo=<team>) or move them first.", "handOverTo");
        }
        var groups = await db.TeamGroups.Where(g => g.TeamId == team.Id).ToListAsync(cancellationToken);
        var before = Snapshot(team, await BusinessUnitNameAsync(db, team.BusinessUnitId, cancellationToken));
        var moved = new Dictionary<string, int>();
        await InTransactionAsync(db, async ct =>
        {
            moved.Clear();
            await HandOverAsync(db, team.Id, heir?.Id, moved, ct);
            if (heir is not null)
            {
                await FollowTeamNameAsync(db, team.Id, team.Name, heir.Id, heir.Name, moved, ct);
            }
            else
            {
                await RaciService.StageFollowUpVersionAsync(db, audit, clock,
                    m => ReleaseParties(m, p => p.Kind == RaciPartyKind.Team && p.TeamId == team.Id),
                    $"Team '{team.Name}' deleted.", ct);
            }
            // Groups grant access: handing them to another team would widen who sees its data, so they are unmapped.
            db.TeamGroups.RemoveRange(groups);
            foreach (var group in groups)
            {
                audit.Record(db, "team-group.remove", nameof(TeamGroup), group.EntraGroupId,
                    new { team = team.Name, group.EntraGroupId, group.DisplayName }, null);
            }
            db.Teams.Remove(team);
            audit.Record(db, "team.delete", nameof(Team), Id(team.Id),
                new { team = before, holdings, groups = groups.Select(g => new { g.EntraGroupId, g.DisplayName }) },
                new { handedOverTo = heir?.Name, moved });
            await db.SaveChangesAsync(ct);
        }, cancellationToken);
        cache.Remove(TeamGroupsCacheKey);
        cache.Remove(PipelineIdentitiesCacheKey);
        _landscape?.NotifyFindingsChanged();
    }

    // ---- Team groups ----

    public async Task<IReadOnlyList<TeamGroupView>> ListTeamGroupsAsync(string team, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var owner = await FindTeamAsync(db, team, cancellationToken, visibleOnly: true);
        return await db.TeamGroups.AsNoTracking().Where(g => g.TeamId == owner.Id).OrderBy(g => g.DisplayName ?? g.EntraGroupId)
            .Select(g => new TeamGroupView(g.EntraGroupId, g.DisplayName)).ToListAsync(cancellationToken);
    }

    public async Task<TeamGroupView> AddTeamGroupAsync(string team, TeamGroupChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var groupId = OrganisationValidation.EntraId("entraGroupId", change.EntraGroupId);
        var displayName = OrganisationValidation.Text("displayName", change.DisplayName, 256);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        var owner = await FindTeamAsync(db, team, cancellationToken);
        var existing = await db.TeamGroups.Include(g => g.Team).FirstOrDefaultAsync(g => g.EntraGroupId.ToLower() == groupId, cancellationToken);
        if (existing is not null && existing.TeamId != owner.Id)
        {
            throw OrganisationProblem.Conflict(
                $"Entra group {groupId} already maps to team '{existing.Team!.Name}'; a group maps to one team. Remove it there first.", "entraGroupId");
        }
        if (existing is null)
        {
            existing = new TeamGroup { TeamId = owner.Id, EntraGroupId = groupId, DisplayName = displayName };
            db.TeamGroups.Add(existing);
            audit.Record(db, "team-group.add", nameof(TeamGroup), groupId, null, new { team = owner.Name, EntraGroupId = groupId, DisplayName = displayName });
        }
        else if (existing.DisplayName != displayName || existing.EntraGroupId != groupId)
        {
            var before = new { team = owner.Name, existing.EntraGroupId, existing.DisplayName };
            existing.EntraGroupId = groupId;
            existing.DisplayName = displayName;
            audit.Record(db, "team-group.add", nameof(TeamGroup), groupId, before, new { team = owner.Name, EntraGroupId = groupId, DisplayName = displayName });
        }
        await SaveAsync(db, cancellationToken, conflict: $"Entra group {groupId} was mapped to another team meanwhile.");
        cache.Remove(TeamGroupsCacheKey);
        return new TeamGroupView(existing.EntraGroupId, existing.DisplayName);
    }

    public async Task RemoveTeamGroupAsync(string team, string entraGroupId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        var owner = await FindTeamAsync(db, team, cancellationToken);
        var lower = (entraGroupId ?? "").Trim().Trim('{', '}').ToLowerInvariant();
        var group = await db.TeamGroups.FirstOrDefaultAsync(g => g.TeamId == owner.Id && g.EntraGroupId.ToLower() == lower, cancellationToken)
            ?? throw ProblemException.NotFound("Unknown group mapping", $"Entra group '{entraGroupId}' does not map to team '{owner.Name}'.", "entraGroupId");
        db.TeamGroups.Remove(group);
        audit.Record(db, "team-group.remove", nameof(TeamGroup), group.EntraGroupId, new { team = owner.Name, group.EntraGroupId, group.DisplayName }, null);
        await SaveAsync(db, cancellationToken);
        cache.Remove(TeamGroupsCacheKey);
    }

    // ---- Applications ----

    public async Task<IReadOnlyList<ApplicationView>> ListApplicationsAsync(string? search, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        // The Applications query filter scopes them to the caller's teams.
        var applications = db.Applications.AsNoTracking();
        if (Term(search) is { } term)
        {
            applications = applications.Where(a => a.Name.ToLower().Contains(term) || (a.Description != null && a.Description.ToLower().Contains(term)));
        }
        return await ProjectApplicationsAsync(db, applications, cancellationToken);
    }

    public async Task<ApplicationView?> GetApplicationAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var lower = (name ?? "").Trim().ToLowerInvariant();
        return (await ProjectApplicationsAsync(db, db.Applications.AsNoTracking().Where(a => a.Name.ToLower() == lower), cancellationToken)).FirstOrDefault();
    }

    public async Task<ApplicationView> CreateApplicationAsync(ApplicationChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var valid = ValidateApplication(change);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        await EnsureApplicationNameFreeAsync(db, valid.Name, null, cancellationToken);
        var owner = await ResolveTeamAsync(db, "team", change.Team, cancellationToken);
        var application = new Application { Name = valid.Name, TeamId = owner.Id };
        valid.ApplyTo(application);
        await CreateAsync(db, application,
            () => audit.Record(db, "application.create", nameof(Application), Id(application.Id), after: Snapshot(application, owner.Name)), cancellationToken);
        return (await GetApplicationByIdAsync(db, application.Id, cancellationToken))!;
    }

    public async Task<ApplicationView> UpdateApplicationAsync(string name, ApplicationChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var valid = ValidateApplication(change);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        var application = await FindApplicationAsync(db, name, cancellationToken);
        await EnsureApplicationNameFreeAsync(db, valid.Name, application.Id, cancellationToken);
        var owner = await ResolveTeamAsync(db, "team", change.Team, cancellationToken);
        var before = Snapshot(application, await db.Teams.Where(t => t.Id == application.TeamId).Select(t => t.Name).FirstAsync(cancellationToken));
        var oldName = application.Name;
        application.Name = valid.Name;
        application.TeamId = owner.Id;
        valid.ApplyTo(application);
        var followUps = new Dictionary<string, int>();
        await InTransactionAsync(db, async ct =>
        {
            if (!string.Equals(oldName, valid.Name, StringComparison.Ordinal))
            {
                var lower = oldName.ToLowerInvariant();
                followUps["namespaces"] = await db.Namespaces.IgnoreQueryFilters().Where(n => n.Application != null && n.Application.ToLower() == lower)
                    .ExecuteUpdateAsync(s => s.SetProperty(n => n.Application, valid.Name), ct);
                followUps["tenancyAssessments"] = await db.TenancyAssessments.IgnoreQueryFilters().Where(a => a.Application.ToLower() == lower)
                    .ExecuteUpdateAsync(s => s.SetProperty(a => a.Application, valid.Name), ct);
            }
            audit.Record(db, "application.update", nameof(Application), Id(application.Id), before, new { after = Snapshot(application, owner.Name), followUps });
            await db.SaveChangesAsync(ct);
        }, cancellationToken);
        return (await GetApplicationByIdAsync(db, application.Id, cancellationToken))!;
    }

    /// <summary>Namespaces and tenancy assessments keep naming the application as text; only the record of its owner and traits goes.</summary>
    public async Task DeleteApplicationAsync(string name, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        var application = await FindApplicationAsync(db, name, cancellationToken);
        var owner = await db.Teams.Where(t => t.Id == application.TeamId).Select(t => t.Name).FirstAsync(cancellationToken);
        db.Applications.Remove(application);
        audit.Record(db, "application.delete", nameof(Application), Id(application.Id), Snapshot(application, owner), null);
        await SaveAsync(db, cancellationToken);
    }

    // ---- Pipeline identities ----

    public async Task<IReadOnlyList<PipelineIdentityView>> ListPipelineIdentitiesAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var identities = db.PipelineIdentities.AsNoTracking();
        if (!db.Scope.SeesAllTeams)
        {
            var teamIds = db.Scope.TeamIds.ToList();
            identities = identities.Where(p => p.TeamId != null && teamIds.Contains(p.TeamId.Value));
        }
        return await identities.OrderBy(p => p.DisplayName)
            .Select(p => new PipelineIdentityView(p.Id, p.EntraId, p.DisplayName, p.Team == null ? null : p.Team.Name, p.CreatedAt, p.CreatedBy))
            .ToListAsync(cancellationToken);
    }

    public async Task<PipelineIdentityView> CreatePipelineIdentityAsync(PipelineIdentityChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        var entraId = OrganisationValidation.EntraId("entraId", change.EntraId);
        var displayName = RequiredText("displayName", change.DisplayName, 200);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        await EnsurePipelineIdentityFreeAsync(db, entraId, null, cancellationToken);
        var owner = string.IsNullOrWhiteSpace(change.Team) ? null : await ResolveTeamAsync(db, "team", change.Team, cancellationToken);
        var identity = new PipelineIdentity
        {
            EntraId = entraId, DisplayName = displayName, TeamId = owner?.Id, CreatedAt = clock.GetUtcNow(), CreatedBy = db.Scope.Actor,
        };
        db.PipelineIdentities.Add(identity);
        audit.Record(db, "pipeline-identity.create", nameof(PipelineIdentity), entraId, null, Snapshot(identity, owner?.Name));
        await SaveAsync(db, cancellationToken);
        cache.Remove(PipelineIdentitiesCacheKey);
        return new PipelineIdentityView(identity.Id, identity.EntraId, identity.DisplayName, owner?.Name, identity.CreatedAt, identity.CreatedBy);
    }

    public async Task<PipelineIdentityView> UpdatePipelineIdentityAsync(string entraId, PipelineIdentityChange change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(change);
        // A body without an id keeps the one in the address; one with an id may correct it.
        var newEntraId = OrganisationValidation.EntraId("entraId", string.IsNullOrWhiteSpace(change.EntraId) ? entraId : change.EntraId);
        var displayName = RequiredText("displayName", change.DisplayName, 200);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        var identity = await FindPipelineIdentityAsync(db, entraId, cancellationToken);
        await EnsurePipelineIdentityFreeAsync(db, newEntraId, identity.Id, cancellationToken);
        var owner = string.IsNullOrWhiteSpace(change.Team) ? null : await ResolveTeamAsync(db, "team", change.Team, cancellationToken);
        var before = Snapshot(identity, await TeamNameAsync(db, identity.TeamId, cancellationToken));
        identity.EntraId = newEntraId;
        identity.DisplayName = displayName;
        identity.TeamId = owner?.Id;
        audit.Record(db, "pipeline-identity.update", nameof(PipelineIdentity), newEntraId, before, Snapshot(identity, owner?.Name));
        await SaveAsync(db, cancellationToken);
        cache.Remove(PipelineIdentitiesCacheKey);
        return new PipelineIdentityView(identity.Id, identity.EntraId, identity.DisplayName, owner?.Name, identity.CreatedAt, identity.CreatedBy);
    }

    public async Task DeletePipelineIdentityAsync(string entraId, CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        RequireAdministrator(db);
        var identity = await FindPipelineIdentityAsync(db, entraId, cancellationToken);
        db.PipelineIdentities.Remove(identity);
        audit.Record(db, "pipeline-identity.delete", nameof(PipelineIdentity), identity.EntraId, Snapshot(identity, await TeamNameAsync(db, identity.TeamId, cancellationToken)), null);
        await SaveAsync(db, cancellationToken);
        cache.Remove(PipelineIdentitiesCacheKey);
    }

    // ---- Team handover and the places that name teams ----

    /// <summary>Moves every row that references <paramref name="fromTeamId"/> to <paramref name="toTeamId"/> (null: no team), counting each kind.</summary>
    private static async Task HandOverAsync(K8PostureDbContext db, int fromTeamId, int? toTeamId, Dictionary<string, int> moved, CancellationToken ct)
    {
        moved["findings"] = await db.Findings.IgnoreQueryFilters().Where(f => f.OwnerTeamId == fromTeamId)
            .ExecuteUpdateAsync(s => s.SetProperty(f => f.OwnerTeamId, toTeamId), ct);
        moved["namespaces"] = await db.Namespaces.IgnoreQueryFilters().Where(n => n.OwnerTeamId == fromTeamId)
            .ExecuteUpdateAsync(s => s.SetProperty(n => n.OwnerTeamId, toTeamId), ct);
        moved["clusters"] = await db.Clusters.IgnoreQueryFilters().Where(c => c.OwnerTeamId == fromTeamId)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.OwnerTeamId, toTeamId), ct);
        if (toTeamId is { } heirId)
        {
            moved["applications"] = await db.Applications.IgnoreQueryFilters().Where(a => a.TeamId == fromTeamId)
                .ExecuteUpdateAsync(s => s.SetProperty(a => a.TeamId, heirId), ct);
            moved["notificationTargets"] = await db.TeamNotificationTargets.IgnoreQueryFilters().Where(t => t.TeamId == fromTeamId)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.TeamId, heirId), ct);
            moved["slaBreachNotifications"] = await db.SlaBreachNotifications.IgnoreQueryFilters().Where(n => n.TeamId == fromTeamId)
                .ExecuteUpdateAsync(s => s.SetProperty(n => n.TeamId, heirId), ct);
            moved["landscapeCells"] = await db.LandscapeCells.IgnoreQueryFilters().Where(c => c.TeamId == fromTeamId)
                .ExecuteUpdateAsync(s => s.SetProperty(c => c.TeamId, toTeamId), ct);
        }
        else
        {
            // Notification targets (and what they delivered) cascade with the team; the cells are rebuilt without it.
            moved["landscapeCells"] = await db.LandscapeCells.IgnoreQueryFilters().Where(c => c.TeamId == fromTeamId).ExecuteDeleteAsync(ct);
        }
        moved["apiKeys"] = await db.ApiKeys.Where(k => k.TeamId == fromTeamId)
            .ExecuteUpdateAsync(s => s.SetProperty(k => k.TeamId, toTeamId), ct);
        moved["pipelineIdentities"] = await db.PipelineIdentities.Where(p => p.TeamId == fromTeamId)
            .ExecuteUpdateAsync(s => s.SetProperty(p => p.TeamId, toTeamId), ct);
        moved["tenancyAssessments"] = await db.TenancyAssessments.IgnoreQueryFilters().Where(a => a.OwnerTeamId == fromTeamId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.OwnerTeamId, toTeamId), ct);
        moved["ingestBatches"] = await db.IngestBatches.IgnoreQueryFilters().Where(b => b.TeamId == fromTeamId)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.TeamId, toTeamId), ct);
        moved["runtimeAlerts"] = await db.RuntimeAlerts.IgnoreQueryFilters().Where(a => a.OwnerTeamId == fromTeamId)
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.OwnerTeamId, toTeamId), ct);
        moved["riskAcceptances"] = await db.RiskAcceptances.IgnoreQueryFilters().Where(r => r.OwnerTeamId == fromTeamId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.OwnerTeamId, toTeamId), ct);
        moved["inventoryRecords"] = await db.InventoryRecords.IgnoreQueryFilters().Where(r => r.OwnerTeamId == fromTeamId)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.OwnerTeamId, toTeamId), ct);
        moved["egressObservations"] = await db.EgressObservations.IgnoreQueryFilters().Where(o => o.OwnerTeamId == fromTeamId)
            .ExecuteUpdateAsync(s => s.SetProperty(o => o.OwnerTeamId, toTeamId), ct);
        moved["landscapeSnapshots"] = await MergeLandscapeSnapshotsAsync(db, fromTeamId, toTeamId, ct);
        moved["remediationMetricSnapshots"] = await MergeRemediationMetricsAsync(db, fromTeamId, toTeamId, ct);
        moved["egressDaily"] = await MergeEgressDailyAsync(db, fromTeamId, toTeamId, ct);
        foreach (var key in moved.Where(p => p.Value == 0).Select(p => p.Key).ToList())
        {
            moved.Remove(key);
        }
    }

    // Daily aggregates are unique per day and team: where the heir has a row for the same day, the figures are added to it.
    private static async Task<int> MergeLandscapeSnapshotsAsync(K8PostureDbContext db, int fromTeamId, int? toTeamId, CancellationToken ct)
    {
        var rows = await db.LandscapeSnapshots.IgnoreQueryFilters().Where(s => s.TeamId == fromTeamId).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return 0;
        }
        var days = rows.Select(r => r.Day).Distinct().ToList();
        var heirRows = await db.LandscapeSnapshots.IgnoreQueryFilters().Where(s => s.TeamId == toTeamId && days.Contains(s.Day))
            .ToDictionaryAsync(s => (s.Day, s.Category, s.Severity), ct);
        foreach (var row in rows)
        {
            if (heirRows.TryGetValue((row.Day, row.Category, row.Severity), out var heir))
            {
                heir.OpenCount += row.OpenCount;
                db.LandscapeSnapshots.Remove(row);
            }
            else
            {
                row.TeamId = toTeamId;
            }
        }
        await db.SaveChangesAsync(ct);
        return rows.Count;
    }

    private static async Task<int> MergeRemediationMetricsAsync(K8PostureDbContext db, int fromTeamId, int? toTeamId, CancellationToken ct)
    {
        var rows = await db.RemediationMetricSnapshots.IgnoreQueryFilters().Where(s => s.TeamId == fromTeamId).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return 0;
        }
        var days = rows.Select(r => r.Day).ToList();
        var heirRows = await db.RemediationMetricSnapshots.IgnoreQueryFilters().Where(s => s.TeamId == toTeamId && days.Contains(s.Day))
            .ToDictionaryAsync(s => s.Day, ct);
        foreach (var row in rows)
        {
            if (heirRows.TryGetValue(row.Day, out var heir))
            {
                // Averages are weighted by the findings closed in the period, the figure they were computed over.
                heir.MttrHours = Weighted(heir.MttrHours, heir.ClosedInPeriod, row.MttrHours, row.ClosedInPeriod);
                heir.SlaCompliancePercent = Weighted(heir.SlaCompliancePercent, heir.ClosedInPeriod, row.SlaCompliancePercent, row.ClosedInPeriod);
                heir.Open += row.Open;
                heir.Overdue += row.Overdue;
                heir.ClosedInPeriod += row.ClosedInPeriod;
                db.RemediationMetricSnapshots.Remove(row);
            }
            else
            {
                row.TeamId = toTeamId;
            }
        }
        await db.SaveChangesAsync(ct);
        return rows.Count;
    }

    private static async Task<int> MergeEgressDailyAsync(K8PostureDbContext db, int fromTeamId, int? toTeamId, CancellationToken ct)
    {
        var rows = await db.EgressDaily.IgnoreQueryFilters().Where(d => d.OwnerTeamId == fromTeamId).ToListAsync(ct);
        if (rows.Count == 0)
        {
            return 0;
        }
        var days = rows.Select(r => r.Day).Distinct().ToList();
        var heirRows = await db.EgressDaily.IgnoreQueryFilters().Where(d => d.OwnerTeamId == toTeamId && days.Contains(d.Day))
            .ToDictionaryAsync(d => (d.Day, d.SourceHost, d.DestinationHost), ct);
        foreach (var row in rows)
        {
            if (heirRows.TryGetValue((row.Day, row.SourceHost, row.DestinationHost), out var heir))
            {
                heir.Requests += row.Requests;
                heir.Bytes += row.Bytes;
                db.EgressDaily.Remove(row);
            }
            else
            {
                row.OwnerTeamId = toTeamId;
            }
        }
        await db.SaveChangesAsync(ct);
        return rows.Count;
    }

    private static double? Weighted(double? a, int weightA, double? b, int weightB)
    {
        if (a is null || weightA == 0)
        {
            return weightB == 0 ? a ?? b : b;
        }
        if (b is null || weightB == 0)
        {
            return a;
        }
        return (a.Value * weightA + b.Value * weightB) / (weightA + weightB);
    }

    /// <summary>
    /// The places that name a team as text or stand for it by id in a document: the policy's explicit namespace ownership
    /// rules, RACI parties, and saved findings views (team=…). Each follows a rename or a handover, in the caller's transaction.
    /// </summary>
    private async Task FollowTeamNameAsync(K8PostureDbContext db, int oldTeamId, string oldName, int newTeamId, string newName, Dictionary<string, int> followUps, CancellationToken ct)
    {
        var reason = oldTeamId == newTeamId ? $"Team '{oldName}' renamed to '{newName}'." : $"Team '{oldName}' handed over to '{newName}'.";
        var policy = await PolicyStore.StageFollowUpVersionAsync(db, audit, clock, document =>
        {
            var rules = document.NamespaceOwnership.Explicit;
            var keys = rules.Where(p => string.Equals(p.Value.Trim(), oldName, StringComparison.OrdinalIgnoreCase)).Select(p => p.Key).ToList();
            foreach (var key in keys)
            {
                rules[key] = newName;
            }
            return keys.Count > 0;
        }, reason, ct);
        if (policy is not null)
        {
            followUps["policyVersion"] = policy.Version;
        }
        var raci = await RaciService.StageFollowUpVersionAsync(db, audit, clock,
            m => RenameParties(m, p => p.Kind == RaciPartyKind.Team && p.TeamId == oldTeamId, oldName, newName, newTeamId), reason, ct);
        if (raci is not null)
        {
            followUps["raciVersion"] = raci.Version;
        }
        var views = await RenameInSavedViewsAsync(db, "team", oldName, newName, ct);
        if (views > 0)
        {
            followUps["savedViews"] = views;
        }
    }

    private static bool RenameParties(RaciMatrix matrix, Func<RaciParty, bool> standsFor, string oldName, string newName, int? newTeamId)
    {
        var changed = false;
        foreach (var party in matrix.Parties.Where(standsFor))
        {
            if (string.Equals(party.Name.Trim(), oldName, StringComparison.OrdinalIgnoreCase))
            {
                party.Name = newName;
                changed = true;
            }
            if (newTeamId is { } id && party.TeamId != id)
            {
                party.TeamId = id;
                changed = true;
            }
        }
        return changed;
    }

    // A party of a deleted team or business unit stays a column of the matrix, by name only: ids can be reused by SQLite.
    private static bool ReleaseParties(RaciMatrix matrix, Func<RaciParty, bool> standsFor)
    {
        var parties = matrix.Parties.Where(standsFor).ToList();
        foreach (var party in parties)
        {
            party.TeamId = null;
            party.BusinessUnitId = null;
        }
        return parties.Count > 0;
    }

    private static async Task<int> RenameInSavedViewsAsync(K8PostureDbContext db, string parameter, string oldName, string newName, CancellationToken ct)
    {
        var needle = parameter + "=";
        var views = await db.SavedViews.IgnoreQueryFilters().Where(v => v.QueryString.Contains(needle)).ToListAsync(ct);
        var changed = 0;
        foreach (var view in views)
        {
            if (SavedViewQuery.Rename(view.QueryString, parameter, oldName, newName) is { } renamed)
            {
                view.QueryString = renamed;
                changed++;
            }
        }
        return changed;
    }

    // ---- Lookups, validation and projections ----

    private static void RequireAdministrator(K8PostureDbContext db)
    {
        // The endpoints and pages authorise Security admins; a team-bound admin key must not reshape the organisation either.
        if (!db.Scope.SeesAllTeams)
        {
            throw new ProblemException(StatusCodes.Status403Forbidden, "Forbidden",
                "Organisation changes are for Security admins (role Security.Admin) or an organisation-wide admin key.");
        }
    }

    private static IQueryable<Team> VisibleTeams(K8PostureDbContext db)
    {
        if (db.Scope.SeesAllTeams)
        {
            return db.Teams;
        }
        var teamIds = db.Scope.TeamIds.ToList();
        return db.Teams.Where(t => teamIds.Contains(t.Id));
    }

    private static async Task<IReadOnlyList<TeamView>> ProjectTeamsAsync(K8PostureDbContext db, IQueryable<Team> teams, CancellationToken ct)
    {
        var rows = await teams.OrderBy(t => t.Name)
            .Select(t => new
            {
                t.Id, t.Name, BusinessUnit = t.BusinessUnit == null ? null : t.BusinessUnit.Name, t.Description, t.ContactEmail, t.ChatChannel,
                Groups = t.Groups.OrderBy(g => g.DisplayName ?? g.EntraGroupId).Select(g => new TeamGroupView(g.EntraGroupId, g.DisplayName)).ToList(),
                Applications = db.Applications.Count(a => a.TeamId == t.Id),
            })
            .ToListAsync(ct);
        return rows.Select(r => new TeamView(r.Id, r.Name, r.BusinessUnit, r.Description, r.ContactEmail, r.ChatChannel, r.Groups, r.Applications)).ToList();
    }

    private static async Task<TeamView?> GetTeamByIdAsync(K8PostureDbContext db, int id, CancellationToken ct) =>
        (await ProjectTeamsAsync(db, db.Teams.AsNoTracking().Where(t => t.Id == id), ct)).FirstOrDefault();

    private static async Task<IReadOnlyList<ApplicationView>> ProjectApplicationsAsync(K8PostureDbContext db, IQueryable<Application> applications, CancellationToken ct) =>
        await applications.OrderBy(a => a.Name)
            .Select(a => new ApplicationView(a.Id, a.Name, a.Team!.Name, a.Description, a.DataClassification, a.RegulatoryScope, a.IsVendorProduct,
                a.RequiredPrivileges, db.Namespaces.Count(n => n.Application != null && n.Application.ToLower() == a.Name.ToLower())))
            .ToListAsync(ct);

    private static async Task<ApplicationView?> GetApplicationByIdAsync(K8PostureDbContext db, int id, CancellationToken ct) =>
        (await ProjectApplicationsAsync(db, db.Applications.AsNoTracking().Where(a => a.Id == id), ct)).FirstOrDefault();

    private static async Task<TeamHoldings> HoldingsAsync(K8PostureDbContext db, int teamId, CancellationToken ct) => new(
        await db.Findings.IgnoreQueryFilters().CountAsync(f => f.OwnerTeamId == teamId, ct),
        await db.Namespaces.IgnoreQueryFilters().CountAsync(n => n.OwnerTeamId == teamId, ct),
        await db.Clusters.IgnoreQueryFilters().CountAsync(c => c.OwnerTeamId == teamId, ct),
        await db.Applications.IgnoreQueryFilters().CountAsync(a => a.TeamId == teamId, ct),
        await db.ApiKeys.CountAsync(k => k.TeamId == teamId && k.RevokedAt == null, ct),
        await db.PipelineIdentities.CountAsync(p => p.TeamId == teamId, ct),
        await db.TenancyAssessments.IgnoreQueryFilters().CountAsync(a => a.OwnerTeamId == teamId, ct));

    private static async Task<BusinessUnit> FindBusinessUnitAsync(K8PostureDbContext db, string name, CancellationToken ct)
    {
        var lower = (name ?? "").Trim().ToLowerInvariant();
        var matches = await db.BusinessUnits.Where(b => b.Name.ToLower() == lower).ToListAsync(ct);
        return matches.FirstOrDefault(b => b.Name == name?.Trim()) ?? matches.FirstOrDefault()
            ?? throw OrganisationProblem.NotFound("business unit", name?.Trim() ?? "");
    }

    private static async Task<Team?> FindTeamOrNullAsync(K8PostureDbContext db, string name, CancellationToken ct, bool visibleOnly = false)
    {
        var lower = (name ?? "").Trim().ToLowerInvariant();
        var matches = await (visibleOnly ? VisibleTeams(db) : db.Teams).Where(t => t.Name.ToLower() == lower).ToListAsync(ct);
        return matches.FirstOrDefault(t => t.Name == name?.Trim()) ?? matches.FirstOrDefault();
    }

    private static async Task<Team> FindTeamAsync(K8PostureDbContext db, string name, CancellationToken ct, bool visibleOnly = false) =>
        await FindTeamOrNullAsync(db, name, ct, visibleOnly) ?? throw OrganisationProblem.NotFound("team", name?.Trim() ?? "");

    private static async Task<Application> FindApplicationAsync(K8PostureDbContext db, string name, CancellationToken ct)
    {
        var lower = (name ?? "").Trim().ToLowerInvariant();
        return await db.Applications.FirstOrDefaultAsync(a => a.Name.ToLower() == lower, ct)
            ?? throw OrganisationProblem.NotFound("application", name?.Trim() ?? "");
    }

    private static async Task<PipelineIdentity> FindPipelineIdentityAsync(K8PostureDbContext db, string entraId, CancellationToken ct)
    {
        var lower = (entraId ?? "").Trim().Trim('{', '}').ToLowerInvariant();
        return await db.PipelineIdentities.FirstOrDefaultAsync(p => p.EntraId == lower, ct)
            ?? throw OrganisationProblem.NotFound("pipeline identity", entraId?.Trim() ?? "");
    }

    /// <summary>A team named in a request body: unknown is a 400 on that field (the URL was fine).</summary>
    private static async Task<Team> ResolveTeamAsync(K8PostureDbContext db, string field, string? name, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw OrganisationProblem.Invalid(field, $"'{field}' is required.");
        }
        return await FindTeamOrNullAsync(db, name, ct)
            ?? throw OrganisationProblem.Invalid(field, $"No team named '{name.Trim()}'; create it first (POST /api/v1/teams).");
    }

    private static async Task<BusinessUnit?> ResolveBusinessUnitAsync(K8PostureDbContext db, string? name, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return null;
        }
        var lower = name.Trim().ToLowerInvariant();
        return await db.BusinessUnits.FirstOrDefaultAsync(b => b.Name.ToLower() == lower, ct)
            ?? throw OrganisationProblem.Invalid("businessUnit", $"No business unit named '{name.Trim()}'; create it first (POST /api/v1/business-units).");
    }

    private static async Task EnsureBusinessUnitNameFreeAsync(K8PostureDbContext db, string name, int? self, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        if (await db.BusinessUnits.AnyAsync(b => b.Name.ToLower() == lower && b.Id != self, ct))
        {
            throw OrganisationProblem.Conflict($"A business unit named '{name}' already exists.", "name");
        }
    }

    private static async Task EnsureTeamNameFreeAsync(K8PostureDbContext db, string name, int? self, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        if (await db.Teams.AnyAsync(t => t.Name.ToLower() == lower && t.Id != self, ct))
        {
            throw OrganisationProblem.Conflict($"A team named '{name}' already exists.", "name");
        }
    }

    private static async Task EnsureApplicationNameFreeAsync(K8PostureDbContext db, string name, int? self, CancellationToken ct)
    {
        var lower = name.ToLowerInvariant();
        if (await db.Applications.IgnoreQueryFilters().AnyAsync(a => a.Name.ToLower() == lower && a.Id != self, ct))
        {
            throw OrganisationProblem.Conflict($"An application named '{name}' already exists.", "name");
        }
    }

    private static async Task EnsurePipelineIdentityFreeAsync(K8PostureDbContext db, string entraId, int? self, CancellationToken ct)
    {
        if (await db.PipelineIdentities.AnyAsync(p => p.EntraId == entraId && p.Id != self, ct))
        {
            throw OrganisationProblem.Conflict($"Pipeline identity {entraId} is already registered.", "entraId");
        }
    }

    private static (string Name, string? Description, string? Email, string? Channel) ValidateTeam(TeamChange change) => (
        OrganisationValidation.Name("name", change.Name),
        OrganisationValidation.Text("description", change.Description),
        OrganisationValidation.Email("contactEmail", change.ContactEmail),
        OrganisationValidation.Channel("chatChannel", change.ChatChannel));

    private sealed record ValidApplication(string Name, string? Description, DataClassification Classification, string? RegulatoryScope, bool IsVendorProduct, string? RequiredPrivileges)
    {
        public void ApplyTo(Application application)
        {
            application.Description = Description;
            application.DataClassification = Classification;
            application.RegulatoryScope = RegulatoryScope;
            application.IsVendorProduct = IsVendorProduct;
            application.RequiredPrivileges = RequiredPrivileges;
        }
    }

    private static ValidApplication ValidateApplication(ApplicationChange change)
    {
        var name = OrganisationValidation.Name("name", change.Name);
        var description = OrganisationValidation.Text("description", change.Description);
        if (!Enum.IsDefined(change.DataClassification))
        {
            throw OrganisationProblem.Invalid("dataClassification",
                $"'dataClassification' must be one of {string.Join(", ", Enum.GetNames<DataClassification>())}.");
        }
        var regulatory = OrganisationValidation.Text("regulatoryScope", change.RegulatoryScope, 500);
        var privileges = OrganisationValidation.Text("requiredPrivileges", change.RequiredPrivileges);
        return new ValidApplication(name, description, change.DataClassification, regulatory, change.IsVendorProduct, privileges);
    }

    private static string RequiredText(string field, string? value, int maxLength) =>
        OrganisationValidation.Text(field, value, maxLength) ?? throw OrganisationProblem.Invalid(field, $"'{field}' is required.");

    private static string? Term(string? search) => string.IsNullOrWhiteSpace(search) ? null : search.Trim().ToLowerInvariant();

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    private static string? Count(int count, string one, string many) => count == 0 ? null : $"{count} {(count == 1 ? one : many)}";

    private static async Task<string?> BusinessUnitNameAsync(K8PostureDbContext db, int? id, CancellationToken ct) =>
        id is null ? null : await db.BusinessUnits.Where(b => b.Id == id).Select(b => b.Name).FirstOrDefaultAsync(ct);

    private static async Task<string?> TeamNameAsync(K8PostureDbContext db, int? id, CancellationToken ct) =>
        id is null ? null : await db.Teams.Where(t => t.Id == id).Select(t => t.Name).FirstOrDefaultAsync(ct);

    private static object Snapshot(BusinessUnit unit) => new { unit.Name, unit.Description };

    private static object Snapshot(Team team, string? businessUnit) =>
        new { team.Name, businessUnit, team.Description, team.ContactEmail, team.ChatChannel };

    private static object Snapshot(Application application, string team) => new
    {
        application.Name, team, application.Description, application.DataClassification, application.RegulatoryScope,
        application.IsVendorProduct, application.RequiredPrivileges,
    };

    private static object Snapshot(PipelineIdentity identity, string? team) => new { identity.EntraId, identity.DisplayName, team };

    /// <summary>Adds the entity, then its audit event (which names its new id), committed together.</summary>
    private static Task CreateAsync<TEntity>(K8PostureDbContext db, TEntity entity, Action recordAudit, CancellationToken cancellationToken) where TEntity : class =>
        InTransactionAsync(db, async ct =>
        {
            db.Add(entity);
            await db.SaveChangesAsync(ct);
            recordAudit();
            await db.SaveChangesAsync(ct);
        }, cancellationToken);

    /// <summary>Runs <paramref name="work"/> in one transaction (under the provider's retry strategy); a lost race on a unique index is a 409.</summary>
    /// <summary>Runs the work in one transaction; a unique index another writer won meanwhile is a 409 with <paramref name="conflict"/>, not a 500.</summary>
    internal static async Task InTransactionAsync(K8PostureDbContext db, Func<CancellationToken, Task> work, CancellationToken cancellationToken, string? conflict = null)
    {
        try
        {
            await db.Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                await work(ct);
                await transaction.CommitAsync(ct);
            }, cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw OrganisationProblem.Conflict(conflict ?? "Someone changed the organisation at the same time; reload and try again.");
        }
    }

    /// <summary>Saves; a unique index that another writer won meanwhile is a 409, not a 500.</summary>
    private static async Task SaveAsync(K8PostureDbContext db, CancellationToken ct, string? conflict = null)
    {
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            throw OrganisationProblem.Conflict(conflict ?? "Someone changed the organisation at the same time; reload and try again.");
        }
    }
}

/// <summary>Rewrites one parameter of a saved findings view's query string when it names a renamed team or business unit.</summary>
public static class SavedViewQuery
{
    /// <summary>The query string with <paramref name="parameter"/>=<paramref name="oldValue"/> replaced, or null when it has none.</summary>
    public static string? Rename(string queryString, string parameter, string oldValue, string newValue)
    {
        var changed = false;
        var parts = queryString.Split('&');
        for (var i = 0; i < parts.Length; i++)
        {
            var equals = parts[i].IndexOf('=', StringComparison.Ordinal);
            if (equals < 0 || !string.Equals(Uri.UnescapeDataString(parts[i][..equals]), parameter, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }
            var value = Uri.UnescapeDataString(parts[i][(equals + 1)..].Replace('+', ' '));
            if (string.Equals(value.Trim(), oldValue, StringComparison.OrdinalIgnoreCase))
            {
                parts[i] = parts[i][..(equals + 1)] + Uri.EscapeDataString(newValue);
                changed = true;
            }
        }
        return changed ? string.Join('&', parts) : null;
    }
}
