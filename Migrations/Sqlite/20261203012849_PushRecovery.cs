using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class PushRecovery : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "RecoveredAt",
                table: "IngestBatches",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "RecoveryAttempts",
                table: "IngestBatches",
                type: "INTEGER",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.AddColumn<string>(
                name: "RequestJson",
                table: "IngestBatches",
                type: "TEXT",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "IX_IngestBatches_Status_ReceivedAt",
                table: "IngestBatches",
                columns: new[] { "Status", "ReceivedAt" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_IngestBatches_Status_ReceivedAt",
                table: "IngestBatches");

            migrationBuilder.DropColumn(
                name: "RecoveredAt",
                table: "IngestBatches");

            migrationBuilder.DropColumn(
                name: "RecoveryAttempts",
                table: "IngestBatches");

            migrationBuilder.DropColumn(
                name: "RequestJson",
                table: "IngestBatches");
        }
    }
}
