using K8Posture.Features.Intel;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<KevEntry> KevEntries => Set<KevEntry>();
    public DbSet<EpssScore> EpssScores => Set<EpssScore>();
    public DbSet<IntelFeedLoad> IntelFeedLoads => Set<IntelFeedLoad>();
    public DbSet<IntelWorkloadSignal> IntelWorkloadSignals => Set<IntelWorkloadSignal>();
}
