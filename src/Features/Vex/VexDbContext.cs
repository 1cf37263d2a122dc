using K8Posture.Features.Vex;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<VexDocument> VexDocuments => Set<VexDocument>();
    public DbSet<VexStatement> VexStatements => Set<VexStatement>();
}
