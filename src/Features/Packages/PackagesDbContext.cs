using K8Posture.Features.Packages;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<SbomImage> SbomImages => Set<SbomImage>();
    public DbSet<SoftwareComponent> SoftwareComponents => Set<SoftwareComponent>();
    public DbSet<WorkloadImage> WorkloadImages => Set<WorkloadImage>();
    public DbSet<PackageWatch> PackageWatches => Set<PackageWatch>();
}
