using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace K8Posture.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class FindingSightings : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "RequestedScope",
                table: "IngestBatches",
                type: "TEXT",
                maxLength: 450,
                nullable: true);

            migrationBuilder.CreateTable(
                name: "FindingSightings",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    FindingId = table.Column<long>(type: "INTEGER", nullable: false),
                    Source = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    ScopeKey = table.Column<string>(type: "TEXT", maxLength: 450, nullable: false),
                    FirstSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastSeenAt = table.Column<long>(type: "INTEGER", nullable: false),
                    LastBatchId = table.Column<long>(type: "INTEGER", nullable: true),
                    IsOpen = table.Column<bool>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_FindingSightings", x => x.Id);
                    table.ForeignKey(
                        name: "FK_FindingSightings_Findings_FindingId",
                        column: x => x.FindingId,
                        principalTable: "Findings",
                        principalColumn: "Id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "IX_FindingSightings_FindingId_Source",
                table: "FindingSightings",
                columns: new[] { "FindingId", "Source" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_FindingSightings_Source_ScopeKey_IsOpen",
                table: "FindingSightings",
                columns: new[] { "Source", "ScopeKey", "IsOpen" });
            // Every existing finding was seen by its first reporter: one sighting each, open while the finding is.
            migrationBuilder.Sql(
                "INSERT INTO FindingSightings (FindingId, Source, ScopeKey, FirstSeenAt, LastSeenAt, LastBatchId, IsOpen) "
                + "SELECT Id, Source, ScopeKey, FirstSeenAt, LastSeenAt, LastBatchId, CASE WHEN Status = 0 THEN 1 ELSE 0 END FROM Findings;");

            // Whether older batches named their scope is unknown; treating it as named only costs one re-push its short-circuit.
            migrationBuilder.Sql("UPDATE IngestBatches SET RequestedScope = ScopeKey;");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "FindingSightings");

            migrationBuilder.DropColumn(
                name: "RequestedScope",
                table: "IngestBatches");
        }
    }
}
