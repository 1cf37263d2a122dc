namespace K8Posture.Features.Raci;

/// <summary>One saved version of the RACI matrix; the highest version is the matrix in force. Organisation-wide, never team-scoped.</summary>
public sealed class RaciVersion
{
    public int Id { get; set; }
    public int Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public required string Comment { get; set; }
    /// <summary>The <see cref="RaciMatrix"/> as indented JSON.</summary>
    public required string Matrix { get; set; }
    /// <summary>Rule violations of this version when it was saved, so lists and the scorecard need not parse every snapshot.</summary>
    public int ViolationCount { get; set; }
}
