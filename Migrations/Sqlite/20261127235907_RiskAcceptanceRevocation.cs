using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class RiskAcceptanceRevocation : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RevocationReason",
                table: "RiskAcceptances",
                type: "TEXT",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<long>(
                name: "RevokedAt",
                table: "RiskAcceptances",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RevokedBy",
                table: "RiskAcceptances",
                type: "TEXT",
                maxLength: 200,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "RevocationReason",
                table: "RiskAcceptances");

            migrationBuilder.DropColumn(
                name: "RevokedAt",
                table: "RiskAcceptances");

            migrationBuilder.DropColumn(
                name: "RevokedBy",
                table: "RiskAcceptances");
        }
    }
}
