using K8Posture.Data;
using K8Posture.Features.Ingestion;
using K8Posture.Shared;
using K8Posture.Shared.Http;
using Microsoft.EntityFrameworkCore;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Vex;

/// <summary>What a VEX push or withdrawal did (the answer of <c>POST</c> and <c>DELETE /api/v1/ingest/vex</c>).</summary>
public sealed record VexOutcome(
    string DocumentId, string Format, int Version, string? Author, DateTimeOffset? Timestamp, string? Team, string Result,
    int Statements, int StatementsWithoutProducts, int FindingsMarkedNotAffected, int FindingsBroughtBack);

/// <summary>One document in force (<c>GET /api/v1/vex</c>).</summary>
public sealed record VexDocumentRow(string DocumentId, string Format, int Version, string? Author, DateTimeOffset? Timestamp, DateTimeOffset LoadedAt,
    string LoadedBy, string? Team, int Statements, int NotAffectedStatements, int FindingsNotAffected);

/// <summary>The statement that marks a finding not affected, as the finding's drawer shows it.</summary>
public sealed record VexStatementView(string DocumentId, string Format, int Version, string? Author, DateTimeOffset? DocumentTimestamp, DateTimeOffset Timestamp,
    string VulnerabilityId, string ProductId, IReadOnlyList<string> Subcomponents, VexStatus Status, string? Justification, string? ImpactStatement,
    string? ActionStatement, DateTimeOffset LoadedAt, string LoadedBy);

/// <summary>
/// Loads, replaces and withdraws VEX documents and applies them to findings, all in one transaction through the ingest
/// pipeline (the one write path of findings), audited with before and after. A team-bound caller's document speaks only for
/// its team's findings, and it may replace or withdraw only its team's documents.
/// </summary>
public sealed class VexService(
    IngestPipeline pipeline,
    IDbContextFactory<K8PostureDbContext> contexts,
    DataScope scope,
    AuditLog audit,
    LandscapeChangeNotifier notifier,
    TimeProvider clock)
{
    private const string LockKey = "vex:documents";
    /// <summary>Finding ids listed in an audit event (the counts are always whole).</summary>
    private const int AuditedIdsMax = 1_000;

    public async Task<VexOutcome> LoadAsync(ReadOnlyMemory<byte> payload, string? teamName, CancellationToken cancellationToken)
    {
        var parsed = VexDocumentParser.Parse(payload);
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var (ownerTeamId, ownerTeam) = await OwnerTeamAsync(db, teamName, cancellationToken);
        var outcome = await pipeline.WriteAsync(db, null, [LockKey], "a VEX document", async (d, ct) =>
        {
            var now = clock.GetUtcNow();
            var existing = await d.VexDocuments.IgnoreQueryFilters().Include(x => x.Statements).FirstOrDefaultAsync(x => x.DocumentId == parsed.DocumentId, ct);
            object? before = null;
            List<(string, string?)> keys = [];
            List<long> previousIds = [];
            if (existing is not null)
            {
                RequireOwner(existing, ownerTeamId, "replace");
                if (parsed.Version < existing.Version)
                {
                    throw ProblemException.Conflict("Older VEX document",
                        $"{parsed.DocumentId} is in force at version {existing.Version}; version {parsed.Version} is older. Push a version at least as new.", "version");
                }
                if (parsed.Version == existing.Version && parsed.PayloadSha256 == existing.PayloadSha256)
                {
                    return Outcome(parsed, ownerTeam, "unchanged", VexApplied.None);
                }
                before = Summary(existing);
                keys.AddRange(existing.Statements.Select(s => (s.VulnerabilityId, s.Aliases)));
                previousIds.AddRange(existing.Statements.Select(s => s.Id));
                d.VexStatements.RemoveRange(existing.Statements);
                existing.Statements.Clear();
            }
            var document = existing ?? new VexDocument { DocumentId = parsed.DocumentId, LoadedBy = "", PayloadSha256 = "" };
            document.Format = parsed.Format;
            document.Version = parsed.Version;
            document.Author = parsed.Author;
            document.Timestamp = parsed.Timestamp;
            document.LoadedAt = now;
            document.LoadedBy = Clip(d.Scope.Actor, VexDocumentConfiguration.LoadedByMaxLength)!;
            document.PayloadSha256 = parsed.PayloadSha256;
            document.OwnerTeamId = ownerTeamId;
            foreach (var s in parsed.Statements)
            {
                document.Statements.Add(new VexStatement
                {
                    Ordinal = s.Ordinal,
                    VulnerabilityId = s.VulnerabilityId,
                    Aliases = Clip(Join(s.Aliases), VexStatementConfiguration.AliasesMaxLength),
                    ProductId = s.ProductId,
                    Subcomponents = Clip(Join(s.Subcomponents), VexStatementConfiguration.SubcomponentsMaxLength),
                    Status = s.Status,
                    Justification = Clip(s.Justification, VexStatementConfiguration.JustificationMaxLength),
                    ImpactStatement = Clip(s.ImpactStatement, VexStatementConfiguration.StatementMaxLength),
                    ActionStatement = Clip(s.ActionStatement, VexStatementConfiguration.StatementMaxLength),
                    Timestamp = s.Timestamp ?? now,
                });
            }
            if (existing is null)
            {
                d.VexDocuments.Add(document);
            }
            await d.SaveChangesAsync(ct);
            keys.AddRange(document.Statements.Select(s => (s.VulnerabilityId, s.Aliases)));
            var applied = await VexEvaluator.ApplyAsync(d, VexEvaluator.VulnerabilityKeys(keys), previousIds, null, now,
                $"VEX {parsed.DocumentId} version {parsed.Version} no longer says not_affected", ct);
            audit.Record(d, existing is null ? "vex.document.loaded" : "vex.document.replaced", nameof(VexDocument), parsed.DocumentId,
                before, AfterOf(Summary(document), applied));
            return Outcome(parsed, ownerTeam, existing is null ? "loaded" : "replaced", applied);
        }, cancellationToken);
        if (outcome.FindingsMarkedNotAffected + outcome.FindingsBroughtBack > 0)
        {
            notifier.NotifyFindingsChanged();
        }
        return outcome;
    }

    public async Task<VexOutcome> WithdrawAsync(string documentId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(documentId))
        {
            throw ProblemException.BadRequest("Document id required", "Name the VEX document to withdraw: id=<its @id, serialNumber or sha256:…>.", "id");
        }
        documentId = documentId.Trim();
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var outcome = await pipeline.WriteAsync(db, null, [LockKey], "a VEX withdrawal", async (d, ct) =>
        {
            var existing = await d.VexDocuments.IgnoreQueryFilters().Include(x => x.Statements).FirstOrDefaultAsync(x => x.DocumentId == documentId, ct);
            if (existing is null || !(d.Scope.SeesAllTeams || existing.OwnerTeamId is null || d.Scope.TeamIds.Contains(existing.OwnerTeamId.Value)))
            {
                throw ProblemException.NotFound("Unknown VEX document", $"No VEX document {documentId} is in force.", "id");
            }
            // The Security Team may withdraw any document; a team's key only its team's.
            if (!d.Scope.SeesAllTeams && existing.OwnerTeamId is null)
            {
                throw ProblemException.Forbidden($"VEX document {documentId} was pushed by an organisation-wide key; a team's key may not withdraw it.", "Another owner's VEX document");
            }
            var before = Summary(existing);
            var keys = existing.Statements.Select(s => (s.VulnerabilityId, s.Aliases)).ToList();
            var previousIds = existing.Statements.Select(s => s.Id).ToList();
            d.VexDocuments.Remove(existing);
            await d.SaveChangesAsync(ct);
            var applied = await VexEvaluator.ApplyAsync(d, VexEvaluator.VulnerabilityKeys(keys), previousIds, null, clock.GetUtcNow(),
                $"VEX {documentId} was withdrawn", ct);
            audit.Record(d, "vex.document.withdrawn", nameof(VexDocument), documentId, before, AfterOf(new { Withdrawn = true }, applied));
            var team = existing.OwnerTeamId is { } teamId ? await d.Teams.AsNoTracking().Where(t => t.Id == teamId).Select(t => t.Name).FirstOrDefaultAsync(ct) : null;
            return new VexOutcome(existing.DocumentId, existing.Format.ToString(), existing.Version, existing.Author, existing.Timestamp, team, "withdrawn",
                0, 0, applied.MarkedNotAffected.Count, applied.BroughtBack.Count);
        }, cancellationToken);
        if (outcome.FindingsMarkedNotAffected + outcome.FindingsBroughtBack > 0)
        {
            notifier.NotifyFindingsChanged();
        }
        return outcome;
    }

    public async Task<IReadOnlyList<VexDocumentRow>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await contexts.CreateDbContextAsync(cancellationToken);
        var rows = await db.VexDocuments.AsNoTracking().OrderByDescending(d => d.LoadedAt)
            .Select(d => new
            {
                d.Id, d.DocumentId, d.Format, d.Version, d.Author, d.Timestamp, d.LoadedAt, d.LoadedBy,
                Team = db.Teams.Where(t => t.Id == d.OwnerTeamId).Select(t => t.Name).FirstOrDefault(),
                Statements = d.Statements.Count,
                NotAffected = d.Statements.Count(s => s.Status == VexStatus.NotAffected),
            })
            .ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        // Findings the caller may see that each document's statements mark.
        var marked = await db.Findings.AsNoTracking().Where(f => f.VexStatementId != null)
            .Join(db.VexStatements.AsNoTracking().Where(s => ids.Contains(s.VexDocumentId)), f => f.VexStatementId, s => s.Id, (f, s) => s.VexDocumentId)
            .GroupBy(id => id).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return rows.Select(r => new VexDocumentRow(r.DocumentId, r.Format.ToString(), r.Version, r.Author, r.Timestamp, r.LoadedAt, r.LoadedBy, r.Team,
            r.Statements, r.NotAffected, marked.GetValueOrDefault(r.Id))).ToList();
    }

    /// <summary>The statement that marks the finding not affected, if the caller may see the finding.</summary>
    public static async Task<VexStatementView?> StatementOfAsync(K8PostureDbContext db, long statementId, CancellationToken cancellationToken) =>
        (await db.VexStatements.AsNoTracking().Where(s => s.Id == statementId)
            .Select(s => new { s, s.Document })
            .ToListAsync(cancellationToken))
            .Select(x => new VexStatementView(x.Document!.DocumentId, x.Document.Format.ToString(), x.Document.Version, x.Document.Author, x.Document.Timestamp,
                x.s.Timestamp, x.s.VulnerabilityId, x.s.ProductId, VexEvaluator.Split(x.s.Subcomponents), x.s.Status, x.s.Justification, x.s.ImpactStatement,
                x.s.ActionStatement, x.Document.LoadedAt, x.Document.LoadedBy))
            .FirstOrDefault();

    /// <summary>
    /// An organisation-wide caller's documents speak for every team (team= is refused: a team's document comes from its own key);
    /// a team-bound caller's for its one team (team= picks it among several).
    /// </summary>
    private async Task<(int? Id, string? Name)> OwnerTeamAsync(K8PostureDbContext db, string? teamName, CancellationToken cancellationToken)
    {
        if (scope.SeesAllTeams)
        {
            return string.IsNullOrWhiteSpace(teamName)
                ? (null, null)
                : throw ProblemException.BadRequest("team= not taken", "An organisation-wide key's VEX documents speak for every team; push a team's document with that team's key.", "team");
        }
        if (!string.IsNullOrWhiteSpace(teamName))
        {
            var name = teamName.Trim();
            var id = await db.Teams.AsNoTracking().Where(t => t.Name == name).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken);
            return id is { } teamId && scope.TeamIds.Contains(teamId)
                ? (teamId, name)
                : throw ProblemException.Forbidden($"This key speaks for its own team only, not for team={name}.", "Team not allowed");
        }
        return scope.TeamIds.Count switch
        {
            1 => (scope.TeamIds[0], await db.Teams.AsNoTracking().Where(t => t.Id == scope.TeamIds[0]).Select(t => t.Name).FirstOrDefaultAsync(cancellationToken)),
            0 => throw ProblemException.Forbidden("The caller belongs to no team, so its VEX statements would speak for nobody; use a key bound to a team.", "No team"),
            _ => throw ProblemException.BadRequest("Team required", "The caller belongs to several teams; pass team= to say whose findings the document speaks for.", "team"),
        };
    }

    private static void RequireOwner(VexDocument existing, int? ownerTeamId, string verb)
    {
        if (existing.OwnerTeamId != ownerTeamId)
        {
            throw ProblemException.Forbidden(
                $"VEX document {existing.DocumentId} was pushed {(existing.OwnerTeamId is null ? "by an organisation-wide key" : "for another team")}; only a key of the same {(existing.OwnerTeamId is null ? "kind" : "team")} may {verb} it.",
                "Another owner's VEX document");
        }
    }

    private static VexOutcome Outcome(ParsedVexDocument parsed, string? team, string result, VexApplied applied) =>
        new(parsed.DocumentId, parsed.Format.ToString(), parsed.Version, parsed.Author, parsed.Timestamp, team, result, parsed.Statements.Count,
            parsed.StatementsWithoutProducts, applied.MarkedNotAffected.Count, applied.BroughtBack.Count);

    private static object Summary(VexDocument d) => new
    {
        d.DocumentId, Format = d.Format.ToString(), d.Version, d.Author, d.Timestamp, d.PayloadSha256, d.OwnerTeamId,
        Statements = d.Statements.Count, NotAffected = d.Statements.Count(s => s.Status == VexStatus.NotAffected),
    };

    private static object AfterOf(object document, VexApplied applied) => new
    {
        Document = document,
        FindingsMarkedNotAffected = applied.MarkedNotAffected.Count,
        FindingsBroughtBack = applied.BroughtBack.Count,
        MarkedFindingIds = applied.MarkedNotAffected.Take(AuditedIdsMax).ToList(),
        BroughtBackFindingIds = applied.BroughtBack.Take(AuditedIdsMax).ToList(),
    };

    private static string? Join(IReadOnlyList<string> values) => values.Count == 0 ? null : string.Join('\n', values);
}
