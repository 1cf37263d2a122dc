using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class SavedViews : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_LandscapeSnapshots_TeamId",
                table: "LandscapeSnapshots");

            migrationBuilder.CreateTable(
                name: "LandscapeCells",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Dimension = table.Column<int>(type: "INTEGER", nullable: false),
                    Key = table.Column<string>(type: "TEXT", maxLength: 760, nullable: true),
                    TeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    ClusterId = table.Column<int>(type: "INTEGER", nullable: true),
                    Category = table.Column<int>(type: "INTEGER", nullable: false),
                    Severity = table.Column<int>(type: "INTEGER", nullable: false),
                    Count = table.Column<int>(type: "INTEGER", nullable: false),
                    OverdueCount = table.Column<int>(type: "INTEGER", nullable: false),
                    ExposedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    PrivilegedCount = table.Column<int>(type: "INTEGER", nullable: false),
                    OnTimeCount = table.Column<int>(type: "INTEGER", nullable: false),
                    RemediationHours = table.Column<double>(type: "REAL", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_LandscapeCells", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "SavedViews",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    OwnerUserId = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    OwnerName = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    QueryString = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: false),
                    IsShared = table.Column<bool>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_SavedViews", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_LandscapeSnapshots_TeamId_Day",
                table: "LandscapeSnapshots",
                columns: new[] { "TeamId", "Day" });

            migrationBuilder.CreateIndex(
                name: "IX_Findings_ClusterId_Status_LastSeenAt",
                table: "Findings",
                columns: new[] { "ClusterId", "Status", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_Findings_Status_Severity_LastSeenAt",
                table: "Findings",
                columns: new[] { "Status", "Severity", "LastSeenAt" });

            migrationBuilder.CreateIndex(
                name: "IX_LandscapeCells_Dimension_TeamId_ClusterId",
                table: "LandscapeCells",
                columns: new[] { "Dimension", "TeamId", "ClusterId" });

            migrationBuilder.CreateIndex(
                name: "IX_SavedViews_OwnerUserId_Name",
                table: "SavedViews",
                columns: new[] { "OwnerUserId", "Name" },
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "LandscapeCells");

            migrationBuilder.DropTable(
                name: "SavedViews");

            migrationBuilder.DropIndex(
                name: "IX_LandscapeSnapshots_TeamId_Day",
                table: "LandscapeSnapshots");

            migrationBuilder.DropIndex(
                name: "IX_Findings_ClusterId_Status_LastSeenAt",
                table: "Findings");

            migrationBuilder.DropIndex(
                name: "IX_Findings_Status_Severity_LastSeenAt",
                table: "Findings");

            migrationBuilder.CreateIndex(
                name: "IX_LandscapeSnapshots_TeamId",
                table: "LandscapeSnapshots",
                column: "TeamId");
        }
    }
}
