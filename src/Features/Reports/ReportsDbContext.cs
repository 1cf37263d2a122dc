using K8Posture.Features.Reports;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<ExecutiveReport> ExecutiveReports => Set<ExecutiveReport>();
}
