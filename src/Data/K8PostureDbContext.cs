using K8Posture.Shared;
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

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<BusinessUnit>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasIndex(x => x.Name).IsUnique();
        });

        modelBuilder.Entity<Team>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasIndex(x => x.Name).IsUnique();
            e.HasOne(x => x.BusinessUnit).WithMany(x => x.Teams).OnDelete(DeleteBehavior.ClientSetNull);
        });

        modelBuilder.Entity<TeamGroup>(e =>
        {
            e.Property(x => x.EntraGroupId).HasMaxLength(64);
            e.HasIndex(x => x.EntraGroupId).IsUnique();
            e.HasOne(x => x.Team).WithMany(x => x.Groups).OnDelete(DeleteBehavior.Cascade);
        });

        modelBuilder.Entity<Cluster>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasIndex(x => x.Name).IsUnique();
            e.Property(x => x.Environment).HasMaxLength(50);
            e.Property(x => x.Region).HasMaxLength(100);
            e.Property(x => x.CloudAccount).HasMaxLength(200);
            e.Property(x => x.Vpc).HasMaxLength(300);
            e.HasOne(x => x.BusinessUnit).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.Property(x => x.ServerUrl).HasMaxLength(500);
            e.Property(x => x.KubeconfigContext).HasMaxLength(253);
            e.Property(x => x.LastError).HasMaxLength(ColumnLengths.LastError);
            e.Property(x => x.ServerVersion).HasMaxLength(100);
            e.Property(x => x.ObjectCountsJson).HasMaxLength(2000);
            // An app team sees a cluster it owns, or one where it owns at least one namespace.
            e.HasQueryFilter(ClusterVisibilityFilter, c => SeesAllTeams
                || (c.OwnerTeamId != null && VisibleTeamIds.Contains(c.OwnerTeamId.Value))
                || c.Namespaces.Any(n => n.OwnerTeamId != null && VisibleTeamIds.Contains(n.OwnerTeamId.Value)));
        });

        modelBuilder.Entity<ClusterNamespace>(e =>
        {
            e.ToTable("Namespaces");
            e.Property(x => x.Name).HasMaxLength(253);
            e.Property(x => x.Application).HasMaxLength(200);
            e.HasIndex(x => new { x.ClusterId, x.Name }).IsUnique();
            e.HasOne(x => x.Cluster).WithMany(x => x.Namespaces).OnDelete(DeleteBehavior.Cascade);
            e.HasOne(x => x.OwnerTeam).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasQueryFilter(n => SeesAllTeams || (n.OwnerTeamId != null && VisibleTeamIds.Contains(n.OwnerTeamId.Value)));
        });

        modelBuilder.Entity<Finding>(e =>
        {
            e.Property(x => x.Fingerprint).HasMaxLength(64).IsUnicode(false);
            e.Property(x => x.ContentHash).HasMaxLength(64).IsUnicode(false);
            e.Property(x => x.Source).HasMaxLength(ColumnLengths.Source);
            e.Property(x => x.ScopeKey).HasMaxLength(ColumnLengths.ScopeKey);
            e.Property(x => x.Title).HasMaxLength(1000);
            e.Property(x => x.RuleId).HasMaxLength(200);
            e.Property(x => x.VulnerabilityId).HasMaxLength(100);
            e.Property(x => x.Cwe).HasMaxLength(200);
            e.Property(x => x.CvssVector).HasMaxLength(200);
            e.Property(x => x.PackageName).HasMaxLength(300);
            e.Property(x => x.PackageType).HasMaxLength(50);
            e.Property(x => x.Purl).HasMaxLength(1000);
            e.Property(x => x.InstalledVersion).HasMaxLength(200);
            e.Property(x => x.FixedVersion).HasMaxLength(500);
            e.Property(x => x.NamespaceName).HasMaxLength(ColumnLengths.KubernetesName);
            e.Property(x => x.ResourceKind).HasMaxLength(100);
            e.Property(x => x.ResourceName).HasMaxLength(300);
            e.Property(x => x.Container).HasMaxLength(ColumnLengths.KubernetesName);
            e.Property(x => x.ImageRegistry).HasMaxLength(253);
            e.Property(x => x.ImageRepository).HasMaxLength(500);
            e.Property(x => x.ImageTag).HasMaxLength(200);
            e.Property(x => x.ImageDigest).HasMaxLength(100);
            e.Property(x => x.OwaspK8s).HasMaxLength(20);
            e.Property(x => x.PssControl).HasMaxLength(100);
            e.Property(x => x.PrimaryUrl).HasMaxLength(1000);
            e.Property(x => x.Assignee).HasMaxLength(200);
            e.HasIndex(x => x.Fingerprint).IsUnique();
            e.HasIndex(x => new { x.Source, x.ScopeKey, x.Status });
            e.HasIndex(x => new { x.Status, x.Category, x.Severity });
            e.HasIndex(x => new { x.OwnerTeamId, x.Status, x.Severity });
            // The team queue and the SLA-breach job: open findings of a team by due date.
            e.HasIndex(x => new { x.OwnerTeamId, x.Status, x.SlaDueAt });
            e.HasIndex(x => new { x.ClusterId, x.Status });
            // The findings explorer's default order (severity, then last seen) and its per-cluster pages, without a sort of every row.
            e.HasIndex(x => new { x.Status, x.Severity, x.LastSeenAt });
            e.HasIndex(x => new { x.ClusterId, x.Status, x.LastSeenAt });
            e.HasIndex(x => x.VulnerabilityId);
            e.HasOne(x => x.Cluster).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasOne(x => x.OwnerTeam).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasQueryFilter(f => SeesAllTeams || (f.OwnerTeamId != null && VisibleTeamIds.Contains(f.OwnerTeamId.Value)));
        });

        modelBuilder.Entity<FindingEvent>(e =>
        {
            e.Property(x => x.Actor).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.Detail).HasMaxLength(2000);
            e.HasIndex(x => new { x.FindingId, x.At });
            e.HasOne(x => x.Finding).WithMany(x => x.Events).OnDelete(DeleteBehavior.Cascade);
            e.HasQueryFilter(ev => SeesAllTeams || (ev.Finding!.OwnerTeamId != null && VisibleTeamIds.Contains(ev.Finding.OwnerTeamId.Value)));
        });

        modelBuilder.Entity<FindingSighting>(e =>
        {
            e.Property(x => x.Source).HasMaxLength(ColumnLengths.Source);
            e.Property(x => x.ScopeKey).HasMaxLength(ColumnLengths.ScopeKey);
            e.HasIndex(x => new { x.FindingId, x.Source }).IsUnique();
            e.HasIndex(x => new { x.Source, x.ScopeKey, x.IsOpen });
            e.HasOne(x => x.Finding).WithMany(x => x.Sightings).OnDelete(DeleteBehavior.Cascade);
            e.HasQueryFilter(s => SeesAllTeams || (s.Finding!.OwnerTeamId != null && VisibleTeamIds.Contains(s.Finding.OwnerTeamId.Value)));
        });

        modelBuilder.Entity<IngestBatch>(e =>
        {
            e.Property(x => x.Format).HasMaxLength(64);
            e.Property(x => x.Source).HasMaxLength(ColumnLengths.Source);
            e.Property(x => x.ScopeKey).HasMaxLength(ColumnLengths.ScopeKey);
            e.Property(x => x.ClusterName).HasMaxLength(ColumnLengths.ClusterName);
            e.Property(x => x.RequestedScope).HasMaxLength(ColumnLengths.ScopeKey);
            e.Property(x => x.Pipeline).HasMaxLength(ColumnLengths.Pipeline);
            e.Property(x => x.Commit).HasMaxLength(ColumnLengths.Commit);
            e.Property(x => x.Actor).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.PayloadSha256).HasMaxLength(64).IsUnicode(false);
            e.Property(x => x.Error).HasMaxLength(4000);
            e.HasIndex(x => new { x.PayloadSha256, x.ScopeKey });
            e.HasIndex(x => x.ReceivedAt);
            e.HasIndex(x => new { x.Status, x.ReceivedAt });
            e.HasOne(x => x.Team).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
            e.HasQueryFilter(b => SeesAllTeams || (b.TeamId != null && VisibleTeamIds.Contains(b.TeamId.Value)));
        });

        modelBuilder.Entity<ApiKey>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.Prefix).HasMaxLength(20).IsUnicode(false);
            e.Property(x => x.SecretHash).HasMaxLength(64).IsUnicode(false);
            e.Property(x => x.Scopes).HasMaxLength(200);
            e.Property(x => x.CreatedBy).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.RevokedBy).HasMaxLength(ColumnLengths.Actor);
            e.HasIndex(x => x.SecretHash).IsUnique();
            e.HasOne(x => x.Team).WithMany().OnDelete(DeleteBehavior.ClientSetNull);
        });

        modelBuilder.Entity<AuditEvent>(e =>
        {
            e.Property(x => x.Actor).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.Action).HasMaxLength(100);
            e.Property(x => x.EntityType).HasMaxLength(100);
            e.Property(x => x.EntityId).HasMaxLength(200);
            e.HasIndex(x => x.At);
            // Append-only triggers (src/Features/Audit/AuditLogProtection): declared so EF does not use OUTPUT/RETURNING on inserts,
            // which SQL Server refuses on a table with triggers.
            e.ToTable(t =>
            {
                t.HasTrigger(K8Posture.Features.Audit.AuditLogProtection.SqlServerTrigger);
                t.HasTrigger(K8Posture.Features.Audit.AuditLogProtection.SqliteUpdateTrigger);
                t.HasTrigger(K8Posture.Features.Audit.AuditLogProtection.SqliteDeleteTrigger);
            });
            // The Audit page filters by these.
            e.HasIndex(x => new { x.Actor, x.At });
            e.HasIndex(x => new { x.Action, x.At });
            e.HasIndex(x => new { x.EntityType, x.EntityId });
        });

        modelBuilder.Entity<LandscapeSnapshot>(e =>
        {
            e.HasIndex(x => new { x.Day, x.TeamId, x.Category, x.Severity }).IsUnique();
            e.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.ClientSetNull);
            e.HasQueryFilter(s => SeesAllTeams || (s.TeamId != null && VisibleTeamIds.Contains(s.TeamId.Value)));
        });

        // The Security Team's policy is organisation-wide: no query filter.
        modelBuilder.Entity<PolicyVersion>(e =>
        {
            e.Property(x => x.CreatedBy).HasMaxLength(ColumnLengths.Actor);
            e.Property(x => x.Comment).HasMaxLength(1000);
            e.HasIndex(x => x.Version).IsUnique();
        });

        OnAlertsModelCreating(modelBuilder);
        OnInventoryModelCreating(modelBuilder);
        OnGovernanceModelCreating(modelBuilder);
        OnRemediationModelCreating(modelBuilder);
        OnReportsModelCreating(modelBuilder);
        OnLandscapeModelCreating(modelBuilder);
        OnOrganisationModelCreating(modelBuilder);
    }

    // Each feature slice adds its entities in its own part of this class (src/Features/<Feature>/…DbContext.cs),
    // so slices grow the model without editing this file.
    partial void OnAlertsModelCreating(ModelBuilder modelBuilder);
    partial void OnInventoryModelCreating(ModelBuilder modelBuilder);
    partial void OnGovernanceModelCreating(ModelBuilder modelBuilder);
    partial void OnRemediationModelCreating(ModelBuilder modelBuilder);
    partial void OnReportsModelCreating(ModelBuilder modelBuilder);
    partial void OnLandscapeModelCreating(ModelBuilder modelBuilder);
    partial void OnOrganisationModelCreating(ModelBuilder modelBuilder);
}
