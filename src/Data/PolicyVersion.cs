namespace K8Posture.Data;

/// <summary>One version of the Security Team's policy; the highest version is the current policy. Org-wide, never team-scoped.</summary>
public sealed class PolicyVersion
{
    public int Id { get; set; }
    public int Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public required string Comment { get; set; }
    /// <summary>The <c>PolicyDocument</c> as indented JSON.</summary>
    public required string Document { get; set; }
}
