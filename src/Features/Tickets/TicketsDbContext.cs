using K8Posture.Features.Tickets;
using Microsoft.EntityFrameworkCore;

namespace K8Posture.Data;

public abstract partial class K8PostureDbContext
{
    public DbSet<TicketConnection> TicketConnections => Set<TicketConnection>();
    public DbSet<TicketMapping> TicketMappings => Set<TicketMapping>();
    public DbSet<RemoteTicket> RemoteTickets => Set<RemoteTicket>();
    public DbSet<RemoteTicketFinding> RemoteTicketFindings => Set<RemoteTicketFinding>();
    public DbSet<TicketOutboxEntry> TicketOutbox => Set<TicketOutboxEntry>();
    public DbSet<TicketWebhookReceipt> TicketWebhookReceipts => Set<TicketWebhookReceipt>();
}
