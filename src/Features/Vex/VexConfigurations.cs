using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace K8Posture.Features.Vex;

public sealed class VexDocumentConfiguration : IEntityTypeConfiguration<VexDocument>
{
    public const int DocumentIdMaxLength = 450;
    public const int AuthorMaxLength = 300;
    public const int LoadedByMaxLength = 200;

    public void Configure(EntityTypeBuilder<VexDocument> e)
    {
        e.Property(x => x.DocumentId).HasMaxLength(DocumentIdMaxLength);
        e.HasIndex(x => x.DocumentId).IsUnique();
        e.Property(x => x.Author).HasMaxLength(AuthorMaxLength);
        e.Property(x => x.LoadedBy).HasMaxLength(LoadedByMaxLength);
        e.Property(x => x.PayloadSha256).HasMaxLength(64).IsUnicode(false);
        e.HasMany(x => x.Statements).WithOne(x => x.Document).HasForeignKey(x => x.VexDocumentId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class VexStatementConfiguration : IEntityTypeConfiguration<VexStatement>
{
    public const int VulnerabilityIdMaxLength = 100;
    public const int AliasesMaxLength = 2000;
    public const int ProductIdMaxLength = 1000;
    public const int SubcomponentsMaxLength = 4000;
    public const int JustificationMaxLength = 100;
    public const int StatementMaxLength = 2000;

    public void Configure(EntityTypeBuilder<VexStatement> e)
    {
        e.Property(x => x.VulnerabilityId).HasMaxLength(VulnerabilityIdMaxLength);
        e.Property(x => x.Aliases).HasMaxLength(AliasesMaxLength);
        e.Property(x => x.ProductId).HasMaxLength(ProductIdMaxLength);
        e.Property(x => x.Subcomponents).HasMaxLength(SubcomponentsMaxLength);
        e.Property(x => x.Justification).HasMaxLength(JustificationMaxLength);
        e.Property(x => x.ImpactStatement).HasMaxLength(StatementMaxLength);
        e.Property(x => x.ActionStatement).HasMaxLength(StatementMaxLength);
        e.HasIndex(x => x.VulnerabilityId);
    }
}
