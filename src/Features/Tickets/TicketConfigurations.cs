using K8Posture.Data;
using K8Posture.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Tickets;

/// <summary>Column widths of the ticket entities; the code that fills them clips to the same constants.</summary>
public static class TicketColumns
{
    public const int Name = 200;
    public const int LastError = 1000;
    public const int Url = 500;
    public const int Email = 320;
    public const int Secret = 4000;
    public const int Project = 200;
    public const int IssueType = 100;
    public const int Labels = 500;
    public const int Statuses = 1000;
    public const int Status = 100;
    public const int PriorityMap = 500;
    public const int GroupKey = 450;
    public const int Title = 255;
    public const int RemoteKey = 100;
    public const int Assignee = 200;
    public const int Hash = 64;
    public const int IdempotencyKey = 200;
    public const int Argument = 4000;
    public const int EventId = 200;
}

public sealed class TicketConnectionConfiguration : IEntityTypeConfiguration<TicketConnection>
{
    public void Configure(EntityTypeBuilder<TicketConnection> e)
    {
        e.Property(x => x.Name).HasMaxLength(TicketColumns.Name);
        e.HasIndex(x => x.Name).IsUnique();
        e.Property(x => x.BaseUrl).HasMaxLength(TicketColumns.Url);
        e.Property(x => x.UserEmail).HasMaxLength(TicketColumns.Email);
        e.Property(x => x.SecretProtected).HasMaxLength(TicketColumns.Secret);
        e.Property(x => x.LastTestResult).HasMaxLength(TicketColumns.LastError);
    }
}

public sealed class TicketMappingConfiguration : IEntityTypeConfiguration<TicketMapping>
{
    public void Configure(EntityTypeBuilder<TicketMapping> e)
    {
        e.HasIndex(x => x.TeamId).IsUnique();
        e.HasOne<Team>().WithMany().HasForeignKey(x => x.TeamId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne(x => x.Connection).WithMany().HasForeignKey(x => x.ConnectionId).OnDelete(DeleteBehavior.Restrict);
        e.Property(x => x.Project).HasMaxLength(TicketColumns.Project);
        e.Property(x => x.IssueType).HasMaxLength(TicketColumns.IssueType);
        e.Property(x => x.Labels).HasMaxLength(TicketColumns.Labels);
        e.Property(x => x.AreaPath).HasMaxLength(TicketColumns.Project);
        e.Property(x => x.PriorityMap).HasMaxLength(TicketColumns.PriorityMap);
        e.Property(x => x.InProgressStatuses).HasMaxLength(TicketColumns.Statuses);
        e.Property(x => x.ResolvedStatuses).HasMaxLength(TicketColumns.Statuses);
        e.Property(x => x.WontFixStatuses).HasMaxLength(TicketColumns.Statuses);
        e.Property(x => x.DoneStatus).HasMaxLength(TicketColumns.Status);
        e.Property(x => x.ReopenStatus).HasMaxLength(TicketColumns.Status);
    }
}

public sealed class RemoteTicketConfiguration : IEntityTypeConfiguration<RemoteTicket>
{
    public void Configure(EntityTypeBuilder<RemoteTicket> e)
    {
        e.HasOne(x => x.Mapping).WithMany().HasForeignKey(x => x.MappingId).OnDelete(DeleteBehavior.Cascade);
        e.Property(x => x.GroupKey).HasMaxLength(TicketColumns.GroupKey);
        // The idempotency of "create the ticket of this group": a second insert of the same group fails and is re-read.
        e.HasIndex(x => new { x.MappingId, x.GroupKey }).IsUnique();
        e.Property(x => x.Title).HasMaxLength(TicketColumns.Title);
        e.Property(x => x.RemoteId).HasMaxLength(TicketColumns.RemoteKey);
        e.Property(x => x.RemoteKey).HasMaxLength(TicketColumns.RemoteKey);
        e.HasIndex(x => x.RemoteKey);
        e.Property(x => x.RemoteUrl).HasMaxLength(TicketColumns.Url);
        e.Property(x => x.RemoteStatus).HasMaxLength(TicketColumns.Status);
        e.Property(x => x.RemoteAssignee).HasMaxLength(TicketColumns.Assignee);
        e.Property(x => x.BodyHash).HasMaxLength(TicketColumns.Hash);
        e.Property(x => x.LastMirroredCommentId).HasMaxLength(TicketColumns.RemoteKey);
        e.Property(x => x.LastError).HasMaxLength(TicketColumns.LastError);
    }
}

public sealed class RemoteTicketFindingConfiguration : IEntityTypeConfiguration<RemoteTicketFinding>
{
    public void Configure(EntityTypeBuilder<RemoteTicketFinding> e)
    {
        e.HasOne(x => x.Ticket).WithMany(t => t.Findings).HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
        e.HasOne<Finding>().WithMany().HasForeignKey(x => x.FindingId).OnDelete(DeleteBehavior.Cascade);
        e.HasIndex(x => new { x.TicketId, x.FindingId }).IsUnique();
        e.HasIndex(x => x.FindingId);
    }
}

public sealed class TicketOutboxEntryConfiguration : IEntityTypeConfiguration<TicketOutboxEntry>
{
    public void Configure(EntityTypeBuilder<TicketOutboxEntry> e)
    {
        e.ToTable("TicketOutbox");
        e.HasOne<RemoteTicket>().WithMany().HasForeignKey(x => x.TicketId).OnDelete(DeleteBehavior.Cascade);
        e.Property(x => x.IdempotencyKey).HasMaxLength(TicketColumns.IdempotencyKey);
        e.HasIndex(x => x.IdempotencyKey).IsUnique();
        e.Property(x => x.Argument).HasMaxLength(TicketColumns.Argument);
        e.Property(x => x.LastError).HasMaxLength(TicketColumns.LastError);
        e.HasIndex(x => new { x.Status, x.NextAttemptAt });
    }
}

public sealed class TicketWebhookReceiptConfiguration : IEntityTypeConfiguration<TicketWebhookReceipt>
{
    public void Configure(EntityTypeBuilder<TicketWebhookReceipt> e)
    {
        e.Property(x => x.EventId).HasMaxLength(TicketColumns.EventId);
        e.HasIndex(x => new { x.ConnectionId, x.EventId }).IsUnique();
        e.HasIndex(x => x.ReceivedAt);
    }
}
