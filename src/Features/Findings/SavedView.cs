namespace K8Posture.Features.Findings;

/// <summary>A named findings-explorer query string kept for one person (or shared by the Security Team).</summary>
public sealed class SavedView
{
    public const int MaxNameLength = 100;
    public const int MaxQueryLength = 2000;

    public int Id { get; set; }
    /// <summary>The owner's actor name (preferred_username / email), as the data scope reports it.</summary>
    public required string OwnerUserId { get; set; }
    public required string OwnerName { get; set; }
    public required string Name { get; set; }
    /// <summary>The explorer's query string without the leading '?', e.g. "severity=Critical&amp;cluster=prod".</summary>
    public required string QueryString { get; set; }
    /// <summary>Visible to every signed-in person; only the Security Team may share.</summary>
    public bool IsShared { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
