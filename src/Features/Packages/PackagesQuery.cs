using K8Posture.Data;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Packages;

/// <summary>"Where is it running?" for the caller: the context is bound to the caller's <see cref="DataScope"/>, so the workloads are theirs.</summary>
public sealed class PackagesQuery(IDbContextFactory<K8PostureDbContext> contexts)
{
    /// <exception cref="K8Posture.Shared.Http.ProblemException">The purl or the range does not parse (400 naming it).</exception>
    public async Task<PackageSearchResult> FindAsync(string? purl, string? versionRange, CancellationToken ct)
    {
        var question = PackageQuestion.Parse(purl, versionRange);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await PackageSearch.FindAsync(db, question, ct);
    }
}
