using K8Posture.Data;
using static K8Posture.Features.Ingestion.Parsers.ComplianceMappings;

namespace K8Posture.Features.Rules.Catalogue;

public sealed class RegistryAllowListRule() : ContainerRule(new RuleInfo(
    "K8P-IMG-001", "Image from a registry outside the allow-list", FindingCategory.ContainerMisconfiguration, FindingSeverity.High, "K04", null,
    "Images from registries the Security Team has not approved (docker.io by default) bring untrusted binaries into the cluster.",
    "Pull the image through the build pipeline into an approved registry (see Policy → Allowed registries), or ask the Security Team to allow it.",
    []))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (container.Image is null)
        {
            yield break;
        }
        if (container.ImageRef is not { } image)
        {
            yield return $"image '{container.Image}' is not a valid image reference.";
        }
        else if (!context.Policy.AllowsImage(image))
        {
            yield return $"image {container.Image} comes from {image.Registry}, which is not in the allowed registries.";
        }
    }
}

public sealed class MutableTagRule() : ContainerRule(new RuleInfo(
    "K8P-IMG-002", "Image tag is latest or missing", FindingCategory.ContainerMisconfiguration, FindingSeverity.High, InsecureWorkload, null,
    "latest (or no tag) changes under the workload: what runs is not what was scanned and approved, and rollbacks are guesses.",
    "Pin a version tag, better the digest (image@sha256:…).",
    ["polaris:tagNotSpecified", "kube-score:container-image-tag"]))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (container.ImageRef is { Digest: null } image && (image.Tag is null || string.Equals(image.Tag, "latest", StringComparison.OrdinalIgnoreCase)))
        {
            yield return image.Tag is null ? $"image {container.Image} has no tag (means latest)." : $"image {container.Image} uses the latest tag.";
        }
    }
}

public sealed class MissingDigestRule() : ContainerRule(new RuleInfo(
    "K8P-IMG-003", "Image not pinned by digest", FindingCategory.ContainerMisconfiguration, FindingSeverity.Low, InsecureWorkload, null,
    "A tag can be moved to other content; only a digest guarantees the scanned image is the one that runs.",
    "Reference the image by digest (repository:tag@sha256:…); let the pipeline resolve it.",
    []))
{
    protected override IEnumerable<string> Check(ContainerView container, ManifestContext context)
    {
        if (container.ImageRef is { Digest: null })
        {
            yield return $"image {container.Image} has no digest.";
        }
    }
}
