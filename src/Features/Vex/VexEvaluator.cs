using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Vex;

/// <summary>What one evaluation changed: findings now not affected, and findings brought back to open work.</summary>
public sealed record VexApplied(IReadOnlyList<long> MarkedNotAffected, IReadOnlyList<long> BroughtBack, int Restated)
{
    public static readonly VexApplied None = new([], [], 0);
}

/// <summary>
/// Decides, for the findings a change can concern, which VEX statement speaks for each: of the statements in force whose
/// vulnerability and product match the finding (<see cref="VexMatching"/>) and whose document may speak for its team, the
/// newest (statement timestamp, then document version, then the later statement in its document) wins. When that one says
/// not_affected the finding gets the NotAffected verdict and the statement's id; otherwise (affected, fixed,
/// under_investigation, or no statement any more) a finding that VEX had marked goes back to no verdict. A person's verdict
/// (risk accepted, false positive) is never touched. Each change writes a finding event; the caller audits and saves.
/// </summary>
public static class VexEvaluator
{
    private sealed record StatementRow(long Id, long DocumentId, string DocumentKey, int DocumentVersion, int? OwnerTeamId, string? Author, int Ordinal,
        string VulnerabilityId, string? Aliases, string ProductId, string? Subcomponents, VexStatus Status, string? Justification, DateTimeOffset Timestamp)
    {
        public IReadOnlyList<string> AliasList { get; } = Split(Aliases);
        public IReadOnlyList<string> SubcomponentList { get; } = Split(Subcomponents);
    }

    private sealed record Candidate(long Id, int? OwnerTeamId, FindingResolution Resolution, long? VexStatementId, VexFindingFacts Facts);

    /// <summary>
    /// Re-decides the findings whose vulnerability is one of <paramref name="vulnerabilityIds"/> (names and aliases, <see cref="VulnerabilityKeys"/>),
    /// or that a statement of <paramref name="previousStatementIds"/> marked; with <paramref name="fromFindingId"/>, only findings
    /// from that id on (a push's new findings). Findings are read through the caller's scope.
    /// </summary>
    public static async Task<VexApplied> ApplyAsync(K8PostureDbContext db, IReadOnlyCollection<string> vulnerabilityIds, IReadOnlyCollection<long> previousStatementIds,
        long? fromFindingId, DateTimeOffset now, string why, CancellationToken cancellationToken, long? batchId = null)
    {
        if (vulnerabilityIds.Count == 0 && previousStatementIds.Count == 0)
        {
            return VexApplied.None;
        }
        // Each document's own team rule is applied per finding below, so every statement is read here.
        var statements = await db.VexStatements.AsNoTracking().IgnoreQueryFilters()
            .Select(s => new StatementRow(s.Id, s.VexDocumentId, s.Document!.DocumentId, s.Document.Version, s.Document.OwnerTeamId, s.Document.Author, s.Ordinal,
                s.VulnerabilityId, s.Aliases, s.ProductId, s.Subcomponents, s.Status, s.Justification, s.Timestamp))
            .ToListAsync(cancellationToken);
        var ids = vulnerabilityIds.Distinct(StringComparer.Ordinal).ToArray();
        var previous = previousStatementIds.Distinct().ToArray();
        var query = db.Findings.AsNoTracking().Where(f => f.Category == FindingCategory.Vulnerability
            && (f.Resolution == FindingResolution.None || f.Resolution == FindingResolution.NotAffected)
            && ((f.VulnerabilityId != null && ids.Contains(f.VulnerabilityId)) || (f.IntelCveId != null && ids.Contains(f.IntelCveId))
                || (f.VexStatementId != null && previous.Contains(f.VexStatementId.Value))));
        if (fromFindingId is { } from)
        {
            query = query.Where(f => f.Id >= from);
        }
        var candidates = await query
            .Select(f => new Candidate(f.Id, f.OwnerTeamId, f.Resolution, f.VexStatementId,
                new VexFindingFacts(f.VulnerabilityId, f.IntelCveId, f.ImageRegistry, f.ImageRepository, f.ImageTag, f.ImageDigest, f.Purl, f.PackageName, f.InstalledVersion)))
            .ToListAsync(cancellationToken);

        var decisions = new Dictionary<long, StatementRow?>();
        foreach (var candidate in candidates)
        {
            var winner = statements
                .Where(s => s.OwnerTeamId is null || s.OwnerTeamId == candidate.OwnerTeamId)
                .Where(s => VexMatching.VulnerabilityMatches(s.VulnerabilityId, s.AliasList, candidate.Facts)
                    && VexMatching.ProductMatches(s.ProductId, s.SubcomponentList, candidate.Facts))
                .OrderByDescending(s => s.Timestamp).ThenByDescending(s => s.DocumentVersion).ThenByDescending(s => s.Ordinal).ThenByDescending(s => s.Id)
                .FirstOrDefault();
            var notAffected = winner is { Status: VexStatus.NotAffected } ? winner : null;
            var changes = candidate.Resolution == FindingResolution.NotAffected
                ? notAffected is null || notAffected.Id != candidate.VexStatementId
                : notAffected is not null;
            if (changes)
            {
                decisions[candidate.Id] = notAffected;
            }
        }

        var marked = new List<long>();
        var back = new List<long>();
        var restated = 0;
        foreach (var chunk in decisions.Keys.Chunk(2_000))
        {
            var findings = await db.Findings.AsTracking().Where(f => chunk.Contains(f.Id)).ToListAsync(cancellationToken);
            foreach (var finding in findings)
            {
                var statement = decisions[finding.Id];
                var before = finding.Resolution;
                string detail;
                if (statement is not null)
                {
                    detail = $"{before} → NotAffected: VEX {statement.DocumentKey} (version {statement.DocumentVersion}{(statement.Author is null ? "" : $", by {statement.Author}")}) "
                        + $"says not_affected{(statement.Justification is null ? "" : $" ({statement.Justification})")} for {statement.ProductId}.";
                    if (before == FindingResolution.NotAffected)
                    {
                        restated++;
                        detail = $"Still NotAffected, now by VEX {statement.DocumentKey} (version {statement.DocumentVersion}).";
                    }
                    else
                    {
                        marked.Add(finding.Id);
                    }
                    finding.Resolution = FindingResolution.NotAffected;
                    finding.VexStatementId = statement.Id;
                }
                else
                {
                    detail = $"NotAffected → None: {why}; the finding is open again.";
                    finding.Resolution = FindingResolution.None;
                    finding.VexStatementId = null;
                    back.Add(finding.Id);
                }
                db.FindingEvents.Add(new FindingEvent
                {
                    FindingId = finding.Id,
                    Kind = FindingEventKind.ResolutionChanged,
                    At = now,
                    BatchId = batchId,
                    Actor = db.Scope.Actor,
                    Detail = Shared.ColumnLengths.Clip(detail, 2000),
                });
            }
        }
        return new VexApplied(marked, back, restated);
    }

    /// <summary>
    /// The vulnerability names and aliases of statements, as the candidate query takes them: as written, upper-case (CVE-…) and
    /// GitHub's form (GHSA- then lower-case), because the column compares exactly and scanners write ids their own way.
    /// </summary>
    public static IReadOnlyCollection<string> VulnerabilityKeys(IEnumerable<(string Id, string? Aliases)> statements) =>
        statements.SelectMany(s => Split(s.Aliases).Prepend(s.Id))
            .SelectMany(id => new[] { id, id.ToUpperInvariant(), id.Length > 5 ? id[..5].ToUpperInvariant() + id[5..].ToLowerInvariant() : id })
            .ToHashSet(StringComparer.Ordinal);

    public static IReadOnlyList<string> Split(string? joined) =>
        string.IsNullOrEmpty(joined) ? [] : joined.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
