using K8Posture.Data;

namespace K8Posture.Features.Tenancy;

public enum AssessmentStatus { Draft, Submitted, Approved, Rejected, Superseded }

/// <summary>
/// One tenancy-risk assessment of an application: the answers, the score and recommendation computed from them, and the
/// Security Team's decision. Owned by the application's team (query filter); a new assessment of the same application
/// supersedes the previous approved one when it is approved, so the rows of an application are its history.
/// </summary>
public sealed class TenancyAssessment
{
    public int Id { get; set; }
    public required string Application { get; set; }
    public int? OwnerTeamId { get; set; }
    public Team? OwnerTeam { get; set; }
    public AssessmentStatus Status { get; set; }
    /// <summary>The <see cref="TenancyAnswers"/> as JSON.</summary>
    public required string AnswersJson { get; set; }
    public int Score { get; set; }
    public TenancyModel Recommendation { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public required string CreatedBy { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public string? SubmittedBy { get; set; }
    public DateTimeOffset? ReviewedAt { get; set; }
    public string? ReviewedBy { get; set; }
    public string? ReviewComment { get; set; }
    /// <summary>Set on approval: 12 months, 6 when the score calls for a dedicated cluster.</summary>
    public DateTimeOffset? ReassessDueAt { get; set; }
}
