using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class Governance : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "RaciVersions",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Version = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    Comment = table.Column<string>(type: "TEXT", maxLength: 1000, nullable: false),
                    Matrix = table.Column<string>(type: "TEXT", nullable: false),
                    ViolationCount = table.Column<int>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_RaciVersions", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TenancyAssessments",
                columns: table => new
                {
                    Id = table.Column<int>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Application = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    OwnerTeamId = table.Column<int>(type: "INTEGER", nullable: true),
                    Status = table.Column<int>(type: "INTEGER", nullable: false),
                    AnswersJson = table.Column<string>(type: "TEXT", maxLength: 8000, nullable: false),
                    Score = table.Column<int>(type: "INTEGER", nullable: false),
                    Recommendation = table.Column<int>(type: "INTEGER", nullable: false),
                    CreatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    CreatedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: false),
                    UpdatedAt = table.Column<long>(type: "INTEGER", nullable: false),
                    SubmittedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    SubmittedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ReviewedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ReviewedBy = table.Column<string>(type: "TEXT", maxLength: 200, nullable: true),
                    ReviewComment = table.Column<string>(type: "TEXT", maxLength: 2000, nullable: true),
                    ReassessDueAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TenancyAssessments", x => x.Id);
                    table.ForeignKey(
                        name: "FK_TenancyAssessments_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id");
                });

            migrationBuilder.CreateIndex(
                name: "IX_RaciVersions_Version",
                table: "RaciVersions",
                column: "Version",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TenancyAssessments_Application_Status",
                table: "TenancyAssessments",
                columns: new[] { "Application", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_TenancyAssessments_OwnerTeamId_Status",
                table: "TenancyAssessments",
                columns: new[] { "OwnerTeamId", "Status" });

            migrationBuilder.CreateIndex(
                name: "IX_TenancyAssessments_ReassessDueAt",
                table: "TenancyAssessments",
                column: "ReassessDueAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "RaciVersions");

            migrationBuilder.DropTable(
                name: "TenancyAssessments");
        }
    }
}
