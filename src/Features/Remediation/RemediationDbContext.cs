using K8Posture.Features.Remediation;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<FindingComment> FindingComments => Set<FindingComment>();
    public DbSet<RiskAcceptance> RiskAcceptances => Set<RiskAcceptance>();
    public DbSet<RiskAcceptanceCoverage> RiskAcceptanceCoverage => Set<RiskAcceptanceCoverage>();
    public DbSet<TeamNotificationTarget> TeamNotificationTargets => Set<TeamNotificationTarget>();
    public DbSet<SlaBreachNotification> SlaBreachNotifications => Set<SlaBreachNotification>();
    public DbSet<RemediationMetricSnapshot> RemediationMetricSnapshots => Set<RemediationMetricSnapshot>();
}
