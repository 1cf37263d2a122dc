using K8Posture.Features.Raci;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<RaciVersion> RaciVersions => Set<RaciVersion>();
}
