namespace K8Posture.Features.Ingestion;

/// <summary>A container image reference split the way registries do: registry, repository, tag, digest.</summary>
public sealed record ImageReference(string Registry, string Repository, string? Tag, string? Digest)
{
    public const string DockerHub = "docker.io";

    /// <summary>Registry and repository without tag or digest: the artifact part of a vulnerability's identity.</summary>
    public string FullRepository => $"{Registry}/{Repository}";

    /// <summary>Parses "nginx", "nginx:1.25", "ghcr.io/org/app:tag", "repo@sha256:…" and "host:5000/app:tag@sha256:…"; null when it is not an image reference.</summary>
    public static ImageReference? TryParse(string? reference)
    {
        if (string.IsNullOrWhiteSpace(reference))
        {
            return null;
        }
        var rest = reference.Trim();
        if (rest.Contains(' ', StringComparison.Ordinal) || rest.EndsWith(".tar", StringComparison.OrdinalIgnoreCase)
            || rest.EndsWith(".tar.gz", StringComparison.OrdinalIgnoreCase) || rest.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith('/') || rest.StartsWith('.'))
        {
            return null;
        }

        string? digest = null;
        var at = rest.IndexOf('@', StringComparison.Ordinal);
        if (at >= 0)
        {
            digest = rest[(at + 1)..];
            rest = rest[..at];
        }

        string? tag = null;
        var lastSlash = rest.LastIndexOf('/');
        var colon = rest.LastIndexOf(':');
        if (colon > lastSlash)
        {
            tag = rest[(colon + 1)..];
            rest = rest[..colon];
        }
        if (rest.Length == 0)
        {
            return null;
        }

        string registry;
        string repository;
        var firstSlash = rest.IndexOf('/');
        var first = firstSlash < 0 ? null : rest[..firstSlash];
        // Docker's rule: the first component is a registry only when it looks like a host.
        if (first is not null && (first.Contains('.', StringComparison.Ordinal) || first.Contains(':', StringComparison.Ordinal) || first == "localhost"))
        {
            registry = first is "index.docker.io" or "registry-1.docker.io" ? DockerHub : first.ToLowerInvariant();
            repository = rest[(firstSlash + 1)..];
        }
        else
        {
            registry = DockerHub;
            repository = rest;
        }
        if (registry == DockerHub && !repository.Contains('/', StringComparison.Ordinal))
        {
            repository = "library/" + repository;
        }
        return repository.Length == 0 ? null : new ImageReference(registry, repository, string.IsNullOrEmpty(tag) ? null : tag, string.IsNullOrEmpty(digest) ? null : digest);
    }
}
