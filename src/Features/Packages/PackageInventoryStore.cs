using System.Globalization;
using K8Posture.Data;
using K8Posture.Data.EntityConfigurations;
using K8Posture.Features.Ingestion;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;
using static K8Posture.Shared.ColumnLengths;

namespace K8Posture.Features.Packages;

/// <summary>
/// Keeps what a scan push says about packages and where images run, inside the push's transaction: an SBOM replaces the
/// component set of its image (set-based: one delete, one bulk insert), and so does each image of a Trivy Operator push
/// with SbomReports; a Trivy Operator push replaces the workload images of the report objects it covers. A team's key replaces only its own team's (or an unowned) SBOM, as with findings.
/// After the push, the package watches are evaluated again.
/// </summary>
public sealed class PackageInventoryStore(IDbContextFactory<K8PostureDbContext> contexts, IngestPipeline pipeline, AuditLog audit, PackageWatchEvaluator watches,
    TimeProvider clock, ILogger<PackageInventoryStore> logger) : IScanPushContributor
{
    public const string TrivyOperatorSource = "trivy-operator";
    public const string CollectionSource = "collection";

    /// <summary>
    /// The workload images a cluster collection saw (every pod's containers, by its controller), replacing what the last
    /// collection saw, through the pipeline; then the watches are evaluated again.
    /// </summary>
    public async Task<int> ApplyCollectionAsync(int clusterId, IReadOnlyList<ObservedWorkloadImage> images, IReadOnlyDictionary<string, int> namespaceOwners, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = clock.GetUtcNow();
        var count = await pipeline.WriteAsync(db, null, ["workload-images:" + clusterId.ToString(CultureInfo.InvariantCulture)], "workload images",
            (db, c) => ReplaceWorkloadImagesAsync(db, clusterId, CollectionSource, images, namespaceOwners, null, now, null, c), ct);
        try
        {
            await watches.EvaluateAllAsync("collection", ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            logger.LogWarning(ex, "Evaluating package watches after collecting cluster {ClusterId} failed", clusterId);
        }
        return count;
    }

    public async Task ApplyAsync(K8PostureDbContext db, ScanParseResult parsed, ScanPushContext push, CancellationToken cancellationToken)
    {
        if (parsed.Sbom is { } sbom)
        {
            await ReplaceComponentsAsync(db, sbom, push, cancellationToken);
        }
        // One image can run in many workloads, each with its SbomReport: its components are stored once per push.
        foreach (var imageSbom in (parsed.ImageSboms ?? []).DistinctBy(s => ImageKey(s.Image, push.ScopeKey), StringComparer.Ordinal))
        {
            await ReplaceComponentsAsync(db, imageSbom, push, cancellationToken, keepWhenUnchanged: true);
        }
        if (parsed.WorkloadImages is { } images && push.ClusterId is { } clusterId)
        {
            await ReplaceWorkloadImagesAsync(db, clusterId, TrivyOperatorSource, images, push.NamespaceOwnerTeamIds, push.OwnerTeamId, push.At,
                push.Complete ? null : images.Select(i => (i.NamespaceName, i.WorkloadKind, i.WorkloadName)).ToHashSet(), cancellationToken);
        }
    }

    public async Task AfterCommitAsync(ScanParseResult parsed, ScanPushContext push, CancellationToken cancellationToken)
    {
        if (parsed.Sbom is null && parsed.ImageSboms is null && parsed.WorkloadImages is null)
        {
            return;
        }
        try
        {
            await watches.EvaluateAllAsync("ingest", cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException and not OutOfMemoryException)
        {
            // The push is stored; the watch job evaluates again on its schedule.
            logger.LogWarning(ex, "Evaluating package watches after batch {BatchId} failed", push.BatchId);
        }
    }

    /// <summary>Digest when the SBOM names one, else registry/repository:tag, else the push's scope.</summary>
    public static string ImageKey(ImageReference? image, string scopeKey) => image switch
    {
        { Digest: { } digest } => digest,
        { Tag: { } tag } => $"{image.FullRepository}:{tag}",
        { } => image.FullRepository,
        null => "scope:" + scopeKey,
    };

    /// <param name="keepWhenUnchanged">
    /// Leave the image alone (no rewrite, no audit event) when the same source already stored exactly these components:
    /// every collection re-reads every SbomReport, and most images have not changed since the last one.
    /// </param>
    private async Task ReplaceComponentsAsync(K8PostureDbContext db, SbomDocument sbom, ScanPushContext push, CancellationToken ct, bool keepWhenUnchanged = false)
    {
        var key = Clip(ImageKey(sbom.Image, push.ScopeKey), SbomImageConfiguration.ImageKeyMaxLength);
        await IngestPipeline.LockAsync(db, "sbom:" + key, ct);
        var image = await db.SbomImages.FirstOrDefaultAsync(i => i.ImageKey == key, ct);
        var before = image is null ? null : new { image.Source, image.SbomFormat, image.ComponentCount, image.OwnerTeamId, image.BatchId };
        if (push.ConfinedToTeamId is { } team && image?.OwnerTeamId is { } owner && owner != team)
        {
            throw new IngestRejectedException("SBOM of another team",
                $"The SBOM of {key} was pushed by another team; a team's key replaces only its own team's SBOMs. Ask the Security Team to push shared images with an organisation-wide key.",
                StatusCodes.Status403Forbidden);
        }
        var rows = sbom.Components.Select(c => ToRow(0, c)).ToList();
        if (keepWhenUnchanged && image is not null && image.Source == push.Source && image.ComponentCount == rows.Count
            && image.OwnerTeamId == (push.ConfinedToTeamId ?? push.OwnerTeamId ?? image.OwnerTeamId))
        {
            var stored = await db.SoftwareComponents.AsNoTracking().Where(c => c.SbomImageId == image.Id).OrderBy(c => c.Id)
                .Select(c => new { c.Purl, c.Name, c.Version, c.Licences, c.ComponentType }).ToListAsync(ct);
            if (stored.SequenceEqual(rows.Select(c => new { c.Purl, c.Name, c.Version, c.Licences, c.ComponentType })))
            {
                return;
            }
        }
        if (image is null)
        {
            image = new SbomImage { ImageKey = key, SbomFormat = "", Source = "" };
            db.SbomImages.Add(image);
        }
        image.ImageRegistry = Clip(sbom.Image?.Registry, FindingConfiguration.ImageRegistryMaxLength);
        image.ImageRepository = Clip(sbom.Image?.Repository, FindingConfiguration.ImageRepositoryMaxLength);
        image.ImageTag = Clip(sbom.Image?.Tag, FindingConfiguration.ImageTagMaxLength);
        image.ImageDigest = Clip(sbom.Image?.Digest, FindingConfiguration.ImageDigestMaxLength);
        image.SbomFormat = Clip(sbom.Format, SbomImageConfiguration.SbomFormatMaxLength);
        image.Source = Clip(push.Source, FindingConfiguration.SourceMaxLength);
        image.OwnerTeamId = push.ConfinedToTeamId ?? push.OwnerTeamId ?? image.OwnerTeamId;
        image.BatchId = push.BatchId;
        image.IngestedAt = push.At;
        image.ComponentCount = sbom.Components.Count;
        db.ChangeTracker.DetectChanges();
        await db.SaveChangesAsync(ct);

        await db.SoftwareComponents.Where(c => c.SbomImageId == image.Id).ExecuteDeleteAsync(ct);
        foreach (var row in rows)
        {
            row.SbomImageId = image.Id;
        }
        await BulkInserter.InsertAsync(db, rows, assignIds: false, ct);
        audit.Record(db, "sbom.components", nameof(SbomImage), image.Id.ToString(CultureInfo.InvariantCulture), before, new
        {
            image.ImageKey, image.Source, image.SbomFormat, image.ComponentCount, image.OwnerTeamId, image.BatchId,
        });
    }

    /// <summary>A component row: the purl's type/namespace/name when it parses (the seek key), else the name under type "".</summary>
    public static SoftwareComponent ToRow(long imageId, SbomComponent component)
    {
        var parsed = PackageUrl.TryParse(component.Purl, out var purl) ? purl : null;
        var version = component.Version;
        // rpm carries the epoch as a qualifier; the version ordering needs it in the version.
        if (parsed is { Type: "rpm" } && parsed.Qualifiers.TryGetValue("epoch", out var epoch) && version is not null && !version.Contains(':', StringComparison.Ordinal))
        {
            version = epoch + ":" + version;
        }
        return new SoftwareComponent
        {
            SbomImageId = imageId,
            PurlType = Clip(parsed?.Type ?? "", SoftwareComponentConfiguration.PurlTypeMaxLength),
            PurlNamespace = Clip(parsed?.Namespace ?? "", SoftwareComponentConfiguration.PurlNamespaceMaxLength),
            PurlName = Clip(parsed?.Name ?? component.Name, SoftwareComponentConfiguration.PurlNameMaxLength),
            Purl = Clip(component.Purl, FindingConfiguration.PurlMaxLength),
            Name = Clip(component.Name, FindingConfiguration.PackageNameMaxLength),
            Version = Clip(version ?? parsed?.Version, FindingConfiguration.InstalledVersionMaxLength),
            Licences = Clip(component.Licences, SoftwareComponentConfiguration.LicencesMaxLength),
            ComponentType = Clip(component.Type, SoftwareComponentConfiguration.ComponentTypeMaxLength),
        };
    }

    /// <summary>
    /// Replaces the workload images one source saw in a cluster: all of them (<paramref name="covered"/> null: the source
    /// described the whole cluster), or those of the covered workloads only.
    /// </summary>
    public async Task<int> ReplaceWorkloadImagesAsync(K8PostureDbContext db, int clusterId, string source, IReadOnlyList<ObservedWorkloadImage> images,
        IReadOnlyDictionary<string, int> namespaceOwners, int? ownerTeamId, DateTimeOffset at, IReadOnlySet<(string Namespace, string Kind, string Name)>? covered, CancellationToken ct)
    {
        var existing = await db.WorkloadImages.IgnoreQueryFilters().Where(w => w.ClusterId == clusterId && w.Source == source).ToListAsync(ct);
        var stale = covered is null ? existing : existing.Where(w => covered.Contains((w.NamespaceName, w.WorkloadKind, w.WorkloadName))).ToList();
        var rows = images
            .DistinctBy(i => (i.NamespaceName, i.WorkloadKind, i.WorkloadName, i.Container, i.Image.FullRepository, i.Image.Tag, i.Image.Digest))
            .Select(i => new WorkloadImage
            {
                ClusterId = clusterId,
                NamespaceName = Clip(i.NamespaceName, FindingConfiguration.NamespaceNameMaxLength),
                WorkloadKind = Clip(i.WorkloadKind, WorkloadImageConfiguration.WorkloadKindMaxLength),
                WorkloadName = Clip(i.WorkloadName, FindingConfiguration.ResourceNameMaxLength),
                Container = Clip(i.Container, FindingConfiguration.ContainerMaxLength),
                ImageRegistry = Clip(i.Image.Registry, FindingConfiguration.ImageRegistryMaxLength),
                ImageRepository = Clip(i.Image.Repository, FindingConfiguration.ImageRepositoryMaxLength),
                ImageTag = Clip(i.Image.Tag, FindingConfiguration.ImageTagMaxLength),
                ImageDigest = Clip(i.Image.Digest, FindingConfiguration.ImageDigestMaxLength),
                Source = source,
                OwnerTeamId = namespaceOwners.TryGetValue(i.NamespaceName, out var owner) ? owner : ownerTeamId,
                SeenAt = at,
            }).ToList();
        var staleIds = stale.Select(w => w.Id).ToList();
        foreach (var chunk in staleIds.Chunk(1000))
        {
            await db.WorkloadImages.IgnoreQueryFilters().Where(w => chunk.Contains(w.Id)).ExecuteDeleteAsync(ct);
        }
        foreach (var row in existing)
        {
            db.Entry(row).State = EntityState.Detached;
        }
        await BulkInserter.InsertAsync(db, rows, assignIds: false, ct);
        audit.Record(db, "workload-images.replace", nameof(Cluster), clusterId.ToString(CultureInfo.InvariantCulture),
            new { Source = source, Count = stale.Count }, new { Source = source, Count = rows.Count });
        return rows.Count;
    }
}
