using K8Posture.Features.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<TenancyAssessment> TenancyAssessments => Set<TenancyAssessment>();
}
