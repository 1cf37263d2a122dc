using K8Posture.Data;

namespace K8Posture.Features.Alerts;

/// <summary>The study guide's six runtime indicator-of-compromise classes (docs/ARCHITECTURE.md, Runtime IOC classes), and Other.</summary>
public enum IocClass
{
    Other = 0,
    /// <summary>A privileged container spawning containers, or a container reaching the container runtime's socket.</summary>
    PrivilegedContainerSpawn = 1,
    /// <summary>The host's root file system or a sensitive hostPath mounted into a container.</summary>
    HostMount = 2,
    /// <summary>A write below /etc, /bin, /usr/bin, /sbin (system configuration or binaries changed at runtime).</summary>
    WriteBelowSystemDirectory = 3,
    /// <summary>The pod's service-account token read, or the Kubernetes API queried from a pod.</summary>
    ServiceAccountTokenAccess = 4,
    /// <summary>The cloud instance-metadata API (169.254.169.254, metadata.google.internal …) reached from a container.</summary>
    CloudMetadataAccess = 5,
    /// <summary>netcat, ssh, sudo, curl or wget run in a container.</summary>
    SuspiciousTool = 6,
}

/// <summary>A person's verdict on an alert; New until someone looks at it.</summary>
public enum AlertTriageState
{
    New = 0,
    Investigating = 1,
    EscalatedToCirt = 2,
    Benign = 3,
    FalsePositive = 4,
    Resolved = 5,
}

/// <summary>
/// One runtime alert from a sensor (Falco, falcosidekick, StackRox/ACS, CrowdStrike Falcon). Repeats of the same event
/// (same source id, or same rule/cluster/pod/container/process within a minute) are one row with an occurrence count.
/// </summary>
public sealed class RuntimeAlert
{
    public long Id { get; set; }
    /// <summary>falco, falcosidekick, stackrox, crowdstrike.</summary>
    public required string Source { get; set; }
    /// <summary>The sensor's own id of the alert (StackRox alert id, falcosidekick uuid, CrowdStrike DetectId), when it has one.</summary>
    public string? SourceId { get; set; }
    /// <summary>sha256 (hex) of the source id, or of (rule, cluster, namespace, pod, container, process, minute) where there is none.</summary>
    public required string DedupeKey { get; set; }
    /// <summary>The sensor's rule or policy name, kept as sent.</summary>
    public required string Rule { get; set; }
    /// <summary>The sensor's priority or severity, kept as sent (Falco "Warning", StackRox "HIGH_SEVERITY", CrowdStrike "High").</summary>
    public string? Priority { get; set; }
    /// <summary>The priority on K8Posture's scale, for sorting and filtering across sensors.</summary>
    public FindingSeverity Severity { get; set; }
    public IocClass IocClass { get; set; }
    /// <summary>Why the classifier chose the class (the rule name or the field that matched).</summary>
    public string? IocEvidence { get; set; }
    public string? Output { get; set; }
    /// <summary>MITRE ATT&amp;CK tags, sensor tags, StackRox categories; comma-separated.</summary>
    public string? Tags { get; set; }
    public DateTimeOffset OccurredAt { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public int OccurrenceCount { get; set; } = 1;
    public DateTimeOffset ReceivedAt { get; set; }
    public long? LastBatchId { get; set; }
    /// <summary>The cluster as the sensor or the pusher named it, registered or not.</summary>
    public string? ClusterName { get; set; }
    /// <summary>The registered cluster of that name, if any.</summary>
    public int? ClusterId { get; set; }
    public Cluster? Cluster { get; set; }
    public string? NamespaceName { get; set; }
    /// <summary>The workload (e.g. "DaemonSet/ip-masq-agent") where the sensor names it.</summary>
    public string? Workload { get; set; }
    public string? Pod { get; set; }
    public string? Container { get; set; }
    public string? Image { get; set; }
    public string? Process { get; set; }
    public string? CommandLine { get; set; }
    public string? User { get; set; }
    public string? Hostname { get; set; }
    /// <summary>The sensor's evidence (Falco output_fields, the StackRox alert, the CrowdStrike event) as JSON.</summary>
    public string? FieldsJson { get; set; }
    /// <summary>The team owning the namespace (Namespaces table), else the pushing key's team.</summary>
    public int? OwnerTeamId { get; set; }
    public Team? OwnerTeam { get; set; }
    public AlertTriageState Triage { get; set; }
    public string? TriagedBy { get; set; }
    public DateTimeOffset? TriagedAt { get; set; }
    public string? TriageNote { get; set; }
    /// <summary>Id of the Security Team's suppression (policy) that hides this alert; stored, never dropped.</summary>
    public string? SuppressedBy { get; set; }
    public List<RuntimeAlertEvent> Events { get; set; } = [];
}

public enum RuntimeAlertEventKind { Created, Repeated, TriageChanged }

/// <summary>History of an alert: triage changes (who, when, from → to) and repeats.</summary>
public sealed class RuntimeAlertEvent
{
    public long Id { get; set; }
    public long AlertId { get; set; }
    public RuntimeAlert? Alert { get; set; }
    public RuntimeAlertEventKind Kind { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public AlertTriageState? From { get; set; }
    public AlertTriageState? To { get; set; }
    public string? Note { get; set; }
    public long? BatchId { get; set; }
}
