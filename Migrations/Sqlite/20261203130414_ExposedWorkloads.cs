using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class ExposedWorkloads : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<long>(
                name: "ExposureCollectedAt",
                table: "Clusters",
                type: "INTEGER",
                nullable: true);

            migrationBuilder.CreateTable(
                name: "ExposedWorkloads",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    ClusterId = table.Column<int>(type: "INTEGER", nullable: false),
                    NamespaceName = table.Column<string>(type: "TEXT", maxLength: 253, nullable: false),
                    WorkloadKind = table.Column<string>(type: "TEXT", maxLength: 100, nullable: false),
                    WorkloadName = table.Column<string>(type: "TEXT", maxLength: 300, nullable: false),
                    Via = table.Column<int>(type: "INTEGER", nullable: false),
                    Detail = table.Column<string>(type: "TEXT", maxLength: 500, nullable: false),
                    OwnerTeamId = table.Column<int>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_ExposedWorkloads", x => x.Id);
                    table.ForeignKey(
                        name: "FK_ExposedWorkloads_Clusters_ClusterId",
                        column: x => x.ClusterId,
                        principalTable: "Clusters",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "FK_ExposedWorkloads_Teams_OwnerTeamId",
                        column: x => x.OwnerTeamId,
                        principalTable: "Teams",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateIndex(
                name: "IX_ExposedWorkloads_ClusterId_NamespaceName_WorkloadKind_WorkloadName",
                table: "ExposedWorkloads",
                columns: new[] { "ClusterId", "NamespaceName", "WorkloadKind", "WorkloadName" });

            migrationBuilder.CreateIndex(
                name: "IX_ExposedWorkloads_OwnerTeamId",
                table: "ExposedWorkloads",
                column: "OwnerTeamId");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "ExposedWorkloads");

            migrationBuilder.DropColumn(
                name: "ExposureCollectedAt",
                table: "Clusters");
        }
    }
}
