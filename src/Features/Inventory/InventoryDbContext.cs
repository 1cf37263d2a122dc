using K8Posture.Features.Inventory;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<InventoryRecord> InventoryRecords => Set<InventoryRecord>();
    public DbSet<EgressObservation> EgressObservations => Set<EgressObservation>();
    public DbSet<EgressDaily> EgressDaily => Set<EgressDaily>();
}
