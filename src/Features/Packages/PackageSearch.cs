using K8Posture.Data;
using K8Posture.Shared;
using K8Posture.Shared.Http;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Features.Packages;

/// <summary>A parsed "where is it running?" question: the package (purl without version) and the versions asked about.</summary>
public sealed record PackageQuestion(PackageUrl Package, VersionRange Range)
{
    /// <summary>The question, or a 400 naming the parameter at fault (<c>purl</c>, <c>versionRange</c>).</summary>
    public static PackageQuestion Parse(string? purl, string? versionRange)
    {
        if (PackageUrl.Parse(purl, out var purlError) is not { } package)
        {
            throw ProblemException.BadRequest("Invalid purl", $"purl: {purlError}", "purl");
        }
        if (VersionRange.Parse(versionRange, VersionOrderings.ForPurlType(package.Type), out var rangeError) is not { } range)
        {
            throw ProblemException.BadRequest("Invalid version range", $"versionRange: {rangeError}", "versionRange");
        }
        return new PackageQuestion(package, range);
    }
}

/// <summary>One container that runs a matching component.</summary>
public sealed record PackageMatch(
    int ClusterId,
    string Cluster,
    string Namespace,
    string WorkloadKind,
    string WorkloadName,
    string Container,
    string Image,
    string? ImageDigest,
    string Component,
    string? ComponentVersion,
    string? ComponentPurl,
    string? Licences,
    int? TeamId,
    string? Team);

/// <summary>The answer: matches (at most <see cref="PackageSearch.MaxMatches"/>), the scheme the range was judged by, and the images that match but run nowhere the caller sees.</summary>
public sealed record PackageSearchResult(string Package, string VersionRange, string VersionOrdering, int ComponentsMatched, int ImagesMatched, bool Truncated, IReadOnlyList<PackageMatch> Matches);

/// <summary>
/// "Where is it running?": components by purl type/namespace/name (one index seek), their versions judged by the range in
/// code, their SBOM images, and the workloads that run those images (by digest, else registry/repository:tag) — the
/// workloads through the caller's <see cref="DataScope"/>, so a team sees its own.
/// </summary>
public static class PackageSearch
{
    public const int MaxMatches = 5000;
    private const int Chunk = 500;

    public static async Task<PackageSearchResult> FindAsync(K8PostureDbContext db, PackageQuestion question, CancellationToken ct)
    {
        var package = question.Package;
        var ns = package.Namespace ?? "";
        var candidates = await db.SoftwareComponents.AsNoTracking()
            .Where(c => c.PurlType == package.Type && c.PurlNamespace == ns && c.PurlName == package.Name)
            .Select(c => new { c.SbomImageId, c.Version, c.Purl, c.Name, c.Licences })
            .ToListAsync(ct);
        var matching = candidates.Where(c => question.Range.Contains(c.Version)).ToList();
        var byImage = matching.GroupBy(c => c.SbomImageId).ToDictionary(g => g.Key, g => g.ToList());

        var images = new List<SbomImage>();
        foreach (var chunk in byImage.Keys.Chunk(Chunk))
        {
            images.AddRange(await db.SbomImages.AsNoTracking().Where(i => chunk.Contains(i.Id)).ToListAsync(ct));
        }
        var byDigest = images.Where(i => i.ImageDigest is not null).ToLookup(i => i.ImageDigest!, StringComparer.Ordinal);
        var byTag = images.Where(i => i.ImageRepository is not null && i.ImageTag is not null)
            .ToLookup(i => (i.ImageRegistry ?? "", i.ImageRepository!, i.ImageTag!));

        var workloads = new List<WorkloadImage>();
        foreach (var chunk in byDigest.Select(g => g.Key).Chunk(Chunk))
        {
            workloads.AddRange(await db.WorkloadImages.AsNoTracking().Where(w => w.ImageDigest != null && chunk.Contains(w.ImageDigest)).ToListAsync(ct));
        }
        foreach (var chunk in byTag.Select(g => g.Key).Chunk(Chunk))
        {
            // Repository and tag each narrow by index; the exact pairs are checked below.
            var repositories = chunk.Select(k => k.Item2).Distinct(StringComparer.Ordinal).ToList();
            var tags = chunk.Select(k => k.Item3).Distinct(StringComparer.Ordinal).ToList();
            workloads.AddRange(await db.WorkloadImages.AsNoTracking()
                .Where(w => w.ImageTag != null && repositories.Contains(w.ImageRepository) && tags.Contains(w.ImageTag)).ToListAsync(ct));
        }

        var clusterIds = workloads.Select(w => w.ClusterId).Distinct().ToList();
        // The caller sees these workloads, so it may see the names of the clusters they run in.
        var clusters = await db.Clusters.IgnoreQueryFilters().AsNoTracking().Where(c => clusterIds.Contains(c.Id)).ToDictionaryAsync(c => c.Id, c => c.Name, ct);
        var teamIds = workloads.Select(w => w.OwnerTeamId).OfType<int>().Distinct().ToList();
        var teams = await db.Teams.AsNoTracking().Where(t => teamIds.Contains(t.Id)).ToDictionaryAsync(t => t.Id, t => t.Name, ct);

        var matches = new List<PackageMatch>();
        foreach (var workload in workloads.DistinctBy(w => w.Id))
        {
            // By digest when both know it; by tag when either does not.
            var runs = workload.ImageDigest is { } digest && byDigest.Contains(digest)
                ? byDigest[digest]
                : byTag[(workload.ImageRegistry, workload.ImageRepository, workload.ImageTag ?? "")]
                    .Where(i => i.ImageDigest is null || workload.ImageDigest is null);
            foreach (var image in runs)
            {
                foreach (var component in byImage[image.Id])
                {
                    matches.Add(new PackageMatch(workload.ClusterId, clusters.GetValueOrDefault(workload.ClusterId) ?? "", workload.NamespaceName,
                        workload.WorkloadKind, workload.WorkloadName, workload.Container, ImageText(workload), workload.ImageDigest ?? image.ImageDigest,
                        component.Name, component.Version, component.Purl, component.Licences,
                        workload.OwnerTeamId, workload.OwnerTeamId is { } team ? teams.GetValueOrDefault(team) : null));
                }
            }
        }
        var ordered = matches
            .DistinctBy(m => (m.ClusterId, m.Namespace, m.WorkloadKind, m.WorkloadName, m.Container, m.ComponentPurl, m.ComponentVersion))
            .OrderBy(m => m.Cluster, StringComparer.Ordinal).ThenBy(m => m.Namespace, StringComparer.Ordinal)
            .ThenBy(m => m.WorkloadKind, StringComparer.Ordinal).ThenBy(m => m.WorkloadName, StringComparer.Ordinal).ThenBy(m => m.Container, StringComparer.Ordinal)
            .ToList();
        return new PackageSearchResult(package.PackageKey, question.Range.Text, question.Range.Scheme.ToString(), matching.Count, byImage.Count,
            ordered.Count > MaxMatches, ordered.Take(MaxMatches).ToList());
    }

    private static string ImageText(WorkloadImage w) =>
        $"{w.ImageRegistry}/{w.ImageRepository}{(w.ImageTag is null ? "" : ":" + w.ImageTag)}";
}
