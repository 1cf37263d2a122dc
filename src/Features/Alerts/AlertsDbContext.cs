using K8Posture.Features.Alerts;
using K8Posture.Features.Alerts.Siem;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<RuntimeAlert> RuntimeAlerts => Set<RuntimeAlert>();
    public DbSet<RuntimeAlertEvent> RuntimeAlertEvents => Set<RuntimeAlertEvent>();
    public DbSet<SiemOutboxEntry> SiemOutbox => Set<SiemOutboxEntry>();
}
