using K8Posture.Features.Clusters;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<ExposedWorkload> ExposedWorkloads => Set<ExposedWorkload>();
}
