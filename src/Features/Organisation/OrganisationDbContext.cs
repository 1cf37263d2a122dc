using K8Posture.Features.Organisation;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<Application> Applications => Set<Application>();
    public DbSet<PipelineIdentity> PipelineIdentities => Set<PipelineIdentity>();
}
