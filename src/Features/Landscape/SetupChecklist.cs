using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Landscape;

/// <summary>The five things a fresh install needs before the landscape means anything, in the order people do them.</summary>
public enum SetupStep
{
    Organisation,
    EntraGroups,
    PipelineKey,
    FirstPush,
    Cluster,
}

/// <summary>
/// Organisation-wide counts behind the first-run checklist. Only numbers: no name, key or finding leaves
/// <see cref="SetupChecklist"/>, so every role may see them.
/// </summary>
public sealed record SetupProgress(
    int Teams,
    int TeamsWithGroups,
    int ActiveApiKeys,
    int PipelineIdentities,
    int ProcessedPushes,
    int ConnectedClusters,
    bool HasFindings)
{
    public static readonly IReadOnlyList<SetupStep> Steps = Enum.GetValues<SetupStep>();

    /// <summary><see cref="ProcessedPushes"/> counts up to this many ("100+").</summary>
    public const int PushCountCap = 100;

    public bool IsDone(SetupStep step) => step switch
    {
        SetupStep.Organisation => Teams > 0,
        SetupStep.EntraGroups => TeamsWithGroups > 0,
        SetupStep.PipelineKey => ActiveApiKeys + PipelineIdentities > 0,
        SetupStep.FirstPush => ProcessedPushes > 0,
        SetupStep.Cluster => ConnectedClusters > 0,
        _ => throw new ArgumentOutOfRangeException(nameof(step), step, "Unknown setup step"),
    };

    public int DoneCount => Steps.Count(IsDone);

    public bool IsComplete => DoneCount == Steps.Count;

    /// <summary>
    /// Something anywhere in the organisation to chart: a finding or a processed push. Until then the landscape shows the
    /// checklist instead of empty charts.
    /// </summary>
    public bool HasData => HasFindings || ProcessedPushes > 0;
}

/// <summary>
/// Reads <see cref="SetupProgress"/> from the real tables. The checklist describes the organisation, not the caller's
/// teams, so it reads past the team query filters (an app-team member's data scope would hide the rows that tick a
/// step); it returns counts only.
/// </summary>
public sealed class SetupChecklist(IDbContextFactory<K8PostureDbContext> contexts)
{
    public async Task<SetupProgress> GetAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var teams = await db.Teams.IgnoreQueryFilters().CountAsync(cancellationToken);
        var teamsWithGroups = await db.TeamGroups.IgnoreQueryFilters().Select(g => g.TeamId).Distinct().CountAsync(cancellationToken);
        var activeKeys = await db.ApiKeys.IgnoreQueryFilters().CountAsync(k => k.RevokedAt == null, cancellationToken);
        var pipelineIdentities = await db.PipelineIdentities.IgnoreQueryFilters().CountAsync(cancellationToken);
        // Capped: the landscape reads this on every visit and the batch history only grows (no index on Status).
        var processedPushes = await db.IngestBatches.IgnoreQueryFilters().Where(b => b.Status == IngestStatus.Processed)
            .OrderBy(b => b.Id).Take(SetupProgress.PushCountCap).CountAsync(cancellationToken);
        // Registered, not discovered: a push naming an unknown cluster creates a discovered one without a connection.
        var connectedClusters = await db.Clusters.IgnoreQueryFilters()
            .CountAsync(c => c.IsManaged && c.ConnectionSecretProtected != null, cancellationToken);
        var hasFindings = await db.Findings.IgnoreQueryFilters().AnyAsync(cancellationToken);
        return new SetupProgress(teams, teamsWithGroups, activeKeys, pipelineIdentities, processedPushes, connectedClusters, hasFindings);
    }
}
