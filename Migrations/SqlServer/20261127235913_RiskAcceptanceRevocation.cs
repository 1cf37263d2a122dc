using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.SqlServer
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
                type: "nvarchar(2000)",
                maxLength: 2000,
                nullable: true);

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "RevokedAt",
                table: "RiskAcceptances",
                type: "datetimeoffset",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "RevokedBy",
                table: "RiskAcceptances",
                type: "nvarchar(200)",
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
