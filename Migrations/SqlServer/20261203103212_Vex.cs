using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class Vex : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "VexStatementId",
                table: "Findings",
                type: "bigint",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "VexDocuments",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    DocumentId = table.Column<string>(type: "nvarchar(450)", maxLength: 450, nullable: false),
                    Format = table.Column<int>(type: "int", nullable: false),
                    Version = table.Column<int>(type: "int", nullable: false),
                    Author = table.Column<string>(type: "nvarchar(300)", maxLength: 300, nullable: true),
                    Timestamp = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: true),
                    LoadedAt = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false),
                    LoadedBy = table.Column<string>(type: "nvarchar(200)", maxLength: 200, nullable: false),
                    PayloadSha256 = table.Column<string>(type: "varchar(64)", unicode: false, maxLength: 64, nullable: false),
                    OwnerTeamId = table.Column<int>(type: "int", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VexDocuments", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "VexStatements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("SqlServer:Identity", "1, 1"),
                    VexDocumentId = table.Column<long>(type: "bigint", nullable: false),
                    Ordinal = table.Column<int>(type: "int", nullable: false),
                    VulnerabilityId = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: false),
                    Aliases = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    ProductId = table.Column<string>(type: "nvarchar(1000)", maxLength: 1000, nullable: false),
                    Subcomponents = table.Column<string>(type: "nvarchar(4000)", maxLength: 4000, nullable: true),
                    Status = table.Column<int>(type: "int", nullable: false),
                    Justification = table.Column<string>(type: "nvarchar(100)", maxLength: 100, nullable: true),
                    ImpactStatement = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    ActionStatement = table.Column<string>(type: "nvarchar(2000)", maxLength: 2000, nullable: true),
                    Timestamp = table.Column<DateTimeOffset>(type: "datetimeoffset", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_VexStatements", x => x.Id);
                    table.ForeignKey(
                        name: "FK_VexStatements_VexDocuments_VexDocumentId",
                        column: x => x.VexDocumentId,
                        principalTable: "VexDocuments",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_Findings_VexStatementId",
                table: "Findings",
                column: "VexStatementId");

            migrationBuilder.CreateIndex(
                name: "IX_VexDocuments_DocumentId",
                table: "VexDocuments",
                column: "DocumentId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_VexStatements_VexDocumentId",
                table: "VexStatements",
                column: "VexDocumentId");

            migrationBuilder.CreateIndex(
                name: "IX_VexStatements_VulnerabilityId",
                table: "VexStatements",
                column: "VulnerabilityId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "VexStatements");

            migrationBuilder.DropTable(
                name: "VexDocuments");

            migrationBuilder.DropIndex(
                name: "IX_Findings_VexStatementId",
                table: "Findings");

            migrationBuilder.DropColumn(
                name: "VexStatementId",
                table: "Findings");
        }
    }
}
