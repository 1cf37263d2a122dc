namespace K8Posture.Features.Alerts;

/// <summary>How the IOC classes and triage states read and look on pages and charts.</summary>
public static class IocLabels
{
    public static readonly IReadOnlyList<IocClass> Classes =
    [
        IocClass.PrivilegedContainerSpawn, IocClass.HostMount, IocClass.WriteBelowSystemDirectory,
        IocClass.ServiceAccountTokenAccess, IocClass.CloudMetadataAccess, IocClass.SuspiciousTool, IocClass.Other,
    ];

    public static string Label(this IocClass iocClass) => iocClass switch
    {
        IocClass.PrivilegedContainerSpawn => "Privileged container / runtime socket",
        IocClass.HostMount => "Host root or sensitive hostPath mount",
        IocClass.WriteBelowSystemDirectory => "Write below /etc or /bin",
        IocClass.ServiceAccountTokenAccess => "Service-account token / kube API",
        IocClass.CloudMetadataAccess => "Cloud metadata API",
        IocClass.SuspiciousTool => "nc / ssh / sudo / curl / wget",
        _ => "Other",
    };

    public static string Colour(this IocClass iocClass) => iocClass switch
    {
        IocClass.PrivilegedContainerSpawn => "#b71c1c",
        IocClass.HostMount => "#e65100",
        IocClass.WriteBelowSystemDirectory => "#6a1b9a",
        IocClass.ServiceAccountTokenAccess => "#0d47a1",
        IocClass.CloudMetadataAccess => "#00695c",
        IocClass.SuspiciousTool => "#827717",
        _ => "#616161",
    };

    public static string Label(this AlertTriageState state) => state switch
    {
        AlertTriageState.EscalatedToCirt => "Escalated to CIRT",
        AlertTriageState.FalsePositive => "False positive",
        _ => state.ToString(),
    };
}
