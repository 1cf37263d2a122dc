using k8s.Models;
using K8Posture.Features.Ingestion;

namespace K8Posture.Features.Clusters;

/// <summary>
/// The images a pod's containers run, named by the workload that owns the pod: a ReplicaSet's pod by its Deployment (the
/// ReplicaSet name less the pod-template-hash), a Job's by its Job, a bare pod by itself. The digest is the one the
/// kubelet reports (<c>imageID</c> "…@sha256:…"), else the one pinned in the spec.
/// </summary>
public static class PodImages
{
    public static IEnumerable<ObservedWorkloadImage> Of(V1Pod pod)
    {
        var ns = pod.Metadata?.NamespaceProperty;
        var name = pod.Metadata?.Name;
        if (string.IsNullOrEmpty(ns) || string.IsNullOrEmpty(name))
        {
            yield break;
        }
        var (kind, workload) = Workload(pod, name);
        var statuses = (pod.Status?.ContainerStatuses ?? []).Concat(pod.Status?.InitContainerStatuses ?? [])
            .GroupBy(s => s.Name, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.First(), StringComparer.Ordinal);
        foreach (var container in (pod.Spec?.Containers ?? []).Concat(pod.Spec?.InitContainers ?? []))
        {
            var image = ImageReference.TryParse(container.Image);
            if (image is null)
            {
                continue;
            }
            var reported = statuses.TryGetValue(container.Name, out var status) ? status.ImageID : null;
            var at = reported?.IndexOf("@sha256:", StringComparison.Ordinal) ?? -1;
            var digest = at >= 0 ? reported![(at + 1)..] : image.Digest;
            yield return new ObservedWorkloadImage(ns, kind, workload, container.Name, image with { Digest = digest });
        }
    }

    private static (string Kind, string Name) Workload(V1Pod pod, string podName)
    {
        var owner = pod.Metadata?.OwnerReferences?.FirstOrDefault(o => o.Controller == true) ?? pod.Metadata?.OwnerReferences?.FirstOrDefault();
        if (owner is null)
        {
            return ("Pod", podName);
        }
        if (owner.Kind == "ReplicaSet" && pod.Metadata?.Labels?.TryGetValue("pod-template-hash", out var hash) == true
            && owner.Name.EndsWith("-" + hash, StringComparison.Ordinal))
        {
            return ("Deployment", owner.Name[..^(hash.Length + 1)]);
        }
        return (owner.Kind, owner.Name);
    }
}
