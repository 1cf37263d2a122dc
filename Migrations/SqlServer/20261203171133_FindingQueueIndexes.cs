using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.SqlServer
{
    /// <inheritdoc />
    public partial class FindingQueueIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateIndex(
                name: "IX_Findings_Status_Resolution_KevDateAdded",
                table: "Findings",
                columns: new[] { "Status", "Resolution", "KevDateAdded" });

            migrationBuilder.CreateIndex(
                name: "IX_Findings_Status_Resolution_Severity_SlaDueAt",
                table: "Findings",
                columns: new[] { "Status", "Resolution", "Severity", "SlaDueAt" },
                descending: new[] { false, false, true, false });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_Findings_Status_Resolution_KevDateAdded",
                table: "Findings");

            migrationBuilder.DropIndex(
                name: "IX_Findings_Status_Resolution_Severity_SlaDueAt",
                table: "Findings");
        }
    }
}
