using K8Posture.Features.Alerts;
using K8Posture.Features.Findings;
using K8Posture.Features.Inventory;
using K8Posture.Features.Landscape;
using K8Posture.Features.Organisation;
using K8Posture.Features.Packages;
using K8Posture.Features.Remediation;
using K8Posture.Features.Tenancy;
using K8Posture.Features.Tickets;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

/// <summary>
/// The model, shared by one context type per provider (each with its own migrations).
/// Every team-owned entity carries a query filter built from the caller's <see cref="DataScope"/>.
/// </summary>
public abstract partial class K8PostureDbContext(DbContextOptions options, DataScope scope) : DbContext(options), IDataProtectionKeyContext
{
    public DataScope Scope { get; } = scope;

    /// <summary>
    /// The named filter that hides clusters an app team owns no namespace in. A query over rows the caller may
    /// already see (its findings) ignores it, so the cluster a visible finding sits in is shown by name.
    /// </summary>
    public const string ClusterVisibilityFilter = "ClusterVisibility";

    // Read by the query filters; EF Core turns them into parameters per query.
    private bool SeesAllTeams => Scope.SeesAllTeams;
    private IReadOnlyList<int> VisibleTeamIds => Scope.TeamIds;

    public DbSet<BusinessUnit> BusinessUnits => Set<BusinessUnit>();
    public DbSet<Team> Teams => Set<Team>();
    public DbSet<TeamGroup> TeamGroups => Set<TeamGroup>();
    public DbSet<Cluster> Clusters => Set<Cluster>();
    public DbSet<ClusterNamespace> Namespaces => Set<ClusterNamespace>();
    public DbSet<Finding> Findings => Set<Finding>();
    public DbSet<FindingEvent> FindingEvents => Set<FindingEvent>();
    public DbSet<FindingSighting> FindingSightings => Set<FindingSighting>();
    public DbSet<IngestBatch> IngestBatches => Set<IngestBatch>();
    public DbSet<ApiKey> ApiKeys => Set<ApiKey>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<LandscapeSnapshot> LandscapeSnapshots => Set<LandscapeSnapshot>();
    public DbSet<PolicyVersion> PolicyVersions => Set<PolicyVersion>();

    /// <summary>ASP.NET Data Protection keys (cookies, antiforgery, encrypted secrets), shared by every instance.</summary>
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>
    /// Each entity is configured beside it (<c>&lt;Entity&gt;Configuration</c>, an <see cref="IEntityTypeConfiguration{TEntity}"/>);
    /// a slice's DbSets live in its own part of this class (<c>&lt;Slice&gt;DbContext.cs</c>). The team-scope query filters
    /// stay here, together: they read this instance's <see cref="DataScope"/>, which a configuration class cannot reach.
    /// </summary>
    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(K8PostureDbContext).Assembly);

        // An app team sees a cluster it owns, or one where it owns at least one namespace.
        modelBuilder.Entity<Cluster>().HasQueryFilter(ClusterVisibilityFilter, c => SeesAllTeams
            || (c.OwnerTeamId != null && VisibleTeamIds.Contains(c.OwnerTeamId.Value))
            || c.Namespaces.Any(n => n.OwnerTeamId != null && VisibleTeamIds.Contains(n.OwnerTeamId.Value)));
        modelBuilder.Entity<ClusterNamespace>().HasQueryFilter(n => SeesAllTeams || (n.OwnerTeamId != null && VisibleTeamIds.Contains(n.OwnerTeamId.Value)));
        modelBuilder.Entity<Finding>().HasQueryFilter(f => SeesAllTeams || (f.OwnerTeamId != null && VisibleTeamIds.Contains(f.OwnerTeamId.Value)));
        modelBuilder.Entity<FindingEvent>().HasQueryFilter(ev => SeesAllTeams || (ev.Finding!.OwnerTeamId != null && VisibleTeamIds.Contains(ev.Finding.OwnerTeamId.Value)));
        modelBuilder.Entity<FindingSighting>().HasQueryFilter(s => SeesAllTeams || (s.Finding!.OwnerTeamId != null && VisibleTeamIds.Contains(s.Finding.OwnerTeamId.Value)));
        modelBuilder.Entity<IngestBatch>().HasQueryFilter(b => SeesAllTeams || (b.TeamId != null && VisibleTeamIds.Contains(b.TeamId.Value)));
        modelBuilder.Entity<LandscapeSnapshot>().HasQueryFilter(s => SeesAllTeams || (s.TeamId != null && VisibleTeamIds.Contains(s.TeamId.Value)));
        modelBuilder.Entity<RuntimeAlert>().HasQueryFilter(a => SeesAllTeams || (a.OwnerTeamId != null && VisibleTeamIds.Contains(a.OwnerTeamId.Value)));
        modelBuilder.Entity<RuntimeAlertEvent>().HasQueryFilter(ev => SeesAllTeams || (ev.Alert!.OwnerTeamId != null && VisibleTeamIds.Contains(ev.Alert.OwnerTeamId.Value)));
        modelBuilder.Entity<InventoryRecord>().HasQueryFilter(r => SeesAllTeams || (r.OwnerTeamId != null && VisibleTeamIds.Contains(r.OwnerTeamId.Value)));
        modelBuilder.Entity<EgressObservation>().HasQueryFilter(o => SeesAllTeams || (o.OwnerTeamId != null && VisibleTeamIds.Contains(o.OwnerTeamId.Value)));
        modelBuilder.Entity<EgressDaily>().HasQueryFilter(d => SeesAllTeams || (d.OwnerTeamId != null && VisibleTeamIds.Contains(d.OwnerTeamId.Value)));
        modelBuilder.Entity<TenancyAssessment>().HasQueryFilter(a => SeesAllTeams || (a.OwnerTeamId != null && VisibleTeamIds.Contains(a.OwnerTeamId.Value)));
        modelBuilder.Entity<FindingComment>().HasQueryFilter(c => SeesAllTeams || (c.Finding!.OwnerTeamId != null && VisibleTeamIds.Contains(c.Finding.OwnerTeamId.Value)));
        modelBuilder.Entity<RiskAcceptance>().HasQueryFilter(r => SeesAllTeams || (r.OwnerTeamId != null && VisibleTeamIds.Contains(r.OwnerTeamId.Value)));
        modelBuilder.Entity<RiskAcceptanceCoverage>().HasQueryFilter(c => SeesAllTeams || (c.Finding!.OwnerTeamId != null && VisibleTeamIds.Contains(c.Finding.OwnerTeamId.Value)));
        modelBuilder.Entity<TeamNotificationTarget>().HasQueryFilter(t => SeesAllTeams || VisibleTeamIds.Contains(t.TeamId));
        modelBuilder.Entity<SlaBreachNotification>().HasQueryFilter(n => SeesAllTeams || VisibleTeamIds.Contains(n.TeamId));
        modelBuilder.Entity<RemediationMetricSnapshot>().HasQueryFilter(s => SeesAllTeams || (s.TeamId != null && VisibleTeamIds.Contains(s.TeamId.Value)));
        // Same rule as findings: the cells of an app team's findings only.
        modelBuilder.Entity<LandscapeCell>().HasQueryFilter(c => SeesAllTeams || (c.TeamId != null && VisibleTeamIds.Contains(c.TeamId.Value)));
        // A person sees their own views and the ones the Security Team shared; the rows a view shows stay scoped by the findings filter.
        modelBuilder.Entity<SavedView>().HasQueryFilter(v => v.OwnerUserId == CurrentActor || v.IsShared);
        modelBuilder.Entity<Application>().HasQueryFilter(a => SeesAllTeams || VisibleTeamIds.Contains(a.TeamId));
        // Where a package runs is told per workload, by the same rule as its findings.
        modelBuilder.Entity<WorkloadImage>().HasQueryFilter(w => SeesAllTeams || (w.OwnerTeamId != null && VisibleTeamIds.Contains(w.OwnerTeamId.Value)));
        // How a workload is exposed is told by the same rule as its findings.
        modelBuilder.Entity<Features.Clusters.ExposedWorkload>().HasQueryFilter(x => SeesAllTeams || (x.OwnerTeamId != null && VisibleTeamIds.Contains(x.OwnerTeamId.Value)));
        // VEX: an organisation-wide document speaks for everyone (and everyone sees it); a team's only for its team.
        modelBuilder.Entity<Features.Vex.VexDocument>().HasQueryFilter(d => SeesAllTeams || d.OwnerTeamId == null || VisibleTeamIds.Contains(d.OwnerTeamId.Value));
        modelBuilder.Entity<Features.Vex.VexStatement>().HasQueryFilter(s => SeesAllTeams || s.Document!.OwnerTeamId == null || VisibleTeamIds.Contains(s.Document.OwnerTeamId.Value));
        modelBuilder.Entity<TicketMapping>().HasQueryFilter(m => SeesAllTeams || VisibleTeamIds.Contains(m.TeamId));
        modelBuilder.Entity<RemoteTicket>().HasQueryFilter(t => SeesAllTeams || VisibleTeamIds.Contains(t.Mapping!.TeamId));
        modelBuilder.Entity<RemoteTicketFinding>().HasQueryFilter(l => SeesAllTeams || VisibleTeamIds.Contains(l.Ticket!.Mapping!.TeamId));
    }
}
