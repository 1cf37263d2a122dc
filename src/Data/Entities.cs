namespace K8Posture.Data;

public sealed class BusinessUnit
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public List<Team> Teams { get; set; } = [];
}

public sealed class Team
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int? BusinessUnitId { get; set; }
    public BusinessUnit? BusinessUnit { get; set; }
    public string? Description { get; set; }
    /// <summary>Where the team is reached: a mailbox or distribution list.</summary>
    public string? ContactEmail { get; set; }
    /// <summary>The team's Microsoft Teams or Slack channel (a name or a link).</summary>
    public string? ChatChannel { get; set; }
    public List<TeamGroup> Groups { get; set; } = [];
}

/// <summary>Maps an Entra ID group object id to a team: membership of the group is membership of the team.</summary>
public sealed class TeamGroup
{
    public int Id { get; set; }
    public int TeamId { get; set; }
    public Team? Team { get; set; }
    public required string EntraGroupId { get; set; }
    /// <summary>The group's display name in Entra ID, for people reading the mapping (the object id is what matches).</summary>
    public string? DisplayName { get; set; }
}

public enum ClusterProvider { Unknown, Aks, Eks, Gke, OpenShift, Rancher, OnPremises, Desktop }

public enum TenancyModel { Unknown, SingleTenant, SharedHardIsolation, SharedStandard }

public sealed class Cluster
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public ClusterProvider Provider { get; set; }
    public string? Environment { get; set; }
    public string? Region { get; set; }
    public string? CloudAccount { get; set; }
    public string? Vpc { get; set; }
    public TenancyModel Tenancy { get; set; }
    /// <summary>Registered by the Security Team (true) or only seen in inventory (false).</summary>
    public bool IsManaged { get; set; } = true;
    public int? BusinessUnitId { get; set; }
    public BusinessUnit? BusinessUnit { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public List<ClusterNamespace> Namespaces { get; set; } = [];

    /// <summary>API server URL (from the kubeconfig context or given); not secret, shown in lists.</summary>
    public string? ServerUrl { get; set; }
    /// <summary>The kubeconfig context used, when registered from a kubeconfig.</summary>
    public string? KubeconfigContext { get; set; }
    /// <summary>
    /// The kubeconfig or bearer token + CA, encrypted with Data Protection (purpose <c>K8Posture.ClusterConnection.v1</c>).
    /// Never returned by any API or page.
    /// </summary>
    public string? ConnectionSecretProtected { get; set; }
    /// <summary>
    /// The team accountable for the cluster itself (it sees the cluster even without owning a namespace). A plain column,
    /// not a foreign key: adding one to an existing SQLite table would rebuild it outside a transaction.
    /// </summary>
    public int? OwnerTeamId { get; set; }
    public int RefreshIntervalMinutes { get; set; } = 15;

    // Collection status, written by ClusterCollectionJob.
    public DateTimeOffset? LastAttemptAt { get; set; }
    public DateTimeOffset? LastSuccessAt { get; set; }
    /// <summary>Short, secret-free reason of the last failed attempt; null after a success.</summary>
    public string? LastError { get; set; }
    public long? LastDurationMs { get; set; }
    public string? ServerVersion { get; set; }
    /// <summary>Object counts of the last successful collection, as a small JSON object (kind → count).</summary>
    public string? ObjectCountsJson { get; set; }
    /// <summary>
    /// When a collection last replaced the cluster's exposed workloads; null for a cluster never collected (only pushed to),
    /// whose findings fall back to the namespace-wide LoadBalancer/NodePort approximation.
    /// </summary>
    public DateTimeOffset? ExposureCollectedAt { get; set; }
}

/// <summary>A Kubernetes namespace; its owner team scopes everything found in it.</summary>
public sealed class ClusterNamespace
{
    public int Id { get; set; }
    public int ClusterId { get; set; }
    public Cluster? Cluster { get; set; }
    public required string Name { get; set; }
    public int? OwnerTeamId { get; set; }
    public Team? OwnerTeam { get; set; }
    public string? Application { get; set; }
}

public enum FindingCategory
{
    KubernetesMisconfiguration,
    ContainerMisconfiguration,
    NetworkPolicyMisconfiguration,
    Vulnerability,
    CloudIamVpcMisconfiguration,
}

/// <summary>Ordered so that a larger value is worse; Unknown is kept, never dropped.</summary>
public enum FindingSeverity { Unknown = 0, Info = 1, Low = 2, Medium = 3, High = 4, Critical = 5 }

/// <summary>Lifecycle driven by the scanners: open while reported, closed when a push of its scope no longer has it.</summary>
public enum FindingStatus { Open = 0, Closed = 1 }

/// <summary>
/// A verdict; it survives re-pushes, closing and reopening. RiskAccepted and FalsePositive are a person's; NotAffected is a
/// supplier's or team's VEX statement (src/Features/Vex), set and cleared only by VEX documents.
/// </summary>
public enum FindingResolution { None = 0, RiskAccepted = 1, FalsePositive = 2, NotAffected = 3 }

/// <summary>
/// Where the owning team's remediation work stands; a third axis beside the scanners' <see cref="FindingStatus"/> and the
/// verdict (<see cref="FindingResolution"/>). Resolved means a person says it is fixed: the next push of its scope
/// confirms it (closes the finding) or, still reporting it, sends it back to Open.
/// </summary>
public enum FindingWorkflow { Open = 0, InProgress = 1, Resolved = 2 }

public sealed class Finding
{
    public long Id { get; set; }
    /// <summary>sha256 (hex) of the tool-independent identity: scope + artifact/resource + package/rule + vulnerability.</summary>
    public required string Fingerprint { get; set; }
    /// <summary>sha256 (hex) of the reported content, to tell updated from unchanged on a re-push.</summary>
    public required string ContentHash { get; set; }
    public required string Source { get; set; }
    public required string ScopeKey { get; set; }
    public FindingCategory Category { get; set; }
    public FindingSeverity Severity { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public string? RuleId { get; set; }
    public string? VulnerabilityId { get; set; }
    public string? Cwe { get; set; }
    public double? CvssScore { get; set; }
    public string? CvssVector { get; set; }
    public double? Epss { get; set; }
    public string? PackageName { get; set; }
    public string? PackageType { get; set; }
    public string? Purl { get; set; }
    public string? InstalledVersion { get; set; }
    public string? FixedVersion { get; set; }
    public int? ClusterId { get; set; }
    public Cluster? Cluster { get; set; }
    public string? NamespaceName { get; set; }
    public string? ResourceKind { get; set; }
    public string? ResourceName { get; set; }
    public string? Container { get; set; }
    public string? ImageRegistry { get; set; }
    public string? ImageRepository { get; set; }
    public string? ImageTag { get; set; }
    public string? ImageDigest { get; set; }
    public string? OwaspK8s { get; set; }
    public string? PssControl { get; set; }
    public string? PrimaryUrl { get; set; }
    /// <summary>Newline-separated reference links.</summary>
    public string? References { get; set; }
    public int? OwnerTeamId { get; set; }
    public Team? OwnerTeam { get; set; }
    public FindingStatus Status { get; set; }
    public FindingResolution Resolution { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public DateTimeOffset? SlaDueAt { get; set; }
    public long? LastBatchId { get; set; }
    /// <summary>The owning team's remediation state (see <see cref="FindingWorkflow"/>); pushes only reset Resolved to Open.</summary>
    public FindingWorkflow Workflow { get; set; }
    /// <summary>The person working on it (a display name or UPN), within the owner team.</summary>
    public string? Assignee { get; set; }
    public List<FindingEvent> Events { get; set; } = [];
    public List<FindingSighting> Sightings { get; set; } = [];

    // Exploit intelligence and priority: written only by the set-based re-score (src/Features/Intel/IntelRescorer.cs), never
    // by pushes and never recorded as finding history, so a new feed or context changes no event and no content hash.
    /// <summary>The CVE the exploit feeds are looked up by: the vulnerability id, or the one CVE its GHSA/advisory aliases.</summary>
    public string? IntelCveId { get; set; }
    /// <summary>CISA KEV: when the CVE was added to the catalog (null: not known exploited).</summary>
    public DateOnly? KevDateAdded { get; set; }
    /// <summary>CISA KEV: the due date CISA set for federal agencies.</summary>
    public DateOnly? KevDueDate { get; set; }
    /// <summary>CISA KEV: knownRansomwareCampaignUse is "Known".</summary>
    public bool KevKnownRansomware { get; set; }
    /// <summary>FIRST EPSS probability (0–1) of the loaded feed; the scanner's own <see cref="Epss"/> is kept apart.</summary>
    public double? EpssFeedScore { get; set; }
    public double? EpssFeedPercentile { get; set; }
    /// <summary>The EPSS feed's score_date.</summary>
    public DateOnly? EpssFeedDate { get; set; }
    /// <summary>Runtime context at the last re-score: the finding's cluster is a production cluster.</summary>
    public bool InProduction { get; set; }
    /// <summary>Runtime context: the workload (or, for services, its namespace) is reachable from outside the cluster.</summary>
    public bool Exposed { get; set; }
    /// <summary>Runtime context: the workload runs privileged (privileged/HostProcess container or runtime socket).</summary>
    public bool Privileged { get; set; }
    /// <summary>Runtime context: a runtime alert on the same workload in the last 7 days.</summary>
    public bool RecentRuntimeAlert { get; set; }
    /// <summary>The documented priority (0–100, src/Features/Intel/FindingPriority.cs); higher is fixed first.</summary>
    public int Priority { get; set; }
    public DateTimeOffset? PriorityScoredAt { get; set; }
    /// <summary>The VEX statement that marks the finding not affected (with <see cref="FindingResolution.NotAffected"/>); set only by src/Features/Vex.</summary>
    public long? VexStatementId { get; set; }
}

/// <summary>
/// One tool's view of a finding. Fingerprints are tool-independent, so Trivy and Grype reporting the same CVE in the same
/// scope share one <see cref="Finding"/>; lifecycle is per source: a push of a source opens or closes only that source's
/// sightings, and the finding closes when none is open any more.
/// </summary>
public sealed class FindingSighting
{
    public long Id { get; set; }
    public long FindingId { get; set; }
    public Finding? Finding { get; set; }
    public required string Source { get; set; }
    public required string ScopeKey { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public long? LastBatchId { get; set; }
    public bool IsOpen { get; set; }
}

public enum FindingEventKind { Created, Updated, Closed, Reopened, ResolutionChanged, WorkflowChanged, AssigneeChanged, Commented, TicketSynced }

/// <summary>History of a finding: what happened, when, and which push or person did it.</summary>
public sealed class FindingEvent
{
    public long Id { get; set; }
    public long FindingId { get; set; }
    public Finding? Finding { get; set; }
    public FindingEventKind Kind { get; set; }
    public DateTimeOffset At { get; set; }
    public long? BatchId { get; set; }
    public string? Actor { get; set; }
    public string? Detail { get; set; }
}

public enum IngestKind { Scans, Alerts, Inventory }

public enum IngestStatus { Received, Processed, Duplicate, Failed }

/// <summary>One push: the raw payload is kept (compressed, with its sha256) before anything is parsed.</summary>
public sealed class IngestBatch
{
    public long Id { get; set; }
    public IngestKind Kind { get; set; }
    public DateTimeOffset ReceivedAt { get; set; }
    public DateTimeOffset? ProcessedAt { get; set; }
    public IngestStatus Status { get; set; }
    public string? Format { get; set; }
    public string? Source { get; set; }
    public string? ScopeKey { get; set; }
    public string? ClusterName { get; set; }
    /// <summary>scope= as the pusher gave it (null: derived from the report); with the sha256 it recognises a re-push before parsing.</summary>
    public string? RequestedScope { get; set; }
    public int? TeamId { get; set; }
    public Team? Team { get; set; }
    public string? Pipeline { get; set; }
    public string? Commit { get; set; }
    public required string Actor { get; set; }
    public required string PayloadSha256 { get; set; }
    public long PayloadBytes { get; set; }
    public required byte[] PayloadCompressed { get; set; }
    public string? Error { get; set; }
    public int Created { get; set; }
    public int Updated { get; set; }
    public int Unchanged { get; set; }
    public int Closed { get; set; }
    public int Reopened { get; set; }
    public long? DuplicateOfBatchId { get; set; }
    /// <summary>
    /// What the push asked for and who asked (its options, the caller's team reach), as JSON: an interrupted push is
    /// processed again from its payload exactly as it was sent. Null on batches stored before recovery existed.
    /// </summary>
    public string? RequestJson { get; set; }
    /// <summary>How often recovery picked the batch up after an interruption; it gives up after a few, so a payload that kills the process cannot loop.</summary>
    public int RecoveryAttempts { get; set; }
    /// <summary>When recovery finished the batch (processed, duplicate or failed) after its push was interrupted.</summary>
    public DateTimeOffset? RecoveredAt { get; set; }
}

/// <summary>A pipeline key: only the sha256 of the secret is stored; the prefix identifies it in lists.</summary>
public sealed class ApiKey
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string Prefix { get; set; }
    public required string SecretHash { get; set; }
    /// <summary>Comma-separated: ingest, evaluate, read, admin.</summary>
    public required string Scopes { get; set; }
    public int? TeamId { get; set; }
    public Team? Team { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public string? RevokedBy { get; set; }
}

/// <summary>Append-only record of every change a person, key or job makes.</summary>
public sealed class AuditEvent
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Actor { get; set; }
    public required string Action { get; set; }
    public required string EntityType { get; set; }
    public string? EntityId { get; set; }
    public string? Before { get; set; }
    public string? After { get; set; }
}

/// <summary>Daily count of open findings by team × category × severity; the trend charts read these.</summary>
public sealed class LandscapeSnapshot
{
    public long Id { get; set; }
    public DateOnly Day { get; set; }
    public int? TeamId { get; set; }
    public FindingCategory Category { get; set; }
    public FindingSeverity Severity { get; set; }
    public int OpenCount { get; set; }
}
